"""The SQLite schema and every write, through sqlite-utils.

Writes are buffered and committed in batches (one transaction each), so a
killed crawl loses at most the batch in flight; WAL mode lets Datasette read
while a crawl writes. Raw pages are kept compressed so every later stage can
be re-run from the database alone.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from ingest.article import decompress
from ingest.plugins import Plugins

JSON_FIELDS = ("authors", "tags", "plugins", "provenance")

#: What every table and column holds: the one source for docs and Datasette metadata.
#: A table added to the schema gets its entry here (a test checks).
DESCRIPTIONS: dict[str, dict[str, Any]] = {
    "crawls": {
        "description": "One row per run of `ingest crawl`, `ingest demo` or `ingest reextract`.",
        "columns": {
            "id": "Run number",
            "command": "What ran: crawl news, reextract",
            "started_at": "When it started (UTC, ISO 8601)",
            "finished_at": "When it finished; empty if it was killed",
            "seeds": "The seeds it was given (JSON list)",
            "settings": "The crawl settings that matter (JSON)",
            "stats": "Final Scrapy and storage statistics (JSON)",
        },
    },
    "pages": {
        "description": "One row per fetched URL, with the raw body kept for re-extraction.",
        "columns": {
            "url": "The URL fetched (after redirects)",
            "kind": "html, feed, sitemap, other, or error (an HTTP error status)",
            "status": "HTTP status",
            "content_type": "Content-Type header",
            "headers": "Headers that matter: ETag, Last-Modified, Date, Content-Language (JSON)",
            "fetched_at": "When it was fetched (UTC)",
            "body": "The raw body, zlib-compressed",
            "size": "Size of the raw body in bytes",
            "found_via": "How the crawl found it: seed, feed URL, sitemap URL or linking page",
            "depth": "Links followed from a seed to reach it",
            "crawl_id": "The run that fetched it last",
        },
    },
    "articles": {
        "description": "One row per article, keyed by a stable id from its canonical URL.",
        "columns": {
            "id": "Stable id: a hash of the canonical URL",
            "url": "The page the article was extracted from",
            "canonical_url": "The article's canonical URL (tracking parameters removed)",
            "outlet": "The outlet a plugin declared for the URL's domain",
            "title": "Headline, without the site's name",
            "authors": "Author names (JSON list)",
            "published": "Publication date (ISO 8601)",
            "modified": "Last modification date (ISO 8601)",
            "language": "ISO 639-1 language code",
            "sitename": "The site's name",
            "description": "The page's summary (meta description)",
            "image": "The lead image URL",
            "tags": "Tags and categories (JSON list)",
            "text": "The article's text, one paragraph per line",
            "word_count": "Words in the text",
            "content_hash": "Changes when title or text change",
            "outlet_version": "Version of the outlet rules that applied",
            "extractor": "The extraction library and its version",
            "plugins": "Plugins that produced or changed the article (JSON list)",
            "provenance": "Which plugin last set each field (JSON object)",
            "first_seen": "When the article was first stored",
            "last_seen": "When the article was last fetched",
            "crawl_id": "The run that stored it last",
        },
    },
    "article_versions": {
        "description": "Earlier title and text of articles whose content changed.",
        "columns": {
            "id": "Row number",
            "article_id": "The article",
            "title": "The earlier title",
            "text": "The earlier text",
            "content_hash": "The earlier content hash",
            "first_seen": "When this version was first stored",
            "replaced_at": "When a newer version replaced it",
        },
    },
    "errors": {
        "description": "Everything that failed, where and why; the crawl went on.",
        "columns": {
            "id": "Row number",
            "crawl_id": "The run",
            "url": "The page concerned",
            "stage": "fetch, load, classify, extract, clean or normalize",
            "plugin": "The plugin that raised, if one did",
            "kind": "Error kind: http_404, timeout, too_deep, robots_disallowed, an exception",
            "message": "What went wrong",
            "traceback": "Python traceback, for plugin errors",
            "at": "When (UTC)",
        },
    },
}


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def create_schema(db: sqlite_utils.Database) -> None:
    db["crawls"].create(
        {
            "id": int,
            "command": str,
            "started_at": str,
            "finished_at": str,
            "seeds": str,
            "settings": str,
            "stats": str,
        },
        pk="id",
        if_not_exists=True,
    )
    db["pages"].create(
        {
            "url": str,
            "kind": str,
            "status": int,
            "content_type": str,
            "headers": str,
            "fetched_at": str,
            "body": bytes,
            "size": int,
            "found_via": str,
            "depth": int,
            "crawl_id": int,
        },
        pk="url",
        foreign_keys=[("crawl_id", "crawls", "id")],
        if_not_exists=True,
    )
    db["articles"].create(
        {
            "id": str,
            "url": str,
            "canonical_url": str,
            "outlet": str,
            "title": str,
            "authors": str,
            "published": str,
            "modified": str,
            "language": str,
            "sitename": str,
            "description": str,
            "image": str,
            "tags": str,
            "text": str,
            "word_count": int,
            "content_hash": str,
            "outlet_version": str,
            "extractor": str,
            "plugins": str,
            "provenance": str,
            "first_seen": str,
            "last_seen": str,
            "crawl_id": int,
        },
        pk="id",
        foreign_keys=[("url", "pages", "url"), ("crawl_id", "crawls", "id")],
        if_not_exists=True,
    )
    db["article_versions"].create(
        {
            "id": int,
            "article_id": str,
            "title": str,
            "text": str,
            "content_hash": str,
            "first_seen": str,
            "replaced_at": str,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
        if_not_exists=True,
    )
    db["errors"].create(
        {
            "id": int,
            "crawl_id": int,
            "url": str,
            "stage": str,
            "plugin": str,
            "kind": str,
            "message": str,
            "traceback": str,
            "at": str,
        },
        pk="id",
        foreign_keys=[("crawl_id", "crawls", "id")],
        if_not_exists=True,
    )
    for table, columns in {
        "articles": [["outlet"], ["published"], ["language"], ["url"]],
        "errors": [["crawl_id"], ["url"]],
        "article_versions": [["article_id"]],
        "pages": [["crawl_id"]],
    }.items():
        for cols in columns:
            db[table].create_index(cols, if_not_exists=True)
    if not db["articles"].detect_fts():
        db["articles"].enable_fts(
            ["title", "text"], create_triggers=True, tokenize="porter unicode61 remove_diacritics 2"
        )


def open_database(path: str | Path, plugins: Plugins | None = None) -> sqlite_utils.Database:
    """The database at ``path``, created if new, in WAL mode, with every table in place."""
    db = sqlite_utils.Database(path)
    db.enable_wal()
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA busy_timeout=10000")
    create_schema(db)
    if plugins is not None:
        plugins.pm.hook.prepare_database(db=db)
    return db


class Store:
    """Buffers rows and commits them in batches; the only writer of a crawl's database."""

    def __init__(
        self,
        path: str | Path,
        plugins: Plugins | None = None,
        batch_size: int = 100,
        flush_seconds: float = 2.0,
    ):
        self.db = open_database(path, plugins)
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self._pages: list[dict[str, Any]] = []
        self._articles: list[dict[str, Any]] = []
        self._errors: list[dict[str, Any]] = []
        self._last_flush = time.monotonic()
        self.counts = {"pages": 0, "articles": 0, "new": 0, "updated": 0, "errors": 0}

    # -- crawls --------------------------------------------------------------

    def start_crawl(self, command: str, seeds: list[str], settings: dict[str, Any]) -> int:
        table = self.db["crawls"].insert(
            {
                "command": command,
                "started_at": now(),
                "seeds": json.dumps(seeds),
                "settings": json.dumps(settings, default=str),
            }
        )
        return int(table.last_pk)

    def finish_crawl(self, crawl_id: int, stats: dict[str, Any]) -> None:
        self.flush()
        self.db["crawls"].update(
            crawl_id, {"finished_at": now(), "stats": json.dumps(stats, default=str)}
        )

    # -- buffered writes -----------------------------------------------------

    def add_page(self, row: dict[str, Any]) -> None:
        """A page row; its ``body`` compressed already (see ``ingest.article.compress``)."""
        self._pages.append(row)
        self.counts["pages"] += 1
        self._maybe_flush()

    def add_article(self, article: dict[str, Any], crawl_id: int | None, seen: str) -> None:
        row = {k: json.dumps(v) if k in JSON_FIELDS else v for k, v in article.items()}
        row.update(crawl_id=crawl_id, last_seen=seen)
        self._articles.append(row)
        self.counts["articles"] += 1
        self._maybe_flush()

    def add_error(self, url: str | None, error: dict[str, Any], crawl_id: int | None) -> None:
        row = {"plugin": None, "traceback": None, **error, "url": url, "crawl_id": crawl_id}
        row.setdefault("at", now())
        self._errors.append(row)
        self.counts["errors"] += 1
        self._maybe_flush()

    def _maybe_flush(self) -> None:
        buffered = len(self._pages) + len(self._articles) + len(self._errors)
        stale = time.monotonic() - self._last_flush > self.flush_seconds
        if buffered >= self.batch_size or (buffered and stale):
            self.flush()

    def flush(self) -> None:
        """Commit everything buffered in one transaction."""
        pages, articles, errors = self._pages, self._articles, self._errors
        self._pages, self._articles, self._errors = [], [], []
        self._last_flush = time.monotonic()
        if not (pages or articles or errors):
            return
        with self.db.atomic():
            if pages:
                self.db["pages"].upsert_all(pages, pk="url", alter=True)
            for row in articles:
                self._upsert_article(row)
            if errors:
                self.db["errors"].insert_all(errors, alter=True)

    def _upsert_article(self, row: dict[str, Any]) -> None:
        """Insert or update; a changed text first moves the old one to article_versions."""
        old = next(
            self.db.query(
                "select title, text, content_hash, first_seen, last_seen from articles"
                " where id = ?",
                [row["id"]],
            ),
            None,
        )
        if old is None:
            self.counts["new"] += 1
            row["first_seen"] = row["last_seen"]
        else:
            row["first_seen"] = old["first_seen"]
            if old["content_hash"] != row["content_hash"]:
                self.counts["updated"] += 1
                self.db["article_versions"].insert(
                    {
                        "article_id": row["id"],
                        "title": old["title"],
                        "text": old["text"],
                        "content_hash": old["content_hash"],
                        "first_seen": old["first_seen"],
                        "replaced_at": row["last_seen"],
                    }
                )
        self.db["articles"].upsert(row, pk="id", alter=True)

    def close(self) -> None:
        self.flush()
        self.db.close()

    # -- reading -------------------------------------------------------------

    def stored_pages(self, where: str = "kind = 'html' and status = 200") -> Iterator[dict]:
        """Raw pages back, decompressed, for re-extraction without fetching."""
        for row in self.db.query(
            f"select url, content_type, fetched_at, body from pages where {where} order by url"
        ):
            row["body"] = decompress(row["body"])
            yield row
