"""`ingest demo` end to end: the bundled outlets crawled for real into SQLite."""

import json
import sqlite3
from collections import Counter

import pytest

from ingest.demo.site import SEED_ARTICLE, build_site

from conftest import run_ingest


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    first = run_ingest("demo", "--db", str(db))
    second = run_ingest("demo", "--db", str(db))
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    yield conn, first.stdout, second.stdout
    conn.close()


def test_every_demo_article_is_stored_exactly(demo):
    conn, _, _ = demo
    site = build_site()
    stored = {row["url"]: row for row in conn.execute("select * from articles")}
    assert len(stored) == len(site.articles) >= 150
    for expected in site.articles:
        row = stored[expected.url]
        assert row["title"] == expected.title, expected.url
        assert row["text"] == "\n".join(expected.paragraphs), expected.url
        assert json.loads(row["authors"]) == list(expected.authors), expected.url
    per_outlet = Counter(row["outlet"] for row in stored.values())
    assert set(per_outlet) == set(site.outlets)
    languages = dict(
        conn.execute(
            "select outlet, group_concat(distinct language) from articles group by outlet"
        ).fetchall()
    )
    assert languages == {name: o.language for name, o in site.outlets.items()}


def test_seed_article_is_clean(demo):
    conn, _, _ = demo
    row = conn.execute("select * from articles where url = ?", [SEED_ARTICLE["url"]]).fetchone()
    assert row["title"] == SEED_ARTICLE["title"]
    assert row["text"] == "\n".join(SEED_ARTICLE["paragraphs"])
    for line in ("Thu, May", "60 Yeni Haber", "Sign up via our free email"):
        assert line not in row["text"]
    hits = conn.execute(
        "select articles.url from articles_fts join articles"
        " on articles.rowid = articles_fts.rowid"
        " where articles_fts match 'vaccine'"
    ).fetchall()
    assert (SEED_ARTICLE["url"],) in [tuple(h) for h in hits]


def test_failures_are_recorded_and_robots_obeyed(demo):
    conn, _, _ = demo
    site = build_site()
    errors = set(conn.execute("select url, kind from errors").fetchall())
    expected = {(url, "http_404") for url in site.dead_urls()}
    expected |= {(url, "robots_disallowed") for url in site.disallowed_urls()}
    assert {tuple(e) for e in errors} == expected
    fetched = {url for (url,) in conn.execute("select url from pages")}
    assert not fetched & set(site.disallowed_urls())
    kinds = dict(conn.execute("select kind, count(*) from pages group by kind").fetchall())
    assert kinds["feed"] == len(site.outlets) and kinds["sitemap"] == len(site.outlets)


def test_second_run_updates_and_never_duplicates(demo):
    conn, first, second = demo
    crawls = conn.execute("select stats from crawls order by id").fetchall()
    assert len(crawls) == 2
    runs = conn.execute("select command, status, stop_reason from crawls").fetchall()
    assert [tuple(r) for r in runs] == [("demo", "finished", "finished")] * 2
    stats = [json.loads(c["stats"]) for c in crawls]
    assert stats[0]["store/new"] == len(build_site().articles)
    assert stats[1]["store/new"] == 0 and stats[1]["store/updated"] == 0
    assert "Demo crawl 1 done" in first and "Demo crawl 2 done" in second
    assert "ingest search" in first  # the next commands to try
