"""The item pipeline: store the raw page, extract in a worker, store the article.

Every failure on the way (HTTP error, extraction, a plugin that raises or
hangs) becomes an ``errors`` row; the crawl goes on, and the raw page stays
stored for ``ingest reextract``.
"""

from __future__ import annotations

import asyncio
import json
from datetime import date
from typing import Any

from ingest.items import FetchError, PageItem
from ingest.plugins import PluginConfig, load_plugins
from ingest.process import Job, Outcome, error_record
from ingest.store import Store, now
from ingest.workers import DEFAULT_TIMEOUT, ExtractionPool


class IngestPipeline:
    def __init__(self, crawler: Any):
        self.crawler = crawler
        settings = crawler.settings
        self.db_path = settings.get("INGEST_DB")
        self.config = PluginConfig.default(settings.getlist("INGEST_PLUGINS_DIRS"))
        workers = settings.get("INGEST_WORKERS")
        self.workers = None if workers in (None, "") else int(workers)
        self.timeout = settings.getfloat("INGEST_EXTRACT_TIMEOUT", DEFAULT_TIMEOUT)
        self.batch_size = settings.getint("INGEST_BATCH_SIZE", 100)
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> IngestPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        plugins = load_plugins(self.config)
        self.store = Store(self.db_path, plugins, batch_size=self.batch_size)
        spider = self.crawler.spider
        self.crawl_id = self.store.start_crawl(
            command=f"crawl {spider.name}",
            seeds=getattr(spider, "seed_values", []),
            settings=_settings_record(self.crawler.settings),
        )
        for error in plugins.load_errors:
            self.store.add_error(None, _load_error(error), self.crawl_id)
        self.pool = ExtractionPool(self.config, self.workers, self.timeout)

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, FetchError):
            self._record_fetch_error(item)
        elif isinstance(item, PageItem):
            self.store.add_page(item.page_row(self.crawl_id))
            self.stats.inc_value("ingest/pages")
            if item.kind == "html" and item.status == 200:
                job = Job(
                    url=item.url,
                    body=item.body,
                    content_type=item.content_type,
                    fetched=date.today(),
                )
                outcome = await asyncio.wrap_future(self.pool.submit(job))
                self.record(outcome, item.fetched_at or now())
            item.body = b""  # stored already; don't keep it alive in Scrapy's item chain
        return item

    def record(self, outcome: Outcome, seen: str) -> None:
        if outcome.article is not None:
            self.store.add_article(outcome.article, self.crawl_id, seen)
            self.stats.inc_value("ingest/articles")
        for error in outcome.errors:
            self.store.add_error(outcome.url, error, self.crawl_id)
            self.stats.inc_value("ingest/errors")

    def _record_fetch_error(self, item: FetchError) -> None:
        if item.status:
            row = PageItem(url=item.url, kind="error", status=item.status, body=b"")
            row.fetched_at, row.found_via = now(), item.found_via
            self.store.add_page(row.page_row(self.crawl_id))
        self.store.add_error(
            item.url, error_record("fetch", item.kind, item.message), self.crawl_id
        )
        self.stats.inc_value("ingest/errors")

    def close_spider(self) -> None:
        self.pool.close()
        self.store.flush()
        stats = {k: v for k, v in self.crawler.stats.get_stats().items()}
        stats.update({f"store/{k}": v for k, v in self.store.counts.items()})
        self.store.finish_crawl(self.crawl_id, stats)
        self.store.close()


def _settings_record(settings: Any) -> dict[str, Any]:
    """The settings a user would want to know a crawl ran with."""
    names = [
        "USER_AGENT",
        "ROBOTSTXT_OBEY",
        "AUTOTHROTTLE_ENABLED",
        "DOWNLOAD_DELAY",
        "CONCURRENT_REQUESTS",
        "CONCURRENT_REQUESTS_PER_DOMAIN",
        "DEPTH_LIMIT",
        "INGEST_WORKERS",
        "INGEST_PLUGINS_DIRS",
    ]
    return json.loads(json.dumps({n: settings.get(n) for n in names}, default=str))


def _load_error(error: Any) -> dict[str, Any]:
    return error_record(
        "load", error.error, error.message, plugin=error.plugin, traceback=error.traceback
    )
