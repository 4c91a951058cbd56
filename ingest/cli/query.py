"""Commands that read a crawl's database: search it, count it, export it, browse it."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import click

from ingest.cli import DB_OPTION, unknown_outlet
from ingest.query.search import ArticleFilter, filter_options, some_words

#: What SQLite says of a MATCH expression it can't parse.
FTS_ERRORS = (
    "fts5",
    "unterminated string",
    "no such column",
    "malformed MATCH",
    "unknown special query",
    "expected integer",  # NEAR(a b, abc)
)


def check_outlets(db: str, outlets: tuple[str, ...]) -> None:
    """An outlet named that neither the database's articles nor any plugin has is a slip
    (``--outlet el_faro`` for el-faro), told as a usage error: it matched nothing, said
    nothing, and exited 0. Plugins load only when the database does not know the name."""
    if not outlets:
        return
    from ingest.query.search import connect

    with connect(db) as conn:
        known = {row[0] for row in conn.execute("select distinct outlet from articles")}
    if set(outlets) <= known:
        return
    from ingest.plugins.manager import PluginConfig, load_plugins

    known |= {outlet.name for outlet in load_plugins(PluginConfig.default()).outlets}
    if problem := unknown_outlet(outlets, known - {None}):
        raise click.BadParameter(problem, param_hint="--outlet")


@contextmanager
def fts_errors():
    """A search FTS5 can't parse is the user's to fix: say so, without a traceback."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if not any(sign in str(exc) for sign in FTS_ERRORS):
            raise
        raise click.UsageError(f"not a valid search: {exc}") from None


def note_unindexed(db: str, query: str | None) -> None:
    """Say on stderr when a search in Chinese, Japanese or Thai has no index to go to, or
    may miss articles (see ``search_notes``)."""
    from ingest.query.search import search_notes

    for note in search_notes(db, query):
        click.echo(note, err=True)


@contextmanager
def writing(path: str, mode: str, **options: Any) -> Iterator[IO[Any]]:
    """The output file, open. It is written beside its place under a temporary name and
    put there whole, so an export that fails part way (a bad search, a full disk) leaves
    a file already there as it was: it had been emptied. A device or a pipe is written
    as it is. One that can't be made (no such folder, no right) is the user's to fix:
    said in one line, not a traceback."""
    target = Path(os.path.realpath(path))  # through a link, to the file it names
    direct = target.exists() and not target.is_file()
    temporary = target if direct else target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        out = open(temporary, mode, **options)  # noqa: SIM115
    except OSError as exc:
        raise click.FileError(path, hint=exc.strerror or str(exc)) from None
    try:
        with out:
            yield out
    except BaseException as exc:
        if not direct:
            temporary.unlink(missing_ok=True)
        if isinstance(exc, OSError):  # a full disk, say, part way
            raise click.ClickException(f"could not write {path}: {exc.strerror or exc}") from None
        raise
    if not direct:
        if target.exists():  # a private export stays private: the file's mode is kept
            shutil.copymode(target, temporary)
        os.replace(temporary, target)


def not_the_database(output: str | None, db: str) -> None:
    """An output that is the database (or its journal) would replace it with the export:
    every stored page and article gone, with exit 0."""
    if output in (None, "-"):
        return
    stored = Path(os.path.realpath(db))
    names = {stored, *(stored.with_name(stored.name + end) for end in ("-wal", "-shm", "-journal"))}
    if Path(os.path.realpath(output)) in names:
        raise click.BadParameter(f"{output} is the database itself", param_hint="--output")


@contextmanager
def printing(data: bool = False) -> Iterator[None]:
    """Standard output that fails is told in one line: a reader that had enough
    (``| head``) quietly, a full disk as an error. Standard output is then sent nowhere,
    so Python's own flush at exit does not fail again with a traceback.

    Data (JSON, an export) goes out as UTF-8 whatever the locale: it is read by
    programs, and a character replaced would change it unsaid. A table is for eyes,
    drawn in the terminal's encoding; a character it has none for is shown as ``?``
    rather than ending the command with a traceback."""
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(**({"encoding": "utf-8"} if data else {"errors": "replace"}))
    try:
        yield
        sys.stdout.flush()
    except OSError as exc:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        if isinstance(exc, BrokenPipeError):
            raise SystemExit(1) from None
        raise click.ClickException(
            f"could not write to standard output: {exc.strerror or exc}"
        ) from None


