"""Full-text search over stored articles (FTS5), and the filters every reading command shares."""

from __future__ import annotations

import re
import sqlite3
import sys
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ingest.query.matching import (
    TRIGRAM_TABLE,
    add_functions,
    column_notes,
    fts_query,
    has_trigram_index,
    is_unspaced,
    missing_index_note,
    query_notes,
    short_clause,
    trigram_clause,
    trigram_terms,
    unfilled,
    unfilled_note,
)
from ingest.store.connection import read_only_uri

SEARCH_SQL = """
select articles.id, articles.outlet, articles.language, articles.published,
  articles.published_day, articles.title,
  articles.url, articles.duplicate_of, snippet({index}, 1, char(2), char(3), ' … ', 24) as snippet,
  round({index}.rank, 3) as rank
from {index} join articles on articles.rowid = {index}.rowid
where {index} match :query{filters}
order by rank
limit :limit
"""
#: A search in an unspaced script by terms too short for a trigram: no MATCH, so no bm25
#: and no FTS5 snippet; the newest matches first.
SCAN_SQL = """
select articles.id, articles.outlet, articles.language, articles.published,
  articles.published_day, articles.title,
  articles.url, articles.duplicate_of,
  unspaced_excerpt(articles.text, :short, char(2), char(3)) as snippet,
  null as rank
from articles
where {filters}
order by articles.published_day desc, articles.published desc, articles.id
limit :limit
"""


@dataclass(frozen=True)
class ArticleFilter:
    """Which articles a command reads: by outlet, language, publication date or search words."""

    outlets: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    since: str | None = None  # published on or after this ISO date
    until: str | None = None  # published on or before this ISO date
    query: str | None = None  # full-text search (FTS5) over title and text

    def where(self, table: str = "articles", trigram: bool = False) -> tuple[str, dict[str, Any]]:
        """SQL conditions (joined with ``and``, empty when none) and their parameters;
        ``trigram``: the database has the index a query in an unspaced script needs."""
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
        if trigram and is_unspaced(self.query):
            clause, found = trigram_clause(trigram_terms(self.query), table)
            clauses.append(clause)
            params.update(found)
        elif self.query is not None:  # an empty search matches nothing, as `ingest search` does
            clauses.append(
                f"{table}.rowid in (select rowid from articles_fts where articles_fts match :fts)"
            )
            params["fts"] = fts_query(self.query)
        return " and ".join(clauses), params


def iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A click callback: the value must be an ISO date (2021-05-01), and --since no later
    than --until (the two reversed matched nothing, and said "0 articles exported")."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2021-05-01") from None
    since, until = ctx.params.get("since"), ctx.params.get("until")
    if (param.name == "until" and since and since > day) or (
        param.name == "since" and until and day > until
    ):
        since, until = (since, day) if param.name == "until" else (day, until)
        raise click.BadParameter(f"--since {since} is after --until {until}: nothing is in both")
    return day


