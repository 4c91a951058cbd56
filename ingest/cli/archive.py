"""Commands for archives: import-warc."""

from __future__ import annotations

import sys
from collections import Counter

import click
import sqlite_utils

from ingest.cli import (
    PLUGINS_DIR_OPTION,
    WORKERS_OPTION,
    plugins_for,
    unknown_outlet,
    writable_database,
)
from ingest.plugins.manager import PluginConfig
from ingest.query.search import iso_date
from ingest.store.stops import stop_reason, stop_status

#: Seconds to wait for another run writing to the same database (as INGEST_WRITER_WAIT).
WRITER_WAIT = 30.0


@click.command("import-warc")
@click.argument("sources", nargs=-1)
@click.option("--db", default="ingest.db", show_default=True, help="SQLite file to write.")
@click.option(
    "--cc-news",
    "cc_news",
    metavar="MONTH[..MONTH]",
    help="Common Crawl's CC-NEWS archive for a month (2024-05) or a range (2024-05..2024-06).",
)
@click.option(
    "--cc-base",
    default=None,
    metavar="URL",
    help="Where CC-NEWS lives: a mirror in Common Crawl's layout (default: data.commoncrawl.org)",
)
@click.option("--outlet", help="Only pages of this outlet (a plugin's name).")
@click.option("--domain", help="Only pages of this domain (and its subdomains).")
@click.option(
    "--since", callback=iso_date, help="Only pages fetched on or after this date (YYYY-MM-DD)."
)
@click.option(
    "--until", callback=iso_date, help="Only pages fetched on or before this date (YYYY-MM-DD)."
)
@click.option(
    "--max",
    "max_pages",
    type=click.IntRange(min=0),
    default=0,
    help="Stop after this many pages (0: all).",
)
@click.option(
    "--writer-wait",
    type=click.FloatRange(min=0),
    default=WRITER_WAIT,
    show_default=True,
    help="Seconds to wait for another run writing to the database before giving up.",
)
@WORKERS_OPTION
@PLUGINS_DIR_OPTION
def import_warc(
    sources,
    db,
    cc_news,
    cc_base,
    outlet,
    domain,
    since,
    until,
    max_pages,
    writer_wait,
    workers,
    plugins_dir,
):
    """Import the HTML pages of WARC files (paths or URLs, gzipped or not) as a crawl would.

    Each page goes through the crawl's pipeline (outlet plugins, extraction, the same
    tables), dated by its WARC-Date. Pages stored before are skipped, and files an
    earlier import read to the end are not read again, so an import can be resumed.
    """
    from warcio.exceptions import ArchiveLoadFailed

    from ingest.archive.importer import Importer, Selection, html_records
    from ingest.archive.reading import TruncatedWarc
    from ingest.archive.sources import (
        CC_BASE,
        cc_news_files,
        done_files,
        local_size,
        mark_done,
        open_source,
    )
    from ingest.crawl.report import crawl_summary, print_summary
    from ingest.extract.process import error_record
    from ingest.extract.workers import PoolBroken
    from ingest.store.runs import WriterBusy, wait_for_writer

    if not sources and not cc_news:
        raise click.UsageError("give WARC files or URLs, or --cc-news MONTH")
    config = PluginConfig.default(plugins_dir)
    plugins = plugins_for(config)
    if outlet and (problem := unknown_outlet([outlet], (o.name for o in plugins.outlets))):
        raise click.BadParameter(problem, param_hint="--outlet")  # filtered out every page
    writable_database(db)
    files = list(sources)
    if cc_news:
        try:
            files += cc_news_files(cc_news, cc_base or CC_BASE)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--cc-news") from exc
        except OSError as exc:
            raise click.ClickException(f"could not read the CC-NEWS listing: {exc}") from exc
    selection = Selection(outlet, domain, since, until, max_pages)
    try:
        wait_for_writer(db, writer_wait, lambda m: click.echo(m, err=True))
        importer = Importer(db, config, workers, selection, _progress())
    except WriterBusy as exc:
        raise click.ClickException(str(exc)) from None
    done = done_files(importer.store.db)
    failed = []
    try:
        for source in files:
            if source in done:
                importer.counts["files_skipped"] += 1
                continue
            records_before, size = importer.counts["records"], local_size(source)
            try:
                with open_source(source) as stream:
                    ended = importer.feed(html_records(stream, source, importer.counts))
            except (OSError, ValueError, ArchiveLoadFailed) as exc:  # unreadable, cut, not WARC
                failed.append(source)  # not done: the next import reads it again
                why = next((line.strip() for line in str(exc).splitlines() if line.strip()), "")
                kind = "truncated_warc" if isinstance(exc, TruncatedWarc) else "bad_warc"
                error = error_record("fetch", kind, f"{source}: {why}")
                importer.store.add_error(source, error, importer.crawl_id)
                continue
            records = importer.counts["records"] - records_before
            # Done means every page of it taken: a file read for one domain or month still
            # holds the others, and one with no record may be a download not yet written.
            if ended and selection.takes_all and records:
                importer.store.flush()  # its pages first: once done, a re-run skips the file
                mark_done(importer.store.db, source, records, importer.crawl_id, size)
            elif ended and not records:  # a download not yet written, or a failed one
                click.echo(f"{source}: no WARC record in it; it is read again next time", err=True)
    except KeyboardInterrupt as exc:
        importer.finish("interrupted", stop_reason(exc))
        click.echo("Interrupted: run the same command again to go on.", err=True)
        raise SystemExit(stop_status(exc)) from None
    except PoolBroken as exc:  # what was imported is stored; a new run goes on from there
        importer.finish("failed", str(exc))
        raise click.ClickException(str(exc)) from None
    read = len(files) - importer.counts["files_skipped"] - len(failed)
    unread = f"{len(failed)} files could not be read" if failed else "finished"
    importer.finish("failed" if failed and not read else "finished", unread)
    with sqlite_utils.Database(db) as database:
        summary = crawl_summary(database, importer.crawl_id)
    print_summary(summary, db, title="Import")
    c = importer.counts
    click.echo(
        f"{c['records']} records: {c['imported']} pages imported, {c['already_stored']} stored "
        f"before, {c['filtered']} filtered out, {c['not_ok']} not 200, {c['not_html']} not HTML, "
        f"{c['revisit']} revisits, {c['request']} requests, {c['other']} other records, "
        f"{_bad(c, 'bad_url', 'URLs')}, "
        f"{_bad(c, 'bad_record', 'records')}; {read} files read, "
        + (f"{len(failed)} unreadable, " if failed else "")
        + f"{c['files_skipped']} done before",
        err=True,
    )
    if failed:
        raise click.ClickException(f"{unread}: {', '.join(failed)}")


def _bad(counts, kind: str, what: str) -> str:
    """ "2 bad records", and how many of them a read before wrote down: the errors count
    of the summary above counts this run's rows only."""
    before = counts[f"{kind}_before"]
    return f"{counts[kind]} bad {what}" + (f" ({before} written down before)" if before else "")


def _progress():
    """A progress line on stderr when it is a terminal."""
    if not sys.stderr.isatty():
        return None
    from rich.console import Console

    console = Console(stderr=True)

    def show(counts: Counter) -> None:
        if counts["imported"] % 50 == 0:
            console.print(f"{counts['imported']} pages, {counts['articles']} articles", end="\r")

    return show


COMMANDS = [import_warc]
