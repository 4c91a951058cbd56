"""The story from the page's JSON-LD, where its HTML holds little of it."""

import json

from ingest.article import Page
from ingest.extract.process import process_page
from ingest.extract.structured import FULLER, MIN_WORDS, article_body, as_text, fuller_text
from ingest.plugins.manager import PluginConfig, load_plugins
from ingest.words import count_words

from conftest import FAST, rows, run_ingest
from sites import LocalSite, Resource, story

URL = "https://news.example/2024/05/council-votes"
#: What such a page's HTML holds: a standfirst and a caption. Over 250 characters, so
#: trafilatura takes it and runs none of its fallbacks (its last one reads a JSON-LD body
#: itself, as one line). With the headline, which trafilatura keeps: 59 words, as counted.
STANDFIRST = (
    "The council voted on Tuesday night to close the old bridge to cars from June, after a "
    "long debate in which residents of both banks spoke for and against the plan.\n"
    "Photo: The old bridge seen from the river at dusk on Monday, a day before the vote on "
    "its future was held in the town hall."
)
HTML_WORDS = 59


def body_of(words: int) -> str:
    """A story of exactly ``words`` words, in paragraphs of 20."""
    pool = " ".join(story(7, 12)).split()
    taken = (pool * (words // len(pool) + 1))[:words]
    return "\n\n".join(" ".join(taken[i : i + 20]) for i in range(0, words, 20))


def script_page(body: str | list[str] | None, html_text: str = STANDFIRST) -> str:
    """A news page drawn by scripts: its HTML holds a headline, a standfirst and a caption,
    its story is in its JSON-LD (in a graph, as many sites nest it)."""
    bodies = [body] if isinstance(body, str) else body or []
    ld = "".join(
        '<script type="application/ld+json">'
        + json.dumps({"@graph": [{"@type": "NewsArticle", "articleBody": b}]})
        + "</script>"
        for b in bodies
    )
    lead = "".join(f"<p>{line}</p>" for line in html_text.splitlines())
    return (
        f'<html lang="en"><head><meta charset="utf-8"><title>Council votes</title>{ld}'
        '<meta property="article:published_time" content="2024-05-02T08:00:00Z"></head>'
        f'<body><article><h1>Council votes</h1>{lead}<div id="app"></div></article>'
        "</body></html>"
    )


def extract(html: str):
    plugins = load_plugins(PluginConfig(entry_points=False))
    return process_page(plugins, URL, html, classify=False)


def test_a_story_drawn_by_scripts_is_read_from_its_json_ld():
    body = body_of(400)
    outcome = extract(script_page(body))
    assert outcome.errors == []
    assert outcome.article["text"] == body.replace("\n\n", "\n")
    assert outcome.article["provenance"]["text_source"] == "json_ld"


def test_the_html_text_stands_where_the_body_is_not_fuller_times_longer():
    assert count_words("Council votes\n" + STANDFIRST) == HTML_WORDS
    assert FULLER * HTML_WORDS > MIN_WORDS
    outcome = extract(script_page(body_of(int(FULLER * HTML_WORDS) - 1)))
    assert "text_source" not in outcome.article["provenance"]
    assert outcome.article["text"].splitlines()[0] == STANDFIRST.splitlines()[0]
    taken = extract(script_page(body_of(int(FULLER * HTML_WORDS))))
    assert taken.article["provenance"]["text_source"] == "json_ld"


def test_a_body_under_min_words_is_a_summary_whatever_the_html_holds():
    short = "The council met. It voted to close the bridge."  # 9 words, under 250 characters
    page = Page(url=URL, html=script_page(body_of(MIN_WORDS - 1), short))
    assert fuller_text(page.tree, short) is None
    page = Page(url=URL, html=script_page(body_of(MIN_WORDS), short))
    assert fuller_text(page.tree, short) == body_of(MIN_WORDS).replace("\n\n", "\n")


def test_a_page_with_no_text_in_its_html_gets_its_body_from_trafilatura_itself():
    # trafilatura's last fallback reads a JSON-LD body, as one line, when its main pass
    # finds under 250 characters: the rule here is for the pages it does not reach.
    outcome = extract(script_page(body_of(150), html_text=""))
    assert outcome.errors == [] and "text_source" not in outcome.article["provenance"]
    assert outcome.article["text"] == " ".join(body_of(150).split())


def test_a_page_with_no_text_and_no_body_is_still_no_text():
    outcome = extract(script_page(None, html_text=""))
    assert outcome.article is None
    assert [e["kind"] for e in outcome.errors] == ["no_text"]


def test_a_listing_of_several_bodies_names_none():
    page = Page(url=URL, html=script_page([body_of(200), body_of(180)]))
    assert article_body(page.tree) is None
    page = Page(url=URL, html=script_page([body_of(200), body_of(200)]))  # the same, twice
    assert article_body(page.tree) == body_of(200).replace("\n\n", "\n")


def test_bodies_in_graphs_and_lists_are_found_and_bad_json_is_skipped():
    graph = {"@graph": [{"@type": "WebPage"}, {"@type": "Article", "articleBody": "One two."}]}
    html = (
        '<html><head><script type="application/ld+json">{not json</script>'
        f'<script type="application/ld+json">{json.dumps([graph])}</script></head>'
        "<body><p>x</p></body></html>"
    )
    assert article_body(Page(url=URL, html=html).tree) == "One two."


def test_markup_in_a_body_is_read_as_text():
    assert as_text("<p>First &amp; best.</p><p>Second<br>line</p>") == (
        "First & best.\nSecond\nline"
    )
    assert as_text("## Heading\n\nSee [the report](https://x.example/r) for **all** of it.") == (
        "Heading\nSee the report for all of it."
    )
    assert as_text("It costs 5 * 3 and a_b_c stays.  Spaces   fold.") == (
        "It costs 5 * 3 and a_b_c stays. Spaces fold."
    )


def test_fuller_text_compares_words_by_script():
    # Chinese is counted as a word every two characters: 480 of them (240 words) outweigh
    # 59 English words FULLER times, and a Chinese text of 81 words does not.
    page = Page(url=URL, html=script_page("中文新闻报道" * 80))
    assert fuller_text(page.tree, STANDFIRST) == "中文新闻报道" * 80
    assert fuller_text(page.tree, "中文" * 80) == "中文新闻报道" * 80  # 240 is 3 times 80
    assert fuller_text(page.tree, "中文" * 81) is None


def test_a_crawl_stores_the_story_and_says_where_it_came_from(tmp_path):
    body = body_of(240)
    pages = {"/2024/05/council-votes": Resource(script_page(body))}
    db = tmp_path / "scripts.db"
    with LocalSite(pages) as site:
        run_ingest(
            "crawl", site.url + "/2024/05/council-votes", "--no-follow", "--db", str(db), *FAST
        )
    [(text, provenance)] = rows(db, "select text, provenance from articles")
    assert text == body.replace("\n\n", "\n")
    assert json.loads(provenance)["text_source"] == "json_ld"
    assert rows(db, "select count(*) from errors") == [(0,)]
