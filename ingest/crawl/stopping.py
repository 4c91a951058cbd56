"""How a crawl ends, and what its exit status says.

A crawl stops for one of four reasons: it did what was asked (``finished``, or a
limit such as ``--max-pages``), a signal (``interrupted``), or a fault it cannot
work around (``failed``: the database refuses writes, the extraction workers
keep dying). The run's row in ``crawls`` and the command's exit status say which.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sqlite3
from typing import Any

import click

from ingest.store.connection import write_transaction
from ingest.store.runs import FAILED, FINISHED, INTERRUPTED

logger = logging.getLogger(__name__)

#: Exit statuses of ``ingest crawl`` and ``ingest demo`` (also in the README).
EXIT_OK = 0
EXIT_FAILED = 1  # stopped by an error it could not work around
EXIT_NOTHING_FETCHED = 3  # ran, but not one page could be fetched
EXIT_INTERNAL_ERRORS = 4  # ran to the end, but a bug cost some pages (ingest.crawl.internal)
EXIT_SIGNAL = {2: 130, 15: 143}  # interrupted: 128 + the signal's number

FAILURE_STAT = "ingest/failure"
SIGNAL_STAT = "ingest/signal"


def stop_crawl(crawler: Any, reason: str, message: str) -> None:
    """Stop the crawl for a fault: in-flight pages are finished, then it closes.

    The first fault's message is the one kept; it becomes the run's stop reason, which the
    command says last (``Error: ...``). Quiet (``ingest crawl`` without ``-v``), it is not
    logged as well: the log line would only say it twice.
    """
    if crawler.stats.get_value(FAILURE_STAT):
        return
    crawler.stats.set_value(FAILURE_STAT, message)
    if not crawler.settings.getbool("INGEST_QUIET"):
        logger.error("stopping the crawl: %s", message)
    engine = crawler.engine
    if engine is not None and engine.spider is not None:
        asyncio.ensure_future(engine.close_spider_async(reason=reason))


def run_status(crawler: Any, reason: str) -> tuple[str, str]:
    """(status, stop reason) of a run Scrapy closed with ``reason``."""
    failure = crawler.stats.get_value(FAILURE_STAT)
    if failure:
        return FAILED, failure
    if reason == "shutdown":
        signal = crawler.stats.get_value(SIGNAL_STAT)
        return INTERRUPTED, f"stopped by {signal}" if signal else "stopped by a signal"
    if reason == "finished" or reason.startswith("closespider_"):
        return FINISHED, reason
    return FAILED, reason


def locked(exc: BaseException | None) -> bool:
    """Whether SQLite refused because another connection held the database."""
    name = getattr(exc, "sqlite_errorname", None) or ""
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


def await_lock(db: Any, path: str, wait: float) -> None:
    """Wait up to ``wait`` s (INGEST_WRITER_WAIT) for the other writer before the run's end
    is recorded, saying so: once it lets go, the run's row and the batch refused still go in.

    The wait is an empty write transaction begun at once: SQLite fails a transaction that
    read first the moment it would write, whatever the busy timeout."""
    logger.warning("the database %s is locked: waiting up to %g s to record the end", path, wait)
    before = db.execute("PRAGMA busy_timeout").fetchone()[0]
    db.execute(f"PRAGMA busy_timeout={int(wait * 1000)}")
    try:
        with write_transaction(db):
            pass
    except sqlite3.OperationalError:
        # Held on still: the end is tried all the same, and said to be lost if refused,
        # at once; the wait was this one, not one more for each write that follows.
        before = 0
    db.execute(f"PRAGMA busy_timeout={before}")


def unrecorded(crawl_id: int | None, status: str, exc: BaseException) -> None:
    """Say that the run's row could not take its end: it stays "running" until the next
    crawl on the database finds its process gone and marks it interrupted."""
    logger.error("crawl %s could not be marked %s: %s; its row says running", crawl_id, status, exc)


def left_open(ended: Any) -> str | None:
    """Why a run stopped by a signal is still marked running, when Scrapy closed nothing:
    a second signal stops it at once; one as the spider opens stops the crawl before its
    engine starts, and Scrapy does not close a spider it never started."""
    if ended.forced:
        return "stopped at once by a second signal"
    if ended.signal and not (ended.closed or ended.failure):
        return f"stopped by {signal.Signals(ended.signal).name} as the crawl began"
    return None


def settle(summary: dict[str, Any], ended: Any) -> dict[str, Any]:
    """The summary with the status the crawl ended in, when its run row could not say so
    (the database refused the last write): failed, not "running" or "finished"."""
    if ended.failure and summary["status"] in ("running", "finished"):
        summary.update(status="failed", stop_reason=ended.failure)
    return summary


#: How to go on after an interruption: the demo has no --resume, and needs none (every
#: crawl into a database asks first for the URLs it left queued).
GO_ON = "run the same command with --resume to go on where it stopped"
GO_ON_DEMO = "run the same command again to go on where it stopped"


def exit_status(summary: dict[str, Any], ended: Any, db: str, go_on: str = GO_ON) -> int:
    """The crawl's exit status (README, "Exit status"), with a line on stderr if not 0;
    ``summary`` as ``settle`` leaves it."""
    status, reason = summary["status"], summary["stop_reason"]
    if status == "failed":
        click.echo(f"Error: {reason}", err=True)
        return EXIT_FAILED
    if status == "interrupted" or ended.signal:
        click.echo(
            f"Interrupted ({reason}): what was stored stays, and the URLs not yet stored "
            f"stay queued; {go_on}.",
            err=True,
        )
        return EXIT_SIGNAL.get(ended.signal or 2, 130)
    if not summary["fetched"] and summary["errors"]:  # tried, and every try failed
        click.echo(
            "Error: not one page could be fetched; the errors above say why (in full: "
            f"sqlite-utils {db} 'select * from errors where crawl_id = {summary['crawl']}')",
            err=True,
        )
        return EXIT_NOTHING_FETCHED
    if ended.internal_errors:
        return bugs_exit(ended.internal_errors, db, summary["crawl"])
    return EXIT_OK


def bugs_exit(count: int, db: str, crawl_id: int) -> int:
    """Exit 4, with a line on stderr saying where to read what the bugs were."""
    click.echo(
        f"Error: {count} page(s) met an internal error (a bug in ingest or in a plugin, not "
        "in the page); the pages fetched are stored raw for ingest reextract. Where it was "
        f"raised: sqlite-utils {db} 'select url, message from errors where "
        f'kind = "internal_error" and crawl_id = {crawl_id}\'',
        err=True,
    )
    return EXIT_INTERNAL_ERRORS
