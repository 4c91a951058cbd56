"""Is a page without metadata an article? The prose it holds decides, however it is marked up.

Each page is written by hand, with no og:type, article:* or JSON-LD, so the
decision rests on the text: stories in ``<p>``s or ``<br>``-separated lines,
briefs under a headline, against section fronts, tag pages, lists of links and
galleries whose teasers and captions are no prose.
"""

from ingest.article import Page
from ingest.extract.classify import (
    has_article_metadata,
    has_article_text,
    has_linked_heading,
    is_article,
    is_listing,
    json_ld_types,
    looks_like_article_url,
    own_lines,
    prose,
)

SENTENCES = [
    "The harbour authority closed the northern quay on Monday after cracks appeared in the wall.",
    "Engineers said the repairs would take at least six weeks and cost more than expected.",
    "Fishing boats were moved to the southern basin, where space is already short this season.",
    "The mayor asked the regional government for emergency funds to cover the extra costs.",
    "Traders at the fish market said they feared losing customers during the busy summer.",
    "An inspection last year had found no damage, according to documents seen by reporters.",
]  # 15, 15, 15, 14, 14 and 14 words


def document(main: str, title: str = "Harbour quay closed") -> str:
    return (
        f"<html><head><title>{title}</title></head><body>"
        '<nav><a href="/">Home</a> <a href="/local/">Local</a> <a href="/sport/">Sport</a></nav>'
        f"{main}<footer><p>© 2024 The Coast Courier. All rights reserved.</p></footer>"
        "</body></html>"
    )


def judge(url: str, html: str) -> bool:
    return is_article(Page(url=url, html=html), None)


def test_an_article_in_br_separated_lines_of_a_div_is_an_article():
    lines = "<br><br>\n".join(SENTENCES * 2)  # 12 lines, 174 words, not one <p>
    html = document(f'<table><tr><td><b>Harbour quay closed</b><div class="text">{lines}</div>')
    assert prose(Page("https://coast.example/view.php?id=7", html).tree) == (174, False)
    assert judge("https://coast.example/view.php?id=7", html) is True


def test_a_short_brief_under_its_headline_is_an_article():
    paragraphs = "".join(f"<p>{s}</p>" for s in SENTENCES[:4])  # 59 words: too few
    brief = document(f"<main><article><h1>Harbour quay closed</h1>{paragraphs}</article></main>")
    assert prose(Page("https://coast.example/briefs/7", brief).tree) == (59, True)
    assert judge("https://coast.example/briefs/7", brief) is False
    paragraphs = "".join(f"<p>{s}</p>" for s in SENTENCES[:5])  # 73 words
    brief = document(f"<main><article><h1>Harbour quay closed</h1>{paragraphs}</article></main>")
    assert prose(Page("https://coast.example/briefs/7", brief).tree) == (73, True)
    assert judge("https://coast.example/briefs/7", brief) is True


def test_a_short_brief_without_article_markup_needs_an_article_url():
    paragraphs = "".join(f"<p>{s}</p>" for s in SENTENCES[:5])
    brief = document(f"<div class='content'><h1>Harbour quay closed</h1>{paragraphs}</div>")
    assert judge("https://coast.example/2024/03/05/harbour-quay-closed-after-cracks", brief)
    assert not judge("https://coast.example/briefs/7", brief)
    assert not judge("https://coast.example/tag/harbour/2024/03/05/harbour-quay-closed", brief)


def teaser(n: int) -> str:
    return (
        f'<article class="teaser"><header><h2><a href="/local/story-{n}">Story number {n} of '
        f"the day</a></h2><time>5 March</time></header><p>{SENTENCES[n % 6]} "
        f"{SENTENCES[(n + 1) % 6]}</p></article>"
    )


def test_a_section_front_of_teasers_is_no_article():
    """Twelve teasers with a two-sentence blurb each: 350 words of sentences, all teasers."""
    front = document(f"<main><h1>Local</h1>{''.join(teaser(n) for n in range(12))}</main>")
    assert prose(Page("https://coast.example/local/", front).tree) == (0, False)
    assert judge("https://coast.example/local/", front) is False


def test_a_tag_page_listing_stories_is_no_article():
    items = "".join(
        f'<li><a href="/local/story-{n}">Harbour story number {n}</a> – {SENTENCES[n % 6]}</li>'
        for n in range(10)
    )
    page = document(f"<main><h1>Tag: harbour</h1><ul class='tagged'>{items}</ul></main>")
    assert prose(Page("https://coast.example/topics/harbour", page).tree) == (0, False)
    assert judge("https://coast.example/topics/harbour", page) is False


