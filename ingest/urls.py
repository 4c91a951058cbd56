"""URLs: one spelling per article, so ids stay stable whatever link found it."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Container
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url, safe_url_string

# Query parameters that only track who clicked; they never name a different article.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "mkt_tok",
        "ocid",
        "cmpid",
        "smid",
        "ito",
        "_ga",
        "_gl",
        "ref_src",
        "share",
        "at_medium",
        "at_campaign",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
    }
)
#: Parameter prefixes that only track: every ``utm_*`` (``utm_source``, ``utm_medium``...).
TRACKING_PREFIXES = ("utm_",)
#: Query parameters that ask for the AMP rendering of the same article.
AMP_PARAMS = {"amp": ("", "1", "true"), "outputtype": ("amp",), "_amp": ("true", "1")}
_AMP_SUFFIX = re.compile(r"(/)amp/$|/amp$|\.amp$", re.I)  # /story/amp/, /story/amp, /story.amp
_AMP_HTML = re.compile(r"\.amp(\.html?)$", re.I)  # /story.amp.html


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def _is_amp_param(name: str, value: str) -> bool:
    return value.lower() in AMP_PARAMS.get(name.lower(), ())


def amp_canonical(url: str) -> str:
    """The regular page an AMP URL renders, for the common AMP spellings; others unchanged.

    ``?amp``, ``?amp=1``, ``?outputType=amp``, a trailing ``/amp`` or ``.amp``, ``x.amp.html``
    and a leading ``/amp/`` folder. Pages also name their canonical URL themselves
    (``rel=canonical``), which the article's id follows; this catches AMP links before
    they are fetched at all.
    """
    if "amp" not in url.lower():
        return url
    parts = urlsplit(url)
    path = parts.path
    if path.lower().startswith("/amp/"):
        path = path[4:]
    elif _AMP_HTML.search(path):
        path = _AMP_HTML.sub(r"\1", path)
    elif _AMP_SUFFIX.search(path):
        path = _AMP_SUFFIX.sub(lambda m: m.group(1) or "", path) or "/"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        kept = [(k, v) for k, v in pairs if not _is_amp_param(k, v)]
        if len(kept) != len(pairs):
            query = urlencode(kept)
    return urlunsplit((parts.scheme, parts.netloc, path, query, parts.fragment))


def strip_tracking(url: str) -> str:
    """The URL without tracking parameters (``utm_*``, ``fbclid``...) and without fragment."""
    parts = urlsplit(url)
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        kept = [(k, v) for k, v in pairs if not _is_tracking(k)]
        if len(kept) != len(pairs):
            query = urlencode(kept)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def canonical(url: str) -> str:
    """One spelling per article URL, so ids stay stable whatever link found it.

    Tracking parameters and fragments go, AMP spellings map to the regular page,
    and w3lib sorts the query and normalizes escapes. The spelling is the one Scrapy
    requests: canonicalize_url leaves ``[``, ``]`` and ``|`` bare in a path, which
    a request escapes, so a seed's row and its page's row were two, the seed's left queued.
    """
    return _as_requested(_normalized(url))


_ESCAPED_BY_REQUESTS = re.compile(r"[\[\]|]")


def _normalized(url: str) -> str:
    return canonicalize_url(amp_canonical(strip_tracking(url)))


def _as_requested(normalized: str) -> str:
    # Only these three differ between the two (every other character checked): the
    # escape is skipped where it would change nothing, a third of the time of a URL.
    if _ESCAPED_BY_REQUESTS.search(normalized):
        return safe_url_string(normalized)
    return normalized


def spellings(url: str) -> list[str]:
    """The URL's canonical spelling, then the one a row stored before it took Scrapy's
    escapes may hold (``/a[1]`` for ``/a%5B1%5D``) when that differs: what a lookup of a
    stored row tries, so a database from before finds its own rows."""
    before = _normalized(url)
    spelled = _as_requested(before)
    return [spelled] if before == spelled else [spelled, before]


def web_scheme(url: str) -> str:
    """The URL with an http or https scheme written in capitals ("HTTP://site/a") in lower
    case, as a browser reads it; any other URL as it is."""
    scheme, sep, rest = url.partition(":")
    return f"{scheme.lower()}:{rest}" if sep and scheme.lower() in ("http", "https") else url


def is_web_url(value: str) -> bool:
    """http or https, with a host, and a port if any that is one ("http://[::1", ":99999"
    and "http://" are not)."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises ValueError past 65535)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def on_sites(url: str, domains: Container[str]) -> bool:
    """The URL's host is one of the domains or under one (by host name: ports don't count).

    The host and each of its parents are looked up (``a.b.example``, ``b.example``,
    ``example``): with the domains in a set, a crawl of thousands of sites checks a link
    in a few lookups, not one comparison per site."""
    host = ascii_host(urlsplit(url).hostname or "")
    while host:
        if host in domains:
            return True
        host = host.partition(".")[2]
    return False


