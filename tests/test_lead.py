"""The standfirst: a lead set apart from the body comes back, and only a real one."""

from ingest.article import Page
from ingest.extract.generic import extract_article
from ingest.extract.lead import anchors, standfirst

LEAD = (
    "Die Stadt will bis 2030 alle Busse elektrisch fahren lassen und "
    "baut dafür drei neue Depots am Stadtrand."
)
BODY = " ".join(
    [
        "Der Gemeinderat hat am Dienstag einen Plan beschlossen, der den Nahverkehr umbaut.",
        "Die ersten zwanzig Busse sollen schon im kommenden Frühjahr unterwegs sein.",
        "Die Kosten trägt zu einem großen Teil das Land, der Rest kommt aus dem Haushalt.",
        "Kritik kommt von der Opposition, die den Zeitplan für zu knapp hält.",
    ]
)


def page(lead_markup: str, description: str = LEAD) -> Page:
    html = f"""<html><head><title>Busse fahren elektrisch | Stadtblatt</title>
    <meta name="description" content="{description}"></head><body>
    <header class="article-header"><h1>Busse fahren elektrisch</h1>{lead_markup}</header>
    <div class="nav"><a href="/a">Politik</a> <a href="/b">Sport</a></div>
    <article><div class="content">{"".join(f"<p>{s}.</p>" for s in BODY.split(". "))}</div>
    </article></body></html>"""
    return Page(url="https://stadtblatt.example/busse", html=html)


def test_a_lead_the_description_repeats_is_put_before_the_body():
    shown = '<div class="teaser"><strong>Die Stadt will</strong> bis 2030 alle Busse ' + (
        "elektrisch fahren lassen und baut dafür drei neue Depots am Stadtrand.</div>"
    )
    article = extract_article(page(shown), None)
    lines = article.text.split("\n")
    assert lines[0] == LEAD
    assert "Der Gemeinderat hat am Dienstag" in lines[1]


def test_quotes_and_spacing_may_differ_between_meta_tag_and_page():
    shown = "<p>Die Stadt will bis 2030 alle Busse &#8222;elektrisch&#8220; fahren lassen und\n"
    shown += "  baut dafür drei neue Depots am Stadtrand.</p>"
    description = LEAD.replace("elektrisch", "'elektrisch'")
    text = "Der Gemeinderat hat am Dienstag einen Plan beschlossen."
    lead = standfirst(page(shown, description).tree, text)
    assert lead == "Die Stadt will bis 2030 alle Busse „elektrisch“ fahren lassen und baut " + (
        "dafür drei neue Depots am Stadtrand."
    )


def test_no_lead_is_added_when_the_text_has_it_already():
    text = f"{LEAD}\n{BODY}"
    assert standfirst(page(f"<p>{LEAD}</p>").tree, text) is None


def test_a_description_shown_only_as_a_link_is_a_teaser_not_a_lead():
    linked = f'<a href="/other"><span>{LEAD}</span></a>'
    assert standfirst(page(linked).tree, BODY) is None


def test_a_description_not_on_the_page_adds_nothing():
    assert standfirst(page("").tree, BODY) is None


def test_a_description_that_is_the_headline_adds_nothing():
    headline = "Busse fahren ab 2030 in der ganzen Stadt elektrisch"
    tree = page(f"<h2>{headline}</h2>", description=headline).tree
    assert standfirst(tree, BODY, title=f"{headline} | Stadtblatt") is None


def test_a_container_holding_much_more_than_the_description_is_not_the_lead():
    wrapper = f"<div>{LEAD} {BODY} {BODY} {BODY}</div>"
    assert standfirst(page(wrapper).tree, "Ein ganz anderer Text steht hier.") is None


def test_search_words_skip_punctuation_and_come_from_several_places():
    quote = "„Wir sind bereit“, sagte die Bürgermeisterin am Montag im Wiener Rathaus."
    assert anchors(quote) == ["sagte die Bürgermeisterin am"]
    assert anchors(LEAD) == [
        "Die Stadt will bis",
        "2030 alle Busse elektrisch",
        "fahren lassen und baut",
    ]


def marked_page(block: str, before_headline: bool = False) -> Page:
    headline = "<h1>Busse fahren elektrisch</h1>"
    header = f"{block}{headline}" if before_headline else f"{headline}{block}"
    html = f"""<html><head><title>Busse</title></head><body><header>{header}</header>
    <article>{"".join(f"<p>{s}.</p>" for s in BODY.split(". "))}</article></body></html>"""
    return Page(url="https://stadtblatt.example/busse", html=html)


def test_a_block_the_markup_names_a_lead_is_put_before_the_body():
    article = extract_article(marked_page(f'<p class="article-intro">{LEAD}</p>'), None)
    assert article.text.split("\n")[0] == LEAD


def test_lead_like_class_names_that_are_not_a_lead_add_nothing():
    tree = marked_page(f'<div class="leaderboard-ad">{LEAD}</div>').tree
    assert standfirst(tree, BODY) is None


def test_a_lead_block_with_links_is_a_teaser_card_not_a_lead():
    card = f'<div class="intro">{LEAD} <a href="/more">Mehr</a></div>'
    assert standfirst(marked_page(card).tree, BODY) is None


def test_a_lead_block_above_the_headline_belongs_to_something_else():
    tree = marked_page(f'<p class="intro">{LEAD}</p>', before_headline=True).tree
    assert standfirst(tree, BODY) is None


# -- each rule at its bounds ----------------------------------------------------------------


