"""Is a page without metadata an article? The prose it holds decides, however it is marked up.

Each page is written by hand, with no og:type, article:* or JSON-LD, so the
decision rests on the text: stories in ``<p>``s or ``<br>``-separated lines,
briefs under a headline, against section fronts, tag pages, lists of links and
galleries whose teasers and captions are no prose.
"""

from ingest.article import Page
from ingest.extract.classify import is_article, prose

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
