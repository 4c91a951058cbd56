"""Extraction without a crawl: saved files (``extract``) and stored raw pages
(``reextract``), through the same path a crawl's workers run."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import click

from ingest.cli import (
    DB_OPTION,
    PLUGINS_DIR_OPTION,
    WORKERS_OPTION,
    WebUrl,
    plugins_for,
    writable_database,
)
from ingest.plugins.manager import PluginConfig

#: The settings extraction reads, which a crawl takes with -s and these commands too.
BOUNDS = ("INGEST_MAX_HTML_BYTES", "INGEST_MAX_ELEMENTS", "INGEST_EXTRACT_TIMEOUT")
BOUNDS_OPTION = click.option(
    "-s",
    "--set",
    "bounds",
    multiple=True,
    metavar="NAME=VALUE",
    help=f"An extraction bound, as a crawl takes it: {', '.join(BOUNDS)} (0 lifts it).",
)


def extraction_bounds(pairs: tuple[str, ...]) -> tuple[Any, float]:
    """The page bounds and the time bound ``-s`` asks for: a page a crawl was let extract
    past a default bound ("limit 5,000,000, INGEST_MAX_HTML_BYTES") was refused by every
    reextract, which took no setting."""
    from ingest.extract.limits import Limits
    from ingest.extract.overtime import DEFAULT_TIMEOUT  # not the pool: fixture needs none

    if not pairs:  # the defaults: no setting to read, nor Scrapy's Settings to import
        return Limits(), DEFAULT_TIMEOUT
    from scrapy.settings import Settings

    from ingest.crawl.runner import parse_setting_overrides

    try:
        given = parse_setting_overrides(pairs)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="-s") from exc
    if other := sorted(set(given) - set(BOUNDS)):
        raise click.BadParameter(
            f"{other[0]} is no extraction bound ({', '.join(BOUNDS)})", param_hint="-s"
        )
    settings = Settings(given)
    return Limits.from_settings(settings), settings.getfloat(
        "INGEST_EXTRACT_TIMEOUT", DEFAULT_TIMEOUT
    )


def _plugins_loaded(plugins_dir: tuple[str, ...]) -> tuple[PluginConfig, Any]:
    """The configuration for these folders, and its plugins, loaded here first so that one
    that fails to import stops the command before anything starts."""
    config = PluginConfig.default(plugins_dir)
    return config, plugins_for(config)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--url", type=WebUrl(), help="The page's URL: picks the outlet plugin as in a crawl.")
@click.option("--jsonl", is_flag=True, help="One JSON line per file, with its path as `source`.")
@WORKERS_OPTION
@PLUGINS_DIR_OPTION
@BOUNDS_OPTION
def extract(files, url, jsonl, workers, plugins_dir, bounds):
    """Extract articles from saved HTML FILES (plain or .gz) and print them as JSON.

    The very same extract, clean and normalize path a crawl runs, plugins included.
    """
    from ingest.extract.process import Job, error_line
    from ingest.extract.workers import ExtractionPool

    piped = [f for f in files if not Path(f).is_file()]  # <(cat page.html): this process's
    if (workers is None and len(files) == 1) or piped:
        workers = 0  # one file: no pool to start; a pipe: no other process can open it
    limits, timeout = extraction_bounds(bounds)
    jobs = (  # the workers read the files, each within the size bound
        Job(url=url or page_url(f), body=b"", path=f, classify=False, source=f, limits=limits)
        for f in files
    )
    failed = 0
    with ExtractionPool(_plugins_loaded(plugins_dir)[0], workers, timeout) as pool:
        for outcome in pool.map(jobs):
            record = dict(outcome.article or {})
            if outcome.article is None:
                failed += 1
                record["url"] = outcome.url
                if outcome.published:
                    record.update(published=outcome.published, published_day=outcome.published_day)
            if outcome.errors:
                record["errors"] = outcome.errors
                for e in outcome.errors:
                    click.echo(f"{outcome.source}: {error_line(e)}", err=True)
            if jsonl:
                click.echo(json.dumps({"source": outcome.source, **record}, ensure_ascii=False))
            else:
                click.echo(json.dumps(record, ensure_ascii=False, indent=2))
    if failed:
        raise SystemExit(1)


def page_url(path: str) -> str:
    """A file's URL, by its real path; a pipe's by the name it was given (its real one is
    ``pipe:[12345]``)."""
    return (Path(path).resolve() if Path(path).is_file() else Path(path).absolute()).as_uri()


@click.command()
@DB_OPTION
@WORKERS_OPTION
@PLUGINS_DIR_OPTION
@BOUNDS_OPTION
def reextract(db, workers, plugins_dir, bounds):
    """Re-run extraction and plugins over the raw pages stored in the database.

    Nothing is fetched: use it after a plugin or the extractor improved.
    """
    from ingest.crawl.report import crawl_summary, print_summary
    from ingest.crawl.stopping import bugs_exit
    from ingest.extract.process import BUG
    from ingest.store.reextract import reextract_database
    from ingest.store.runs import WriterBusy, wait_for_writer

    config, plugins = _plugins_loaded(plugins_dir)
    limits, timeout = extraction_bounds(bounds)
    writable_database(db)
    if unloaded := outlets_unloaded(db, plugins):
        named = ", ".join(f"{outlet} ({n})" for outlet, n in unloaded[:5])
        click.echo(
            f"warning: stored articles of outlets no loaded plugin declares: {named}; "
            "re-extracted without their plugins they lose their outlet and its rules "
            "(load them with --plugins-dir or ingest.toml)",
            err=True,
        )
    try:
        wait_for_writer(db, 30.0, lambda m: click.echo(m, err=True))
        crawl_id, store = reextract_database(db, config, workers, limits, timeout)
    except WriterBusy as exc:
        raise click.ClickException(str(exc)) from None
    print_summary(crawl_summary(store.db, crawl_id), db, title="Re-extraction")
    bugs = store.db.execute(
        "select count(*) from errors where crawl_id = ? and kind = ?", [crawl_id, BUG]
    ).fetchone()[0]
    store.close()
    if bugs:
        raise SystemExit(bugs_exit(bugs, db, crawl_id))


def outlets_unloaded(db: str, plugins: Any) -> list[tuple[str, int]]:
    """The stored articles' outlets that no loaded plugin declares, with how many each:
    reextract run from a folder whose ingest.toml names no plugins took every outlet's
    articles out of it, and said nothing."""
    import sqlite3

    from ingest.store.connection import read_only_uri

    loaded = {o.name for o in plugins.outlets}
    try:
        with contextlib.closing(sqlite3.connect(read_only_uri(db), uri=True)) as conn:
            stored = conn.execute(
                "select outlet, count(*) from articles where outlet is not null"
                " group by outlet order by count(*) desc, outlet"
            ).fetchall()
    except sqlite3.Error:  # no articles table yet: nothing stored to lose
        return []
    return [(outlet, n) for outlet, n in stored if outlet not in loaded]


COMMANDS = [extract, reextract]
