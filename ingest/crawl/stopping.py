"""How a crawl ends, and what its exit status says.

A crawl stops for one of four reasons: it did what was asked (``finished``, or a
limit such as ``--max-pages``), a signal (``interrupted``), or a fault it cannot
work around (``failed``: the database refuses writes, the extraction workers
keep dying). The run's row in ``crawls`` and the command's exit status say which.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from ingest.store.runs import FAILED, FINISHED, INTERRUPTED

logger = logging.getLogger(__name__)

#: Exit statuses of ``ingest crawl`` and ``ingest demo`` (also in the README).
EXIT_OK = 0
EXIT_FAILED = 1  # stopped by an error it could not work around
EXIT_NOTHING_FETCHED = 3  # ran, but not one page could be fetched
EXIT_SIGNAL = {2: 130, 15: 143}  # interrupted: 128 + the signal's number

FAILURE_STAT = "ingest/failure"
SIGNAL_STAT = "ingest/signal"


def stop_crawl(crawler: Any, reason: str, message: str) -> None:
    """Stop the crawl for a fault: in-flight pages are finished, then it closes.

    The first fault's message is the one kept; it becomes the run's stop reason.
    """
    if crawler.stats.get_value(FAILURE_STAT):
        return
    crawler.stats.set_value(FAILURE_STAT, message)
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
