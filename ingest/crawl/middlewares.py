"""Downloader middlewares: one HTTP proxy for every request, Scrapy's meta refresh
keeping the page whose refresh leads nowhere a request can go, and Scrapy's redirects
saying which ``Location`` no request could be made of.

The offline demo serves its fictional outlets from a loopback server that
acts as their proxy, so pages keep their real-looking URLs and no request
leaves the machine. Set ``INGEST_PROXY`` to use it; unset, it does nothing.
"""

from __future__ import annotations

from typing import Any

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
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


class MetaRefreshKeepingPages(MetaRefreshMiddleware):
    """Scrapy's meta refresh, handing back a page whose refresh names no URL a request can
    be made of (``url=javascript:void(0)``), as it hands back one that leads to ``file:``
    or ``ftp:``: building the request raised, and the page was lost, its URL ``failed``.
    ``ingest.crawl.redirects.refresh_not_followed`` says where the refresh led."""

    def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        try:
            return super().process_response(request, response)
        except ValueError:  # "Missing scheme in request url: javascript:void(0)"
            return response


class BadRedirect(Exception):
    """A redirect whose ``Location`` no request can be made of, with where it pointed."""

    def __init__(self, status: int, location: str, reason: str):
        super().__init__(f"HTTP {status} to {location!r}, which is no URL to follow: {reason}")
        self.location, self.reason = location, reason


class RedirectsSaid(RedirectMiddleware):
    """Scrapy's redirects, a ``Location`` it cannot build a request of said as such: its
    ValueError ("Invalid IPv6 URL", "Port out of range") failed the URL as a bare
    ``ValueError``, naming neither the redirect nor where it pointed."""

    def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        try:
            return super().process_response(request, response)
        except ValueError as exc:
            location = response.headers.get("Location", b"").decode("latin-1")[:200]
            raise BadRedirect(response.status, location, str(exc)) from exc
