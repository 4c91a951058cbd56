"""The generic news spider: seeds, feeds, sitemaps and link following.

It only fetches and discovers; every fetched page goes to the pipeline raw,
which stores it and extracts articles in worker processes. Feeds and
sitemaps are recognised by their content, so any URL can be a seed.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from lxml import etree
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap
from twisted.python.failure import Failure

from ingest.items import FetchError, PageItem
from ingest.plugins import PluginConfig, load_plugins
from ingest.process import Job, Outcome
from ingest.seeds import parse_seeds
from ingest.urls import canonical
from ingest.workers import DEFAULT_TIMEOUT, ExtractionPool

KEPT_HEADERS = ("content-type", "content-language", "last-modified", "etag", "date")
XML_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)


class NewsSpider(scrapy.Spider):
    """Crawl news from seeds: ``-a seeds=URL,FILE,OUTLET -a max_pages=N -a follow=1``.

    HTML pages go to worker processes, which extract the article and list the
    links in one parse; the spider awaits them without blocking, so the event
    loop only fetches, schedules and stores.
    """

    name = "news"

    def __init__(
        self,
        seeds: str | list[str] = "",
        max_pages: int | str = 0,
        follow: bool | str = True,
        domains: str | list[str] = "",
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.seed_values = _as_list(seeds)
        self.max_pages = int(max_pages or 0)
        self.follow = str(follow).lower() not in ("0", "false", "no", "")
        self.extra_domains = _as_list(domains)
        self._seen: set[str] = set()
        self.requested = 0
        self.pool: ExtractionPool | None = None

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.plugin_config = PluginConfig.default(settings.getlist("INGEST_PLUGINS_DIRS"))
        spider.plugins = load_plugins(spider.plugin_config)
        spider.seeds = parse_seeds(spider.seed_values, spider.plugins)
        spider.seeds.add_domains(spider.extra_domains)
        for outlet in spider.plugins.outlets:
            if any(outlet.owns(url) for url in spider.seeds.urls):
                spider.seeds.add_domains(outlet.domains)
        spider.allowed_domains = list(spider.seeds.domains)
        spider.allow = [re.compile(p) for p in spider.seeds.allow]
        spider.deny = [re.compile(p) for p in spider.seeds.deny]
        spider.depth_limit = settings.getint("DEPTH_LIMIT")
        crawler.signals.connect(spider.open_pool, signal=signals.spider_opened)
        crawler.signals.connect(spider.close_pool, signal=signals.spider_closed)
        return spider

    def open_pool(self) -> None:
        settings = self.crawler.settings
        workers = settings.get("INGEST_WORKERS")
        self.pool = ExtractionPool(
            self.plugin_config,
            None if workers in (None, "") else int(workers),
            settings.getfloat("INGEST_EXTRACT_TIMEOUT", DEFAULT_TIMEOUT),
        )

    def close_pool(self) -> None:
        if self.pool is not None:
            self.pool.close()

    async def start(self) -> AsyncIterator[Any]:
        if not self.seeds.urls:
            self.logger.error("no seeds: give URLs, a seeds file or an outlet name")
        for url in self.seeds.urls:
            request = self.schedule(canonical(url), "seed", priority=20)
            if request is not None:
                yield request

    def schedule(self, url: str, found_via: str, priority: int = 0) -> scrapy.Request | None:
        """A request for a (canonical) URL not asked for yet, while the page budget lasts."""
        if url in self._seen or not self.on_site(url):
            return None
        if self.max_pages and self.requested >= self.max_pages:
            return None
        self._seen.add(url)
        self.requested += 1
        if self.is_article_url(url):
            priority += 10
        return scrapy.Request(
            url,
            callback=self.parse,
            errback=self.failed,
            priority=priority,
            meta={"found_via": found_via},
        )

    def on_site(self, url: str) -> bool:
        """Within the allowed domains (by host name: LinkExtractor's check trips on ports)."""
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.allowed_domains)

    def wanted_link(self, url: str) -> bool:
        if self.allow and not any(p.search(url) for p in self.allow):
            return False
        return not any(p.search(url) for p in self.deny)

    def is_article_url(self, url: str) -> bool:
        outlet = self.plugins.outlet_for(url)
        return bool(outlet and outlet.is_article_url(url))

    async def parse(self, response: Response) -> AsyncIterator[Any]:
        body = response.body
        if body[:2] == b"\x1f\x8b":
            body = gunzip(body)
        kind = sniff(response, body)
        depth = response.meta.get("depth", 0)
        item = PageItem(
            url=response.url,
            kind=kind,
            status=response.status,
            body=body,
            content_type=_header(response, "content-type"),
            headers={h: v for h in KEPT_HEADERS if (v := _header(response, h))},
            fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
            found_via=response.meta.get("found_via"),
            depth=depth,
        )
        urls: list[str] = []
        if kind == "html":
            follow = self.follow and not (self.depth_limit and depth >= self.depth_limit)
            item.outcome = await self.extract(item, follow)
            urls = [u for u in item.outcome.links if self.wanted_link(u)]
            via, priority = f"link {response.url}", 0
        elif kind == "feed":
            urls, via, priority = feed_links(body), f"feed {response.url}", 5
        elif kind == "sitemap":
            urls, via, priority = sitemap_links(body), f"sitemap {response.url}", 5
        yield item
        for url in urls:
            if kind != "html":
                url = canonical(response.urljoin(url))
            request = self.schedule(url, via, priority)
            if request is not None:
                yield request

    async def extract(self, item: PageItem, follow: bool) -> Outcome:
        assert self.pool is not None, "the pool opens with the spider"
        job = Job(
            url=item.url,
            body=item.body,
            content_type=item.content_type,
            fetched=date.today(),
            follow=follow,
            keep_body=True,
        )
        return await asyncio.wrap_future(self.pool.submit(job))

    def failed(self, failure: Failure) -> Iterator[FetchError]:
        request = failure.request  # type: ignore[attr-defined]
        status = None
        kind = failure.type.__name__
        message = failure.getErrorMessage() or kind
        if failure.check(HttpError):
            status = failure.value.response.status
            kind, message = f"http_{status}", f"HTTP {status}"
        elif failure.check(IgnoreRequest) and "robots.txt" in message:
            kind = "robots_disallowed"
        yield FetchError(
            url=request.url,
            kind=kind,
            message=message,
            status=status,
            found_via=request.meta.get("found_via"),
        )


