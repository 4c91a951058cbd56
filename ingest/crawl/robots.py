"""robots.txt that cannot be read, said instead of passed over.

Scrapy's RobotsTxtMiddleware crawls a site whose robots.txt answers 5xx or does not
answer at all (a timeout, a broken answer) as if it had none, and says so only in
its log and stats. ingest keeps that behaviour (RFC 9309 would have such a site crawled
not at all; a broken robots.txt would then cost a crawl every page of its site) but
records it: an ``errors`` row of kind ``robots_unreachable`` at stage ``fetch`` under the
robots.txt URL, once per site and crawl, saying what it answered.

A robots.txt that redirects to another host (``http://site`` to ``https://www.site``,
to a CDN) is followed there: RFC 9309 asks for five redirects at least, even across
hosts, and Scrapy's offsite filter dropped such a redirect without a word, so the site
was crawled as if it had no rules. Only the robots.txt is fetched off the crawl's
sites; the address guard still refuses a private or loopback one.

A ``Crawl-delay`` is obeyed (Scrapy reads it and leaves it unused): a site that asks for
N seconds between requests gets them, from this crawl's downloader (AutoThrottle may only
lengthen the wait) or, in a shared crawl, from all its workers together (the request
carries it to ``ingest.crawl.shared_politeness``, whose turn is then the only wait: a
worker's own slot waiting too would send a request late into the next worker's turn).
A delay past ``INGEST_CRAWL_DELAY_MAX`` is held to that bound, and said in the log;
``INGEST_CRAWL_DELAY_MAX=0`` ignores them. Scrapy's downloader keeps one slot per host
name (per address with ``CONCURRENT_REQUESTS_PER_IP``): sites on one host name and other
ports share the wait. A request redirected to another host takes that host's slot, not
the one its first address had. In a shared crawl whose Redis is away, each worker's own
delays hold, not the Crawl-delay.
"""

from __future__ import annotations

import codecs
import logging
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    IgnoreRequest,
)
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.httpobj import urlparse_cached

logger = logging.getLogger(__name__)

#: Sent with ``url`` (the robots.txt's) and ``message`` when one cannot be read.
robots_unreachable = object()
#: The request's meta key for the seconds its site's ``Crawl-delay`` asks between requests.
CRAWL_DELAY = "ingest_crawl_delay"
#: No connection at all: the site's pages fail the same way, each with its errors row.
UNREACHED = (DownloadConnectionRefusedError, CannotResolveHostError)


