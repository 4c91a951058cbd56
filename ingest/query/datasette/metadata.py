"""Datasette metadata for a crawl's database, generated from ``ingest.store.writer.DESCRIPTIONS``.

Every table and column is described by the schema's own descriptions, so the two cannot
drift; sort orders, facets and labels are the browsing choices added here.
"""

from __future__ import annotations

import copy
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from datasette.utils import tilde_encode
from markupsafe import Markup

from ingest.query.datasette.dashboard import SLUG, dashboard
from ingest.query.datasette.queries import canned_queries
from ingest.query.matching import has_trigram_index, unfilled
from ingest.query.search import connect, table_columns
from ingest.store.descriptions import DESCRIPTIONS

TITLE = "ingest: news articles"
DESCRIPTION = (
    "News articles crawled into SQLite by ingest: search them, facet them by outlet, "
    "language, author and month, follow an article to its page, crawl, errors and earlier "
    "versions, or start from the canned queries. Read-only."
)

#: How each table is browsed: newest first, the facets worth having, the label of its rows.
BROWSING: dict[str, dict[str, Any]] = {
    "articles": {
        "sort_desc": "published",
        "facets": ["outlet", "language", {"array": "authors"}, {"month": "published_day"}],
        "label_column": "title",
        "fts_table": "articles_fts",
        "fts_pk": "rowid",
        "searchmode": "escaped",
    },
    "article_versions": {"sort_desc": "replaced_at"},
    "pages": {"sort_desc": "fetched_at", "facets": ["kind", "status", "crawl_id"]},
    "crawls": {"sort_desc": "id", "facets": ["command"]},
    "errors": {"sort_desc": "id", "facets": ["crawl_id", "stage", "kind", "plugin"]},
    # Tables newer schemas have: browsing choices apply only to the tables described.
    "urls": {"sort_desc": "found_at", "facets": ["state", "reason", "kind", "outlet"]},
    "crawl_health": {"sort_desc": "crawl_id", "facets": ["outlet"]},
    # The near-duplicate index: numbers only a machine reads; listed last, among hidden tables.
    "article_lsh": {"hidden": True},
    "article_minhash": {"hidden": True},
}


#: The articles' columns a reader wants first; the "compact view" link shows only these.
COMPACT_COLUMNS = ("title", "outlet", "published", "language", "authors", "text")


def database_name(db_path: str | Path) -> str:
    """The name Datasette gives a database file: its stem."""
    return Path(db_path).stem


def database_queries(db_path: str | Path) -> dict[str, Any]:
    """The canned queries as this database can run them: its articles' columns, its
    trigram index (and the articles that index lacks yet), whether its runs have shards.
    One connection reads all of it."""
    with closing(connect(str(db_path))) as conn:
        return canned_queries(
            table_columns(conn, "articles"),
            has_trigram_index(conn),
            unfilled(conn),
            shards="shard" in table_columns(conn, "crawls"),
        )


def build_metadata(db_path: str | Path) -> dict[str, Any]:
    """The metadata ``ingest serve`` hands Datasette for the database at ``db_path``."""
    tables: dict[str, dict[str, Any]] = {}
    for name, described in DESCRIPTIONS.items():
        tables[name] = {
            "description": described["description"],
            "columns": dict(described["columns"]),
            **copy.deepcopy(BROWSING.get(name, {})),
        }
    name = database_name(db_path)
    compact = f"/{tilde_encode(name)}/articles?" + urlencode([("_col", c) for c in COMPACT_COLUMNS])
    tables["articles"]["description_html"] = str(
        Markup('{} <a href="{}">Compact view</a>: {} only.').format(
            DESCRIPTIONS["articles"]["description"], compact, ", ".join(COMPACT_COLUMNS)
        )
    )
    queries = database_queries(db_path)
    for query in queries.values():
        query["hide_sql"] = True  # folded under the description (templates/query.html)
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "databases": {name: {"description": DESCRIPTION, "tables": tables, "queries": queries}},
        "plugins": {"datasette-dashboards": {SLUG: dashboard(name)}},
    }
