"""`ingest reextract`: re-run extraction from stored pages, fetching nothing."""

import json
import shutil
import sqlite3
import time

import pytest
from test_incremental import ConditionalSite

from conftest import FAST, rows, run_ingest
from sites import LocalSite, article_page, index_page, story

SHOUT = """
from ingest import hookimpl


@hookimpl
def normalize_article(article):
    article.title = article.title.upper()
"""


def headlines(n: int) -> dict:
    """A home page and ``n`` articles titled "Headline 0", "Headline 1"..."""
    links = [f"/news/{i}" for i in range(n)]
    pages = {link: article_page(f"Headline {i}", story(i)) for i, link in enumerate(links)}
    pages["/"] = index_page(links)
    return pages


def test_reextract_applies_a_new_plugin_without_fetching(tmp_path, write_plugin):
    db = tmp_path / "re.db"
    with LocalSite(headlines(5)) as site:
        run_ingest("crawl", site.url + "/", "--db", str(db), *FAST)
        fetched = len(site.hits)
        folder = write_plugin("shout", SHOUT)
        result = run_ingest("reextract", "--db", str(db), "--plugins-dir", str(folder))
        assert len(site.hits) == fetched  # nothing fetched
    assert "Re-extraction" in result.stdout
    with sqlite3.connect(db) as conn:
        titles = sorted(t for (t,) in conn.execute("select title from articles"))
        assert titles == [f"HEADLINE {i}" for i in range(5)]
        versions = conn.execute("select title from article_versions order by title").fetchall()
        assert versions == [(f"Headline {i}",) for i in range(5)]
        provenance = conn.execute("select distinct provenance from articles").fetchall()
        assert provenance and all('"title": "shout"' in p for (p,) in provenance)
        assert conn.execute("select command from crawls order by id").fetchall() == [
            ("crawl news",),
            ("reextract",),
        ]


def test_a_corrupt_stored_page_is_an_errors_row_and_the_rest_is_reextracted(tmp_path, write_plugin):
    """A body that no longer unpacks costs that page: reextract and export go on without it."""
    db = tmp_path / "re.db"
    with LocalSite(headlines(3)) as site:
        run_ingest("crawl", site.url + "/", "--db", str(db), *FAST)
    broken = site.url + "/news/1"
    with sqlite3.connect(db) as conn:
        conn.execute("update pages set body = x'00112233' where url = ?", [broken])
    folder = write_plugin("shout", SHOUT)
    run_ingest("reextract", "--db", str(db), "--plugins-dir", str(folder))
    with sqlite3.connect(db) as conn:
        assert conn.execute(
            "select url, stage, message from errors where kind = 'corrupt_body'"
        ).fetchall() == [
            (
                broken,
                "extract",
                "the stored page is corrupt: Error -3 while decompressing data: "
                "incorrect header check",
            )
        ]
        titles = sorted(t for (t,) in conn.execute("select title from articles"))
    assert titles == ["HEADLINE 0", "HEADLINE 2", "Headline 1"]  # the broken page's stays
    warc = tmp_path / "out.warc.gz"
    done = run_ingest("export", "--db", str(db), "--format", "warc", "-o", str(warc), check=False)
    assert done.returncode == 1
    assert done.stderr == (
        "2 pages exported\n"
        f"Error: 1 page(s) left out: their stored bodies are corrupt (the first: {broken})\n"
    )


MARK = """
from ingest import hookimpl


@hookimpl
def clean_article(article):
    article.text = article.text + "\\nReextracted."
"""


def test_reextract_keeps_last_seen_and_a_merge_keeps_its_text(tmp_path, write_plugin):
    """A 304 moved last_seen past the stored page's fetch: re-extracting that page does not
    move it back, so merged after the shard it re-extracted, in either order, its text wins."""
    db = tmp_path / "re.db"
    with ConditionalSite(headlines(3)) as site:
        run_ingest("crawl", site.url + "/", "--db", str(db), *FAST)
        time.sleep(1.1)
        run_ingest("crawl", site.url + "/", "--db", str(db), "--refresh", *FAST)
    assert sorted(s for p, _, s in site.hits if p.startswith("/news/")) == [200] * 3 + [304] * 3
    shutil.copy(db, tmp_path / "before.db")
    seen = "select url, first_seen, last_seen from articles order by url"
    before = rows(db, seen)
    assert all(first < last for _, first, last in before)  # the 304s' time
    run_ingest("reextract", "--db", str(db), "--plugins-dir", str(write_plugin("mark", MARK)))
    assert rows(db, seen) == before
    shards = [str(tmp_path / "before.db"), str(db)]
    for name, order in (("ab.db", shards), ("ba.db", shards[::-1])):
        run_ingest("merge", *order, "--into", str(tmp_path / name))
        merged = tmp_path / name
        assert rows(merged, seen) == before
        texts = rows(merged, "select text from articles")
        assert [t.endswith("\nReextracted.") for (t,) in texts] == [True] * 3
        versions = rows(
            merged,
            "select a.url, v.text like '%Reextracted.', v.first_seen, v.last_seen, v.replaced_at"
            " from article_versions v join articles a on a.id = v.article_id order by a.url",
        )  # each page fetched in its own second, maybe: each its own times
        assert versions == [(url, 0, first, last, last) for url, first, last in before]