@click.command(context_settings={"ignore_unknown_options": True})
@DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8001,
    show_default=True,
    help="0: any free one.",
)
@click.argument("datasette_options", nargs=-1, type=click.UNPROCESSED)
def serve(db, host, port, datasette_options):
    """Browse and query the database in Datasette, read-only.

    Ships its own metadata (every table and column described, newest first, facets on
    outlet, language, author and month), full-text search with highlighted matches and
    canned queries. More Datasette options may follow, e.g. `--setting
    sql_time_limit_ms 10000` or `--open`.
    """
    from ingest.query.datasette import cannot_listen
    from ingest.query.datasette import serve as run_datasette

    if why := cannot_listen(host, port):
        raise click.ClickException(why)
    run_datasette(db, host, port, datasette_options)


@click.command()
@click.argument("query", callback=some_words)
@DB_OPTION
@filter_options
@click.option("--limit", type=click.IntRange(1, 100_000), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print results as JSON.")
def search(query, db, outlet, language, since, until, limit, as_json):
    """Full-text search over article titles and text, best matches first.

    Plain words must all appear (stemmed, accents ignored); FTS5 syntax works too:
    "exact phrase", prefix*, OR, NOT; title:word or text:word looks in that column
    alone, {title text}:word in both. Words in Chinese, Japanese or Thai are found
    anywhere in the text, as those scripts have no spaces between words; a Korean word
    matches the start of a word, so that it finds its forms with particles attached.
    """
    from ingest.query.search import TABLE_MARKS, print_results, search_articles

    filters = ArticleFilter(outlet, language, since, until)
    check_outlets(db, outlet)
    note_unindexed(db, query)
    with fts_errors():
        marks = {} if as_json else {"marks": TABLE_MARKS}
        results = search_articles(db, query, limit, filters, **marks)
    with printing(data=as_json):
        if as_json:
            click.echo(json.dumps(results, ensure_ascii=False, indent=2))
        else:
            print_results(results, query)


@click.command()
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the numbers as JSON.")
def stats(db, as_json):
    """Articles per outlet, publication dates, the last crawl and error rates."""
    from ingest.query.stats import database_stats, print_stats

    numbers = database_stats(db)
    with printing(data=as_json):
        if as_json:
            click.echo(json.dumps(numbers, ensure_ascii=False, indent=2))
        else:
            print_stats(numbers)


@click.command()
@DB_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "parquet", "warc"]),
    default="jsonl",
    show_default=True,
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="File to write (default: stdout)."
)
@filter_options
@click.option(
    "--search",
    "query",
    callback=some_words,
    help="Only articles matching this full-text search.",
)
def export(db, fmt, output, outlet, language, since, until, query):
    """Export articles, newest first, as JSON lines, CSV or Parquet, or their raw pages as WARC.

    JSON lines decode the JSON columns (authors, tags, plugins, provenance); CSV keeps
    them as JSON text; Parquet keeps lists as lists. Parquet needs --output. WARC
    (gzipped) holds each selected article's stored page, dated when it was fetched.
    """
    from ingest.query.export import export_articles

    filters = ArticleFilter(outlet, language, since, until, query)
    if fmt in ("parquet", "warc") and output in (None, "-"):
        raise click.UsageError(f"{fmt} is binary: give a file with --output")
    check_outlets(db, outlet)
    not_the_database(output, db)
    note_unindexed(db, query)
    if fmt == "warc":
        from ingest.archive.export import export_warc

        with fts_errors(), writing(output, "wb") as out:
            count, corrupt = export_warc(db, out, filters)
        click.echo(f"{count} pages exported", err=True)
        if corrupt:
            raise click.ClickException(
                f"{len(corrupt)} page(s) left out: their stored bodies are corrupt "
                f"(the first: {corrupt[0]})"
            )
        return
    with fts_errors():
        if output in (None, "-"):
            with printing(data=True):  # UTF-8 as the files are; `| head` had enough
                count = export_articles(db, fmt, sys.stdout, filters)
        elif fmt == "parquet":
            with writing(output, "wb") as out:
                count = export_articles(db, fmt, out, filters)
        else:
            with writing(output, "w", encoding="utf-8", newline="") as out:
                count = export_articles(db, fmt, out, filters)
    click.echo(f"{count} articles exported", err=True)


COMMANDS = [serve, search, stats, export]
