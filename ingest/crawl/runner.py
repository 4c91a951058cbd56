"""Run a crawl in this process: Scrapy settings from ingest, the user's overrides on top."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from ingest.crawl.spider import NewsSpider


def parse_setting_overrides(pairs: Iterable[str]) -> dict[str, str]:
    """``NAME=VALUE`` pairs, as ``scrapy crawl -s`` takes them."""
    overrides: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"expected NAME=VALUE, got {pair!r}")
        overrides[name.strip()] = value
    return overrides


def crawl_settings(
    overrides: dict[str, Any] | None = None, cmdline: dict[str, str] | None = None
) -> Settings:
    """ingest's settings, then the command's own choices, then the user's ``-s`` pairs."""
    settings = Settings()
    settings.setmodule("ingest.crawl.settings", priority="project")
    settings.update(overrides or {}, priority="cmdline")
    settings.update(cmdline or {}, priority="cmdline")
    return settings


def run_crawl(seeds: list[str], settings: Settings, **spider_args: Any) -> None:
    """Crawl until done; blocks. The database named by INGEST_DB holds the result."""
    process = CrawlerProcess(settings)
    process.crawl(NewsSpider, seeds=seeds, **spider_args)
    process.start()
