"""The item pipeline: every page, article and failure of a crawl into SQLite.

The spider hands over each page with its extraction outcome (done in worker
processes) and the URLs it listed; this stage only writes, in batched
transactions, so a failure anywhere upstream is a row in ``errors`` and never
stops the crawl. Each item's rows (page, article, frontier, errors) go into
the same transaction, so a killed crawl never keeps a page without the URLs
it listed. A page that is no article never replaces the raw page an article was
read from (``ingest.crawl.fates``); a redirect ends the URL asked for as well
(``ingest.crawl.redirects``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click
from scrapy import signals
from twisted.internet import task
from twisted.python.failure import Failure

from ingest.crawl import internal, redirects, robots
from ingest.crawl.discovery import parse_date
from ingest.crawl.fates import page_reason, store_page
from ingest.crawl.items import FetchError, PageItem
from ingest.crawl.stopping import await_lock, locked, run_status, stop_crawl, unrecorded
from ingest.extract.process import BUG, Outcome, error_record, plugin_records
from ingest.plugins import PluginLoadError
from ingest.plugins.manager import PluginConfig, load_plugins
from ingest.store.connection import PastSizeBound, bound_reached
from ingest.store.duplicates import DEFAULT_THRESHOLD
from ingest.store.health import BLOCK_KINDS
from ingest.store.kept import NO_LONGER_ARTICLE
from ingest.store.runs import WriterBusy, resume_chain, settings_record
from ingest.store.schema import now
from ingest.store.writer import Store

#: Which ``crawl_health`` counter each of the spider's decisions adds to.
DECISION_COUNTERS = {"held": "skipped_unchanged", "old": "skipped_old"}
_RECORD_FIELDS = ("url", "found_via", "found_at", "depth", "lastmod", "published", "state")
_RECORD_FIELDS += ("reason", "set_state")


class IngestPipeline:
    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.stats = crawler.stats
        self.refused = False  # the database refused a write: nothing more goes in
        self.refusal: Exception | None = None  # and why
        self.crawl_id: int | None = None
        self.store: Store | None = None
        self._leases: list[str] = []  # shared-queue requests stored since the last commit
        self._seen_redirects = redirects.SeenRedirects()

    @classmethod
    def from_crawler(cls, crawler: Any) -> IngestPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        settings = self.crawler.settings
        plugins = load_plugins(PluginConfig.default(settings.getlist("INGEST_PLUGINS_DIRS")))
        self.path = settings.get("INGEST_DB")
        try:
            self.store = Store(
                self.path,
                plugins,
                batch_size=settings.getint("INGEST_BATCH_SIZE"),
                near_duplicates=settings.getfloat("INGEST_NEAR_DUPLICATES", DEFAULT_THRESHOLD),
                max_bytes=settings.getint("INGEST_DB_MAX_BYTES", 0),
            )
        except PluginLoadError as exc:  # a prepare_database that raised: nothing to write in
            self.refused = True
            stop_crawl(self.crawler, "plugin_error", str(exc))
            return
        except PastSizeBound as exc:  # `ingest crawl` says so before; `scrapy crawl` here
            self.refused = True
            stop_crawl(self.crawler, "storage_failed", str(exc))
            return
        spider = self.crawler.spider
        command = settings.get("INGEST_COMMAND") or f"crawl {spider.name}"
        resumed = self.store.interrupted_crawl(command) if getattr(spider, "resume", 0) else None
        try:
            self.crawl_id = self.store.start_crawl(
                command=command,
                seeds=getattr(spider, "seed_values", []),
                settings=settings_record(settings, spider),
                resumed_from=resumed,
                wait=settings.getfloat("INGEST_WRITER_WAIT", 30),
                notify=lambda message: click.echo(message, err=True),
                name=self.path,  # as the command names it
            )
        except WriterBusy as exc:  # no run of ours to record it in: the command says it
            self.refused = True
            stop_crawl(self.crawler, "writer_busy", str(exc))
            return
        self.store.after_commit = self._release_leases
        self.crawler.signals.connect(self.finish, signal=signals.spider_closed)
        self.crawler.signals.connect(self.flush_when_idle, signal=signals.spider_idle)
        self._committer = task.LoopingCall(self.flush_when_stale)  # idle or not
        self._committer.start(self.store.flush_seconds, now=False).addErrback(self._timer_failed)
        self.crawler.signals.connect(self.redirect_scheduled, signal=signals.request_scheduled)
        self.crawler.signals.connect(self.redirect_dropped, signal=signals.request_dropped)
        self.crawler.signals.connect(self.spider_error, signal=signals.spider_error)
        self.crawler.signals.connect(self.item_error, signal=signals.item_error)
        self.crawler.signals.connect(self.robots_unreachable, signal=robots.robots_unreachable)
        spider.crawl_id = self.crawl_id
        spider.resume_crawls = resume_chain(self.store.db, resumed)
        for error in plugin_records(plugins.load_errors):
            self.store.add_error(None, error, self.crawl_id)

    def process_item(self, item: Any) -> Any:
        if not self.refused:  # else stopping: the database cannot take it
            with self._writing():
                self._leases.extend(item.leases)
                if isinstance(item, FetchError):
                    self._record_found(item.found)
                    self._record_fetch_error(item)
                elif isinstance(item, PageItem):
                    self._record_found(item.found)
                    self._record_page(item)
        if isinstance(item, PageItem):
            item.body, item.outcome = b"", None  # stored: don't keep them alive in Scrapy
        return item

    def _release_leases(self) -> None:
        """The pages of these shared-queue requests are committed: no worker needs them again."""
        leases, self._leases = self._leases, []
        release = getattr(self.crawler.spider, "release_leases", None)
        if leases and release is not None:
            release(leases)

    def flush_when_idle(self) -> None:
        """Nothing in flight: commit what is buffered rather than wait for the next page."""
        if not self.refused:
            with self._writing():
                self.store.flush()

    def _timer_failed(self, failure: Failure) -> None:
        """A bug stopped the commit timer: an errors row (exit 4); pages commit as they come."""
        message = f"the commit timer stopped: {failure.getErrorMessage()}"
        self._add_error(None, error_record("store", BUG, message))

    def flush_when_stale(self) -> None:
        """Pages wait no longer than the store's flush time for the next page to commit them:
        behind downloads that trickle, fetched pages stayed uncommitted, and a kill lost them."""
        if not self.refused:
            with self._writing():
                self.store.flush_if_due()

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Rows added inside go in together; a database that refuses them stops the crawl."""
        try:
            with self.store.together():
                yield
        except (sqlite3.Error, OSError) as exc:
            self._storage_failed(exc)

    def _final_url(self, url: str, state: str, reason: str, meta: Any, **more: Any) -> None:
        """The ``urls`` row of a URL the crawl is done with, and why."""
        row = {"url": url, "state": state, "reason": reason, "found_at": now()}
        row.update(found_via=meta.found_via, depth=meta.depth, crawl_id=self.crawl_id, **more)
        self.store.add_url("fetched", row)

    def _storage_failed(self, exc: Exception) -> None:
        """The database refuses writes (disk full, read-only, locked too long): stop now,
        not fetch on into nothing. What was committed stays."""
        self.refused = True  # items still in flight are not written: the database said no
        self.refusal = exc
        bound = self.crawler.settings.getint("INGEST_DB_MAX_BYTES", 0)
        why = ""
        if bound and "full" in str(exc) and bound_reached(self.path):  # not the disk
            why = f" (the size bound, INGEST_DB_MAX_BYTES={bound})"
        stop_crawl(
            self.crawler,
            "storage_failed",
            f"the database {self.path} refused a write: {exc}{why}",
        )

    def _record_page(self, item: PageItem) -> None:
        seen = item.fetched_at or now()
        kept = False  # the page is no article: the one an article was read from stays
        asked_kept = None  # the same, of the URL a redirect came from: its urls reason
        if item.not_modified:
            self.store.count(item.url, "not_modified")
            self.stats.inc_value("ingest/not_modified")
            if item.article_id:
                self.store.article_seen(item.article_id, item.url, seen)
        elif item.blocked:
            error = error_record(
                "fetch", item.blocked, "a challenge page (captcha) instead of the content"
            )
            self._add_error(item.url, error)
        else:
            kept = store_page(self.store, item, self.crawl_id)
            asked_kept = redirects.keeps_asked(self.store, item, self.crawl_id)
        self.stats.inc_value("ingest/pages")
        article_id = published = None
        outcome = item.outcome
        if outcome is not None and outcome.article is not None:
            published = parse_date(str(outcome.article.get("published") or ""))
            if item.old:
                self.store.count(item.url, "skipped_old")
            else:
                if self.store.keep_stories_apart(outcome.article, self.crawl_id):
                    self.stats.inc_value("ingest/errors")  # keyed anew before its URL's row
                article_id = outcome.article.get("id")
        elif outcome is not None:  # no article, yet the page may say when it was published
            published = parse_date(outcome.published)
        if outcome is not None:
            self.record(outcome, seen, store_article=not item.old)
        state = "blocked" if item.blocked else "fetched"
        reason = item.blocked or ("not_modified" if item.not_modified else None)
        reason = reason or ("old" if item.old else None) or page_reason(item, kept)
        for said in (reason, asked_kept):  # each an errors row
            if said == NO_LONGER_ARTICLE:
                self.stats.inc_value("ingest/errors")
        fresh = not (item.blocked or item.not_modified or kept)  # kept: the stored page's stay
        row = {
            "url": item.url,
            "state": state,
            "reason": reason,
            "kind": None if kept else item.kind,  # the stored page's stays
            "status": item.status,
            "found_via": item.found_via,
            "found_at": seen,
            "depth": item.depth,
            "fetched_at": None if item.blocked else seen,
            "etag": item.headers.get("etag"),
            "last_modified": item.headers.get("last-modified"),
            "validators": int(fresh),
            "article_id": article_id,
            "published": published,
            "crawl_id": self.crawl_id,
        }
        for url_row in redirects.followed(row, item, asked_kept):
            self.store.add_url("fetched", url_row)
        article = outcome.article if outcome is not None and article_id else None
        if article and article.get("canonical_url") not in (None, item.url, item.request_url):
            self.store.add_url(
                "alias",
                {
                    "url": article["canonical_url"],
                    "found_via": f"canonical {item.url}",
                    "found_at": seen,
                    "article_id": article_id,
                },
            )

    def record(self, outcome: Outcome, seen: str, store_article: bool = True) -> None:
        if outcome.article is not None and store_article:
            article, signature = outcome.article, outcome.signature
            self.store.add_article(article, self.crawl_id, seen, signature, checked=True)
            self.stats.inc_value("ingest/articles")
        for error in outcome.errors:
            self._add_error(outcome.url, error)

    def _add_error(self, url: str, error: dict[str, Any]) -> None:
        """An ``errors`` row of this run, counted in the summary."""
        self.store.add_error(url, error, self.crawl_id)
        self.stats.inc_value("ingest/errors")
        if error["kind"] == BUG:  # the exit status says a bug cost pages
            self.stats.inc_value(internal.STAT)

    # -- bugs Scrapy logs and moves on from (ingest.crawl.internal) ----------------

    def spider_error(self, failure: Failure, response: Any) -> None:
        item = internal.from_callback(failure, response)
        take = getattr(self.crawler.spider, "take_planned", None)  # what it listed before
        item.found = internal.unrequested(take() if take else [])
        self.process_item(item)

    def item_error(self, item: Any, failure: Failure) -> None:
        if not self.refused:
            with self._writing():
                self._record_fetch_error(internal.from_item(failure, item))

    def robots_unreachable(self, url: str, message: str) -> None:
        """A robots.txt Scrapy could not read, and crawled its site as if it had none."""
        if not self.refused:
            with self._writing():
                self._add_error(url, error_record("fetch", "robots_unreachable", message))

    # -- redirects Scrapy drops without a word (ingest.crawl.redirects) -----------

    def redirect_scheduled(self, request: Any) -> None:
        if ending := redirects.offsite(request, self.crawler.spider):
            self._redirect_ended(redirects.asked(request), ending)

    def redirect_dropped(self, request: Any) -> None:
        ending = redirects.dropped(request)
        if ending is not None and ending.reason == "redirect_seen" and not self.refused:
            ending = self._taken_down(request) or ending
        for asked, end in self._seen_redirects.ended(request, ending):  # a loop ends all
            self._redirect_ended(asked, end)

    def _taken_down(self, request: Any) -> redirects.Ending | None:
        """``redirects.taken_down`` after a flush: the target, fetched just now, may be buffered."""
        held = redirects.held_before(self.store, request)
        if held is None:
            return None  # no article stored from the URL asked for: nothing to take down
        with self._writing():
            self.store.flush()
        return None if self.refused else redirects.taken_down(self.store, request, held)

    def _redirect_ended(self, asked: redirects.Asked, ending: redirects.Ending) -> None:
        """The URL asked for ends as the redirect Scrapy dropped says, or it would be silent."""
        if self.refused:
            return
        with self._writing():
            self._leases.extend(asked.leases)
            if ending.message is not None:
                error = error_record(ending.stage, ending.reason, ending.message)
                self._add_error(asked.url, error)
            self._final_url(asked.url, ending.state, ending.reason, asked.found)

    def _record_found(self, records: list[dict[str, Any]]) -> None:
        """The URLs a page listed and what the spider decided for each: frontier and health."""
        for record in records:
            if error := record.get("error"):  # a plugin's bug met planning the URL
                self._add_error(record["url"], error)
            counter = DECISION_COUNTERS.get(record.get("decision", ""))
            if counter:
                self.store.count(record["url"], counter)
            if record.get("recount"):  # skipped first, fetched after all
                self.store.count(record["url"], record["recount"], -1)
            if record.get("write", True):
                row = {k: record.get(k) for k in _RECORD_FIELDS}
                self.store.add_url("found", {**row, "crawl_id": self.crawl_id})

    def _record_fetch_error(self, item: FetchError) -> None:
        if item.status and not item.known_page:
            page = PageItem(url=item.url, kind="error", status=item.status, body=b"")
            page.fetched_at, page.found_via = item.fetched_at or now(), item.found_via
            self.store.add_page(page.page_row(self.crawl_id))
        error = error_record(item.stage, item.kind, item.message, traceback=item.traceback)
        self._add_error(item.url, error)
        if item.kind == "robots_disallowed":
            state = "robots"
        elif item.kind == "blocked_address":
            state = "refused"
        else:
            state = "blocked" if item.kind in BLOCK_KINDS else "failed"
        self._final_url(item.url, state, item.kind, item, status=item.status)
        if item.request_url and item.request_url != item.url:  # redirected to the failure
            self._final_url(item.request_url, state, item.kind, item, status=item.status)

    def close_spider(self) -> None:
        if self.crawl_id is None:
            if self.store is not None:  # else it never opened
                self.store.db.close()
        elif not self.refused:
            try:
                self.store.flush()
            except (sqlite3.Error, OSError) as exc:
                self._storage_failed(exc)

    def finish(self, reason: str) -> None:
        """The run's final row: its status and why it stopped (after Scrapy closed it)."""
        status, why = run_status(self.crawler, reason)
        if self._committer.running:
            self._committer.stop()
        if locked(self.refusal):  # another writer held it: it may let go yet
            wait = self.crawler.settings.getfloat("INGEST_WRITER_WAIT", 30)
            await_lock(self.store.db, self.path, wait)
        try:
            self._record_found(self._planned_last())
            self.store.finish_crawl(self.crawl_id, self._stats(), status, why)
        except (sqlite3.Error, OSError) as exc:
            self._finish_without_batch(exc, status, why)
        self.store.db.close()

    def _planned_last(self) -> list[dict[str, Any]]:
        """What the spider decided after its last item (URLs past its budget, say), which
        waited for an item to come; one it requested has its own ending, kept as it is."""
        take = getattr(self.crawler.spider, "take_planned", None)
        records = take() if take else []
        return [{**r, "set_state": None} if r.get("decision") == "queued" else r for r in records]

    def _stats(self) -> dict[str, Any]:
        return dict(self.crawler.stats.get_stats())  # the store adds its own counts

    def _finish_without_batch(self, exc: Exception, status: str, why: str) -> None:
        """The run's end again, without the batch the database refused: a full disk may
        still take the status. Not when another writer held it on: waited for already."""
        if not locked(exc):
            try:
                self.store.discard_buffer()
                self.store.finish_crawl(self.crawl_id, self._stats(), status, why)
                return
            except (sqlite3.Error, OSError) as again:
                exc = again
        unrecorded(self.crawl_id, status, exc)