def test_a_gallery_of_captioned_pictures_is_no_article():
    figures = "".join(
        f'<figure><img src="/photos/{n}.jpg" alt=""><figcaption>{s}</figcaption></figure>'
        for n, s in enumerate(SENTENCES * 2)
    )
    gallery = document(
        "<main><article><h1>In pictures: the harbour quay</h1>"
        f"<p>{SENTENCES[0]}</p>{figures}</article></main>"
    )
    assert prose(Page("https://coast.example/photos/harbour-quay", gallery).tree) == (0, False)
    assert judge("https://coast.example/photos/harbour-quay", gallery) is False


def test_a_story_with_a_related_box_is_still_an_article():
    """A story's own paragraphs count; a box of linked headlines beside them does not
    make it a listing."""
    story = "".join(f"<p>{s}</p>" for s in SENTENCES * 2)
    related = "".join(teaser(n) for n in range(4))
    page = document(
        f"<main><article><h1>Harbour quay closed</h1>{story}</article>"
        f"<aside><h2>More local news</h2>{related}</aside></main>"
    )
    assert prose(Page("https://coast.example/local/harbour", page).tree) == (174, True)
    assert judge("https://coast.example/local/harbour", page) is True


# -- each piece at its bounds ---------------------------------------------------------------


def tree_of(html: str):
    return Page("https://coast.example/x", html).tree


def sentence(n: int) -> str:
    """A sentence of exactly ``n`` words."""
    return " ".join(["word"] * (n - 1) + ["end."])


def test_metadata_that_declares_an_article():
    def declared(head: str) -> bool:
        return has_article_metadata(tree_of(f"<html><head>{head}</head><body></body></html>"))

    assert declared('<meta property="og:type" content="ARTICLE">')
    assert not declared('<meta property="og:type" content="website">')
    assert declared('<meta property="article:published_time" content="2024-03-01">')
    assert declared('<script type="application/ld+json">{"@type": "NewsArticle"}</script>')
    assert not declared('<script type="application/ld+json">{"@type": "WebPage"}</script>')


def test_json_ld_types_nested_listed_and_past_a_broken_script():
    scripts = [
        "not json",
        '{"@graph": [{"@type": ["NewsArticle", "Thing"]}, {"name": "x"}, {"@type": "Person"}]}',
        '[{"@type": "CollectionPage"}, {"@type": 5}]',
    ]
    head = "".join(f'<script type="application/ld+json">{s}</script>' for s in scripts)
    page = tree_of(f"<html><head>{head}</head><body></body></html>")
    assert json_ld_types(page) == ["NewsArticle", "Thing", "Person", "CollectionPage"]
    assert is_listing(page)
    assert not is_listing(tree_of(f"<html><head>{head[: head.index('[{')]}</head></html>"))


def test_a_linked_heading_is_a_teasers():
    def teaser(inner: str) -> bool:
        page = tree_of(f"<html><body><div>{inner}</div></body></html>")
        return has_linked_heading(page.xpath("//div")[0])

    assert teaser('<h2><a href="/x">Three word headline</a></h2>')
    assert teaser('<header><h3>Two <a href="/x">linked</a> of <a href="/y">four</a></h3></header>')
    assert not teaser('<h2>One <a href="/x">linked</a> three</h2>')
    assert not teaser('<h2><a name="x">Four words no link</a></h2>')
    assert not teaser("<h3></h3><h4>Plain heading here</h4>")
    assert not teaser('<h2>港务局星期一宣布关闭北码头 <a href="/v">视频</a></h2>')  # 1 of 8 words
    assert teaser('<h2><a href="/x">港务局星期一宣布关闭北码头</a></h2>')


def test_an_article_url_may_end_in_a_slash_or_an_extension():
    assert looks_like_article_url("https://x.example/news/one-two-three-four/")
    assert looks_like_article_url("https://x.example/news/one-two-three-four.html")
    assert not looks_like_article_url("https://x.example/news/one-two-three.html")
    assert not looks_like_article_url("https://x.example/")


def test_lines_count_their_words_outside_links():
    def lines(inner: str) -> list[tuple[int, bool]]:
        block = tree_of(f"<html><body><div>{inner}</div></body></html>").xpath("//div")[0]
        return [tuple(line) for line in own_lines(block)]

    assert lines('<a href="/a">Three linked words</a> and five more words here.') == [(5, True)]
    assert lines('<a href="/a">Two linked</a> and five more words here.') == [(5, False)]
    assert lines('Some <b>bold <a href="/x">linked here</a></b> <a>one</a> words.') == [(3, False)]
    assert lines("Line one is here.<br>Line two here.<br>No sentence") == [(4, False), (3, False)]
    assert lines("<b>Bold</b>. Plain <i>text</i> words.") == [(5, False)]  # "Bold" and "." apart


