"""Full-text search over stored articles (FTS5), for the terminal."""

from __future__ import annotations

import re
from typing import Any

import sqlite_utils
from rich.console import Console
from rich.markup import escape
from rich.table import Table

SEARCH_SQL = """
select articles.id, articles.outlet, articles.published, articles.title, articles.url,
  snippet(articles_fts, 1, char(2), char(3), ' … ', 16) as snippet
from articles_fts join articles on articles.rowid = articles_fts.rowid
where articles_fts match :query
order by rank
limit :limit
"""


def search_articles(db_path: str, query: str, limit: int = 10) -> list[dict[str, Any]]:
    """Best matches first; the snippet marks matched words with [brackets]."""
    db = sqlite_utils.Database(db_path)
    rows = list(db.query(SEARCH_SQL, {"query": fts_query(query), "limit": limit}))
    for row in rows:
        row["snippet"] = row["snippet"].replace("\x02", "[").replace("\x03", "]")
    return rows


def fts_query(query: str) -> str:
    """Plain words match as words (quoted, so punctuation can't break FTS5 syntax)."""
    if any(op in query for op in ('"', " OR ", " AND ", " NOT ", "*", "NEAR(")):
        return query
    return " ".join(f'"{word}"' for word in query.split())


def print_results(results: list[dict[str, Any]], query: str) -> None:
    console = Console()
    if not results:
        console.print(f"No article matches {query!r}.")
        return
    table = Table("outlet", "published", "title / snippet", show_lines=True)
    for row in results:
        snippet = re.sub(r"\\\[([^\]]*)\]", r"[bold yellow]\1[/]", escape(row["snippet"]))
        table.add_row(
            row["outlet"] or "",
            row["published"] or "",
            f"[bold]{escape(row['title'])}[/]\n{snippet}\n[dim]{escape(row['url'])}[/]",
        )
    console.print(table)
