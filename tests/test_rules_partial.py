"""When an outlet's rules read part of a story: the rest is added back, and it says so.

A redesign moves some of a story's paragraphs where the outlet's ``paragraphs``
rule no longer reaches (one ``div`` deeper, under another tag), and the rule
reads the rest: too much for the rules to have missed the page, too little to be
the story. The generic path's lines that the page places in the story (inside
the outlet's ``body``, after its first matched paragraph, prose, or between
matched paragraphs a short sentence, a subheading or a line marked up as they are,
not mostly links, not boilerplate) are added in page order; provenance says
``outlet_rules: partial`` and ``crawl_health`` counts it as ``rules_partial``.
"""

import json
import sys
from dataclasses import replace

import lxml.html
import pytest
import test_outlets
from test_datasette import datasette, query
from test_rules_missed import PARAGRAPHS, PLUGIN, SEEN, extract, fixture, story_html

from ingest.article import Page
from ingest.extract.generic import chosen_text, judged_by
from ingest.extract.process import process_page
from ingest.extract.union import is_prose
from ingest.plugins.manager import PluginConfig, load_plugins
from ingest.plugins.outlet import Outlet
from ingest.store.writer import Store

from conftest import FAST, rows, run_ingest
from sites import LocalSite, Resource

GUARDIAN_BODY = "div.article-body-viewer-selector"


def moved_deeper(html: str, container: str, pick: slice) -> tuple[str, list[str]]:
    """The page with the picked paragraphs of ``container`` each wrapped in a new ``div``
    (so ``container > p`` misses them), and those paragraphs' texts."""
    tree = lxml.html.document_fromstring(html)
    moved = tree.cssselect(f"{container} > p")[pick]
    for p in moved:
        wrapper = lxml.html.Element("div", {"class": "paragraph-v2"})
        wrapper.tail, p.tail = p.tail, None
        p.addprevious(wrapper)
        wrapper.append(p)
    return lxml.html.tostring(tree, encoding="unicode"), [
        " ".join(p.text_content().split()) for p in moved
    ]


def test_paragraphs_moved_out_of_the_rules_reach_come_back_in_order():
    expected, html = fixture("guardian", "TheGuardian_1")
    html, moved = moved_deeper(html, GUARDIAN_BODY, slice(1, None, 2))
    assert len(moved) == 7
    outcome = process_page(load_plugins(PluginConfig.default()), expected["url"], html)
    article = outcome.article
    # Every paragraph, each in its place: the text of the page as saved.
    assert article["text"] == extract("guardian", "TheGuardian_1")["text"]
    assert all(line in article["text"].split("\n") for line in moved)
    assert article["provenance"] == {
        "outlet_rules": "partial",
        "language": "ingest.extract.normalize",
    }
    assert "guardian" in article["plugins"]  # the rules still shaped the text


def renamed(html: str, container: str, pick: slice) -> str:
    """The page with the picked paragraphs of ``container`` made ``div``s without a class:
    a redesign's new markup, which ``container > p`` misses and which trafilatura's main
    pass skips on a page with enough ``<p>`` text."""
    tree = lxml.html.document_fromstring(html)
    for paragraph in tree.cssselect(f"{container} > p")[pick]:
        paragraph.tag = "div"
        paragraph.attrib.clear()
    return lxml.html.tostring(tree, encoding="unicode")


def test_paragraphs_renamed_beside_the_matched_ones_come_back_though_the_generic_text_lacks_them():
    expected, html = fixture("guardian", "TheGuardian_1")
    html = renamed(html, GUARDIAN_BODY, slice(1, None, 2))
    page = Page(url=expected["url"], html=html)
    generic = judged_by(page, load_plugins(PluginConfig.default()).outlet_for(expected["url"]))
    saved = extract("guardian", "TheGuardian_1")["text"].split("\n")
    assert sum(line not in generic.split("\n") for line in saved) >= 5  # most renamed: lost
    article = process_page(load_plugins(PluginConfig.default()), expected["url"], html).article
    assert article["text"].split("\n") == saved
    assert article["provenance"]["outlet_rules"] == "partial"


