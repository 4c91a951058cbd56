"""When an outlet's rules stop matching its pages: the generic text is stored, and it says so.

A redesign renames the container a plugin names as ``body``, or moves the
paragraphs its ``paragraphs`` rule reads; the rules then read little or nothing.
The article keeps the generic path's text, its provenance says
``outlet_rules: missed``, ``crawl_health`` counts it, and ``ingest stats`` and
the ``outlet_rules_missed`` canned query name the outlet.
"""

import gzip
import json
import sqlite3

import test_outlets
from test_datasette import datasette, query

from ingest.extract.decoding import decode_html
from ingest.extract.process import process_page
from ingest.plugins.manager import PluginConfig, load_plugins
from ingest.store.writer import Store

from conftest import FAST, ROOT, rows, run_ingest
from sites import LocalSite, Resource

FIXTURES = ROOT / "tests" / "fixtures"
#: The Guardian's story container, as its plugin names it, and a redesign's new name for it.
CONTAINER, RENAMED = "article-body-viewer-selector", "article-body-v2"
SEEN = "2024-03-05T10:00:00+00:00"


def fixture(outlet: str, name: str, renamed: bool = False) -> tuple[dict, str]:
    """A saved page's expected JSON and HTML, its body container renamed if asked."""
    expected = json.loads((FIXTURES / outlet / f"{name}.json").read_text(encoding="utf-8"))
    html = decode_html(gzip.decompress((FIXTURES / outlet / f"{name}.html.gz").read_bytes()))
    if renamed:
        assert html.count(CONTAINER) == 1
        html = html.replace(CONTAINER, RENAMED)
    return expected, html


def extract(outlet: str, name: str, renamed: bool = False) -> dict:
    expected, html = fixture(outlet, name, renamed)
    outcome = process_page(load_plugins(PluginConfig.default()), expected["url"], html)
    assert outcome.is_article and not outcome.errors, outcome.errors
    return outcome.article


def test_a_renamed_body_container_gives_the_generic_text_and_the_provenance_says_so():
    expected, _ = fixture("guardian", "TheGuardian_1")
    article = extract("guardian", "TheGuardian_1", renamed=True)
    # The generic path reads this page right: the stored text is the page's truth.
    assert article["text"] in test_outlets.expected_texts(expected)
    assert article["word_count"] == 550
    assert article["outlet"] == "guardian"
    assert article["provenance"] == {
        "outlet_rules": "missed",
        "language": "ingest.extract.normalize",
    }


def test_rules_that_match_leave_no_mark():
    article = extract("guardian", "TheGuardian_1")
    assert article["provenance"] == {"language": "ingest.extract.normalize"}


def test_a_live_blog_read_for_its_introduction_only_is_no_miss():
    """The Independent's rules read a live blog's introduction, not its posts, on purpose:
    a fifth of what the generic path takes, yet right."""
    expected, _ = fixture("independent", "TheIndependent_1")
    article = extract("independent", "TheIndependent_1")
    assert article["text"] in test_outlets.expected_texts(expected)
    assert "outlet_rules" not in article["provenance"]


def store_guardian_pages(db) -> None:
    """One crawl through the real Store: one Guardian page as saved, one redesigned."""
    store = Store(db)
    crawl_id = store.start_crawl("crawl", ["https://www.theguardian.com/"], {})
    store.add_article(extract("guardian", "TheGuardian_1", renamed=True), crawl_id, SEEN)
    store.add_article(extract("guardian", "TheGuardian_2"), crawl_id, SEEN)
    store.finish_crawl(crawl_id, {})
    store.close()


def test_health_stats_and_the_canned_query_name_the_outlet(tmp_path):
    db = tmp_path / "missed.db"
    store_guardian_pages(db)
    missed_url = fixture("guardian", "TheGuardian_1")[0]["url"]
    assert rows(db, "select outlet, new, rules_missed from crawl_health") == [("guardian", 2, 1)]
    assert rows(
        db, "select url from articles where json_extract(provenance, '$.outlet_rules') = 'missed'"
    ) == [(missed_url,)]

    stats = json.loads(run_ingest("stats", "--db", str(db), "--json").stdout)
    assert stats["last_crawl"]["rules_missed"] == {"guardian": {"missed": 1, "articles": 2}}
    lines = run_ingest("stats", "--db", str(db)).stdout.splitlines()
    assert lines[-1] == (
        "Outlet rules stopped matching: guardian missed 1 of 2 articles "
        "(the generic path read them; the plugin's selectors or URL pattern need a fix)"
    )

    with datasette(db, tmp_path / "serve.log") as base:
        found = query(f"{base}/missed", "outlet_rules_missed")
    assert found == [
        {
            "outlet": "guardian",
            "rules_missed": 1,
            "rules_partial": 0,
            "articles": 2,
            "missed_percent": 50.0,
            "example_url": missed_url,
        }
    ]


