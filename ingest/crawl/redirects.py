"""Where a redirect leaves the URL the crawl asked for: it ends too, with its reason.

Scrapy follows a redirect with a new request and forgets the URL it was asked for.
When the new request is answered, the URL asked for ends as the page that answered
(``followed``), unless that page is no article and an article was stored from the URL
asked for: the article and its page stay, and the URL says so (``keeps_asked``). When
Scrapy drops the new request (off the crawl's sites, or to a URL already requested) it
says nothing at all: ``offsite``, ``dropped`` and ``taken_down`` say how the URL asked
for ends, for the pipeline to write with its ``errors`` row when it failed.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, NamedTuple

from scrapy.http import HtmlResponse
from scrapy.utils.response import get_meta_refresh

from ingest.crawl.fates import keeps_article
from ingest.crawl.items import PageItem
from ingest.crawl.offsite import unwanted_redirect
from ingest.crawl.robots import robots_redirect
from ingest.store.kept import NO_LONGER_ARTICLE, article_from, no_article_said, no_longer_article
from ingest.store.writer import Store
from ingest.urls import canonical


class Ending(NamedTuple):
    """How the URL asked for ends when Scrapy drops the request its redirect made."""

    state: str
    reason: str
    message: str | None  # the ``errors`` row's; None when the ending is no failure
    stage: str = "fetch"  # the ``errors`` row's


def offsite(request: Any, planner: Any) -> Ending | None:
    """A redirect off the crawl's sites, or outside its seeds file's allow/deny patterns:
    the offsite filter (``ingest.crawl.offsite``) drops it, and would say nothing."""
    if not request.meta.get("redirect_urls") or robots_redirect(request):
        return None
    if not planner.on_site(request.url):
        message = (
            f"redirects to {request.url[:300]}, a site this crawl does not reach "
            "(--allow-domain adds it)"
        )
        return Ending("offsite", "redirect_offsite", message)
    if unwanted_redirect(request, planner):
        message = f"redirects to {request.url[:300]}, outside the seeds file's allow/deny patterns"
        return Ending("skipped", "redirect_unwanted", message)
    return None


def dropped(request: Any) -> Ending | None:
    """A redirect to a URL already requested: a loop, or a page fetched under its name."""
    chain = request.meta.get("redirect_urls")
    if not chain:
        return None
    if canonical(request.url) in {canonical(u) for u in chain}:
        message = f"redirect loop: {' -> '.join(u[:200] for u in [*chain, request.url])}"
        return Ending("failed", "redirect_loop", message)
    return Ending("redirected", "redirect_seen", None)  # the target is fetched on its own


class Asked(NamedTuple):
    """A URL the crawl asked for, how it found it, and the shared-queue leases it holds."""

    url: str
    found: SimpleNamespace
    leases: list[str]


def asked(request: Any) -> Asked:
    url, found = origin(request)
    return Asked(url, found, request.meta.get("leases", []))


class SeenRedirects:
    """Redirects Scrapy dropped to a URL already requested (``redirect_seen``), by where
    each led. Two that lead to each other are a loop though neither chain repeats a URL:
    both pages were linked, so each target was requested on its own, and each URL had
    ended "fetched on its own" with no page at all, and no error."""

    def __init__(self) -> None:
        self.led: dict[str, tuple[str, Asked]] = {}  # canonical URL asked for -> target, it

    def ended(self, request: Any, ending: Ending | None) -> list[tuple[Asked, Ending]]:
        """How the URL asked for ends, and every other URL of the loop it closes, if any;
        nothing for a request that was no redirect (a seed a shared queue had already)."""
        if ending is None:
            return []
        first = asked(request)
        if ending.reason != "redirect_seen":
            return [(first, ending)]
        start = canonical(first.url)
        self.led[start] = (canonical(request.url), first)
        loop, at = [], canonical(request.url)
        while at in self.led and len(loop) < len(self.led):
            at, member = self.led[at]
            loop.append(member)
            if at == start:
                path = " -> ".join(m.url[:200] for m in [first, *loop, first])
                failed = Ending("failed", "redirect_loop", f"redirect loop: {path}")
                return [(m, failed) for m in [first, *loop]]
        return [(first, ending)]


def held_before(store: Store, request: Any) -> str | None:
    """The id of the article stored from the URL a dropped redirect was asked for, if one."""
    return article_from(store.db, request.meta["redirect_urls"][0])


def taken_down(store: Store, request: Any, held: str) -> Ending | None:
    """A redirect Scrapy dropped, from a URL an article was stored from, to a page the crawl
    fetched under its own name (the home page, its seed) and read no article from: a
    takedown, which ends as one that redirects to a new page does (``keeps_asked``): the
    article and its page stay, and an ``errors`` row says so. A target an article was read
    from is a move; one not fetched yet, neither known, ends ``redirect_seen`` (it is
    fetched on its own). ``held``: the article of the URL asked for (``held_before``)."""
    target = request.url
    # Scrapy tells a URL requested before by its canonical form; the Location may spell it
    # otherwise (no trailing slash, the host in capitals, the query in another order).
    spellings = [target, canonical(target)]
    if any(article_from(store.db, url) is not None for url in spellings):
        return None
    said = no_article_said(store.db, spellings)
    if said is None:
        return None
    error = no_longer_article(held, f"redirects to {spellings[1][:300]}, {said}", refetched=True)
    return Ending("redirected", NO_LONGER_ARTICLE, error["message"], error["stage"])


def origin(request: Any) -> tuple[str, SimpleNamespace]:
    """The URL asked for before the redirects of ``request``, and how the crawl found it."""
    meta = request.meta
    found = SimpleNamespace(found_via=meta.get("found_via"), depth=meta.get("depth", 0))
    return meta["redirect_urls"][0], found


def keeps_asked(store: Store, item: PageItem, crawl_id: int | None) -> str | None:
    """The reason of the URL asked for when a redirect led to a page that is no article,
    and an article was stored from the URL asked for (a takedown that sends readers to the
    home page): it ends as an article page turned into links does (``ingest.crawl.fates``)."""
    if not item.request_url or item.request_url == item.url:
        return None
    return keeps_article(store, item.request_url, item, crawl_id)


def followed(row: dict[str, Any], item: PageItem, kept: str | None) -> list[dict[str, Any]]:
    """The ``urls`` rows of a fetched page, ``row`` being its own: the URL asked for first,
    ending as its target does unless it ``kept`` its article (``keeps_asked``), and the
    page's, found through the redirect. A URL that kept its article keeps its page's
    validators too, not the target's, which would make the target's 304 say the article
    was seen again."""
    if not item.request_url or item.request_url == item.url:
        return [row]
    asked = {**row, "url": item.request_url}
    if kept is not None:
        asked.update(reason=kept, kind=None, validators=0)
    return [asked, {**row, "found_via": f"redirect {item.request_url}"}]


def refresh_not_followed(response: Any, max_delay: float) -> tuple[str, str] | None:
    """(kind, message) of the errors row for a page whose meta refresh leads where
    Scrapy goes only over http and https (``file:``, ``ftp:``): Scrapy hands back the
    page as if it had none, and the page alone is stored, most often a stub. A refresh
    slower than ``max_delay`` (METAREFRESH_MAXDELAY) is a page's own reload, not a
    redirect."""
    if not isinstance(response, HtmlResponse):
        return None
    delay, url = get_meta_refresh(response)  # remembered from Scrapy's middleware
    if not url or delay is None or delay >= max_delay:
        return None
    if url.split(":", 1)[0].lower() in ("http", "https"):
        return None
    message = f"a meta refresh to {url[:200]}: only http and https are followed"
    return "redirect_not_followed", message