#: Elements beside a story's paragraphs that are none of them, each a sentence.
BESIDE = {
    "a bio": '<div class="bio">Ada Writer is a reporter who covers the environment for us.</div>',
    "a caption": '<div class="caption">The flooded square on Monday. Photo: John Doe.</div>',
    "a note": '<div class="more">Read more about the flood in our special report on it.</div>',
    "hidden": "<div hidden>Please enable JavaScript to view the comments on this story.</div>",
    "not shown": '<div style="display: none">You have reached your limit of free articles.</div>',
    "a form": "<form>Enter your email address to get our daily briefing every morning.</form>",
    "a label": "<label>Enter your email address to get our daily briefing every morning.</label>",
}


#: Two paragraphs a redesign renamed alike.
ONE = "A renamed paragraph of the story, one of a run."
TWO = "Another renamed paragraph of the story, alike."


def test_the_unmatched_lines_in_the_story_are_those_of_runs_of_shown_prose_leaves():
    from ingest.extract.union import unmatched_paragraphs

    one, two = ONE, TWO
    story = lxml.html.fragment_fromstring(
        f"<div><p>{PARAGRAPHS[0]}</p><div>{one}</div><p>{PARAGRAPHS[1]}</p><div>{two}</div>"
        f"<div>Too short.</div>"  # alike, but no sentence of four words
        f'<div class="card"><h4>{one}</h4></div><div class="card"><h4>{two}</h4></div>'
        f'<div class="x" hidden>{one}</div><div class="x" hidden>{two}</div>'
        f'<div class="y" aria-hidden="true">{one}</div>'
        f'<div class="y" aria-hidden="true">{two}</div>'
        f'<div class="z" style="display:none">{one}</div>'
        f'<div class="z" style="display:none">{two}</div>'
        f"<noscript><div>{one}</div><div>{two}</div></noscript>"
        f"<label>{one}</label><label>{two}</label>"
        f'<div class="line">{one}<br>{two}</div><div class="line">{one}<br>{two}</div>'
        f"<div class='bio'>{one}</div></div>"
    )
    blocks = story.findall("p")
    assert unmatched_paragraphs(blocks, [story], set()) == [one, two]
    assert unmatched_paragraphs(blocks, [story], {story[3]}) == []  # dropped: the run is one
    assert unmatched_paragraphs(blocks[:1], [story], set()) == [one, two]  # after the first
    assert unmatched_paragraphs(blocks[1:], [story], set()) == []  # before it: furniture


def test_renamed_paragraphs_in_the_storys_wrappers_are_read_and_captions_cards_not():
    """A redesign renamed the story's second half, each paragraph in its own wrapper: only
    the elements beside a matched block were read, and a third of the story was lost."""
    from ingest.extract.union import unmatched_paragraphs

    parts = [f"<p>{PARAGRAPHS[0]}</p>", f"<p>{PARAGRAPHS[1]}</p>", f"<div>{ONE}</div>"]
    wrapped = "".join(f'<div class="w">{part}</div>' for part in [*parts, f"<div>{TWO}</div>"])
    caption = "<figure><figcaption><p>The flooded square on Monday, seen from the bridge.</p>"
    caption += "</figcaption></figure>"
    cards = "".join(
        f'<div class="card"><div class="card-dek">{line}</div></div>'
        for line in ("Police close the bridge after a crash.", "The school board picks a head.")
    )
    comments = "".join(
        f'<div class="comment"><div class="comment-text">{line}</div></div>'
        for line in ("This is a disgrace, and everyone knows it.", "I have lived here for years.")
    )
    after = (
        f'<section class="related">{cards}</section><section class="comments">{comments}</section>'
    )
    story = lxml.html.fragment_fromstring(f"<div>{wrapped}{caption}{caption}{after}</div>")
    # the related cards and the comments sit in wrappers the story's paragraphs have not
    assert unmatched_paragraphs(story.findall("./div/p"), [story], set()) == [ONE, TWO]


@pytest.mark.parametrize("beside", BESIDE, ids=list(BESIDE))
def test_what_sits_beside_the_paragraphs_but_is_none_of_them_is_not_added(beside):
    """Paragraphs a redesign renamed come in runs, shown, each a line of prose holding no
    block; a bio, a caption, a note, a hidden notice, a form's text are one of a kind, or
    hidden, or no paragraph."""
    expected, html = fixture("guardian", "TheGuardian_1")
    tree = lxml.html.document_fromstring(renamed(html, GUARDIAN_BODY, slice(1, None, 2)))
    paragraphs = tree.cssselect(f"{GUARDIAN_BODY} > p, {GUARDIAN_BODY} > div")
    paragraphs[3].addnext(lxml.html.fragment_fromstring(BESIDE[beside]))  # among them
    html = lxml.html.tostring(tree, encoding="unicode")
    article = process_page(load_plugins(PluginConfig.default()), expected["url"], html).article
    assert article["text"] == extract("guardian", "TheGuardian_1")["text"]


