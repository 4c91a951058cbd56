"""``ingest crawl --warc DIR``: every response the crawl receives, as WARC records.

A Scrapy extension on ``response_received``: what comes back from the network
(pages, feeds, sitemaps, robots.txt, error pages), each with its request, into
files rotated by size (``INGEST_WARC_MAX_BYTES``), beside the database. A thread
writes them (zlib lets go of the GIL while it compresses), so the event loop only
hands responses over; at most ``QUEUED`` wait, then the crawl waits for the disk.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from ingest.archive.records import WarcFiles
from ingest.crawl.stopping import stop_crawl
from ingest.store.schema import now


def _decoded(headers: Any) -> dict[str, str]:
    return {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in headers.items() if v}


QUEUED = 256


def _answer(url: str, request: Any) -> tuple[str, int]:
    """Which try of which URL an answer is: a request tried again carries its meta on."""
    return url, request.meta.get("retry_times", 0)


class WarcCapture:
    def __init__(self, crawler: Any, folder: str):
        self.files = WarcFiles(folder, max_bytes=crawler.settings.getint("INGEST_WARC_MAX_BYTES"))
        self.stats = crawler.stats
        self.crawler = crawler
        self.failed: str | None = None
        self.queue: queue.Queue[tuple | None] = queue.Queue(QUEUED)
        self.writer = threading.Thread(target=self._write, name="warc-writer", daemon=True)
        self.writer.start()
        crawler.signals.connect(self.received, signal=signals.response_received)
        crawler.signals.connect(self.downloaded, signal=signals.response_downloaded)
        self.retried = {int(code) for code in crawler.settings.getlist("RETRY_HTTP_CODES")}
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    def _write(self) -> None:
        while (page := self.queue.get()) is not None:
            if self.failed:
                continue  # drained, so the crawl never waits on a writer that gave up
            url, status, headers, body, fetched_at, request_headers, encoded = page
            try:
                self.files.write_page(
                    url,
                    status,
                    headers,
                    body,
                    fetched_at=fetched_at,
                    request_headers=request_headers,
                    encoded=encoded,
                )
            except Exception as exc:  # a full disk, say: the archive can't be kept
                self.failed = f"the WARC archive in {self.files.folder} refused a write: {exc}"
                from twisted.internet import reactor

                reactor.callFromThread(stop_crawl, self.crawler, "warc_failed", self.failed)
        with contextlib.suppress(OSError):
            self.files.close()

    @classmethod
    def from_crawler(cls, crawler: Any) -> WarcCapture:
        folder = crawler.settings.get("INGEST_WARC_DIR")
        if not folder:
            raise NotConfigured
        return cls(crawler, folder)

    def downloaded(self, response: Any, request: Any) -> None:
        """An answer Scrapy may answer for itself, never received by the crawl: a redirect
        it follows, an error it tries again. Written as sent (its body still encoded); the
        request is marked, so that the same answer is not written twice if it is received
        after all (a redirect not followed, the last try)."""
        redirect = 300 <= response.status < 400 and b"Location" in response.headers
        if self.failed or not (redirect or response.status in self.retried):
            return
        request.meta["warc_written"] = _answer(response.url, request)
        self._put(response, request, now(), encoded=True)

    def received(self, response: Any, request: Any) -> None:
        if self.failed:
            return
        # One stamp for the record and the stored page: the spider reads it from the meta
        # (set anew for each response: a redirected request carries its first one's meta).
        request.meta["fetched_at"] = stamp = now()
        if request.meta.get("warc_written") != _answer(response.url, request):
            self._put(response, request, stamp, encoded=False)

    def _put(self, response: Any, request: Any, stamp: str, encoded: bool) -> None:
        headers, asked = _decoded(response.headers), _decoded(request.headers)
        page = (response.url, response.status, headers, response.body, stamp, asked, encoded)
        self.queue.put(page)
        self.stats.inc_value("ingest/warc_records")

    def closed(self) -> None:
        """Every response queued is written and the file closed before the crawl ends."""
        self.queue.put(None)
        self.writer.join()