def test_a_database_from_before_the_counter_gets_it_on_open(tmp_path):
    db = tmp_path / "old.db"
    Store(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("alter table crawl_health drop column rules_missed")
    Store(db).close()
    assert ("rules_missed",) in rows(db, "select name from pragma_table_info('crawl_health')")


# -- a real crawl ---------------------------------------------------------------------

PLUGIN = """\
from ingest import Outlet, hookimpl

TIDINGS = Outlet(
    name="tidings",
    domains=["127.0.0.1"],
    articles=r"/story/",
    body="div.story",
    paragraphs="div.story > p",  # written before a redesign moved paragraphs out of reach
)


@hookimpl
def register_outlets(register):
    register(TIDINGS)
"""

SENTENCES = [
    "The river rose by two metres overnight and flooded the lower town for the first time.",
    "Volunteers filled sandbags at the fire station while the council opened the school hall.",
    "Farmers upstream said the fields had been under water since the storm on Sunday evening.",
    "The regional water board promised an inquiry into why the new barrier failed to close.",
    "Insurers expect claims from several hundred households and a number of small shops.",
    "Forecasters warned that more rain was due at the weekend and asked people to stay alert.",
]


#: Each paragraph two sentences, each sentence in two paragraphs.
PARAGRAPHS = [f"{s} {t}" for s, t in zip(SENTENCES, SENTENCES[1:] + SENTENCES[:1], strict=True)]


def story_page(title: str, wrapped: bool, dated: bool = False) -> str:
    """A story whose paragraphs are ``<p>``s of the container, or (after a redesign) each in
    a ``div`` but the first; ``dated``, with its publication time."""
    paragraphs = PARAGRAPHS
    blocks = [f"<p>{paragraphs[0]}</p>"] + [
        f'<div class="para">{p}</div>' if wrapped else f"<p>{p}</p>" for p in paragraphs[1:]
    ]
    stamp = '<meta property="article:published_time" content="2024-03-05T08:00:00Z">'
    return story_html(title, blocks, stamp if dated else "")


def story_html(title: str, blocks: list[str], head: str = "") -> str:
    """A Tidings story page: its ``blocks`` in the ``div.story`` container."""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title}</title><meta property="og:type" content="article">{head}</head>
<body><nav><a href="/">Home</a></nav><main><article><h1>{title}</h1>
<div class="story">{"".join(blocks)}</div></article></main>
<footer><p>© 2024 Tidings</p></footer></body></html>"""


def test_a_crawl_counts_the_pages_the_rules_missed(tmp_path, write_plugin):
    folder = write_plugin("tidings", PLUGIN)
    pages = {
        "/": Resource(
            '<html><body><a href="/story/1">1</a> <a href="/story/2">2</a>'
            ' <a href="/2024/03/insurers">3</a> <a href="/about">about</a></body></html>'
        ),
        "/story/1": story_page("Flood in the lower town", wrapped=False),
        "/story/2": story_page("The barrier that did not close", wrapped=True),
        # Under the site's new URLs, which the plugin's pattern doesn't know.
        "/2024/03/insurers": story_page("Insurers count the cost", wrapped=False, dated=True),
        "/about": story_page("About Tidings", wrapped=False),  # og:type only: left out
    }
    db = tmp_path / "crawl.db"
    with LocalSite(pages) as site:
        out = run_ingest(
            "crawl", site.url + "/", "--db", str(db), "--plugins-dir", str(folder), *FAST
        )
    assert rows(db, "select outlet, pages, new, rules_missed from crawl_health") == [
        ("tidings", 5, 3, 2)
    ]
    stored = rows(
        db,
        "select url, json_extract(provenance, '$.outlet_rules'),"
        " json_extract(provenance, '$.outlet_articles') from articles order by url",
    )
    assert stored == [
        (site.url + "/2024/03/insurers", None, "missed"),  # taken, though the pattern said no
        (site.url + "/story/1", None, None),
        (site.url + "/story/2", "missed", None),
    ]
    not_articles = "select url from urls where reason = 'not_article' order by url"
    assert rows(db, not_articles) == [(site.url + "/",), (site.url + "/about",)]
    [(text,)] = rows(db, "select text from articles where url like '%/story/2'")
    assert text.split("\n") == PARAGRAPHS  # the generic path's: all, not the first only
    assert "rules missed" in out.stdout  # the crawl's health table shows the column
    with datasette(db, tmp_path / "serve.log") as base:
        found = query(f"{base}/crawl", "outlet_rules_missed")
    assert [(f["outlet"], f["rules_missed"], f["articles"]) for f in found] == [("tidings", 2, 3)]
