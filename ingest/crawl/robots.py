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
"""

from __future__ import annotations

import codecs
from typing import Any
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    IgnoreRequest,
)
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.httpobj import urlparse_cached

#: Sent with ``url`` (the robots.txt's) and ``message`` when one cannot be read.
robots_unreachable = object()
#: No connection at all: the site's pages fail the same way, each with its errors row.
UNREACHED = (DownloadConnectionRefusedError, CannotResolveHostError)


class SaidRobotsTxt(RobotsTxtMiddleware):
    """Scrapy's middleware, telling the crawl of a robots.txt it could not read."""

    def __init__(self, crawler: Any):
        super().__init__(crawler)
        self._schemes: dict[str, str] = {}

    async def robot_parser(self, request: Any) -> Any:
        parts = urlparse_cached(request)  # as Scrapy names the site: by its netloc
        self._schemes.setdefault(parts.netloc, parts.scheme)
        return await super().robot_parser(request)

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


def robots_redirect(request: Any) -> bool:
    """Whether a request is a robots.txt's redirect, which may leave the crawl's sites: one
    Scrapy's middleware asked for, or the one the crawl reads for its sitemaps
    (``ROBOTSTXT_OBEY=0``). The offsite filter (``ingest.crawl.offsite``) lets it pass."""
    asked = request.meta.get("redirect_urls") or ()
    scrapys = request.callback is NO_CALLBACK and request.meta.get("dont_obey_robotstxt")
    ours = request.meta.get("robots_txt")
    return bool(asked and (scrapys or ours) and urlsplit(asked[0]).path == "/robots.txt")