def sniff(response: Response, body: bytes) -> str:
    """html, feed, sitemap or other, from the content: servers mislabel XML often."""
    head = body[:2048].lstrip().lower()
    if b"<html" not in head:
        if b"<urlset" in head or b"<sitemapindex" in head:
            return "sitemap"
        if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
            return "feed"
    content_type = (_header(response, "content-type") or "").lower()
    if "html" in content_type or b"<html" in head or head.startswith(b"<!doctype html"):
        return "html"
    return "other"


def feed_links(body: bytes) -> list[str]:
    """Entry links of an RSS 1/2 or Atom feed, in feed order."""
    try:
        root = etree.fromstring(body, XML_PARSER)
    except etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    links = root.xpath("//*[local-name()='item']/*[local-name()='link']/text()")
    links += root.xpath(
        "//*[local-name()='entry']/*[local-name()='link'][not(@rel) or @rel='alternate']/@href"
    )
    return [link.strip() for link in links if link.strip()]


def sitemap_links(body: bytes) -> list[str]:
    """Page URLs of a sitemap, or the sitemap URLs of a sitemap index."""
    try:
        sitemap = Sitemap(body)
    except (etree.XMLSyntaxError, ValueError):
        return []
    return [entry["loc"] for entry in sitemap if entry.get("loc")]


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _as_list(value: str | list[str]) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in re.split(r"[,\s]+", value) if v.strip()]
    return list(value)