def test_rules_that_read_the_whole_story_get_nothing_added():
    """Fox News's rules leave out the linked headlines between its paragraphs, Reuters's
    the linked standards note after them; the generic path keeps both, in the body."""
    for outlet, name in (("fox_news", "FoxNews_1"), ("reuters", "Reuters_0")):
        expected, _ = fixture(outlet, name)
        article = extract(outlet, name)
        assert article["text"] in test_outlets.expected_texts(expected)
        assert "outlet_rules" not in article["provenance"]


# -- the evidence, one rule at a time ------------------------------------------------

TIDINGS = Outlet(
    name="tidings",
    domains=["tidings.example"],
    body="div.story",
    paragraphs="div.story > p",
    drop=["div.promo"],
)


def tidings_page(story: str) -> Page:
    html = f"""<html lang="en"><head><title>Flood</title></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<main><article><h1>Flood in the lower town</h1><div class="story">{story}</div></article></main>
<footer><p>© 2024 Tidings. All rights reserved.</p></footer></body></html>"""
    return Page(url="https://tidings.example/story/1", html=html)


def chosen(story: str, outlet: Outlet = TIDINGS) -> tuple[list[str], str | None]:
    text, rules = chosen_text(tidings_page(story), outlet, None)
    return text.split("\n"), rules


def p(i: int) -> str:
    return f"<p>{PARAGRAPHS[i]}</p>"


def test_a_heading_between_matched_paragraphs_comes_back_but_not_one_after_them():
    lines, rules = chosen(
        p(0)
        + p(1)
        + "<div><h2>What the council said</h2></div>"
        + p(2)
        + p(3)
        + f"<div><p>{PARAGRAPHS[4]}</p></div>"
        + "<div><h3>More on this story</h3></div>"
        + "<div><p>Share this article.</p></div>"
    )
    assert lines == [*PARAGRAPHS[:2], "What the council said", *PARAGRAPHS[2:5]]
    assert rules == "partial"


#: Labels between a story's paragraphs, set apart in markup of their own; the last three
#: are set as a subheading or as the story's paragraphs are, and cleaning knows their words.
LABELS = [
    '<div class="slot"><p class="slot-label">Story continues below advertisement</p></div>',
    '<div class="nudge"><p class="nudge-text">Continue reading the main story</p></div>',
    '<div class="video"><p class="video-title">Watch: the flood from the air</p></div>',
    '<div class="audio"><p class="audio-label">Listen to this article</p></div>',
    '<div class="more"><h4>Related coverage</h4></div>',
    "<div><p>Advertisement</p></div>",
    "<div><p>Photo: Reuters</p></div>",
]


def test_labels_between_matched_paragraphs_are_not_added():
    """Ad slots, credits and pointers sit between a story's paragraphs in elements of
    their own, as subheadings do, and the generic text keeps them all. Rules that read
    every paragraph read the story: nothing is added, and they are not marked."""
    story = p(0) + "".join(label + p(i % 5 + 1) for i, label in enumerate(LABELS))
    generic = judged_by(tidings_page(story), TIDINGS) or ""
    assert all(lxml.html.fromstring(label).text_content() in generic for label in LABELS)
    lines, rules = chosen(story)
    assert lines == [PARAGRAPHS[0], *(PARAGRAPHS[i % 5 + 1] for i in range(len(LABELS)))]
    assert rules is None


def test_a_bold_block_between_matched_paragraphs_is_a_subheading():
    lines, rules = chosen(
        p(0) + "<div><p><strong>What the council said</strong></p></div>" + p(1) + p(2) + p(3)
    )
    assert lines == [PARAGRAPHS[0], "What the council said", *PARAGRAPHS[1:4]]
    assert rules == "partial"


