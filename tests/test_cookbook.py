"""The README's SQL cookbook, query by query, against a demo crawl: the docs can't drift."""

import re
import sqlite3

import pytest

from ingest.demo.site import SEED_ARTICLE

from conftest import ROOT, run_ingest


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
def demo(tmp_path_factory):
    db = tmp_path_factory.mktemp("cookbook") / "demo.db"
    run_ingest("demo", "--db", str(db))
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


def test_the_cookbook_has_five_queries():
    assert len(QUERIES) >= 5


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