class SaidRobotsTxt(RobotsTxtMiddleware):
    """Scrapy's middleware, telling the crawl of a robots.txt it could not read."""

    def __init__(self, crawler: Any):
        super().__init__(crawler)
        self._schemes: dict[str, str] = {}
        self._delays: dict[str, float] = {}  # by netloc: the Crawl-delay obeyed, 0 for none
        self._max_delay = max(crawler.settings.getfloat("INGEST_CRAWL_DELAY_MAX"), 0.0)
        self._shared = bool(crawler.settings.get("INGEST_REDIS_URL"))
        crawler.signals.connect(self._keep_delay, signal=signals.response_downloaded)

    async def robot_parser(self, request: Any) -> Any:
        parts = urlparse_cached(request)  # as Scrapy names the site: by its netloc
        self._schemes.setdefault(parts.netloc, parts.scheme)
        return await super().robot_parser(request)

    def process_request_2(self, rp: Any, request: Any) -> None:
        super().process_request_2(rp, request)  # raises IgnoreRequest for a forbidden page
        request.meta.pop(CRAWL_DELAY, None)  # a redirect's copy of the meta: another site's
        _own_slot(request)
        if rp is None or not self._max_delay:
            return
        netloc = urlparse_cached(request).netloc
        delay = self._delays.get(netloc)
        if delay is None:
            delay = self._delays[netloc] = self._asked_delay(rp, request, netloc)
        if delay:
            request.meta[CRAWL_DELAY] = delay
            if not self._shared:
                self._hold(request, delay)

    def _asked_delay(self, rp: Any, request: Any, netloc: str) -> float:
        """The site's ``Crawl-delay`` for this crawl's user agent, within the bound."""
        agent = self._robotstxt_useragent or request.headers.get(
            b"User-Agent", self._default_useragent
        )
        try:
            asked = float(rp.crawl_delay(agent) or 0)
        except (TypeError, ValueError):  # a parser of the user's own, or a value none reads
            return 0.0
        if asked != asked or asked <= 0:  # NaN or nothing
            return 0.0
        self.crawler.stats.inc_value("ingest/crawl_delay_sites")
        if asked > self._max_delay:
            logger.warning(
                "%s asks for %g s between requests (robots.txt Crawl-delay); held to "
                "INGEST_CRAWL_DELAY_MAX, %g s",
                netloc,
                asked,
                self._max_delay,
            )
            return self._max_delay
        logger.info("%s asks for %g s between requests (robots.txt Crawl-delay)", netloc, asked)
        return asked

    def _hold(self, request: Any, delay: float) -> None:
        """The site's downloader slot waits ``delay`` at least between requests: the slot
        this request will take, or, not made yet, the settings it will be made from."""
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        slot = downloader.slots.get(key)
        if slot is None:  # the crawl's own delay (AutoThrottle's start) if that is longer
            made = downloader.per_slot_settings.setdefault(key, {})
            default = getattr(
                downloader, "_delay", self.crawler.settings.getfloat("DOWNLOAD_DELAY")
            )
            made["delay"] = max(float(made.get("delay", default)), delay)
            made["jitter"] = 0  # Scrapy's jitter would make some waits half as long
        else:
            _floor(slot, delay)

    def _keep_delay(self, response: Any, request: Any, **_: Any) -> None:
        """Once AutoThrottle has moved a slot's delay on an answer, bring it back up (not in a
        shared crawl, whose turn in Redis is the Crawl-delay's one wait)."""
        if self._shared:
            return
        delay = request.meta.get(CRAWL_DELAY)
        key = request.meta.get("download_slot")
        slot = self.crawler.engine.downloader.slots.get(key) if delay and key else None
        if slot is not None:
            _floor(slot, delay)

    async def _parse_robots(self, response: Any, netloc: str, request: Any) -> None:
        if response.status >= 500:
            self._unreachable(response.url, f"HTTP {response.status}")
        if response.body[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            # Scrapy reads it as UTF-8 and finds no rule: every page was allowed
            try:
                response = response.replace(body=response.body.decode("utf-16").encode())
            except UnicodeDecodeError:
                self._unreachable(response.url, "UTF-16 that does not decode")
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        # The guard's refusal of a robots.txt on a guarded host says why itself, when the
        # page is refused next; a host that takes no connection refuses its pages too, and
        # each says so. A robots.txt redirected to a guarded host or in circles is said.
        quiet = type(exc) is IgnoreRequest and "max redirections" not in str(exc)
        if not (quiet or isinstance(exc, UNREACHED)):
            url = f"{self._schemes.get(netloc, 'http')}://{netloc}/robots.txt"
            self._unreachable(url, f"{type(exc).__name__}: {str(exc)[:200] or 'no answer'}")
        super()._robots_error(exc, netloc)

    def _unreachable(self, url: str, what: str) -> None:
        message = (
            f"robots.txt could not be read ({what}): the site is crawled as if it had "
            "none (RFC 9309 would have it crawled not at all)"
        )
        self.crawler.signals.send_catch_log(signal=robots_unreachable, url=url, message=message)


def _own_slot(request: Any) -> None:
    """A request redirected to another host goes in that host's downloader slot: Scrapy's
    redirect keeps the first address's slot in the request's meta, and the other host's
    Crawl-delay would then hold the first one's requests back (or the first's, this one)."""
    hops = {urlsplit(url).hostname for url in request.meta.get("redirect_urls") or ()}
    slot = request.meta.get("download_slot")
    if slot in hops and slot != urlparse_cached(request).hostname:  # any hop's, in a chain
        del request.meta["download_slot"]


def _floor(slot: Any, delay: float) -> None:
    if slot.delay < delay:
        slot.delay = delay
    slot.jitter = 0


def robots_redirect(request: Any) -> bool:
    """Whether a request is a robots.txt's redirect, which may leave the crawl's sites: one
    Scrapy's middleware asked for, or the one the crawl reads for its sitemaps
    (``ROBOTSTXT_OBEY=0``). The offsite filter (``ingest.crawl.offsite``) lets it pass."""
    asked = request.meta.get("redirect_urls") or ()
    scrapys = request.callback is NO_CALLBACK and request.meta.get("dont_obey_robotstxt")
    ours = request.meta.get("robots_txt")
    return bool(asked and (scrapys or ours) and urlsplit(asked[0]).path == "/robots.txt")
