"""What the news spider fetches: each URL it meets, planned against the crawl frontier.

Every URL found (a seed, a link, a feed or sitemap entry, a sitemap named by
robots.txt) passes through ``Planner.plan``, which decides whether to request
it now, hold it as unchanged, leave it to a later crawl or skip it as old, and
records that decision for the pipeline to write with the page that listed it.
What is fetched again goes as a conditional request.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.linkextractors import IGNORED_EXTENSIONS

from ingest.crawl.discovery import Entry, newer_than, older_than, url_date
from ingest.crawl.fingerprints import Fingerprints
from ingest.crawl.frontier import FrontierReader, Known
from ingest.extract.classify import looks_like_article_url
from ingest.extract.process import plugin_records
from ingest.plugins.manager import Plugins, url_verdict
from ingest.store.schema import now
from ingest.urls import on_sites

# Links to files (documents, images, media, archives) are not pages to crawl.
IGNORED_SUFFIX_RE = re.compile(
    r"\.(?:" + "|".join(re.escape(e) for e in IGNORED_EXTENSIONS) + r")$", re.IGNORECASE
)
CONDITIONAL_HEADERS = (b"If-None-Match", b"If-Modified-Since")
#: Entries of a listing planned between two turns of the event loop.
PLAN_BATCH = 500


class Planner:
    """The spider's planning half: which URLs to request, and the record of each decision.

    A mixin for ``NewsSpider``, which sets the state read here (in ``__init__``
    and ``from_crawler``) and provides the ``parse`` and ``failed`` callbacks.
    """

    # Set by NewsSpider.__init__.
    since: str | None
    refresh: bool
    requested: int
    frontier: FrontierReader | None
    _seen: Fingerprints  # every URL planned in this crawl
    _pending: list[dict[str, Any]]
    _held: Fingerprints  # skipped as unchanged, unless a later source dates a change
    _too_deep: Fingerprints  # listed past --max-depth, and said so once
    # Set by NewsSpider.from_crawler.
    plugins: Plugins
    allowed_domains: list[str]
    allow: list[re.Pattern[str]]
    deny: list[re.Pattern[str]]
    depth_limit: int
    url_limit: float  # URLLENGTH_LIMIT
    max_pages: int
    conditional: bool
    # Defined by NewsSpider.
    parse: Callable[..., Any]
    failed: Callable[..., Any]

    def plan(
        self,
        url: str,
        found_via: str,
        depth: int,
        priority: int = 0,
        entry: Entry | None = None,
        seed: bool = False,
        sitemap: bool = False,
    ) -> scrapy.Request | None:
        """A request for a (canonical) URL not met yet in this crawl, or None; its record
        (what was found, how, and what the crawl decided) waits for the next item.

        Decisions: ``queued`` (requested now), ``budget`` (requested by a later crawl:
        ``--max-pages`` ran out), ``held`` (an article stored and unchanged since, or a
        child sitemap not modified since its last fetch), ``old`` (before ``--since``).
        A URL met again is planned again only if it was held and this source dates a
        change after our fetch.
        """
        dated = entry.date if entry else None
        record = {
            "url": url,
            "found_via": found_via,
            "found_at": now(),
            "depth": depth,
            "lastmod": dated,
            "published": entry.published if entry else None,
            "write": True,
        }
        if url in self._seen:
            # Skipped as unchanged when first met, but this source dates a change: what
            # the frontier knows is read again (held URLs are kept as hashes, not rows).
            if url not in self._held or self.frontier is None:
                return None
            known = self.frontier.lookup(url)
            if known is None or not newer_than(dated, known.fetched_at):
                return None
            self._held.discard(url)
            record["recount"] = "skipped_unchanged"
            reason = "changed"
        else:
            via_listing = found_via.startswith(("feed ", "sitemap "))
            if not self.on_site(url):
                if not (via_listing or found_via.startswith("robots ")):
                    return None  # a page's links off the sites are not the crawl's to meet
                # but what a listing names is: a feed of another site's links says so, as
                # does a robots.txt naming a sitemap on another host
                self._seen.add(url)
                return self._decide(
                    record, "offsite", state="offsite", reason="listed_offsite", set_state="offsite"
                )
            if not (seed or sitemap) and via_listing and not self.wanted_link(url):
                # a page of a feed or sitemap: within the seeds file's patterns too, as a
                # link is (an index's sitemaps are read whatever the patterns)
                self._seen.add(url)
                return self._decide(record, "unwanted", state="skipped", reason="unwanted")
            if len(url) > self.url_limit:  # Scrapy would drop it without a word
                self._seen.add(url)
                return self._decide(
                    record, "too_long", state="skipped", reason="too_long", set_state="skipped"
                )
            if not seed and self.depth_limit and depth > self.depth_limit:
                # not marked seen: a shorter path to it may turn up later. A page's links
                # past the bound are not met; what a feed or sitemap lists is, and says so
                # (a known row keeps what it knew)
                if not via_listing or url in self._too_deep:
                    return None
                self._too_deep.add(url)
                return self._decide(record, "too_deep", state="skipped", reason="max_depth")
            self._seen.add(url)
            known = self.frontier.lookup(url) if self.frontier is not None else None
            reason = None
            if known is not None and not seed and not self.refresh:
                changed = max((d for d in (dated, known.lastmod) if d), default=None, key=_day_key)
                unchanged = not newer_than(changed, known.fetched_at)
                child_sitemap = sitemap and known.kind == "sitemap" and changed is not None
                if (known.held or child_sitemap) and unchanged:
                    self._held.add(url)
                    if known.elsewhere:  # --known's: this database has no row to keep
                        return self._decide(
                            record, "held", state="skipped", reason="known", set_state="skipped"
                        )
                    # nothing new to write unless the source gave a newer date than stored
                    write = bool(dated) and _day_key(dated) > _day_key(known.lastmod or "")
                    return self._decide(record, "held", write=write)
                reason = "changed" if known.held else None
            elif known is not None and known.held and self.refresh:
                reason = "refresh"
        if self.since and not seed and self.is_old(url, entry, known):
            return self._decide(record, "old", state="skipped", reason="old", set_state="skipped")
        if self.max_pages and self.requested >= self.max_pages:
            self.bounded("ingest/past_max_pages")
            return self._decide(  # a known row too: met, and left for the budget
                record, "budget", state="queued", reason="max_pages", set_state="queued"
            )
        self.requested += 1
        if self.is_article_url(url):
            priority += 10
        self._decide(record, "queued", state="queued", reason=reason, set_state="queued")
        request = self.request(
            url, found_via, depth, priority, known, listed_date(entry, found_via)
        )
        if not (seed or sitemap) and found_via.startswith(("link ", "feed ", "sitemap ")):
            request.meta["patterned"] = True  # its redirects too are held to allow/deny
        return request

    async def plan_listed(
        self,
        entries: list[Entry],
        via: str,
        depth: int,
        priority: int,
        sitemap: bool,
        nested: int = 0,
    ) -> tuple[list[scrapy.Request], list[dict[str, Any]]]:
        """The requests for the entries a page listed, and the records for the page's item.

        ``nested`` counts the feeds and sitemaps that led to the entries: a feed or sitemap
        among them is read only up to a bound, so a chain of sitemap indexes ends.

        A sitemap of 50,000 URLs is planned ``PLAN_BATCH`` entries between two turns of
        the event loop, so downloads go on meanwhile; the records planned so far are taken
        before each turn, so no other page's item carries them away.
        """
        requests, found = [], []
        for n, entry in enumerate(entries, 1):
            request = self.plan(entry.url, via, depth, priority, entry=entry, sitemap=sitemap)
            if request is not None:
                if nested:
                    request.meta["nested"] = nested
                requests.append(request)
            if n % PLAN_BATCH == 0:
                found += self.take_planned()
                await asyncio.sleep(0)
        return requests, found + self.take_planned()

    def bounded(self, stat: str) -> None:
        """Count what a bound of the crawl left unfetched, for its summary."""
        if crawler := getattr(self, "crawler", None):
            crawler.stats.inc_value(stat)

    def met_elsewhere(self, url: str) -> None:
        """A URL another worker of a shared crawl planned, taken here from the shared queue:
        met in this crawl. A link to it found here later was planned again, and its row,
        fetched, written back to queued."""
        self._seen.add(url)

    def _decide(self, record: dict[str, Any], decision: str, **fields: Any) -> None:
        """Keep the record with its decision until the next item carries it to the pipeline."""
        record.update(decision=decision, **fields)
        self._pending.append(record)

    def request(
        self,
        url: str,
        found_via: str,
        depth: int,
        priority: int,
        known: Known | None,
        listed: tuple[str, str] | None = None,
    ) -> scrapy.Request:
        """The request itself: conditional when the page was fetched before, and carrying
        what the frontier knows of it so a 304 or a failure can be told apart from a new URL.
        """
        meta: dict[str, Any] = {"found_via": found_via, "depth": depth}
        if listed:
            meta["listed"] = listed  # the feed's or sitemap's date, evidence for the article's
        headers = known.conditional_headers() if known is not None and self.conditional else {}
        if known is not None:
            meta["known"] = {
                "article_id": known.article_id,
                "kind": known.kind,
                "page": known.fetched_at is not None,
            }
        if headers:
            meta["handle_httpstatus_list"] = [304]
        return scrapy.Request(
            url,
            callback=self.parse,
            errback=self.failed,
            priority=priority,
            headers=headers or None,
            meta=meta,
        )

    def is_old(self, url: str, entry: Entry | None, known: Known | None) -> bool:
        """Dated before --since by its feed or sitemap entry, its URL, or its stored article."""
        # as written, its offset kept: the publisher's day, as --since reads it
        listed = entry and (
            entry.written or entry.published or entry.written_modified or entry.date
        )
        if listed:
            return older_than(listed, self.since, listed=True)
        return older_than((known.published if known else None) or url_date(url), self.since)

    @cached_property
    def allowed_set(self) -> frozenset[str]:
        return frozenset(self.allowed_domains)

    @cached_property
    def job_sites(self) -> frozenset[str]:
        """The sites whose links a worker lists (empty: all). Thousands are not worth
        sending with every page: the spider drops offsite links all the same."""
        return self.allowed_set if len(self.allowed_set) <= 1000 else frozenset()

    def on_site(self, url: str) -> bool:
        """Within the allowed domains (by host name: LinkExtractor's check trips on ports)."""
        return on_sites(url, self.allowed_set)

    def wanted_link(self, url: str) -> bool:
        """Not a file (PDF, image, video...), and within the seeds' allow/deny patterns."""
        return not IGNORED_SUFFIX_RE.search(urlsplit(url).path) and self.within_patterns(url)

    def within_patterns(self, url: str) -> bool:
        """Matching an ``allow`` pattern when there are any, and no ``deny`` pattern."""
        if self.allow and not any(p.search(url) for p in self.allow):
            return False
        return not any(p.search(url) for p in self.deny)

    def is_article_url(self, url: str) -> bool:
        """The outlet's article pattern when it has one, else a guess from the URL's shape.

        An outlet's own ``is_article_url`` that raises on one link costs that link its
        verdict only (the shape decides, and an errors row names the plugin): raised into
        the page's callback, it had cost every link the page listed after it, and the
        crawl ended after its first page."""
        outlet = self.plugins.outlet_for(url)
        verdict, fault = url_verdict(outlet, url) if outlet else (None, None)
        if fault is not None:  # recorded with the records the next item carries
            [error] = plugin_records([fault])
            self._pending.append({"url": url, "error": {**error, "stage": "crawl"}, "write": False})
        return looks_like_article_url(url) if verdict is None else verdict

    def take_planned(self) -> list[dict[str, Any]]:
        """The records planned since the last item, for the item (or error) about to go out."""
        records, self._pending = self._pending, []
        return records


def listed_date(entry: Entry | None, found_via: str) -> tuple[str, str] | None:
    """The publication date a feed or sitemap entry gives, and which of the two gave it.

    As the source wrote it, with its offset, when the entry was just read; in UTC
    when it comes back from the frontier (a resumed crawl), which keeps UTC only.
    """
    source = found_via.split(" ", 1)[0]
    if entry is None or not entry.published or source not in ("feed", "sitemap"):
        return None
    return entry.written or entry.published, source


#: Meta keys the 304's request held that its repetition must not: what made it conditional,
#: and what Scrapy's middlewares set on a download (its latency, the proxy they chose).
_NOT_ASKED_AGAIN = frozenset(
    {"known", "handle_httpstatus_list", "download_latency", "_auth_proxy", "_scheme_proxy"}
)


def unconditional(request: scrapy.Request) -> scrapy.Request:
    """The same request without its conditional headers: for a 304 with nothing stored to reuse."""
    headers = request.headers.copy()
    for name in CONDITIONAL_HEADERS:
        headers.pop(name, None)
    meta = {k: v for k, v in request.meta.items() if k not in _NOT_ASKED_AGAIN}
    return request.replace(headers=headers, meta=meta, dont_filter=True)


def _day_key(value: str) -> str:
    return value if len(value) > 10 else value + "T23:59:59+00:00"