@pytest.mark.parametrize(
    "signature",
    ["<i>{}</i><br><i>Corona del Mar</i>", "{}<br>Corona del Mar"],  # its own element, or not
)
def test_a_repeated_line_comes_back_at_each_place_it_holds(signature):
    """Letters signed from one town: each signature, moved a ``div`` deeper, keeps its
    own place rather than all three piling up at the first."""
    signed = [
        f"<div><p>{signature.format(name)}</p></div>" for name in ("Ann Lee", "Bo Diaz", "Cy Park")
    ]
    lines, rules = chosen(p(0) + signed[0] + p(1) + signed[1] + p(2) + signed[2] + p(3))
    assert lines == [
        *(PARAGRAPHS[0], "Ann Lee", "Corona del Mar"),
        *(PARAGRAPHS[1], "Bo Diaz", "Corona del Mar"),
        *(PARAGRAPHS[2], "Cy Park", "Corona del Mar"),
        PARAGRAPHS[3],
    ]
    assert rules == "partial"


def test_text_before_the_first_matched_paragraph_is_not_added():
    lines, rules = chosen(
        "<div><p>Listen to this article, read aloud by a voice of our choosing.</p></div>"
        + "".join(p(i) for i in range(4))
    )
    assert lines == PARAGRAPHS[:4]
    assert rules is None


FIRST = "Floodwater reached the market square before dawn on Monday."


@pytest.mark.parametrize(
    "between",
    ["", '<div class="promo">Sponsored by the Harbour Bank today.</div>', '<div class="ad"></div>'],
    ids=["next to it", "a dropped block between", "an empty slot between"],
)
def test_a_first_paragraph_set_apart_right_before_the_matched_ones_comes_back(between):
    """A redesign renamed the story's opening paragraph (a drop cap of its own): the rules
    read the rest, and the story was stored without its start, saying nothing."""
    lines, rules = chosen(f"<div>{FIRST}</div>{between}" + "".join(p(i) for i in range(4)))
    assert lines == [FIRST, *PARAGRAPHS[:4]]
    assert rules == "partial"


@pytest.mark.parametrize(
    "before",
    [
        '<div class="kicker">Flood watch</div>',  # no sentence
        f'<div><a href="/floods">{FIRST}</a></div>',  # a link
        f"<div hidden>{FIRST}</div>",
        f"<div>{FIRST}<br>Rain is due again on Tuesday, forecasters said.</div>",  # two lines
        "<div>Sign up for our free newsletter to get the news in your inbox.</div>",
        f"<div><p>{FIRST}</p></div>",  # holds a block: a box, not a paragraph
        f"<div>{PARAGRAPHS[2]}</div>",  # the rules read it already
        f"<div>{FIRST}</div><div>Flood watch</div>",  # not right before the story
        # prose the generic text leaves out: a caption, a byline
        '<div class="caption">Residents wade through floodwater in the square on Monday.</div>',
        '<span class="byline">By Jane Doe and John Roe in the lower town.</span>',
    ],
    ids=[
        "label",
        "link",
        "hidden",
        "two-lines",
        "boilerplate",
        "box",
        "read",
        "not-next",
        "caption",
        "byline",
    ],  # fmt: skip
)
def test_what_sits_right_before_the_first_matched_paragraph_but_is_no_paragraph_stays_out(before):
    lines, rules = chosen(before + "".join(p(i) for i in range(4)))
    assert lines == PARAGRAPHS[:4]
    assert rules is None


def test_a_first_paragraph_in_another_parent_than_the_matched_ones_stays_out():
    """A standfirst or kicker in a header of its own: the story's furniture."""
    lines, rules = chosen(f'<div class="intro"><div>{FIRST}</div></div>' + p(0) + p(1) + p(2))
    assert lines == PARAGRAPHS[:3]
    assert rules is None


def test_a_line_marked_up_as_the_matched_paragraphs_comes_back_by_their_class_too():
    """A signature set as the story's paragraphs are (``p.text``), a div deeper: the
    same tag and class, though no sentence."""
    outlet = replace(TIDINGS, paragraphs="div.story > p.text")
    text = [f'<p class="text">{line}</p>' for line in PARAGRAPHS[:3]]
    signed = '<div><p class="text">Corona del Mar</p></div>'
    other = '<div><p class="note">Corona del Mar</p></div>'
    assert chosen(text[0] + signed + text[1] + text[2], outlet) == (
        [PARAGRAPHS[0], "Corona del Mar", *PARAGRAPHS[1:3]],
        "partial",
    )
    assert chosen(text[0] + other + text[1] + text[2], outlet) == (PARAGRAPHS[:3], None)


