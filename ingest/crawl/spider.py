"""The generic news spider: seeds, feeds, sitemaps, robots.txt and link following.

It only fetches and discovers; every fetched page goes to the pipeline raw,
which stores it and extracts articles in worker processes. Feeds and
sitemaps are recognised by their content, so any URL can be a seed.

Before asking for a URL the spider consults the crawl frontier (the ``urls``
table, see ``ingest.crawl.frontier``): an article already stored is not fetched
again unless a feed or sitemap dates a change after our fetch (or
``--refresh``), a URL dated before ``--since`` is skipped, and what is fetched
again goes as a conditional request. Every URL found and the decision taken
reaches the pipeline with the page that listed it, in the same transaction,
so a killed crawl loses nothing it found. Those decisions are made in
``ingest.crawl.planning``.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import zlib
from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.http import Response
from scrapy.utils.gz import gunzip
from twisted.python.failure import Failure

from ingest.crawl.discovery import (
    MAX_ENTRIES,
    MAX_NESTING,
    Entry,
    Listing,
    listed,
    older_than,
    parse_since,
    robots_sitemaps,
    too_nested,
    written_date,
)
from ingest.crawl.failures import failure_kind
from ingest.crawl.fingerprints import Fingerprints
from ingest.crawl.frontier import FrontierReader
from ingest.crawl.items import (
    FetchError,
    PageItem,
    answered,
    request_error,
    response_item,
)
from ingest.crawl.kinds import mislabelled, unread_seed
from ingest.crawl.partial import GZIP_MAGIC, gzip_ends, not_gzip
from ingest.crawl.planning import Planner, unconditional
from ingest.crawl.redirects import refresh_not_followed
from ingest.crawl.seeds import parse_seeds
from ingest.crawl.stopping import stop_crawl
from ingest.extract.limits import Limits, TooLarge, check_size
from ingest.extract.process import Job, Outcome, error_record, links_alone, refused
from ingest.extract.workers import DEFAULT_TIMEOUT, ExtractionPool, PoolBroken
from ingest.plugins.manager import PluginConfig, load_plugins
from ingest.store.health import looks_like_challenge
from ingest.urls import canonical

#: Listings from this size up are parsed in a thread (smaller ones cost less than the handoff).
THREAD_LISTINGS_FROM = 256 * 1024


def extraction_workers(settings: Any) -> int | None:
    """INGEST_WORKERS as the pool takes it: None (unset or empty) for one a core, 0 for
    extraction in the crawl's own process."""
    workers = settings.get("INGEST_WORKERS")
    return None if workers in (None, "") else int(workers)


