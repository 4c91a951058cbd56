"""The crawl reaches only what the user pointed at: no loopback, private, link-local,
multicast, unspecified or cloud-metadata address unless a seed lives there.

Scrapy has no such guard, and a public page can link or redirect anywhere. This
downloader middleware sees every request just before it is downloaded (seeds,
links, feed and sitemap entries, robots.txt, and the new requests that Scrapy's
redirect and meta-refresh middlewares send back through the chain), and checks
every address its host resolves to. It resolves through the crawl's own caching
resolver, so the connection that follows uses an address checked.

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
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IResolutionReceiver
from zope.interface import implementer

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


@implementer(IResolutionReceiver)
class _Addresses:
    def __init__(self) -> None:
        self.found: list[str] = []
        self.done: Deferred[list[str]] = Deferred()

    def resolutionBegan(self, resolution: object) -> None:
        pass

    def addressResolved(self, address: Any) -> None:
        self.found.append(address.host)

    def resolutionComplete(self) -> None:
        self.done.callback(self.found)


def resolve(host: str) -> Deferred[list[str]]:
    """Every address ``host`` resolves to, through the resolver the crawl connects with.

    Scrapy's default resolver answers IPv4 only, and so connects; with
    ``TWISTED_DNS_RESOLVER = scrapy.resolver.CachingHostnameResolver`` connections may take
    an IPv6 answer too, so both families are asked and every answer checked.
    """
    from twisted.internet import reactor  # the one Scrapy installed

    receiver = _Addresses()
    reactor.nameResolver.resolveHostName(receiver, host, 0)
    return receiver.done


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
        literal = ip_literal(host)
        addresses = [literal] if literal else await maybe_deferred_to_future(resolve(host))
        # Any one address may be the one connected to: one guarded address refuses them all.
        found = [(a, r) for a in addresses if (r := refused_because(a))]
        if not found:
            return None  # public, or unresolvable: the download fails and is recorded
        address, reason = found[0]
        message = (
            f"{host} is {address}, {reason}: only a seed's own site may be there "
            "(--allow-private reaches such addresses)"
        )
        if urlsplit(request.url).path == "/robots.txt" and not request.meta.get("redirect_urls"):
            # Scrapy's robots.txt middleware logs any failure but a plain IgnoreRequest;
            # the page it guards, on the same host, is refused and recorded next. One a
            # site's robots.txt redirected to is refused as any other request is.
            raise IgnoreRequest(message)
        raise BlockedAddress(message)
