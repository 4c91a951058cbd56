"""The crawl reaches only what the user pointed at: no loopback, private, link-local,
multicast, unspecified or cloud-metadata address unless a seed lives there.

Scrapy has no such guard, and a public page can link or redirect anywhere. This
downloader middleware sees every request just before it is downloaded (seeds,
links, feed and sitemap entries, robots.txt, and the new requests that Scrapy's
redirect and meta-refresh middlewares send back through the chain), and checks
the address its host resolves to. It resolves through the crawl's own caching
resolver, so the connection that follows uses the very address checked.

The origins (scheme, host and port) of the seeds are allowed whatever their
address: pointing ingest at an intranet page is a choice. ``INGEST_ALLOW_PRIVATE``
(``--allow-private``) turns the guard off. A request sent through a proxy the
user configured (``INGEST_PROXY``, the offline demo) is the proxy's to route.
A refusal fails the request with ``BlockedAddress``, which the spider records as
an ``errors`` row and a final ``urls`` state of kind ``blocked_address``.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future

#: Addresses where clouds answer with instance credentials (AWS, GCP, Azure, Alibaba, Oracle).
METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "fd00:ec2::254", "168.63.129.16", "100.100.100.200", "192.0.0.192")
)

DEFAULT_PORTS = {"http": 80, "https": 443}


class BlockedAddress(IgnoreRequest):
    """A request to an address the crawl may not reach."""


def refused_because(address: str) -> str | None:
    """Why the crawl may not connect to ``address`` (an IP literal), or None if it may."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if ip in METADATA:
        return "a cloud metadata address"
    for kind in ("loopback", "link_local", "multicast", "unspecified", "private"):
        if getattr(ip, f"is_{kind}"):
            return f"{'an' if kind[0] == 'u' else 'a'} {kind.replace('_', '-')} address"
    if not ip.is_global:
        return "a reserved address"
    return None


def origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or DEFAULT_PORTS.get(scheme)


def ip_literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


class AddressGuard:
    """Refuse requests whose host is on a guarded address, outside the seeds' own origins."""

    def __init__(self, crawler: Any):
        self.crawler = crawler
        self._seed_origins: set[tuple[str, str, int | None]] | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> AddressGuard:
        if crawler.settings.getbool("INGEST_ALLOW_PRIVATE"):
            raise NotConfigured
        return cls(crawler)

    def seed_origins(self) -> set[tuple[str, str, int | None]]:
        if self._seed_origins is None:
            seeds = getattr(getattr(self.crawler.spider, "seeds", None), "urls", ())
            self._seed_origins = {origin(url) for url in seeds}
        return self._seed_origins

    async def process_request(self, request: Any) -> None:
        if request.meta.get("proxy"):
            return None
        where = origin(request.url)
        if where in self.seed_origins():
            return None
        host = where[1]
        address = ip_literal(host)
        if address is None:
            from twisted.internet import reactor  # the one Scrapy installed

            try:  # the crawl's caching resolver: the connection will use this answer
                address = await maybe_deferred_to_future(reactor.resolve(host))
            except Exception:
                return None  # unresolvable: the download fails and is recorded as such
        reason = refused_because(address)
        if reason is None:
            return None
        message = (
            f"{host} is {address}, {reason}: only a seed's own site may be there "
            "(--allow-private reaches such addresses)"
        )
        if urlsplit(request.url).path == "/robots.txt":
            # Scrapy's robots.txt middleware logs any failure but a plain IgnoreRequest;
            # the page it guards is refused and recorded next.
            raise IgnoreRequest(message)
        raise BlockedAddress(message)