class NewsSpider(Planner, scrapy.Spider):
    """Crawl news from seeds: ``-a seeds=URL,FILE,OUTLET -a max_pages=N -a follow=1``.

    Also ``-a since=2024-03-01`` (or ``7d``), ``-a refresh=1`` and ``-a resume=1``.
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
        since: str | None = None,
        refresh: bool | str = False,
        resume: bool | str = False,
        allow: str | list[str] = "",
        deny: str | list[str] = "",
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.seed_values = _as_list(seeds)
        self.max_pages = int(max_pages or 0)
        self.follow = _flag(follow)
        self.extra_domains = _as_list(domains)
        self.extra_patterns = _as_list(allow), _as_list(deny)  # a shared crawl's, for workers
        self.since = parse_since(since) if since else None
        self.refresh = _flag(refresh)
        self.resume = _flag(resume)
        self._seen = Fingerprints()
        self._pending: list[dict[str, Any]] = []  # frontier records for the next item
        self._robots_done: set[str] = set()
        self._held = Fingerprints()  # skipped as unchanged, unless a later source says not
        self._too_deep = Fingerprints()
        self.requested = 0
        self.pool: ExtractionPool | None = None
        self.frontier: FrontierReader | None = None
        self.resume_crawls: list[int] = []  # set by the pipeline: the runs --resume continues

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.plugin_config = PluginConfig.default(settings.getlist("INGEST_PLUGINS_DIRS"))
        spider.plugins = load_plugins(spider.plugin_config)
        spider.seeds = parse_seeds(spider.seed_values, spider.plugins)
        spider.seeds.add_domains(spider.extra_domains)
        spider.seeds.allow += spider.extra_patterns[0]
        spider.seeds.deny += spider.extra_patterns[1]
        for outlet in spider.plugins.outlets:
            if any(outlet.owns(url) for url in spider.seeds.urls):
                spider.seeds.add_domains(outlet.domains)
        spider.allowed_domains = list(spider.seeds.domains)
        spider.allow = [re.compile(p) for p in spider.seeds.allow]
        spider.deny = [re.compile(p) for p in spider.seeds.deny]
        spider.depth_limit = settings.getint("DEPTH_LIMIT")
        spider.robots_sitemaps = settings.getbool("INGEST_ROBOTS_SITEMAPS", True)
        spider.conditional = settings.getbool("INGEST_CONDITIONAL_REQUESTS", True)
        spider.limits = Limits.from_settings(settings)
        spider.url_limit = settings.getint("URLLENGTH_LIMIT") or float("inf")
        spider.max_entries = settings.getint("INGEST_MAX_LISTING_ENTRIES", MAX_ENTRIES)
        spider.max_nesting = settings.getint("INGEST_MAX_LISTING_DEPTH", MAX_NESTING)
        crawler.signals.connect(spider.open_pool, signal=signals.spider_opened)
        crawler.signals.connect(spider.close_pool, signal=signals.spider_closed)
        crawler.signals.connect(spider.robots_parsed, signal=signals.robots_parsed)
        return spider

    def open_pool(self) -> None:
        settings = self.crawler.settings
        self.pool = ExtractionPool(
            self.plugin_config,
            extraction_workers(settings),
            settings.getfloat("INGEST_EXTRACT_TIMEOUT", DEFAULT_TIMEOUT),
        )
        try:
            known = settings.getlist("INGEST_KNOWN_DBS")
            self.frontier = FrontierReader(settings.get("INGEST_DB"), known)
        except sqlite3.Error as exc:  # no database (another pipeline): crawl without memory
            self.logger.warning("no crawl frontier (%s): every URL is fetched", exc)

    def close_pool(self) -> None:
        if self.pool is not None:
            self.pool.close()
        if self.frontier is not None:
            self.frontier.close()

    # -- what to fetch -------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        if not self.seeds.urls and not self.crawler.settings.get("INGEST_REDIS_URL"):
            self.logger.error("no seeds: give URLs, a seeds file or an outlet name")
        if self.frontier is not None and self.resume_crawls:
            self._seen.update(self.frontier.done_in(self.resume_crawls))
            self.logger.info("resuming: %d URLs fetched already", len(self._seen))
        for url in self.seeds.urls:
            request = self.plan(canonical(url), "seed", 0, priority=20, seed=True)
            if request is not None:
                yield request
        if self.robots_sitemaps and not self.crawler.settings.getbool("ROBOTSTXT_OBEY"):
            for host in dict.fromkeys(_root(url) for url in self.seeds.urls):
                yield scrapy.Request(
                    f"{host}/robots.txt",
                    callback=self.parse_robots,
                    errback=self.robots_failed,
                    priority=30,
                    dont_filter=True,
                    meta={"robots_txt": True},
                )
        if self.frontier is not None:
            for row in self.frontier.queued():
                via = row["found_via"] or "queued"
                if not self.follow and via.startswith("link "):
                    continue  # found by following links, which this crawl does not
                request = self.plan(row["url"], via, row["depth"], entry=row["entry"])
                if request is not None:
                    yield request

    # -- robots.txt ------------------------------------------------------------

    def robots_parsed(self, robotparser: Any, request: scrapy.Request) -> None:
        """robots.txt fetched (by Scrapy's middleware): schedule the sitemaps it names."""
        parser = getattr(robotparser, "rp", None)
        self._robots(_root(request.url), list(getattr(parser, "sitemaps", None) or []), True)

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        """robots.txt fetched by the spider itself, when robots.txt is not obeyed."""
        if response.status == 200:
            yield from self._robots(_root(response.url), robots_sitemaps(response.body), False)

    def robots_failed(self, failure: Failure) -> None:
        """No robots.txt of our own to read: the site is crawled without its sitemaps."""

    def _robots(self, root: str, sitemaps: list[str], inject: bool) -> list[scrapy.Request]:
        if not self.robots_sitemaps or root in self._robots_done:
            return []
        self._robots_done.add(root)
        requests = []
        for url in sitemaps:
            request = self.plan(canonical(urljoin(root, url)), f"robots {root}/robots.txt", 0, 5)
            if request is not None:
                requests.append(request)
        if inject:  # from a signal: into the scheduler directly
            for request in requests:
                self.crawler.engine.crawl(request)
            return []
        return requests

    # -- what came back ----------------------------------------------------------

    async def parse(self, response: Response) -> AsyncIterator[Any]:
        if response.status == 304:
            async for output in self.not_modified(response):
                yield output
            return
        body, kind, unread = response.body, "bad_gzip", None
        if body[:2] == GZIP_MAGIC:
            try:  # bounded: a small .gz must not unpack past the download size limit
                body = gunzip(body, max_size=self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
                if not gzip_ends(response.body):
                    raise EOFError(f"cut off: it ends after {len(body):,} bytes unpacked")
            except (OSError, EOFError, ValueError, zlib.error) as exc:  # corrupt, cut, too big
                kind = "too_large" if "exceeded" in str(exc) else "bad_gzip"
                unread = str(exc) or type(exc).__name__
        item = response_item(response, body)
        if unread is None and item.kind == "other":  # a .gz that is not gzip at all
            unread = not_gzip(response.url, item.content_type, response.body)
        if unread is None and item.kind == "other" and not body:  # a 204: no page at all
            kind, unread = "empty", f"HTTP {response.status}: the answer has no body"
        if unread is not None:
            # its planned records written first: a seed's row would end it queued
            yield request_error(response.request, kind, unread, found=self.take_planned())
            return
        if item.kind == "html" and looks_like_challenge(body):
            item.blocked = "captcha"
            item.found = self.take_planned()
            yield item
            return
        settings = self.crawler.settings
        delay = settings.getfloat("METAREFRESH_MAXDELAY")
        follows = settings.getbool("METAREFRESH_ENABLED") and not response.meta.get("dont_redirect")
        said = refresh_not_followed(response, delay) if follows else None
        requests = await self.discover(item, [error_record("fetch", *said)] if said else [])
        for request in requests:  # queued before the page is stored: a kill between loses none
            yield request
        yield item

    async def not_modified(self, response: Response) -> AsyncIterator[Any]:
        """A 304: an article costs nothing more; a feed, sitemap or page is read from the store."""
        known = response.meta.get("known") or {}
        item = PageItem(
            **answered(response),  # a 304
            kind=known.get("kind") or "html",
            body=b"",
            not_modified=True,
            article_id=known.get("article_id"),
        )
        if item.article_id is None:
            stored = self.frontier.stored_page(response.url) if self.frontier else None
            if stored is None:  # nothing to reuse: ask again, unconditionally
                yield unconditional(response.request)
                return
            item.kind, item.content_type, item.body = stored
            requests = await self.discover(item)
            item.body = b""
        else:
            requests = []
            item.found = self.take_planned()
        for request in requests:
            yield request
        yield item

    async def discover(
        self, item: PageItem, said: list[dict[str, Any]] | None = None
    ) -> list[scrapy.Request]:
        """Extract (HTML, in a worker) or read (feed, sitemap) the page; plan what it lists.
        ``said``: the errors rows the answer calls for already."""
        entries: list[Entry] = []
        via, priority, sitemap = "", 0, False
        if item.kind == "html":
            at_bound = bool(self.depth_limit and item.depth >= self.depth_limit)
            if self.follow and at_bound:  # its links not followed: the summary says how often
                self.bounded("ingest/at_max_depth")
            follow = self.follow and not at_bound
            item.outcome = await self.extract(item, follow)
            article = item.outcome.article
            if article and self.since and older_than(_published(article), self.since):
                item.old = True  # kept as a page, not as an article; its links not followed
            else:
                entries = [Entry(u) for u in item.outcome.links if self.wanted_link(u)]
            via = f"link {item.url}"
        problems: list[tuple[str, str]] = []
        if item.kind in ("feed", "sitemap"):
            if deep := too_nested(item.kind, item.nested, self.max_nesting):
                listing, problems = Listing(), [("too_deep", deep)]
            else:
                listing, problems = await read_listing(item, self.max_entries)
            entries, sitemap = list(listing), listing.index
            via, priority = f"{item.kind} {item.url}", 6 if sitemap else 5
        if message := mislabelled(item.kind, item.content_type):
            problems.append(("not_a_feed", message))
        if item.kind == "other" and item.found_via == "seed":  # asked for, and nothing read
            problems.append(("not_a_page", unread_seed(item.content_type)))
        errors = [*(said or []), *(error_record("discover", *problem) for problem in problems)]
        if errors:  # the entries read are planned all the same
            item.outcome = item.outcome or Outcome(url=item.url)
            item.outcome.errors.extend(errors)
        nested = item.nested + 1 if item.kind in ("feed", "sitemap") else 0
        requests, item.found = await self.plan_listed(
            entries, via, item.depth + 1, priority, sitemap, nested
        )
        return requests

    async def extract(self, item: PageItem, follow: bool) -> Outcome:
        assert self.pool is not None, "the pool opens with the spider"
        job = Job(
            url=item.url,
            body=item.body,
            content_type=item.content_type,
            fetched=date.today(),
            listed=item.listed,
            follow=follow,
            sites=self.job_sites,
            keep_body=not item.not_modified,
            signature=True,
            limits=self.limits,
        )
        try:  # here, not in a worker: a page past the bound is not even copied there
            check_size(len(item.body), self.limits)
        except TooLarge as exc:
            item.body = b""  # not kept either: the errors row says what it was
            return refused(job, exc)
        try:
            outcome = await asyncio.wrap_future(self.pool.submit(job))
            if again := links_alone(job, outcome):  # its links all the same, read alone
                outcome.links = (await asyncio.wrap_future(self.pool.submit(again))).links
            return outcome
        except PoolBroken as exc:  # the page is stored raw, with the reason, for reextract
            stop_crawl(self.crawler, "pool_broken", str(exc))
            return refused(job, exc)

    def failed(self, failure: Failure) -> Iterator[FetchError]:
        request = failure.request  # type: ignore[attr-defined]
        kind, message, status = failure_kind(failure)
        yield request_error(request, kind, message, status=status, found=self.take_planned())


async def read_listing(item: PageItem, limit: int) -> tuple[Listing, list[tuple[str, str]]]:
    """The feed's or sitemap's entries; a large one is parsed in a thread, so the event loop
    keeps downloading meanwhile (a 10 MB sitemap takes the parser about a second)."""
    if len(item.body) < THREAD_LISTINGS_FROM:
        return listed(item.kind, item.body, item.url, limit)
    return await asyncio.to_thread(listed, item.kind, item.body, item.url, limit)


def _published(article: dict[str, Any]) -> str | None:
    """As written, its offset kept: ``--since`` a day is the publisher's day."""
    return written_date(str(article.get("published") or "")) if article else None


def _root(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _flag(value: bool | str | None) -> bool:
    return str(value).lower() not in ("0", "false", "no", "", "none")


def _as_list(value: str | list[str]) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in re.split(r"[,\s]+", value) if v.strip()]
    return list(value)