def test_without_a_body_the_story_is_the_element_around_all_matched_paragraphs():
    outlet = replace(TIDINGS, body=None)
    heading = "<div><h2>What the council said</h2></div>"
    lines, rules = chosen(p(0) + p(1) + heading + p(2) + p(3), outlet)
    assert (lines, rules) == (
        [*PARAGRAPHS[:2], "What the council said", *PARAGRAPHS[2:4]],
        "partial",
    )


def test_links_are_counted_together_and_a_script_stops_no_line_after_it():
    """Three links, each a third of a line, make it a line of links; a script among the
    paragraphs is passed over, not the end of the story."""
    links = (
        '<div><p><a href="/a">Insurers count the cost</a>, <a href="/b">the council answers'
        '</a> and <a href="/c">the mayor resigns</a> today.</p></div>'
    )
    from ingest.extract.union import key, link_share

    line = lxml.html.fragment_fromstring(links)[0]
    assert link_share(line, key(line.text_content()), set()) == 52 / 60  # of its letters
    heading = "<div><h2>What the council said</h2></div>"
    script = "<script>var slot = 'ad';</script>"
    lines, rules = chosen(p(0) + links + p(1) + script + heading + p(2) + p(3))
    assert (lines, rules) == (
        [*PARAGRAPHS[:2], "What the council said", *PARAGRAPHS[2:4]],
        "partial",
    )


@pytest.mark.parametrize(
    ("between", "line"),
    [
        ('<div class="aside-line">My jaw dropped.</div>', "My jaw dropped."),  # a sentence
        (  # a bold run that is all of its block, in markup unlike the story's
            '<div class="sub"><p class="x"><strong>What the council said</strong></p></div>',
            "What the council said",
        ),
    ],
    ids=["short-sentence", "bold-run"],
)
def test_a_short_line_between_matched_paragraphs_is_the_storys_by_its_shape(between, line):
    lines, rules = chosen(p(0) + p(1) + between + p(2) + p(3))
    assert (lines, rules) == ([*PARAGRAPHS[:2], line, *PARAGRAPHS[2:4]], "partial")


def test_a_line_mostly_of_links_is_not_added():
    lines, rules = chosen(
        p(0)
        + p(1)
        + '<div><p>Read more: <a href="/a">Insurers count the cost of the floods in the'
        + " lower town.</a></p></div>"
        + p(2)
        + p(3)
    )
    assert lines == PARAGRAPHS[:4]
    assert rules is None


def test_text_loose_around_matched_paragraphs_is_not_added():
    """It has no element of its own to place it by (nor has a line the generic path made
    of two blocks at once): the element holding it holds matched paragraphs too."""
    outlet = replace(TIDINGS, paragraphs="div.story p")
    loose = "Sandbags are handed out at the fire station until eight tonight."
    lines, rules = chosen(p(0) + f"<div>{p(1)}{loose}{p(2)}</div>" + p(3), outlet)
    assert lines == PARAGRAPHS[:4]
    assert rules is None
    # and the lines after it are still placed
    heading = "<div><h2>What the council said</h2></div>"
    story = p(0) + f"<div>{p(1)}{loose}{p(2)}</div>" + p(3) + heading + p(4)
    lines, rules = chosen(story, outlet)
    assert (lines, rules) == ([*PARAGRAPHS[:4], "What the council said", PARAGRAPHS[4]], "partial")


def test_prose_is_a_sentence_of_a_few_words():
    assert is_prose("Forecasters warned that more rain was due.")
    assert is_prose("The river rose again.")  # four words
    assert not is_prose("The river rose.")
    assert is_prose("“We will rebuild,” she said. ♦")  # an end mark, then an ornament
    assert not is_prose("Share this article.")
    assert not is_prose("More on this story")
    assert is_prose("港务局星期一宣布关闭北码头。")  # unspaced: seven words, a full stop
    assert not is_prose("阅读全文")


def test_a_dropped_block_is_not_added():
    """Pruned from the generic text before it is compared, as the rules leave it out."""
    lines, rules = chosen(
        p(0)
        + p(1)
        + '<div class="promo"><p>Our journalism is free for everyone, because readers'
        + " like you support it.</p></div>"
        + p(2)
        + p(3)
    )
    assert lines == PARAGRAPHS[:4]
    assert rules is None


# -- counted --------------------------------------------------------------------------


