"""What the spider hands the pipeline: a fetched page, or a fetch that failed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class PageItem:
    """A fetched response, raw; kind is html, feed, sitemap or other."""

    url: str
    kind: str
    status: int
    body: bytes
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    fetched_at: str | None = None
    found_via: str | None = None
    depth: int = 0

    def page_row(self, crawl_id: int | None) -> dict[str, Any]:
        return {
            "url": self.url,
            "kind": self.kind,
            "status": self.status,
            "content_type": self.content_type,
            "headers": self.headers,
            "fetched_at": self.fetched_at,
            "body": self.body,
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
