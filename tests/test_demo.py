"""`ingest demo` end to end: the bundled outlets crawled for real into SQLite."""

import json
import re
import sqlite3
from collections import Counter

import pytest

from ingest.demo import story
from ingest.demo.site import SEED_ARTICLE, build_site

from conftest import run_ingest


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    first = run_ingest("demo", "--db", str(db))
    second = run_ingest("demo", "--again", "--db", str(db))
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    yield conn, first.stdout, second.stdout
    conn.close()


def test_every_demo_article_is_stored_exactly(demo):
    conn, _, _ = demo
    site = build_site()
    stored = {row["url"]: row for row in conn.execute("select * from articles")}
    assert len(stored) == len(site.articles) == 180
    changed = corrected().url
    for expected in site.articles:
        row = stored[expected.url]
        assert row["title"] == expected.title, expected.url
        # An exact copy keeps no text of its own: its original's is the text.
        original = stored_text(conn, row)
        extra = "\n" + story.CORRECTION if expected.url == changed else ""
        assert original == "\n".join(expected.paragraphs) + extra, expected.url
        assert json.loads(row["authors"]) == list(expected.authors), expected.url
    per_outlet = Counter(row["outlet"] for row in stored.values())
    assert per_outlet == dict.fromkeys(site.outlets, 45)
    languages = {
        tuple(row)
        for row in conn.execute(
            "select outlet, language from articles where title != ?", [story.WIRE_TITLE]
        )
    }
    assert languages == {(name, o.language) for name, o in site.outlets.items()}
    wire = conn.execute("select language from articles where title = ?", [story.WIRE_TITLE])
    assert [r[0] for r in wire] == ["en"] * 3  # the agency's copy says so: lang="en"


def corrected():
    """The story the second edition corrects."""
    editions = zip(build_site().articles, build_site(2).articles, strict=True)
    (changed,) = [b for a, b in editions if a != b]
    return changed


def stored_text(conn, row) -> str:
    if row["duplicate_of"] is None:
        return row["text"]
    return conn.execute("select text from articles where id = ?", [row["duplicate_of"]]).fetchone()[
        0
    ]


def test_the_wire_story_the_copy_and_the_correction(demo):
    conn, _, _ = demo
    wire = conn.execute(
        "select outlet, cluster_id, duplicate_of from articles where title = ? order by outlet",
        [story.WIRE_TITLE],
    ).fetchall()
    assert [r["outlet"] for r in wire] == sorted(story.WIRE_OUTLETS)
    assert len({r["cluster_id"] for r in wire}) == 1 and wire[0]["cluster_id"] is not None
    assert [r["duplicate_of"] for r in wire] == [None] * 3  # three texts, one story
    clusters = conn.execute("select outlets from story_clusters where outlets > 1")
    assert [tuple(c) for c in clusters] == [(3,)]
    copies = conn.execute(
        "select d.outlet, d.title, o.title, d.url != o.url from articles d"
        " join articles o on o.id = d.duplicate_of"
    ).fetchall()
    assert [tuple(c)[:1] + (c[1] == c[2], c[3]) for c in copies] == [("el-faro", True, 1)]
    versions = conn.execute(
        "select articles.url, article_versions.text, articles.text from article_versions"
        " join articles on articles.id = article_versions.article_id"
    ).fetchall()
    changed = corrected()
    assert changed.outlet == story.CHANGED_OUTLET
    assert [(v[0], v[1] + "\n" + story.CORRECTION == v[2]) for v in versions] == [
        (changed.url, True)
    ]


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
    # The next day's edition: only the corrected story is fetched again and updated.
    assert stats[1]["store/new"] == 0 and stats[1]["store/updated"] == 1
    assert "Demo crawl 1 done" in first and "Demo crawl 2 done" in second
    assert "ingest search" in first  # the next commands to try
    assert "ingest demo --again" in first and "ingest demo --again" not in second


def test_the_summary_counts_pages_as_the_health_table_does(demo):
    conn, first, _ = demo
    (pages,) = conn.execute("select sum(pages) from crawl_health where crawl_id = 1").fetchone()
    (not_found,) = conn.execute("select count(*) from pages where status = 404").fetchone()
    assert not_found == 4 and re.search(rf"Demo crawl 1 done in [\d.]+ s: {pages} pages,", first)


def test_an_interrupted_demo_says_how_to_go_on_and_that_way_finishes(tmp_path):
    """It said "run the same command with --resume", an option the demo does not have."""
    import signal
    import subprocess
    import sys

    from faultkit import signalled, wait_for_articles

    from conftest import ROOT

    db = tmp_path / "demo.db"
    demo = subprocess.Popen(
        [sys.executable, "-m", "ingest", "demo", "--db", str(db), "-s", "DOWNLOAD_DELAY=0.05",
         "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "-s", "INGEST_BATCH_SIZE=1"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    stderr = signalled(demo, [signal.SIGINT], lambda: wait_for_articles(db, 3))
    assert demo.returncode == 130, stderr
    assert stderr.splitlines()[-1] == (
        "Interrupted (stopped by SIGINT): what was stored stays, and the URLs not yet stored "
        "stay queued; run the same command again to go on where it stopped."
    )
    run_ingest("demo", "--db", str(db))
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from articles").fetchone() == (180,)
        queued = conn.execute("select count(*) from urls where state = 'queued'").fetchone()
    conn.close()
    assert queued == (0,)


def test_a_demo_into_a_database_named_by_setting_says_that_database(tmp_path):
    """It wrote the file -s INGEST_DB named, and said "crawling into demo.db" and what to
    run on demo.db next."""
    done = run_ingest("demo", "-s", "INGEST_DB=other.db", cwd=tmp_path)
    assert done.stderr.splitlines()[0].endswith(", crawling into other.db ...")
    assert "ingest search vaccine --db other.db" in done.stdout
    assert sorted(p.name for p in tmp_path.glob("*.db")) == ["other.db"]
