"""What the spider hands the pipeline: a fetched page, or a fetch that failed.

Both carry what the crawl learnt for its frontier: the URL asked for, and the
URLs the page listed with the crawl's decision about each (``found``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ingest.article import compress
from ingest.crawl.kinds import page_kind
from ingest.extract.process import Outcome
from ingest.store.schema import now

if TYPE_CHECKING:  # the importer stores pages too, and has no use for Scrapy's import
    from scrapy.http import Request, Response

KEPT_HEADERS = ("content-type", "content-language", "last-modified", "etag", "date")


@dataclass
class PageItem:
    """A fetched response, raw; kind is html, feed, sitemap or other.

    HTML pages arrive with their ``outcome``: the article (or why not) from the
    extraction workers, and the body already compressed there.

    ``not_modified`` marks a 304 answer to a conditional request: nothing to
    store, the page row stays as it was (a feed, sitemap or section page is
    read again from it; an article is not extracted again). ``blocked`` names a
    challenge page served instead of the content; ``old`` an article published
    before ``--since``, kept as a page but not as an article.
    """

    url: str
    kind: str
    status: int
    body: bytes
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    fetched_at: str | None = None
    found_via: str | None = None
    depth: int = 0
    outcome: Outcome | None = None
    request_url: str | None = None  # the URL asked for, before redirects
    found: list[dict[str, Any]] = field(default_factory=list)  # see NewsSpider.plan
    not_modified: bool = False
    article_id: str | None = None  # the article a 304 confirmed unchanged
    blocked: str | None = None
    old: bool = False
    listed: tuple[str, str] | None = None  # (date, "feed" or "sitemap") of the entry listing it
    leases: list[str] = field(default_factory=list)  # shared queue: released once stored
    nested: int = 0  # feeds and sitemaps it was reached through (INGEST_MAX_LISTING_DEPTH)

    def page_row(self, crawl_id: int | None) -> dict[str, Any]:
        """The ``pages`` row: the body compressed (by a worker when it could)."""
        stored = self.outcome.body_z if self.outcome and self.outcome.body_z else None
        if stored is None and self.body:
            stored = compress(self.body)
        return {
            "url": self.url,
            "kind": self.kind,
            "status": self.status,
            "content_type": self.content_type,
            "headers": self.headers,
            "fetched_at": self.fetched_at,
            "body": stored,
            "size": len(self.body),
            "found_via": self.found_via,
            "depth": self.depth,
            "crawl_id": crawl_id,
        }


@dataclass
class FetchError:
    """A request that produced no usable page: HTTP error, timeout, refused connection."""

    url: str
    kind: str
    message: str
    status: int | None = None
    found_via: str | None = None
    depth: int = 0
    found: list[dict[str, Any]] = field(default_factory=list)  # see NewsSpider.plan
    known_page: bool = False  # a page is stored for the URL already: keep it
    leases: list[str] = field(default_factory=list)  # shared queue: released once stored
    fetched_at: str | None = None  # an error page's answer, stamped as its WARC record
    request_url: str | None = None  # the URL asked for, when a redirect led to the failure
    stage: str = "fetch"  # or "crawl"/"store": a bug met on the way (ingest.crawl.internal)
    traceback: str | None = None


def response_item(response: Response, body: bytes, **more: Any) -> PageItem:
    """A fetched response as the pipeline stores it (``body`` unpacked when it came gzipped)."""
    content_type = header(response, "content-type")
    return PageItem(
        **answered(response),
        kind=page_kind(body, content_type),
        body=body,
        content_type=content_type,
        headers={h: v for h in KEPT_HEADERS if (v := header(response, h))},
        **more,
    )


def answered(response: Response) -> dict[str, Any]:
    """What every item of an answer carries, its body aside: where and when it came, and
    what the request's meta knew of it (how it was found, its leases, the URL asked for)."""
    meta = response.meta
    return {
        "url": response.url,
        "status": response.status,
        "fetched_at": fetched_at(response),
        "found_via": meta.get("found_via"),
        "depth": meta.get("depth", 0),
        "request_url": asked_url(response),
        "listed": meta.get("listed"),
        "leases": meta.get("leases", []),
        "nested": meta.get("nested", 0),
    }


def request_error(request: Request, kind: str, message: str, **more: Any) -> FetchError:
    """A request that produced no usable page, as the pipeline records it: what its meta
    knows of it (where it was found, its depth, a page stored before, its shared-queue
    leases, the capture's stamp, the URL asked for before any redirect)."""
    meta = request.meta
    return FetchError(
        url=request.url,
        kind=kind,
        message=message,
        found_via=meta.get("found_via"),
        depth=meta.get("depth", 0),
        known_page=bool((meta.get("known") or {}).get("page")),
        leases=meta.get("leases", []),
        fetched_at=meta.get("fetched_at"),
        request_url=_redirected_from(meta),
        **more,
    )


def asked_url(response: Response) -> str | None:
    """The URL the crawl asked for: before any redirect; that URL's row ends with the
    page's outcome."""
    return _redirected_from(response.meta) or (response.request.url if response.request else None)


def _redirected_from(meta: dict[str, Any]) -> str | None:
    """The first URL of a redirect chain (HTTP or meta refresh), which Scrapy keeps in the
    meta; None when the request was not redirected."""
    chain = meta.get("redirect_urls")
    return chain[0] if chain else None


def fetched_at(response: Response) -> str:
    """When the response came: the WARC capture's stamp when it archived it, so the page
    and its record agree to the second; else now."""
    return response.meta.get("fetched_at") or now()


def header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
