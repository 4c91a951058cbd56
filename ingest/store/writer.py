"""Every write to the database, through sqlite-utils.

Writes are buffered and committed in batches (one transaction each), so a
killed crawl loses at most the batch in flight; WAL mode lets Datasette read
while a crawl writes. Raw pages are kept compressed so every later stage can
be re-run from the database alone.

Besides pages and articles the store keeps the crawl frontier (``urls``: every
URL found, how, and what became of it) and each crawl's health per outlet. How
an article meets the stored one (versions, aliases, duplicates, clusters) is
``ingest.store.merge``'s; the views ``article_changes``, ``duplicates`` and
``story_clusters`` read what it writes (see ``ingest.store.schema``).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import groupby
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ingest.article import decompress
from ingest.plugins.manager import Plugins
from ingest.store import duplicates, runs
from ingest.store.canonical import stories_apart
from ingest.store.connection import write_transaction
from ingest.store.frontier import CAPTURED_SQL, URL_DEFAULTS, URL_SQL
from ingest.store.health import Health, rules_missed, rules_partial
from ingest.store.kept import later_pages
from ingest.store.learned import SiteBoilerplate
from ingest.store.merge import SIGNATURE, ArticleMerge
from ingest.store.schema import JSON_FIELDS, now, open_database
from ingest.urls import site_of


class Store:
    """Buffers rows and commits them in batches; the only writer of a crawl's database."""

    def __init__(
        self,
        path: str | Path,
        plugins: Plugins | None = None,
        batch_size: int = 100,
        flush_seconds: float = 2.0,
        near_duplicates: float = duplicates.DEFAULT_THRESHOLD,
        max_bytes: int = 0,
        in_any_order: bool = False,
    ):
        """``in_any_order``: the pages are captures dated by when they were fetched, older
        or newer than the stored ones (an archive's): the newest stays, its raw page and its
        URL's row as the shard merge keeps them, its article by ``ArticleMerge.place``.
        """
        self.db = open_database(path, plugins, max_bytes)  # PastSizeBound if past it already
        self.plugins = plugins
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.near_duplicates = near_duplicates
        self.boilerplate = SiteBoilerplate(self.db)
        self.merge = ArticleMerge(self.db, self.boilerplate, self._count, near_duplicates)
        self._merge_article = self.merge.place if in_any_order else self.merge.upsert
        self._in_any_order = in_any_order
        self._url_sql = {op: (sql,) for op, sql in URL_SQL.items()}
        if in_any_order:
            self._url_sql["fetched"] = CAPTURED_SQL
        self._pages: list[dict[str, Any]] = []
        self._articles: list[dict[str, Any]] = []
        self._errors: list[dict[str, Any]] = []
        self._urls: list[tuple[str, dict[str, Any]]] = []
        self._seen: list[tuple[str, str]] = []  # (last_seen, article id) confirmed by a 304
        self._last_flush = time.monotonic()
        self._holding = 0
        self.after_commit: Callable[[], None] | None = None  # told once a batch is committed
        self._outlets: dict[str, str] = {}
        self.crawl_id: int | None = None
        self.health = Health()
        self.counts = {
            "pages": 0,
            "articles": 0,
            "new": 0,
            "updated": 0,
            "unchanged": 0,
            "duplicates": 0,
            "clustered": 0,
            "not_modified": 0,
            "errors": 0,
        }

    # -- crawls --------------------------------------------------------------

    def start_crawl(
        self, command: str, seeds: list[str], settings: dict[str, Any], **options: Any
    ) -> int:
        """Open a run (``runs.start_run``: ``resumed_from``, ``wait``); raises WriterBusy if
        another run writes to the database."""
        self.crawl_id = runs.start_run(self.db, command, seeds, settings, **options)
        return self.crawl_id

    def interrupted_crawl(self, command: str) -> int | None:
        """The latest run of ``command``, if it did not finish: what --resume continues."""
        return runs.resumable_run(self.db, command)

    def finish_crawl(
        self,
        crawl_id: int,
        stats: dict[str, Any],
        status: str = runs.FINISHED,
        reason: str = "finished",
    ) -> None:
        """The run's end, with what is buffered, and the store's counts in its ``stats``
        (``store/new``...), read once the buffer is written: storing an article is what
        counts it new, updated or unchanged. A count the caller gives is kept."""
        self.flush()
        stats = {**{f"store/{k}": v for k, v in self.counts.items()}, **stats}
        with write_transaction(self.db):
            runs.finish_run(self.db, crawl_id, stats, status, reason)

    # -- outlets and health ----------------------------------------------------

    def outlet_key(self, url: str | None) -> str:
        """The outlet a plugin declares for the URL's site, else the site itself."""
        if not url:
            return "(none)"
        netloc = urlsplit(url).netloc
        key = self._outlets.get(netloc)
        if key is None:
            outlet = self.plugins.outlet_for(url) if self.plugins is not None else None
            key = outlet.name if outlet is not None else site_of(url) or "(none)"
            self._outlets[netloc] = key
        return key

    def count(self, url: str | None, counter: str, n: int = 1) -> None:
        """Add to the health counter of the URL's outlet (and the run's totals)."""
        self.health.add(self.outlet_key(url), counter, n)
        self.counts[counter] = self.counts.get(counter, 0) + n

    # -- buffered writes -----------------------------------------------------

    def add_page(self, row: dict[str, Any]) -> None:
        """A page row; its ``body`` compressed already (see ``ingest.article.compress``)."""
        self._pages.append(row)
        self.counts["pages"] += 1
        if (row.get("status") or 0) < 400:
            self.health.add(self.outlet_key(row["url"]), "pages")
        self.flush_if_due()

    def add_article(
        self,
        article: dict[str, Any],
        crawl_id: int | None,
        seen: str,
        signature: bytes | None = None,
        checked: bool = False,
    ) -> None:
        """An article row; ``signature``, its text's MinHash if the worker made it;
        ``checked``: its canonical link weighed already (``keep_stories_apart``)."""
        if not checked:  # whichever command reads the page
            self.keep_stories_apart(article, crawl_id)
        try:
            row = {k: json.dumps(v) if k in JSON_FIELDS else v for k, v in article.items()}
        except (TypeError, ValueError) as exc:  # a plugin's odd value in a list field
            message = f"the database refused the article: {exc}"
            error = {"stage": "store", "kind": type(exc).__name__, "message": message}
            self.add_error(article.get("url"), error, crawl_id)
            return
        row.update(crawl_id=crawl_id, last_seen=seen, site=site_of(row.get("url")))
        if signature is not None:
            row[SIGNATURE] = signature
        self._articles.append(row)
        self.counts["articles"] += 1
        provenance = article.get("provenance") or {}
        for counter, applies in (("rules_missed", rules_missed), ("rules_partial", rules_partial)):
            if applies(provenance):
                self.health.add(row.get("outlet") or row["site"] or "(none)", counter)
        self.flush_if_due()

    def keep_stories_apart(self, article: dict[str, Any], crawl_id: int | None) -> bool:
        """Whether ``article``'s canonical link names an article read from another page with
        another story (``ingest.store.canonical``); its ``errors`` row is added."""
        error = stories_apart(self.db, self._articles, article)
        if error is not None:
            self.add_error(article["url"], error, crawl_id)
        return error is not None

    def article_seen(self, article_id: str, url: str, seen: str) -> None:
        """A 304 for an article's page: it is unchanged, and was seen now."""
        self._seen.append((seen, article_id))
        self.count(url, "unchanged")
        self.flush_if_due()

    def add_error(self, url: str | None, error: dict[str, Any], crawl_id: int | None) -> None:
        row = {"plugin": None, "traceback": None, **error, "url": url, "crawl_id": crawl_id}
        row.setdefault("at", now())
        self._errors.append(row)
        self.counts["errors"] += 1
        self.health.error(self.outlet_key(url), str(row.get("kind")))
        self.flush_if_due()

    def add_url(self, op: str, row: dict[str, Any]) -> None:
        """A frontier fact: ``found`` (listed somewhere), ``fetched`` (answered or failed),
        ``alias`` (an article's canonical URL). See ``ingest.store.frontier``."""
        values = {**URL_DEFAULTS, **row}
        if values["outlet"] is None:
            values["outlet"] = self.outlet_key(values["url"])
        self._urls.append((op, values))
        self.flush_if_due()

    @contextmanager
    def together(self) -> Iterator[None]:
        """Rows added inside go into one transaction (no flush half-way through)."""
        self._holding += 1
        try:
            yield
        finally:
            self._holding -= 1
            self.flush_if_due()

    def flush_if_due(self) -> None:
        """Commit if a batch is full or the oldest buffered row waited ``flush_seconds``."""
        if self._holding:
            return
        buffered = len(self._pages) + len(self._articles) + len(self._errors) + len(self._urls)
        stale = time.monotonic() - self._last_flush > self.flush_seconds
        if buffered >= self.batch_size or (buffered and stale):
            self.flush()

    def flush(self) -> None:
        """Commit everything buffered in one transaction."""
        pages, articles, errors = self._pages, self._articles, self._errors
        urls, seen = self._urls, self._seen
        self.discard_buffer()  # taken: what fails is put back below
        self._last_flush = time.monotonic()
        health = self.crawl_id is not None and self.health.dirty
        if not (pages or articles or errors or urls or seen or health):
            return
        # Storing articles counts them (new, updated...); a batch that fails is counted again
        # when it is written, so its counts go back with it.
        counted = self.health.snapshot(), dict(self.counts)
        try:
            self._commit(pages, articles, errors, urls, seen, health)
        except Exception as exc:
            failure = exc
            self._uncount(counted)
        else:
            self._committed()
            return
        # The database itself failing (locked, full, read-only, I/O) is no article's fault:
        # only other errors are looked for, article by article.
        refused = [] if isinstance(failure, sqlite3.OperationalError) else self._refused(articles)
        if refused:
            # An article the database will never take (a plugin's odd value, say) must not
            # hold back its batch and every batch after it: it becomes an error row.
            kept = [row for row in articles if not any(row is r for r, _ in refused)]
            recorded = errors + [self._refusal(row, why) for row, why in refused]
            try:
                self._commit(pages, kept, recorded, urls, seen, self.crawl_id is not None)
            except Exception:
                self._uncount(counted)
            else:
                self._committed()
                return
        # Nothing is lost: the batch stays buffered, ahead of what came since, for the
        # next flush (a locked database, say, is only busy for a while).
        self._pages, self._articles = pages + self._pages, articles + self._articles
        self._errors, self._urls = errors + self._errors, urls + self._urls
        self._seen = seen + self._seen
        raise failure

    def _committed(self) -> None:
        if self.after_commit is not None:
            self.after_commit()

    def _uncount(self, counted: tuple) -> None:
        self.health.restore(counted[0])
        self.counts = dict(counted[1])

    def _refused(self, articles: list[dict[str, Any]]) -> list[tuple[dict[str, Any], Exception]]:
        """The articles the database refuses, each tried alone and rolled back."""
        refused = []
        counted = self.health.snapshot(), dict(self.counts)
        for row in articles:
            try:
                with write_transaction(self.db):
                    self._merge_article(dict(row))
                    raise _Tried
            except _Tried:
                pass
            except Exception as exc:
                refused.append((row, exc))
        self._uncount(counted)
        return refused

    def _refusal(self, row: dict[str, Any], exc: Exception) -> dict[str, Any]:
        url = row.get("url")
        self.counts["errors"] += 1
        self.health.error(self.outlet_key(url), type(exc).__name__)
        message = f"the database refused the article: {exc}"
        return {
            "stage": "store",
            "kind": type(exc).__name__,
            "message": message,
            "url": url,
            "crawl_id": row.get("crawl_id"),
            "plugin": None,
            "traceback": None,
            "at": now(),
        }

    def _commit(self, pages, articles, errors, urls, seen, health) -> None:  # noqa: ANN001
        with write_transaction(self.db):
            if self._in_any_order:
                pages = later_pages(self.db, pages, articles)
            if pages:
                self.db["pages"].upsert_all(pages, pk="url", alter=True)
            for row in articles:
                self._merge_article(row)
            if seen:
                self.db.conn.executemany("update articles set last_seen = ? where id = ?", seen)
            for op, group in groupby(urls, key=lambda item: item[0]):
                facts = [values for _, values in group]
                for sql in self._url_sql[op]:
                    self.db.conn.executemany(sql, facts)
            if errors:
                self.db["errors"].insert_all(errors, alter=True)
            # Storing the articles just counted them: their health goes in with them
            # (a reextract has no fetch counts to mark it changed before).
            if health or (self.crawl_id is not None and self.health.dirty):
                self.db["crawl_health"].upsert_all(
                    self.health.rows(self.crawl_id), pk=("crawl_id", "outlet")
                )
                self.health.dirty = False

    def _count(self, outlet: str | None, counter: str) -> None:
        """Count a stored article's fate, per outlet too when one is given."""
        if outlet is not None:
            self.health.add(outlet, counter)
        self.counts[counter] = self.counts.get(counter, 0) + 1

    def close(self) -> None:
        self.flush()
        self.db.close()

    def discard_buffer(self) -> None:
        """Empty the buffer: taken by a flush, or what the database refused, dropped so the
        run's end can be recorded at least."""
        self._pages, self._articles, self._errors, self._urls, self._seen = [], [], [], [], []

    # -- reading -------------------------------------------------------------

    def listed_dates(self) -> dict[str, tuple[str, str]]:
        """Page URL -> (date, source) for articles dated by their feed or sitemap entry.

        The entry is gone by the time pages are re-extracted; its date lives on in
        the article it dated.
        """
        query = (
            "select url, published, published_source from articles"
            " where published_source in ('feed', 'sitemap') and published is not null"
        )
        rows = self.db.query(query)
        return {row["url"]: (row["published"], row["published_source"]) for row in rows}

    def stored_pages(
        self, where: str = "kind = 'html' and status = 200", unpack: bool = True
    ) -> Iterator[dict]:
        """Raw pages back (decompressed unless ``unpack`` is false), for re-extraction.

        The URLs are read first and each page on its own, so no read is left open on the
        connection while the articles made from them are written: a write between two rows
        of one open query fails with "database table is locked" (sqlite-utils' first upsert
        creates and drops a table) once more than a batch of articles is re-extracted.
        """
        urls = [u for (u,) in self.db.execute(f"select url from pages where {where} order by url")]
        for url in urls:
            sql = "select url, content_type, fetched_at, body from pages where url = ?"
            for row in list(self.db.query(sql, [url])):  # read whole before the caller writes
                if unpack:
                    row["body"] = decompress(row["body"])
                yield row


class _Tried(Exception):
    """Rolls back a trial write."""
