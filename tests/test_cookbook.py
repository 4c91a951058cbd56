"""The README's SQL cookbook, query by query, against a demo crawl: the docs can't drift."""

import re
import sqlite3
from collections import Counter

import pytest

from ingest.demo.site import SEED_ARTICLE, build_site

from conftest import ROOT, copy_database


def cookbook() -> dict[str, str]:
    """The ```sql blocks of the README's "## The database" section, by their first comment."""
    readme = (ROOT / "README.md").read_text()
    section = re.search(r"^## The database\n(.*?)(?=^## )", readme, re.S | re.M).group(1)
    assert "### SQL cookbook" in section
    queries = {}
    for block in re.findall(r"```sql\n(.*?)```", section, re.S):
        title = block.splitlines()[0]
        assert title.startswith("-- "), f"a cookbook query starts with a comment: {block}"
        queries[title[3:]] = block
    return queries


QUERIES = cookbook()


@pytest.fixture(scope="module")
def demo(tmp_path_factory, demo_crawl):
    db = copy_database(demo_crawl, tmp_path_factory.mktemp("cookbook"))
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


def test_the_cookbook_has_five_queries():
    assert len(QUERIES) == 5


@pytest.mark.parametrize("title", list(QUERIES))
def test_cookbook_query_runs_on_the_demo(demo, title):
    rows = [dict(row) for row in demo.execute(QUERIES[title])]
    assert rows, f"{title!r} found nothing in the demo crawl"
    assert all(value is not None for row in rows for value in row.values())
    if "search" in title.lower():
        assert SEED_ARTICLE["title"] in [row["title"] for row in rows]
        assert all(re.search(r"\[\w+\]", row["snippet"]) for row in rows)
    if "per outlet" in title.lower():
        assert sum(row["articles"] for row in rows) == 180
    if "failed" in title.lower():
        assert sum(row["errors"] for row in rows) == 8


def test_the_authors_query_counts_each_authors_articles_exactly(demo):
    """Ties at the tenth place may come in any order: each count is checked, not the names."""
    [title] = [t for t in QUERIES if "authors" in t]
    site = build_site()
    written = Counter((a, article.outlet) for article in site.articles for a in article.authors)
    rows = [dict(row) for row in demo.execute(QUERIES[title])]
    assert [row["n"] for row in rows] == sorted(written.values(), reverse=True)[:10]
    for row in rows:
        assert row["n"] == written[(row["author"], row["outlet"])], row


def test_the_month_query_gives_each_outlets_articles_by_the_month_they_came_out(demo):
    [title] = [t for t in QUERIES if "per month" in t]
    site = build_site()
    months = Counter((a.published.date().isoformat()[:7], a.outlet) for a in site.articles)
    expected = sorted(months.items(), key=lambda item: (item[0][1], item[0][0]))
    expected = sorted(expected, key=lambda item: item[0][0], reverse=True)
    rows = [tuple(row) for row in demo.execute(QUERIES[title])]
    assert rows == [(month, outlet, n) for (month, outlet), n in expected]
