"""Downloader middleware that routes every request through one HTTP proxy.

The offline demo serves its fictional outlets from a loopback server that
acts as their proxy, so pages keep their real-looking URLs and no request
leaves the machine. Set ``INGEST_PROXY`` to use it; unset, it does nothing.
"""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import NotConfigured


class RouteThroughProxy:
    def __init__(self, proxy: str):
        self.proxy = proxy

    @classmethod
    def from_crawler(cls, crawler: Any) -> RouteThroughProxy:
        proxy = crawler.settings.get("INGEST_PROXY")
        if not proxy:
            raise NotConfigured
        return cls(proxy)

    def process_request(self, request: Any) -> None:
        request.meta.setdefault("proxy", self.proxy)