def test_prose_counts_groups_at_their_bounds():
    def words(body: str) -> int:
        return prose(tree_of(f"<html><body>{body}</body></html>"))[0]

    ten, sixty = sentence(10), sentence(60)
    assert words(f"<div><p>{ten}</p><p>{ten}</p></div>") == 20  # two lines of ten
    assert words(f"<div><p>{sentence(9)}</p><p>{ten}</p><p>{ten}</p></div>") == 20
    assert words(f"<div><p>{sixty}</p><span>x</span></div>") == 60  # one line of a brief's
    assert words(f"<div><p>{sentence(59)}</p><span>x</span></div>") == 0
    # wrappers of one block are skipped: the story's lines share the div around them
    assert words(f"<div><div><p>{ten}</p></div><div><p>{ten}</p></div></div>") == 20
    # a skipped group or block before the story does not end the count
    story = f"<div><p>{ten}</p><p>{ten}</p></div><section><p>{ten}</p><p>{ten}</p></section>"
    assert words(f"<div><p>{ten}</p><span>x</span></div>{story}") == 40
    assert words(f"<nav><div><p>{ten}</p><p>{ten}</p></div></nav>{story}") == 40
    # a linked headline over two lines is a teaser; over three, a story with a link
    linked = '<h2><a href="/x">Story headline</a></h2>'
    assert words(f"<div>{linked}<p>{ten}</p><p>{ten}</p></div>{story}") == 40
    assert words(f"<div>{linked}<p>{ten}</p><p>{ten}</p><p>{ten}</p></div>") == 30
    # half the lines opening with a headline's link is not yet a list of stories
    listed = f'<p><a href="/x">Three word link</a> {sentence(10)}</p>'
    assert words(f"<div>{listed}<p>{ten}</p></div>") == 20
    assert words(f"<div>{listed}{listed}<p>{ten}</p></div>") == 0


def test_enough_prose_or_a_brief_with_a_headline():
    def article(body: str, url: str = "https://coast.example/view?id=7") -> bool:
        return has_article_text(tree_of(f"<html><body>{body}</body></html>"), url)

    thirty = sentence(30)
    assert article(f"<div>{''.join(f'<p>{thirty}</p>' for _ in range(5))}</div>")  # 150 words
    two = f"<p>{thirty}</p><p>{thirty}</p>"
    assert article(f"<article><h1>Headline</h1>{two}</article>")  # 60 words and a headline
    assert not article(f"<article><h1>Headline</h1><p>{thirty}</p><p>{sentence(29)}</p></article>")
    assert not article(f"<article><h2>Headline</h2>{two}</article>")


def test_links_inside_several_inline_elements_all_count_and_a_listing_group_ends_nothing():
    block = tree_of(
        '<html><body><div>One <b><a href="/a">two three</a></b> <i><a href="/b">four</a></i>'
        " five six.</div></body></html>"
    ).xpath("//div")[0]
    assert [tuple(line) for line in own_lines(block)] == [(3, False)]
    ten = sentence(10)
    listed = f'<p><a href="/x">Three word link</a> {ten}</p>'
    story = f"<section><p>{ten}</p><p>{ten}</p></section>"
    page = tree_of(f"<html><body><div>{listed}{listed}<p>{ten}</p></div>{story}</body></html>")
    assert prose(page) == (20, False)
    article_only = '<script type="application/ld+json">{"@type": "NewsArticle"}</script>'
    assert not is_listing(tree_of(f"<html><head>{article_only}</head></html>"))


