"""Politeness per site across every worker of a shared crawl.

Each worker's Scrapy keeps its own per-site delay and concurrency; with N
workers a site would see N times the load one crawl puts on it. In a shared
crawl, before each request a worker takes the site's turn in Redis: a key
per host that lives for ``INGEST_SHARED_DELAY`` seconds (default: the
crawl's ``DOWNLOAD_DELAY``), set only if absent. Whoever set it may ask now;
the others wait out its remaining time. So two requests to one site, from
any workers, start at least that far apart, however many workers there are.
(And a worker taking its next request prefers one to a site whose turn is free:
``shared_frontier``'s pop looks a little way down the queue.)
A site whose robots.txt asks for a longer ``Crawl-delay`` gets that interval instead
(``ingest.crawl.robots`` puts it on the request), so N workers do not ask N times as often.
If Redis is away, requests go on rather than wait for it: each worker's own politeness
holds, and the worker keeps each site's interval alone (its own downloader slot does not
wait a Crawl-delay in a shared crawl, the turn does).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any
from urllib.parse import urlsplit

from redis.exceptions import RedisError
from scrapy.exceptions import NotConfigured
from scrapy_redis import connection

from ingest.crawl.robots import CRAWL_DELAY
from ingest.crawl.shared_redis import Keys

logger = logging.getLogger(__name__)


class SharedPoliteness:
    """Downloader middleware: one request per host per interval, across all workers."""

    def __init__(self, server: Any, prefix: str, interval: float):
        self.server = server
        self.prefix = prefix
        self.interval_ms = max(int(interval * 1000), 0)
        #: While Redis is away: when each host may next be asked, by this worker's clock.
        self.alone: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> SharedPoliteness:
        settings = crawler.settings
        if not settings.get("INGEST_REDIS_URL"):
            raise NotConfigured
        interval = settings.getfloat("INGEST_SHARED_DELAY", -1)
        if interval < 0:
            interval = settings.getfloat("DOWNLOAD_DELAY")
        if interval <= 0 and not settings.getfloat("INGEST_CRAWL_DELAY_MAX"):
            raise NotConfigured  # nothing to share: no interval, and Crawl-delay ignored
        keys = Keys(settings.get("INGEST_REDIS_KEY") or "ingest:news")
        return cls(connection.from_settings(settings), keys.turn, interval)

    async def process_request(self, request: Any) -> None:
        interval_ms = max(self.interval_ms, int(request.meta.get(CRAWL_DELAY, 0) * 1000))
        if interval_ms <= 0:
            return None
        key = self.prefix + (urlsplit(request.url).hostname or "").lower()
        while True:
            try:
                if self.server.set(key, "1", nx=True, px=interval_ms):
                    return None
                wait = self.server.pttl(key)
            except RedisError as exc:
                logger.debug("shared politeness kept by this worker alone, Redis away: %s", exc)
                await self.turn_alone(key, interval_ms / 1000)
                return None
            await asyncio.sleep(max(wait, 5) / 1000)

    async def turn_alone(self, key: str, interval: float) -> None:
        """The site's turn in this worker only: the requests it has in hand when Redis goes
        away would otherwise all go out at once to a site that asked for a Crawl-delay."""
        while (wait := self.alone.get(key, 0.0) - time.monotonic()) > 0:
            await asyncio.sleep(wait)
        now = time.monotonic()
        if len(self.alone) > 10_000:  # hosts whose turn has passed
            self.alone = {k: t for k, t in self.alone.items() if t > now}
        self.alone[key] = now + interval
