"""`ingest reextract`: re-run extraction from stored pages, fetching nothing."""

import sqlite3

from conftest import FAST, run_ingest
from sites import LocalSite, article_page, index_page, story


def test_reextract_applies_a_new_plugin_without_fetching(tmp_path, write_plugin):
    links = [f"/news/{i}" for i in range(5)]
    pages = {link: article_page(f"Headline {i}", story(i)) for i, link in enumerate(links)}
    pages["/"] = index_page(links)
    db = tmp_path / "re.db"
    with LocalSite(pages) as site:
        run_ingest("crawl", site.url + "/", "--db", str(db), *FAST)
        fetched = len(site.hits)
        folder = write_plugin("shout", (
            "from ingest import hookimpl\n"
            "@hookimpl\n"
            "def normalize_article(article):\n"
            "    article.title = article.title.upper()\n"
        ))  # fmt: skip
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
