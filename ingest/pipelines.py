"""The item pipeline: every page, article and failure of a crawl into SQLite.

The spider hands over each page with its extraction outcome (done in worker
processes); this stage only writes, in batched transactions, so a failure
anywhere upstream is a row in ``errors`` and never stops the crawl.
"""

from __future__ import annotations

import json
from typing import Any

from ingest.items import FetchError, PageItem
from ingest.plugins import PluginConfig, load_plugins
from ingest.process import Outcome, error_record
from ingest.store import Store, now


class IngestPipeline:
    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> IngestPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        settings = self.crawler.settings
        plugins = load_plugins(PluginConfig.default(settings.getlist("INGEST_PLUGINS_DIRS")))
        self.store = Store(
            settings.get("INGEST_DB"), plugins, batch_size=settings.getint("INGEST_BATCH_SIZE")
        )
        spider = self.crawler.spider
        self.crawl_id = self.store.start_crawl(
            command=f"crawl {spider.name}",
            seeds=getattr(spider, "seed_values", []),
            settings=_settings_record(settings),
        )
        for error in plugins.load_errors:
            self.store.add_error(None, _load_error(error), self.crawl_id)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, FetchError):
            self._record_fetch_error(item)
        elif isinstance(item, PageItem):
            self.store.add_page(item.page_row(self.crawl_id))
            self.stats.inc_value("ingest/pages")
            if item.outcome is not None:
                self.record(item.outcome, item.fetched_at or now())
            item.body, item.outcome = b"", None  # stored: don't keep them alive in Scrapy
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
            page = PageItem(url=item.url, kind="error", status=item.status, body=b"")
            page.fetched_at, page.found_via = now(), item.found_via
            self.store.add_page(page.page_row(self.crawl_id))
        error = error_record("fetch", item.kind, item.message)
        self.store.add_error(item.url, error, self.crawl_id)
        self.stats.inc_value("ingest/errors")

    def close_spider(self) -> None:
        self.store.flush()
        stats = dict(self.crawler.stats.get_stats())
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