def test_health_and_stats_count_the_partial_reads(tmp_path):
    expected, html = fixture("guardian", "TheGuardian_1")
    html, _ = moved_deeper(html, GUARDIAN_BODY, slice(1, None, 2))
    plugins = load_plugins(PluginConfig.default())
    db = tmp_path / "partial.db"
    store = Store(db)
    crawl_id = store.start_crawl("crawl", ["https://www.theguardian.com/"], {})
    store.add_article(process_page(plugins, expected["url"], html).article, crawl_id, SEEN)
    store.add_article(extract("guardian", "TheGuardian_2"), crawl_id, SEEN)
    store.finish_crawl(crawl_id, {})
    store.close()
    assert rows(db, "select outlet, new, rules_missed, rules_partial from crawl_health") == [
        ("guardian", 2, 0, 1)
    ]
    stats = json.loads(run_ingest("stats", "--db", str(db), "--json").stdout)
    assert stats["last_crawl"]["rules_partial"] == {"guardian": {"partial": 1, "articles": 2}}
    assert stats["last_crawl"]["rules_missed"] == {}
    lines = run_ingest("stats", "--db", str(db)).stdout.splitlines()
    assert lines[-1] == (
        "Outlet rules read part of the story: guardian in 1 of 2 articles "
        "(paragraphs they passed over were added; the plugin's selectors need a look)"
    )
    with datasette(db, tmp_path / "serve.log") as base:
        found = query(f"{base}/partial", "outlet_rules_missed")
    columns = ("outlet", "rules_missed", "rules_partial", "articles", "example_url")
    assert [tuple(f[c] for c in columns) for f in found] == [("guardian", 0, 1, 2, expected["url"])]


def story_page(title: str, deeper: set[int]) -> str:
    """A story whose paragraphs are ``<p>``s of the container, those in ``deeper`` each
    wrapped in a ``div`` as a redesign wraps them."""
    blocks = [
        f'<div class="para"><p>{text}</p></div>' if i in deeper else f"<p>{text}</p>"
        for i, text in enumerate(PARAGRAPHS)
    ]
    return story_html(title, blocks)


def test_a_crawl_counts_the_pages_the_rules_read_in_part(tmp_path, write_plugin):
    folder = write_plugin("tidings", PLUGIN)
    pages = {
        "/": Resource(
            '<html><body><a href="/story/1">1</a> <a href="/story/2">2</a></body></html>'
        ),
        "/story/1": story_page("Flood in the lower town", deeper=set()),
        "/story/2": story_page("The barrier that did not close", deeper={2, 4}),
    }
    db = tmp_path / "crawl.db"
    with LocalSite(pages) as site:
        out = run_ingest(
            "crawl", site.url + "/", "--db", str(db), "--plugins-dir", str(folder), *FAST
        )
    assert rows(db, "select outlet, new, rules_missed, rules_partial from crawl_health") == [
        ("tidings", 2, 0, 1)
    ]
    stored = rows(
        db,
        "select url, json_extract(provenance, '$.outlet_rules'), text from articles order by url",
    )
    assert stored == [
        (site.url + "/story/1", None, "\n".join(PARAGRAPHS)),
        (site.url + "/story/2", "partial", "\n".join(PARAGRAPHS)),  # all six, in order
    ]
    assert "rules partial" in out.stdout  # the crawl's health table shows the column


def calls_to_choose(story: str) -> int:
    """How many Python calls choosing the page's text makes: a count, unlike a time,
    the same on every run and every machine."""
    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        calls += event == "call"

    before = sys.getprofile()
    sys.setprofile(count)
    try:
        chosen(story)
    finally:
        sys.setprofile(before)
    return calls


def test_a_line_repeated_through_a_long_story_costs_in_proportion():
    """A signature after each of a story's paragraphs, each its own ``div``s deep: each
    is looked for from where the last was found, against a set of what is taken, and the
    story's container is read once. Walking the index from its start for each, checking
    every element taken and reading the container for each, twice the letters made six
    times the calls (500 letters took 48 s); now less than twice."""
    signed = "<div><div><p><i>Corona del Mar</i></p></div></div>"

    def letters(n: int) -> str:
        return "".join(f"<p>{PARAGRAPHS[i % 5]} Letter {i}.</p>{signed}" for i in range(n))

    lines, rules = chosen(letters(60))
    assert lines.count("Corona del Mar") == 59  # all but the one after the last paragraph
    assert rules == "partial"
    assert calls_to_choose(letters(120)) < 2 * calls_to_choose(letters(60))