def test_a_description_of_five_words_is_a_lead_of_four_a_label():
    five = "Busse fahren bald elektrisch überall"
    assert standfirst(page(f"<p>{five}</p>", five).tree, BODY) == five
    four = "Busse fahren bald elektrisch"
    assert standfirst(page(f"<p>{four}</p>", four).tree, BODY) is None


def test_a_description_too_short_does_not_stop_the_next_one():
    html = page(f"<p>{LEAD}</p>").html.replace(
        '<meta name="description"',
        '<meta name="description" content="Kurz"><meta property="og:description"',
    )
    assert standfirst(Page(url="https://stadtblatt.example/busse", html=html).tree, BODY) == LEAD


def test_the_lead_is_the_block_around_inline_markup_and_never_a_link_or_a_form():
    half = LEAD.index(" und ")
    split = f"<p><em>{LEAD[:half]}</em>{LEAD[half:]}</p>"
    assert standfirst(page(split).tree, BODY) == LEAD
    assert standfirst(page(f"<textarea>{LEAD}</textarea>").tree, BODY) is None
    assert standfirst(page(f'<a href="/x"><div>{LEAD}</div></a>').tree, BODY) is None
    teaser_first = f'<a href="/x">{LEAD}</a><p>{LEAD}</p>'
    assert standfirst(page(teaser_first).tree, BODY) == LEAD
    five_teasers = f'<a href="/x">{LEAD}</a>' * 5
    assert standfirst(page(f"{five_teasers}<p>{LEAD}</p>").tree, BODY) is None
    four_teasers = f'<a href="/x">{LEAD}</a>' * 4
    assert standfirst(page(f"{four_teasers}<p>{LEAD}</p>").tree, BODY) == LEAD


def test_a_block_may_hold_three_times_the_description_and_fifty_characters():
    room = 3 * len(LEAD) + 50 - len(LEAD) - 1
    exact = f"<div>{LEAD} {'x' * room}</div>"
    assert standfirst(page(exact).tree, BODY) == f"{LEAD} {'x' * room}"
    assert standfirst(page(exact.replace("x<", "xx<")).tree, BODY) is None


def test_a_marked_lead_by_id_of_twelve_to_a_hundred_and_twenty_words():
    def lead(words: int, attribute: str = 'id="lead"') -> str | None:
        block = " ".join(["Wort"] * (words - 1) + ["Ende."])
        return standfirst(marked_page(f"<p {attribute}>{block}</p>").tree, BODY)

    assert lead(12) and lead(120)
    assert lead(11) is None and lead(121) is None
    assert lead(12, 'class="intro"') and not lead(12, 'class="note"')


def test_a_marked_lead_after_other_blocks_but_not_a_link_or_a_lead_already_in_the_text():
    other = '<div class="meta">Von Anna Berg</div>'
    assert standfirst(marked_page(f'{other}<p class="intro">{LEAD}</p>').tree, BODY) == LEAD
    link = f'<a class="intro">{LEAD}</a>'
    assert standfirst(marked_page(link).tree, BODY) is None
    tree = marked_page(f'<p class="intro">{LEAD}</p>').tree
    assert standfirst(tree, f"{BODY}\n{LEAD}") is None
    # the lead's first 80 characters in the text are enough to say it is there
    start = lead_folded()[:80]
    assert standfirst(tree, f"{BODY}\n{start}zzz") is None


def lead_folded() -> str:
    from ingest.extract.lead import folded

    return folded(LEAD)


def test_a_marked_lead_needs_the_texts_first_line_found_and_a_headline():
    tree = marked_page(f'<p class="intro">{LEAD}</p>').tree
    assert standfirst(tree, f"Kurz.\n{BODY}") is None
    assert standfirst(tree, f"Kurz.\n{BODY}\nEnde.") is None
    first = "Erste Worte stehen nirgends sonst, Der Gemeinderat hat am Dienstag."
    assert standfirst(tree, f"{first}\n{BODY}") is None
    headless = marked_page(f'<p class="intro">{LEAD}</p>').tree
    for h1 in headless.xpath("//h1"):
        h1.getparent().remove(h1)
    assert standfirst(headless, BODY) is None


def test_a_lead_written_without_spaces_is_found_by_its_characters():
    lead = "市政府计划到二零三零年让所有公交车都使用电力，并在城市周边新建三个车库。"
    body = "".join(
        f"<p>{s}</p>"
        for s in [
            "市议会星期二通过了一项改造公共交通的计划，首批二十辆电动公交车将在明年春天投入运营。",
            "大部分费用由省政府承担，其余部分来自市政预算，反对派则认为这个时间表过于紧张。",
        ]
    )
    html = f"""<html><head><title>公交车改用电力</title>
    <meta name="description" content="{lead}"></head><body>
    <header class="article-header"><h1>公交车改用电力</h1>
    <div class="teaser"><strong>市政府计划</strong>{lead.removeprefix("市政府计划")}</div></header>
    <article><div class="content">{body}</div></article></body></html>"""
    assert anchors(lead) == ["市政府计划到二零", "并在城市周边新建"]
    assert anchors("WASHINGTON —") == []  # few spaces, and few words: a dateline, no lead
    dated = "新华社北京3月1日电 （记者 张三） 国务院总理李强1日主持召开国务院常务会议"
    assert anchors(dated) == ["新华社北京3月1", "国务院总理李强1"]  # a spaced dateline first
    shown = standfirst(Page(url="https://news.example/bus", html=html).tree, "市议会星期二")
    assert shown == lead
