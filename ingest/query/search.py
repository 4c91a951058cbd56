"""Full-text search over stored articles (FTS5), and the filters every reading command shares."""

from __future__ import annotations

import re
import sqlite3
import sys
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

SEARCH_SQL = """
select articles.id, articles.outlet, articles.language, articles.published,
  articles.published_day, articles.title,
  articles.url, snippet(articles_fts, 1, char(2), char(3), ' … ', 24) as snippet,
  round(articles_fts.rank, 3) as rank
from articles_fts join articles on articles.rowid = articles_fts.rowid
where articles_fts match :query{filters}
order by rank
limit :limit
"""

#: Words that make a query FTS5 syntax rather than plain words.
FTS_OPERATORS = ('"', " OR ", " AND ", " NOT ", "*", "NEAR(", "^")


@dataclass(frozen=True)
class ArticleFilter:
    """Which articles a command reads: by outlet, language, publication date or search words."""

    outlets: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    since: str | None = None  # published on or after this ISO date
    until: str | None = None  # published on or before this ISO date
    query: str | None = None  # full-text search (FTS5) over title and text

    def where(self, table: str = "articles") -> tuple[str, dict[str, Any]]:
        """SQL conditions (joined with ``and``, empty when none) and their parameters."""
        clauses: list[str] = []
        params: dict[str, Any] = {}
        for name, column, values in (
            ("outlet", "outlet", self.outlets),
            ("language", "language", self.languages),
        ):
            if values:
                keys = [f"{name}_{i}" for i in range(len(values))]
                clauses.append(f"{table}.{column} in ({', '.join(':' + k for k in keys)})")
                params.update(zip(keys, values, strict=True))
        if self.since:  # days in the publisher's time zone, as the page gives them
            clauses.append(f"{table}.published_day >= :since")
            params["since"] = self.since
        if self.until:
            clauses.append(f"{table}.published_day <= :until")
            params["until"] = self.until
        if self.query is not None:  # an empty search matches nothing, as `ingest search` does
            clauses.append(
                f"{table}.rowid in (select rowid from articles_fts where articles_fts match :fts)"
            )
            params["fts"] = fts_query(self.query)
        return " and ".join(clauses), params


def iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A click callback: the value must be an ISO date (2021-05-01)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2021-05-01") from None


def filter_options(func):
    """The --outlet, --language, --since and --until options, as a decorator."""
    options = [
        click.option("--outlet", multiple=True, help="Only this outlet (repeatable)."),
        click.option(
            "--language", multiple=True, help="Only this ISO 639-1 language (repeatable)."
        ),
        click.option(
            "--since", callback=iso_date, metavar="DATE", help="Published on or after DATE."
        ),
        click.option(
            "--until", callback=iso_date, metavar="DATE", help="Published on or before DATE."
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def connect(db_path: str) -> sqlite3.Connection:
    """A read-only connection whose rows read like dicts."""
    # Path.as_uri quotes what a hand-built file: URI would not (?, #, % in a path).
    conn = sqlite3.connect(f"{Path(db_path).resolve().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout=10000")
    return conn


def table_columns(conn: sqlite3.Connection, table: str) -> set[str]:
    """The columns ``table`` has in this database (older databases may lack newer ones)."""
    return {row[1] for row in conn.execute("select * from pragma_table_info(?)", [table])}


def search_articles(
    db_path: str, query: str, limit: int = 10, filters: ArticleFilter | None = None
) -> list[dict[str, Any]]:
    """Best matches first (``rank`` is FTS5's bm25: lower is better); the snippet marks
    matched words with [brackets]."""
    where, params = (filters or ArticleFilter()).where()
    sql = SEARCH_SQL.format(filters=f"\n  and {where}" if where else "")
    with closing(connect(db_path)) as conn:
        rows = [
            dict(row)
            for row in conn.execute(sql, {**params, "query": fts_query(query), "limit": limit})
        ]
    for row in rows:
        row["snippet"] = row["snippet"].replace("\x02", "[").replace("\x03", "]")
    return rows


def fts_query(query: str) -> str:
    """Plain words match as words (quoted, so punctuation can't break FTS5 syntax);
    a query using FTS5 operators (quotes, OR, NOT, prefix*) is passed on as it is."""
    if any(op in query for op in FTS_OPERATORS):
        return query
    words = query.split()
    if not words:
        return '""'  # matches nothing, where an empty query would be an error
    return " ".join('"{}"'.format(word.replace('"', '""')) for word in words)


def print_results(results: list[dict[str, Any]], query: str) -> None:
    # Piped, rich would fit the table to 80 columns and cut URLs with "…": no width then.
    console = Console() if sys.stdout.isatty() else Console(width=10_000, soft_wrap=True)
    if not results:
        console.print(f"No article matches {query!r}.")
        return
    table = Table("outlet", "published", "title / snippet", show_lines=True)
    for row in results:
        snippet = re.sub(r"\\\[([^\]]*)\]", r"[bold yellow]\1[/]", escape(row["snippet"]))
        table.add_row(
            row["outlet"] or "",
            row["published"] or "",
            f"[bold]{escape(row['title'] or '')}[/]\n{snippet}\n[dim]{escape(row['url'])}[/]",
        )
    console.print(table)
