"""Where a redirect leaves the URL the crawl asked for: it ends too, with its reason.

Scrapy follows a redirect with a new request and forgets the URL it was asked for.
When the new request is answered, the URL asked for ends as the page that answered
(``followed``). When Scrapy drops the new request (off the crawl's sites, or to a URL
already requested) it says nothing at all: ``offsite`` and ``dropped`` say how the URL
asked for ends, for the pipeline to write with its ``errors`` row when it failed.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any, NamedTuple

from ingest.crawl.items import PageItem
from ingest.urls import canonical


class Ending(NamedTuple):
    """How the URL asked for ends when Scrapy drops the request its redirect made."""

    state: str
    reason: str
    message: str | None  # the ``errors`` row's; None when the ending is no failure


def offsite(request: Any, on_site: Callable[[str], bool]) -> Ending | None:
    """A redirect off the crawl's sites: Scrapy's offsite filter drops it silently."""
    if not request.meta.get("redirect_urls") or on_site(request.url):
        return None
    message = (
        f"redirects to {request.url[:300]}, a site this crawl does not reach "
        "(--allow-domain adds it)"
    )
    return Ending("offsite", "redirect_offsite", message)


def dropped(request: Any) -> Ending | None:
    """A redirect to a URL already requested: a loop, or a page fetched under its name."""
    chain = request.meta.get("redirect_urls")
    if not chain:
        return None
    if canonical(request.url) in {canonical(u) for u in chain}:
        message = f"redirect loop: {' -> '.join(u[:200] for u in [*chain, request.url])}"
        return Ending("failed", "redirect_loop", message)
    return Ending("redirected", "redirect_seen", None)  # the target is fetched on its own


def origin(request: Any) -> tuple[str, SimpleNamespace]:
    """The URL asked for before the redirects of ``request``, and how the crawl found it."""
    meta = request.meta
    found = SimpleNamespace(found_via=meta.get("found_via"), depth=meta.get("depth", 0))
    return meta["redirect_urls"][0], found


def followed(row: dict[str, Any], item: PageItem) -> list[dict[str, Any]]:
    """The ``urls`` rows of a fetched page, ``row`` being its own: the URL asked for first,
    ending as its target does, and the page's, found through the redirect."""
    if not item.request_url or item.request_url == item.url:
        return [row]
    asked = {**row, "url": item.request_url}
    return [asked, {**row, "found_via": f"redirect {item.request_url}"}]
