"""`ingest reextract`: re-run extraction from stored pages, fetching nothing."""

import sqlite3

from conftest import FAST, run_ingest
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
