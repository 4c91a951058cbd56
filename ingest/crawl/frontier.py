"""The crawl frontier, as the spider reads it: every URL seen, and what became of it.

The ``urls`` table (written by the store, in the same transactions as the
pages) remembers every URL a crawl found, how and when, its last status and
fetch, its validators (ETag, Last-Modified), the dates feeds and sitemaps gave
for it, and the article it holds. The spider reads it through a read-only
connection, one indexed lookup per URL it has not met yet in this crawl, to
decide before fetching:

- an article already held is not fetched again, unless a feed or sitemap
  says it changed after our fetch, or the user asked for ``--refresh``;
- a URL dated before ``--since`` is not fetched at all;
- what is fetched again goes with ``If-None-Match`` / ``If-Modified-Since``;
- URLs found but not fetched yet (a ``--max-pages`` budget, a killed crawl)
  are scheduled at the next start.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.article import CorruptBody, decompress
from ingest.crawl.discovery import Entry
from ingest.store.connection import read_only_uri

#: What ``urls.state`` holds.
STATES = {
    "queued": "found, not fetched yet (or due to be fetched again)",
    "fetched": "fetched; status 200 or 304",
    "failed": "the last fetch failed: HTTP error, timeout, refused connection",
    "blocked": "the site refused the crawler: 401, 403, 429, 451 or a challenge page",
    "robots": "robots.txt forbids it",
    "skipped": "not fetched on purpose: dated before --since, held unchanged in a --known "
    "database, outside the seeds file's patterns, too long",
    "alias": "never fetched itself: the canonical URL of an article fetched under another",
}


@dataclass(frozen=True)
class Known:
    """What the frontier holds about one URL."""

    url: str
    state: str
    kind: str | None = None
    status: int | None = None
    fetched_at: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    article_id: str | None = None
    published: str | None = None
    lastmod: str | None = None
    reason: str | None = None
    #: Known from another database alone (``--known``): this one has no row of it.
    elsewhere: bool = False

    @property
    def held(self) -> bool:
        """An article is stored for this URL."""
        return self.article_id is not None

    def conditional_headers(self) -> dict[str, str]:
        """``If-None-Match`` / ``If-Modified-Since`` from the last full fetch's validators."""
        if self.fetched_at is None:
            return {}
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


_COLUMNS = "url, state, kind, status, fetched_at, etag, last_modified, article_id, published, "
_COLUMNS += "lastmod, reason"


class FrontierReader:
    """Read-only access to the frontier and stored pages, for the spider's decisions.

    ``known`` names more databases whose fetches count too (``INGEST_KNOWN_DBS``): in a
    shared crawl, the merged database, so a worker does not fetch again what another
    worker's shard holds unchanged. What the crawl itself queued is read from its own.
    """

    def __init__(self, path: str | Path, known: list[str | Path] = ()):
        self.conn = _read_only(path)
        self.known = [_read_only(other) for other in known]

    def lookup(self, url: str) -> Known | None:
        """What the crawl's own database holds, or a later fetch another one holds."""
        read = f"select {_COLUMNS} from urls where url = ?"
        here = self.conn.execute(read, [url]).fetchone()
        found = Known(*here) if here else None
        for conn in self.known:
            row = conn.execute(read, [url]).fetchone()
            if row and (found is None or (row[4] or "") > (found.fetched_at or "")):
                found = Known(*row, elsewhere=here is None)
        return found

    def queued(self, page: int = 1000) -> Iterator[dict[str, Any]]:
        """URLs found and not fetched yet, oldest first, read ``page`` rows at a time: a
        frontier of millions is never in memory at once, nor one read held open."""
        after = 0
        while True:
            rows = self.conn.execute(
                "select rowid, url, found_via, depth, published, lastmod from urls"
                " where state = 'queued' and rowid > ? order by rowid limit ?",
                [after, page],
            ).fetchall()
            for _, url, found_via, depth, published, lastmod in rows:
                # not fetched yet: any dates are still the feed's or sitemap's that listed it
                yield {
                    "url": url,
                    "found_via": found_via,
                    "depth": depth or 0,
                    "entry": Entry(url, published, lastmod) if published or lastmod else None,
                }
            if len(rows) < page:
                return
            after = rows[-1][0]

    def done_in(self, crawl_ids: list[int]) -> Iterator[str]:
        """URLs the given crawls fetched or tried: a resumed crawl does not fetch them again."""
        marks = ",".join("?" * len(crawl_ids))
        cursor = self.conn.execute(
            f"select url from urls where crawl_id in ({marks}) and state != 'queued'", crawl_ids
        )
        for (url,) in cursor:
            yield url

    def stored_page(self, url: str) -> tuple[str, str | None, bytes] | None:
        """(kind, content type, raw body) of the page stored for a URL, for a 304 to reuse."""
        for conn in [self.conn, *self.known]:
            row = conn.execute(
                "select kind, content_type, body from pages where url = ? and status = 200", [url]
            ).fetchone()
            if row is not None and row[2] is not None:
                try:
                    return row[0], row[1], decompress(row[2])
                except CorruptBody:
                    return None  # nothing to reuse: the page is asked for again

        return None

    def close(self) -> None:
        for conn in [self.conn, *self.known]:
            conn.close()


def _read_only(path: str | Path) -> sqlite3.Connection:
    conn = sqlite3.connect(read_only_uri(path), uri=True, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout=10000")
    conn.execute("select url from urls limit 0")  # raises without a frontier
    return conn
