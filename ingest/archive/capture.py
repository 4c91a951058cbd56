"""``ingest crawl --warc DIR``: every response the crawl receives, as WARC records.

A Scrapy extension on ``response_received``: what comes back from the network
(pages, feeds, sitemaps, robots.txt, error pages), each with its request, into
files rotated by size (``INGEST_WARC_MAX_BYTES``), beside the database.
"""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from ingest.archive.records import WarcFiles
from ingest.store.schema import now


def _decoded(headers: Any) -> dict[str, str]:
    return {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in headers.items() if v}


class WarcCapture:
    def __init__(self, crawler: Any, folder: str):
        self.files = WarcFiles(folder, max_bytes=crawler.settings.getint("INGEST_WARC_MAX_BYTES"))
        self.stats = crawler.stats
        crawler.signals.connect(self.received, signal=signals.response_received)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> WarcCapture:
        folder = crawler.settings.get("INGEST_WARC_DIR")
        if not folder:
            raise NotConfigured
        return cls(crawler, folder)

    def received(self, response: Any, request: Any) -> None:
        self.files.write_page(
            response.url,
            response.status,
            _decoded(response.headers),
            response.body,
            fetched_at=now(),
            request_headers=_decoded(request.headers),
        )
        self.stats.inc_value("ingest/warc_records")

    def closed(self) -> None:
        self.files.close()