def test_a_stale_outlet_pattern_gives_way_to_an_article_that_declares_itself_and_says_so():
    """A site moved its stories to new URLs: the pattern says no to every one of them."""
    from ingest.plugins.outlet import Outlet

    courier = Outlet(name="courier", domains=["coast.example"], articles=r"/news/\d+")
    story = "".join(f"<p>{s}</p>" for s in SENTENCES * 2)  # 174 words
    dated = '<meta property="article:published_time" content="2024-05-02T08:00:00Z">'
    typed = '<script type="application/ld+json">{"@type": "NewsArticle"}</script>'
    typed_only = '<meta property="og:type" content="article">'  # CMSs put it on about pages
    page = document(f"<main><article><h1>Harbour quay closed</h1>{story}</article></main>")
    teasers = "".join(f'<li><a href="/s/{i}">{s}</a></li>' for i, s in enumerate(SENTENCES))
    front = document(f"<ul>{teasers}</ul>")
    moved = "https://coast.example/2024/quay-closed"
    cases = [
        ("https://coast.example/news/7", page, "", True, False),  # the pattern says yes
        (moved, page, dated, True, True),  # no, yet it is one
        (moved, page, typed, True, True),
        (moved, page, typed_only, False, False),
        (moved, page, "", False, False),
        ("https://coast.example/local/", front, dated, False, False),  # dated, but no prose
    ]
    for url, html, metadata, verdict, missed in cases:
        judged = Page(url, html.replace("</title>", f"</title>{metadata}"))
        assert (is_article(judged, courier), judged.pattern_missed) == (verdict, missed), url


CHINESE = [
    "港务局星期一宣布关闭北码头，因为工程人员在检查时发现码头墙体出现了多处明显裂缝，需要立即进行全面评估。",
    "工程师表示，修复工作至少需要六个星期，费用也将明显高于此前的预算，具体金额还要等待详细报告出来才能确定。",
    "渔船已经被转移到南边的港池停靠，但是那里的泊位在这个季节本来就十分紧张，不少船主对此表示担忧和不满。",
    "市长已经向省政府申请紧急资金，用来支付额外的修复费用，并且承诺会尽快公布工程进度和资金使用的情况。",
    "鱼市的商贩们说，他们担心在夏季最繁忙的时候失去大量顾客，希望有关部门能够尽早拿出切实可行的解决办法。",
    "根据记者看到的文件，去年的一次检查并没有发现任何损坏，这次突然出现的问题让许多当地居民感到十分意外。",
    "港务局发言人说，北码头最早将在八月重新开放，在此之前所有大型货船都必须改道前往邻近的其他港口卸货。",
]


def test_a_story_in_chinese_counts_its_characters_not_its_spaces():
    paragraphs = "".join(f"<p>{s}</p>" for s in CHINESE)  # 24 or 25 words each, no space
    html = document(f"<main><div>{paragraphs}</div></main>", title="北码头关闭")
    assert prose(Page("https://coast.example/view.php?id=8", html).tree) == (172, False)
    assert judge("https://coast.example/view.php?id=8", html) is True
    teasers = "".join(
        f'<li><a href="/story/{i}">{s[:12]}</a><p>{s[12:40]}</p></li>'
        for i, s in enumerate(CHINESE)
    )
    listing = document(f"<main><h1>本地新闻</h1><ul>{teasers}</ul></main>", title="本地新闻")
    assert judge("https://coast.example/local/", listing) is False


def test_a_blog_post_whose_headline_links_to_the_post_itself_is_no_teaser():
    """Blog themes link a post's headline to its own address, on its own page too."""
    story = "".join(f"<p>{s}</p>" for s in SENTENCES[:2])  # 30 words: two lines of prose
    here = "https://coast.example/2024/05/harbour-quay/"
    for href, teaser in [
        (here, False),
        ("/2024/05/harbour-quay", False),  # relative, without the trailing slash
        ("https://COAST.example/2024/05/harbour-quay/#comments", False),
        ("/2024/05/harbour-wall/", True),  # another post: a teaser's headline
        ("https://coast.example/2024/05/harbour-quay/?page=2", True),
        ("http://[oops/", True),  # an address that can't be read names no page: not this one
    ]:
        html = f'<html><body><article><h2><a href="{href}">Harbour quay closed</a></h2>{story}'
        tree = Page(here, html + "</article></body></html>").tree
        assert has_linked_heading(tree.xpath("//article")[0], here) is teaser, href
        assert prose(tree, here) == ((0, False) if teaser else (30, False)), href
    assert has_linked_heading(tree.xpath("//article")[0])  # no address known: a teaser