def some_words(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A click callback: a search must hold something to search for (an empty one matched
    nothing, exit 0, and an export of it wrote nothing, as if no article matched)."""
    if value is not None and not value.strip():
        raise click.BadParameter("give words to search for")
    words = (value or "").split()
    if words and (words[0] in OPERATORS or words[-1] in OPERATORS):  # "NOT vaccine"
        raise click.BadParameter(  # it searched for the word "not", and found the opposite
            f"{words[0] if words[0] in OPERATORS else words[-1]} needs a term on each side: "
            '"flood NOT insurance" finds flood without insurance; "not" as a word is lower case'
        )
    return value


#: FTS5's operators (upper case only: "not" is a word).
OPERATORS = ("AND", "OR", "NOT")


def language_codes(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    """A click callback: languages as stored, ISO 639-1 in lower case ("DE", "pt-BR" found
    nothing, without a word), or one of the detector's ISO 639-3 codes for a language
    without a shorter one ("lij"). Any other value is a usage error: "eng" or "yue" found
    nothing, English and Cantonese being stored as "en" and "zh"."""
    from ingest.article import language_code
    from ingest.extract.language import MACROLANGUAGES, OWN_CODES

    codes = tuple(language_code(value.strip()) or "" for value in values)
    for value, code in zip(values, codes, strict=True):
        if code in MACROLANGUAGES:
            stored = MACROLANGUAGES[code]
            said = f"stored as {stored}" if stored else "no language: such articles have none"
            raise click.BadParameter(f"{value!r} is {said}")
        if not re.fullmatch(r"[a-z]{2}", code) and code not in OWN_CODES:
            raise click.BadParameter(
                f"{value!r} is no language code articles are stored by: two letters (ISO "
                f"639-1, like de or pt), or one of {', '.join(sorted(OWN_CODES))}"
            )
    return codes


def filter_options(func):
    """The --outlet, --language, --since and --until options, as a decorator."""
    options = [
        click.option("--outlet", multiple=True, help="Only this outlet (repeatable)."),
        click.option(
            "--language",
            multiple=True,
            callback=language_codes,
            help="Only this ISO 639 language, like de or pt (repeatable).",
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
    conn = sqlite3.connect(read_only_uri(db_path), uri=True)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout=10000")
    return conn


def table_columns(conn: sqlite3.Connection, table: str) -> set[str]:
    """The columns ``table`` has in this database (older databases may lack newer ones)."""
    return {row[1] for row in conn.execute("select * from pragma_table_info(?)", [table])}


#: What marks a matched word in a snippet a terminal table shows: no text holds them.
TABLE_MARKS = ("\x02", "\x03")


def search_articles(
    db_path: str,
    query: str,
    limit: int = 10,
    filters: ArticleFilter | None = None,
    marks: tuple[str, str] = ("[", "]"),
) -> list[dict[str, Any]]:
    """Best matches first (``rank`` is FTS5's bm25: lower is better); the snippet marks
    matched words with ``marks``, [brackets] unless asked otherwise. Terms of an unspaced
    script too short for a trigram are found without FTS5: their matches have no rank
    and come newest first."""
    with closing(connect(db_path)) as conn:
        add_functions(conn)  # the snippet of a match FTS5 did not make
        trigram = is_unspaced(query) and has_trigram_index(conn)
        sql, params = _search_sql(query, filters or ArticleFilter(), trigram)
        rows = [dict(row) for row in conn.execute(sql, {**params, "limit": limit})]
    for row in rows:
        if row["snippet"] is None:  # an exact duplicate, found by its title: no text of its own
            row["snippet"] = f"(the text of article {row['duplicate_of']})"
        row["snippet"] = row["snippet"].replace("\x02", marks[0]).replace("\x03", marks[1])
    return rows


def _search_sql(query: str, filters: ArticleFilter, trigram: bool) -> tuple[str, dict[str, Any]]:
    """The statement finding ``query`` (in the trigram index if ``trigram``), and its
    parameters."""
    where, params = filters.where()
    if not trigram:
        sql = SEARCH_SQL.format(index="articles_fts", filters=_and(where))
        return sql, {**params, "query": fts_query(query)}
    terms = trigram_terms(query)
    if not terms.match:  # short terms alone: read the indexed articles for them
        clause, found = trigram_clause(terms)
        return SCAN_SQL.format(filters=" and ".join(filter(None, [clause, where]))), {
            **params,
            **found,
        }
    sql = SEARCH_SQL.format(index=TRIGRAM_TABLE, filters=_and(where, short_clause(terms)))
    return sql, {**params, "query": terms.match, "short": terms.short_json}


def _and(*clauses: str) -> str:
    return "".join(f"\n  and {clause}" for clause in clauses if clause)


def search_notes(db_path: str, query: str | None) -> list[str]:
    """What to tell the user of a query: a word before a colon that names no column; in an
    unspaced script, that it has no index to go to, that the index does not hold every
    article yet, or what its operators miss."""
    if not query:
        return []
    if not is_unspaced(query):
        return column_notes(query)
    with closing(connect(db_path)) as conn:
        if not has_trigram_index(conn):
            return [missing_index_note(conn)]
        missing = unfilled(conn)
    return ([unfilled_note(missing)] if missing else []) + query_notes(query)


def print_results(results: list[dict[str, Any]], query: str) -> None:
    """The results as a table; their snippets marked with ``TABLE_MARKS``. Stored text is
    shown as it is, as text and never markup: a page's own ":thumbs_up:", "[bold]" or
    "C:\\" had been drawn, dropped or (a backslash before a match) ended in a traceback."""
    # Piped, rich would fit the table to 80 columns and cut URLs with "…": no width then.
    wide = {} if sys.stdout.isatty() else {"width": 10_000, "soft_wrap": True}
    console = Console(emoji=False, **wide)
    if not results:
        console.print(Text(f"No article matches {query!r}."))
        return
    table = Table("outlet", "published", "title / snippet", show_lines=True)
    for row in results:
        cell = Text(row["title"] or "", style="bold")
        cell.append("\n").append_text(marked(row["snippet"]))
        cell.append("\n").append(row["url"], style="dim")
        table.add_row(Text(row["outlet"] or ""), Text(row["published"] or ""), cell)
    console.print(table)


def marked(snippet: str) -> Text:
    """The snippet, its matches (between ``TABLE_MARKS``) in bold yellow."""
    start, end = TABLE_MARKS
    text = Text()
    for i, part in enumerate(re.split(f"[{start}{end}]", snippet)):
        text.append(part, style="bold yellow" if i % 2 else "")
    return text