SOME = """
from ingest import hookimpl


@hookimpl
def clean_article(article):
    if article.url.endswith(("/news/1", "/news/3")):
        article.text = article.text + "\\nCorrected."
"""


def test_reextract_counts_every_article_in_its_summary_and_stats(tmp_path, write_plugin):
    """The last batch is stored before the run's stats are read: a small run is all one."""
    db = tmp_path / "re.db"
    with LocalSite(headlines(5)) as site:
        run_ingest("crawl", site.url + "/", "--db", str(db), *FAST)
    folder = write_plugin("some", SOME)
    result = run_ingest("reextract", "--db", str(db), "--plugins-dir", str(folder))
    assert result.stdout.splitlines()[0] == (
        f"Re-extraction 2 done: 0 pages, 5 articles (0 new, 2 updated), 0 errors -> {db}"
    )
    [(stats,)] = rows(db, "select stats from crawls where id = 2")
    counted = {k: v for k, v in json.loads(stats).items() if k != "store/clustered"}
    assert counted == {
        "store/pages": 0,
        "store/articles": 5,
        "store/new": 0,
        "store/updated": 2,
        "store/unchanged": 3,
        "store/duplicates": 0,
        "store/not_modified": 0,
        "store/errors": 0,
    }
    assert rows(db, "select count(*) from article_versions") == [(2,)]
    # the health table printed is the one stored: the last batch's counts were a flush late
    health = "select outlet, new, updated, unchanged from crawl_health where crawl_id = 2"
    [(outlet, new, updated, unchanged)] = rows(db, health)
    assert (new, updated, unchanged) == (0, 2, 3)
    printed = result.stdout[result.stdout.index("Health per outlet") :]
    assert [line.split("│")[1].strip() for line in printed.splitlines() if "│" in line] == [outlet]


BRIEFS = r"""
from ingest import Outlet, hookimpl

HARBOUR = Outlet(name="harbour-briefs", domains=["127.0.0.1"], articles=r"/news/\d+$")


@hookimpl
def register_outlets(register):
    register(HARBOUR)
"""

BRIEF = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Harbour closes early</title></head><body><h1>Harbour closes early</h1>
<p>The harbour closed two hours early on Monday because of the storm warning for the coast.</p>
<p>Ferries to the islands will run again on Tuesday morning, the port authority said.</p>
</body></html>"""


def test_reextract_counts_a_stored_article_its_page_no_longer_gives(tmp_path, write_plugin):
    """The outlet plugin that took a brief for an article is gone: on its own the brief is
    too short for one. The stored article stays, and the run says so."""
    db = tmp_path / "re.db"
    pages = headlines(2)
    pages["/news/2"] = BRIEF
    pages["/"] = index_page(["/news/0", "/news/1", "/news/2"])
    folder = write_plugin("briefs", BRIEFS)
    with LocalSite(pages) as site:
        run_ingest("crawl", site.url + "/", "--db", str(db), "--plugins-dir", str(folder), *FAST)
    stored = "select url, outlet, title, crawl_id from articles order by url"
    assert rows(db, stored) == [
        (f"{site.url}/news/{i}", "harbour-briefs", title, 1)
        for i, title in enumerate(["Headline 0", "Headline 1", "Harbour closes early"])
    ]
    [(brief_id,)] = rows(db, "select id from articles where url like '%/news/2'")
    result = run_ingest("reextract", "--db", str(db), "--workers", "0")
    assert result.stdout.splitlines()[0] == (
        f"Re-extraction 2 done: 0 pages, 2 articles (0 new, 0 updated), 1 errors -> {db}"
    )
    assert rows(db, "select crawl_id, url, stage, kind, message from errors") == [
        (
            2,
            f"{site.url}/news/2",
            "extract",
            "no_longer_article",
            f"the stored page gives no article now (not_article): article {brief_id} is kept "
            "as stored",
        )
    ]
    brief = (f"{site.url}/news/2", "harbour-briefs", "Harbour closes early", 1)
    assert rows(db, stored)[2] == brief  # under its outlet still, from the crawl


SLOW = """
import time
from ingest import hookimpl


@hookimpl
def clean_article(article):
    time.sleep(0.5)