def test_a_copy_served_elsewhere_knows_its_headline_by_the_address_it_declares():
    """A mirror, an archive or a proxy serves the post at another host; its headline still
    links to where it was published, which its canonical link or og:url names."""
    story = "".join(f"<p>{s}</p>" for s in SENTENCES[:2])  # 30 words: two lines of prose
    published = "https://coast.example/2024/05/harbour-quay/"
    served = "http://mirror.test/2024/05/harbour-quay/"
    body = f'<body><article><h2><a href="{published}">Harbour quay closed</a></h2>{story}'
    for head, teaser in [
        (f'<link rel="canonical" href="{published}">', False),
        (f'<link rel="Canonical alternate" href="{published}">', False),
        (f'<meta property="og:url" content="{published}">', False),
        (f'<div>ad</div><link rel="canonical" href="{published}">', False),  # put in <body>
        ('<link rel="canonical" href="https://coast.example/2024/05/harbour-wall/">', True),
        ('<link rel="canonical" href="http://[oops/">', True),
        ("", True),  # nothing declared: another host's page, as a listing links it
    ]:
        html = f"<html><head>{head}</head>{body}</article></body></html>"
        tree = Page(served, html).tree
        assert has_linked_heading(tree.xpath("//article")[0], served) is teaser, head
        assert prose(tree, served) == ((0, False) if teaser else (30, False)), head


BENGALI = [
    "বন্দর কর্তৃপক্ষ সোমবার উত্তরের ঘাট বন্ধ করে দিয়েছে কারণ দেয়ালে বড় ফাটল দেখা গেছে।",
    "প্রকৌশলীরা বলেছেন মেরামতের কাজ অন্তত ছয় সপ্তাহ সময় নেবে এবং খরচ অনেক বেশি হবে।",
    "মাছ ধরার নৌকাগুলো দক্ষিণের ঘাটে সরিয়ে নেওয়া হয়েছে যেখানে এই মৌসুমে জায়গা এমনিতেই কম।",
]  # 14 words each, each ended by a danda


def test_a_story_in_bengali_is_read_by_its_own_full_stop():
    """A danda (।) ends a sentence in Bengali and Hindi: no line there ever had a "."."""
    paragraphs = "".join(f"<p>{s}</p>" for s in BENGALI * 4)  # 12 lines, 168 words
    html = document(f"<main><div>{paragraphs}</div></main>", title="উত্তরের ঘাট বন্ধ")
    assert prose(Page("https://coast.example/view.php?id=9", html).tree) == (168, False)
    assert judge("https://coast.example/view.php?id=9", html) is True
    no_marks = html.replace("।", "")
    assert prose(Page("https://coast.example/view.php?id=9", no_marks).tree) == (0, False)


def test_a_story_that_an_unclosed_menu_item_swallowed_is_still_read():
    """A menu's ``<li>`` left open puts the page's ``<main>`` inside the ``<nav>``."""
    story = "".join(f"<p>{s}</p>" for s in SENTENCES * 2)  # 174 words
    swallowed = (
        '<html><body><nav><ul><li><a href="/">Home</a><li><a href="/local/">Local</a>'
        f"<main><article><h1>Harbour quay closed</h1>{story}</article></main>"
        "</body></html>"
    )
    tree = Page("https://coast.example/local/harbour-quay", swallowed).tree
    assert tree.xpath("//main")[0].xpath("ancestor::nav")  # where the parser put it
    assert prose(tree) == (174, True)  # its <article> holds the <h1>
    # a menu's own text stays out, and so do story teasers in a footer
    menu = f"<html><body><nav><div><p>{SENTENCES[0]}</p><p>{SENTENCES[1]}</p></div></nav>"
    assert prose(Page("https://coast.example/", menu + "</body></html>").tree) == (0, False)
    footer = f"<html><body><footer><article>{story}</article></footer></body></html>"
    assert prose(Page("https://coast.example/", footer).tree) == (0, False)
    unused = f"<html><body><template><nav><main>{story}</main></nav></template></body></html>"
    assert prose(Page("https://coast.example/", unused).tree) == (0, False)


def test_a_story_only_in_noscript_is_read_as_a_reader_without_javascript_sees_it():
    """Sites that draw the page with scripts give the story inside ``<noscript>`` to
    readers without them, as a crawler is."""
    story = "".join(f"<p>{s}</p>" for s in SENTENCES * 2)  # 174 words
    fallback = f'<html><body><div id="app"></div><noscript><div class="text">{story}</div>'
    page = Page("https://coast.example/news.php?p=58354", fallback + "</noscript></body></html>")
    assert prose(page.tree) == (174, False)
    assert is_article(page, None) is True
    # its teasers are still a listing's, and a request to turn scripts on no prose
    front = "".join(teaser(n) for n in range(12))
    listing = f"<html><body><noscript><main>{front}</main></noscript></body></html>"
    assert is_article(Page("https://coast.example/local/", listing), None) is False
    ask = f"<noscript><p>{sentence(40)}</p></noscript>"
    menu = f"<html><body>{ask}<main>{front}</main></body></html>"
    assert prose(Page("https://coast.example/local/", menu).tree) == (0, False)
