"""The live line of counts a crawl draws while it runs (``INGEST_PROGRESS``)."""

from __future__ import annotations

import time
from typing import Any

from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from ingest.crawl.report import console


class CrawlProgress:
    """A Scrapy extension drawing a live line of counts; on with ``INGEST_PROGRESS``."""

    def __init__(self, crawler: Any):
        self.stats = crawler.stats
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.task = self.progress.add_task("starting", total=None)
        self.loop = task.LoopingCall(self.update)
        self.started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlProgress:
        if not crawler.settings.getbool("INGEST_PROGRESS"):
            raise NotConfigured
        ext = cls(crawler)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self) -> None:
        self.progress.start()
        self.loop.start(0.25)

    def update(self) -> None:
        get = self.stats.get_value
        pages = get("ingest/pages", 0)
        rate = pages / max(time.monotonic() - self.started, 1e-6)
        self.progress.update(
            self.task,
            description=(
                f"[bold]{pages}[/] pages  [green]{get('ingest/articles', 0)}[/] articles  "
                f"[red]{get('ingest/errors', 0)}[/] errors  "
                f"{get('downloader/request_count', 0)} requests  {rate:.0f} pages/s"
            ),
        )

    def closed(self) -> None:
        if self.loop.running:
            self.loop.stop()
        self.progress.stop()