"""


@pytest.mark.parametrize(("signum", "status"), [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_reextract_stopped_by_ctrl_c_is_marked_interrupted_and_keeps_what_it_read(
    tmp_path, write_plugin, signum, status
):
    """Its run stayed `running` until a later writer called it killed; SIGTERM (a service
    manager's stop) killed it outright, its run left `running` too."""
    import signal
    import subprocess
    import sys

    from conftest import ROOT

    db = tmp_path / "re.db"
    with LocalSite(headlines(20)) as site:
        run_ingest("crawl", site.url + "/", "--db", str(db), *FAST)
    folder = write_plugin("slow", SLOW)
    again = subprocess.Popen(
        [sys.executable, "-m", "ingest", "reextract", "--db", str(db), "--workers", "1",
         "--plugins-dir", str(folder)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not rows(db, "select count(*) from crawls where command = 'reextract'")[0][0]:
        assert time.monotonic() < deadline and again.poll() is None
        time.sleep(0.1)
    time.sleep(2)  # a few pages read again
    again.send_signal(getattr(signal, signum))
    _, said = again.communicate(timeout=60)
    assert again.returncode == status and b"Traceback" not in said, said
    assert b"Interrupted." in said
    assert rows(db, "select status, stop_reason from crawls where command = 'reextract'") == [
        ("interrupted", f"stopped by {signum}")
    ]


def test_reextract_and_extract_take_the_extraction_bounds_a_crawl_takes(tmp_path):
    """A page a crawl was let extract past a default bound was refused by every reextract
    ("limit 5,000,000, INGEST_MAX_HTML_BYTES"), which took no setting to lift it."""
    page = article_page("Bounded", story(1))
    db = tmp_path / "news.db"
    with LocalSite({"/news/2024/03/bounded": page}) as site:
        run_ingest("crawl", site.url + "/news/2024/03/bounded", "--db", str(db), *FAST)
    small = ["-s", "INGEST_MAX_HTML_BYTES=1000"]
    run_ingest("reextract", "--db", str(db), *small)
    [(message,)] = rows(db, "select message from errors where kind = 'too_large'")
    assert (
        message
        == f"page has {len(page.encode()):,} bytes of HTML (limit 1,000, INGEST_MAX_HTML_BYTES)"
    )
    url_row = "select state, reason, article_id is not null from urls where url like '%/bounded'"
    assert rows(db, url_row) == [("fetched", "article", 1)]  # kept as stored, as it was
    run_ingest("reextract", "--db", str(db))  # the default bound: read again, no new row
    assert rows(db, "select count(*) from errors where kind = 'too_large'") == [(1,)]
    (tmp_path / "page.html").write_text(page)
    refused = run_ingest("extract", str(tmp_path / "page.html"), *small, check=False)
    assert (
        refused.returncode == 1
        and "holds over 1,000 bytes (INGEST_MAX_HTML_BYTES)" in refused.stderr
    )
    other = run_ingest("reextract", "--db", str(db), "-s", "DOWNLOAD_DELAY=1", check=False)
    assert (other.returncode, other.stderr.splitlines()[-1]) == (
        2,
        "Error: Invalid value for -s: DOWNLOAD_DELAY is no extraction bound "
        "(INGEST_MAX_HTML_BYTES, INGEST_MAX_ELEMENTS, INGEST_EXTRACT_TIMEOUT)",
    )


LOCAL_OUTLET = """
from ingest import Outlet, hookimpl


@hookimpl
def register_outlets(register):
    register(Outlet(name="local-news", title="Local News", domains=["127.0.0.1"]))
"""


def test_reextract_without_the_plugins_of_stored_outlets_says_so(tmp_path, write_plugin):
    """Run from a folder whose ingest.toml names no plugins, it took every article out of
    its outlet, and its summary said nothing had changed."""
    folder = write_plugin("local_news", LOCAL_OUTLET)
    db = tmp_path / "re.db"
    with LocalSite(headlines(3)) as site:
        run_ingest("crawl", site.url + "/", "--db", str(db), "--plugins-dir", str(folder), *FAST)
    assert rows(db, "select outlet, count(*) from articles group by 1") == [("local-news", 3)]
    warned = "warning: stored articles of outlets no loaded plugin declares: local-news (3);"
    assert warned in run_ingest("reextract", "--db", str(db), cwd=tmp_path).stderr
    kept = run_ingest("reextract", "--db", str(db), "--plugins-dir", str(folder), cwd=tmp_path)
    assert "warning" not in kept.stderr
    assert rows(db, "select outlet, count(*) from articles group by 1") == [("local-news", 3)]


def test_a_page_the_crawl_could_not_extract_is_the_article_reextract_reads_from_it(tmp_path):
    """Its URL kept the crawl's failure as its reason, and no article, until a next crawl."""
    db = tmp_path / "news.db"
    with LocalSite(headlines(3)) as site:
        run_ingest("crawl", site.url + "/", "--db", str(db), *FAST, "-s", "INGEST_MAX_ELEMENTS=10")
    story_urls = "from urls where url like '%/news/%'"
    assert rows(db, f"select reason, count(*), count(article_id) {story_urls} group by 1") == [
        ("too_large", 3, 0)
    ]
    run_ingest("reextract", "--db", str(db))
    assert rows(db, f"select reason, count(*) {story_urls} group by 1") == [("article", 3)]
    linked = "select count(*) from urls join articles on articles.id = urls.article_id"
    assert rows(db, linked) == [(3,)]