def site_depth(url: str, domains: Container[str]) -> int:
    """How many labels long the nearest of the domains the URL's host is on is (0: none):
    ``sports.example.com`` is nearer to its pages than ``example.com``."""
    host = ascii_host(urlsplit(url).hostname or "")
    while host:
        if host in domains:
            return host.count(".") + 1
        host = host.partition(".")[2]
    return 0


def page_base(tree: Any, url: str) -> str:
    """What a page's relative links are read against: its ``<base>``, itself read against
    the page's address (``<base href="/section/">`` is common), else the address."""
    if declared := next(iter(tree.xpath("//base/@href")), "").strip():
        try:
            return urljoin(url, declared)
        except ValueError:  # a base no URL parser reads: the page's address
            pass
    return url


#: Dot-separated labels of letters, digits, hyphens and underscores, as hosts are written on
#: the wire (an international name in its xn-- form); an IPv4 address is one too.
_HOST_NAME = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*")


def not_a_host_name(domain: str) -> bool:
    """Whether a domain given to reach (``--allow-domain``, a seeds file's or an outlet's
    ``domains``) is no host name: empty, a URL, a path, a final dot, a pattern (``*.site``,
    ``(bad``). Such a domain owns no page, silently, or (empty) made Scrapy's offsite
    pattern match any host ending in "."."""
    return not _HOST_NAME.fullmatch(ascii_host(domain))


def host_name_hint(domain: str) -> str:
    """What to write instead, for the slip a pattern is: a domain already covers its
    subdomains."""
    if domain.startswith("*.") and not not_a_host_name(domain[2:]):
        return f"; a domain covers its subdomains: give {domain[2:]}"
    return ""


def seed_url_problem(value: str) -> str | None:
    """Why a URL to start from can't be fetched as given, or None. A seed that fetching
    would refuse (a space in the host, ``user:pw@``, which Scrapy does not send) is the
    user's slip, told before the crawl rather than as its failure."""
    if not is_web_url(value):
        return "no host, or a bad port"
    parts = urlsplit(value)
    if parts.username is not None or parts.password is not None:
        return "it holds a user name or password (user:pw@), which a crawl does not send"
    host = (parts.hostname or "").removesuffix(".")  # example.com. is a fetchable address
    if ":" not in host and not_a_host_name(host):
        return f"its host {host!r} is no host name"
    return None


def ascii_host(host: str) -> str:
    """The host as it goes on the wire: lower case, an international name in its ASCII
    form (bücher.de -> xn--bcher-kva.de), as Scrapy requests it; one that is no valid
    name, as it is."""
    host = host.lower()
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def article_id(url: str) -> str:
    """A stable key from the canonical URL: merges and retries never duplicate rows.

    Hashed from the spelling before a request's escapes (``/a[1]``, not ``/a%5B1%5D``), as
    ids always were, so an article stored before keeps its id when fetched again.
    """
    return hashlib.sha1(_normalized(url).encode("utf-8")).hexdigest()[:16]


@cache
def _suffixes() -> Callable[[str], Any]:
    """The public suffix list as the installed package holds it (no download, no cache
    written); its private part too (blogspot.com, github.io are suffixes there). Imported
    here: tldextract brings requests, which every command and worker would load."""
    from tldextract import TLDExtract

    return TLDExtract(cache_dir=None, suffix_list_urls=(), include_psl_private_domains=True)


def public_suffix(domain: str) -> bool:
    """Whether a domain to reach is a public suffix (``com``, ``co.uk``, ``github.io``):
    reaching it reaches every site registered under it, which no crawl of a site means."""
    parts = _suffixes()(ascii_host(domain).lower())
    return bool(parts.suffix) and not parts.domain


def suffix_problem(domain: str) -> str:
    """What to say of a public suffix given as a domain to reach."""
    return f"a public suffix: every site under it would be reached; name one (news.{domain})"


def site_host(host: str) -> str:
    """The host a ``www.`` host stands for: its whole site (``www.x.example`` ->
    ``x.example``), unless what follows ``www.`` is a public suffix: www.gov.uk is not all
    of gov.uk, nor www.blogspot.com all of blogspot.com."""
    rest = host.removeprefix("www.")
    if rest == host or not rest or _suffixes()(host).domain == "www":
        return host
    return rest


def site_of(url: str | None) -> str:
    """The site a URL belongs to: its host (without ``www.``), and port if not the default."""
    if not url:
        return ""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    host = host[4:] if host.startswith("www.") else host
    try:
        port = parts.port
    except ValueError:
        port = None
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return f"{host}:{port}" if port and port != default else host
