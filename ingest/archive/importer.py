"""``ingest import-warc``: the HTML responses of WARC files through the crawl's pipeline.

Each response record becomes what a crawl makes of a fetched page: outlet plugins,
extraction in worker processes, the same ``pages``, ``articles``, ``urls`` and
``errors`` rows, dated by the record's WARC-Date (when the page was fetched) and
keyed by its WARC-Target-URI. A record already stored (same URL, same date) is
skipped, so an import can be run again. Requests, revisits, metadata and non-HTML
responses are counted, not stored; an HTML response whose URL cannot be read is a
``bad_url`` errors row; one whose WARC-Date or HTTP status cannot be read, whose body
cannot be decoded, or that the archive says holds part of the page (``WARC-Truncated``) a
``bad_record`` row; and the records after either are read on.
"""

from __future__ import annotations

import re
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any

from ingest.archive.payloads import cut_short, damaged, record_body
from ingest.archive.reading import TruncatedWarc, whole_records
from ingest.crawl.fates import page_reason, store_page, takes_article_page
from ingest.crawl.items import KEPT_HEADERS, PageItem
from ingest.crawl.kinds import page_kind
from ingest.extract.limits import MAX_HTML_BYTES
from ingest.extract.process import Job, error_record
from ingest.extract.workers import ExtractionPool
from ingest.plugins.manager import PluginConfig, load_plugins
from ingest.store.writer import Store
from ingest.urls import canonical, is_web_url, on_sites, spellings, web_scheme


@dataclass
class Selection:
    """Which records to take: filters as ``ingest export`` has them, and a cap."""

    outlet: str | None = None
    domain: str | None = None
    since: str | None = None  # ISO date or datetime, compared with the WARC-Date
    until: str | None = None
    max: int = 0  # 0: all

    @property
    def takes_all(self) -> bool:
        """Every page of a file read to its end is taken: none is filtered out (--max only
        stops the reading)."""
        return not (self.outlet or self.domain or self.since or self.until)


@dataclass
class Record:
    """One HTML response of an archive, as the importer hands it on."""

    url: str
    fetched_at: str  # ISO 8601, UTC
    status: int
    headers: dict[str, str]
    body: bytes
    source: str


@dataclass
class BadRecord:
    """An HTML response of an archive that can't be imported: an errors row, not a page."""

    source: str
    kind: str  # the errors row's: bad_url, bad_record
    message: str
    url: str = ""  # where readable: an import's filter leaves it to the import it names
    fetched_at: str | None = None


def bad_record(source: str, message: str, rec: Any, url: str) -> BadRecord:
    """A ``bad_record`` with what is readable of its URL and date, for the filters."""
    try:
        fetched_at: str | None = iso(rec.rec_headers.get_header("WARC-Date") or "")
    except (ValueError, OverflowError):
        fetched_at = None
    return BadRecord(source, "bad_record", message, url if is_web_url(url) else "", fetched_at)


def iso(warc_date: str) -> str:
    moment = datetime.fromisoformat(warc_date.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def html_records(stream: IO[bytes], source: str, counts: Counter) -> Iterator[Record | BadRecord]:
    """The HTML response records of one WARC (or ARC) stream, gzipped or not. A record cut
    off in the bytes read of it is not handed on: ``TruncatedWarc`` is raised instead; one
    whose URL (``http://[::1``), date or status cannot be read is a ``BadRecord``, and the
    rest read on.

    Bodies are read up to the extraction bound plus one byte: a larger one is the
    worker's to refuse (``too_large``), without holding the whole of it here.
    """
    for number, rec in enumerate(whole_records(stream), 1):
        counts["records"] += 1
        if rec.rec_type != "response" or rec.http_headers is None:
            counts[rec.rec_type] += 1  # request, revisit, warcinfo, metadata...
            if rec.rec_type not in ("request", "revisit"):  # and a response with no HTTP
                counts["other"] += 1
            continue
        url = target_uri(rec)
        headers = {k.lower(): v for k, v in rec.http_headers.headers}
        where = f"{source}: record {number}"
        try:
            body = record_body(rec, headers)
        except (TruncatedWarc, OSError):  # the file cut off or unreadable: the file's fault
            raise
        except Exception as exc:  # noqa: BLE001 (a decoder's fault, whichever it raises)
            if "html" not in headers.get("content-type", "html").lower():
                counts["not_html"] += 1  # a script or an image: no page lost, none to say
                continue
            encoding = headers.get("content-encoding", "none")
            why = f"its body can't be decoded (Content-Encoding: {encoding:.40}): {exc!s:.200}"
            yield bad_record(source, f"{where} ({url:.200}): {why}", rec, url)
            continue
        if (
            not url.startswith(("http://", "https://"))
            or page_kind(body, headers.get("content-type")) != "html"
        ):
            counts["not_html"] += 1
            continue
        if cut := cut_short(rec, headers):
            yield bad_record(source, f"{where} ({url:.200}) holds part of the {cut}", rec, url)
            continue
        if not is_web_url(url):
            why = "is not one a crawl can fetch (no host, or a bad port)"
            yield BadRecord(source, "bad_url", f"{where}'s URL {url!r:.200} {why}")
            continue
        if harm := damaged(rec, headers):
            why = f"holds {harm}: damaged or changed since it was written"
            yield bad_record(source, f"{where} ({url:.200}) {why}", rec, url)
            continue
        yield response(rec, url, headers, body, source, where)


def target_uri(rec: Any) -> str:
    """The record's WARC-Target-URI, its scheme in lower case: "HTTP://site/a" is
    http://site/a, as a seed is (its page was counted "not HTML", and lost unsaid)."""
    return web_scheme(rec.rec_headers.get_header("WARC-Target-URI") or "")


def response(
    rec: Any, url: str, headers: dict[str, str], body: bytes, source: str, where: str
) -> Record | BadRecord:
    """The record of an HTML response, or a ``BadRecord`` when its date or status can't be
    read. Such a record is not imported: its WARC-Date is the one word on when the page
    was fetched, the key (with the URL) that keeps a second import from storing it again,
    what --since and --until select on and which outlet rules apply; a made-up date would
    store it anew on every run. A status line with no three-digit code is no HTTP answer
    to trust. The page stays in the file, which the errors row names with the record."""
    date = rec.rec_headers.get_header("WARC-Date") or ""
    status = rec.http_headers.get_statuscode() or ""
    about = f"{where} ({url:.200})"
    if not date:  # the WARC standard requires one: "now" would store it anew on every run
        return bad_record(source, f"{about} has no WARC-Date", rec, url)
    try:
        fetched_at = iso(date)
    except (ValueError, OverflowError):  # not ISO 8601; out of datetime's years in UTC
        why = f"has a WARC-Date that is not a date: {date!r:.100}"
        return bad_record(source, f"{about} {why}", rec, url)
    if not re.fullmatch(r"[0-9]{3}", status):
        why = f"has an HTTP status that is not three digits: {rec.http_headers.statusline!r:.100}"
        return bad_record(source, f"{about} {why}", rec, url)
    return Record(
        url=canonical(url),
        fetched_at=fetched_at,
        status=int(status),
        headers={h: headers[h] for h in KEPT_HEADERS if h in headers},
        body=body,
        source=source,
    )


#: A capture read before: written down as read (``warc_captures``), whatever page its URL
#: keeps. A database imported into before that table has its page, or (no article where
#: one was stored) its URL's row dated by it.
_READ_BEFORE = (
    "select 1 from warc_captures where url = ? and fetched_at = ?"
    " union all select 1 from pages where url = ? and fetched_at = ?"
    " union all select 1 from urls where url = ? and fetched_at = ?"
)


#: Captures an import remembers having taken, besides what the database holds.
RECENT_CAPTURES = 10_000

#: A bad record's errors row, written by an earlier import.
_RECORDED = "select 1 from errors where url = ? and kind = ? and message = ?"


class Importer:
    """One import run into one database: ``feed()`` archives, then ``finish()``."""

    def __init__(
        self,
        db_path: str,
        config: PluginConfig,
        workers: int | None = None,
        selection: Selection | None = None,
        progress: Callable[[Counter], None] | None = None,
    ):
        self.plugins = load_plugins(config)
        self.store = Store(db_path, self.plugins, in_any_order=True)  # dated by WARC-Date
        self.config, self.workers = config, workers
        self.selection = selection or Selection()
        self.progress = progress
        self.counts: Counter = Counter()
        self.bad_recorded: set[tuple[str, str, str]] = set()  # by this run: maybe in its buffer
        self.crawl_id = self.store.start_crawl("import-warc", [], {"workers": workers})
        self.unflushed: set[str] = set()  # URLs stored since the last commit
        # captures this run took, the latest RECENT_CAPTURES: one archived twice (a crawler
        # that fetched it twice in a second) is in flight or unflushed when met again
        self.recent: OrderedDict[tuple[str, str], None] = OrderedDict()
        self.store.after_commit = self.unflushed.clear

    def wanted(self, record: Record) -> bool:
        """Within the selection, and not stored before; counts why not."""
        reason = None
        if record.status != 200:
            reason = "not_ok"
        elif not self.selected(record.url, record.fetched_at):
            reason = "filtered"
        elif (record.url, record.fetched_at) in self.recent or any(
            self.store.db.execute(_READ_BEFORE, [url, record.fetched_at] * 3).fetchone()
            for url in spellings(record.url)
        ):
            reason = "already_stored"
        if reason:
            self.counts[reason] += 1
            return False
        self.recent[(record.url, record.fetched_at)] = None
        if len(self.recent) > RECENT_CAPTURES:
            self.recent.popitem(last=False)
        return True

    def selected(self, url: str, fetched_at: str | None) -> bool:
        """Within the filters, as far as the URL and date tell (a bad record's may not)."""
        s = self.selection
        if url and s.domain and not on_sites(url, (s.domain,)):
            return False
        if url and s.outlet and getattr(self.plugins.outlet_for(url), "name", None) != s.outlet:
            return False
        if fetched_at is None:
            return True
        day = fetched_at[:10]
        return not ((s.since and fetched_at < s.since) or (s.until and day > s.until))

    def feed(self, records: Iterable[Record | BadRecord]) -> bool:
        """Extract and store the wanted records, in worker processes, in order. An archive
        that fails part way (cut off, unreadable) raises once the pages before are stored.

        Returns whether the records ran out: a file stopped by --max is not done, unless
        the record that met the quota was its last.
        """
        pending: deque[Record] = deque()
        failed: list[Exception] = []
        ended: list[bool] = []

        def jobs() -> Iterator[Job]:
            try:
                yield from wanted_jobs()
            except Exception as exc:  # raised below, after the pages in flight are stored
                failed.append(exc)

        def wanted_jobs() -> Iterator[Job]:
            remaining = iter(records)
            while not self.quota_met(len(pending)):
                record = next(remaining, None)
                if record is None:
                    ended.append(True)
                    return
                if isinstance(record, BadRecord):
                    if self.selected(record.url, record.fetched_at):
                        self.bad(record)
                    else:  # another import's to tell, as its pages are
                        self.counts["filtered"] += 1
                    continue
                if not self.wanted(record):
                    continue
                pending.append(record)
                yield Job(
                    url=record.url,
                    body=record.body,
                    content_type=record.headers.get("content-type"),
                    fetched=datetime.fromisoformat(record.fetched_at).date(),
                    keep_body=True,
                    signature=True,
                )
            ended.append(self.ran_out(remaining))

        with ExtractionPool(self.config, self.workers) as pool:
            for outcome in pool.map(jobs()):
                self.store_page(pending.popleft(), outcome)
        if failed:
            raise failed[0]
        return bool(ended and ended[0])

    def quota_met(self, in_flight: int) -> bool:
        """--max pages imported, counting those still being extracted."""
        return (
            bool(self.selection.max) and self.counts["imported"] + in_flight >= self.selection.max
        )

    def ran_out(self, remaining: Iterator[Record | BadRecord]) -> bool:
        """Whether a file that met the quota has no record left. What is read to find out
        (the next page, and the images, requests or revisits before it) is left to the next
        import, and not counted: "N records" are those this one handled."""
        before = Counter(self.counts)
        if next(remaining, None) is None:
            return True
        self.counts.clear()  # in place: the reader counts into this same Counter
        self.counts.update(before)
        return False

    def bad(self, record: BadRecord) -> None:
        """A record that can't be imported: its errors row, once. A file not done (cut off,
        interrupted, or stopped by --max) is read again by the next import, and maybe by
        this one when named twice; the message names the file and the record."""
        self.counts[record.kind] += 1
        key = (record.source, record.kind, record.message)
        if key in self.bad_recorded or self.store.db.execute(_RECORDED, key).fetchone():
            self.counts[f"{record.kind}_before"] += 1  # read, but no new errors row
            return
        self.bad_recorded.add(key)
        error = error_record("fetch", record.kind, record.message)
        self.store.add_error(record.source, error, self.crawl_id)

    def store_page(self, record: Record, outcome: Any) -> None:
        if record.url in self.unflushed:  # an earlier capture of it is read from the database
            self.store.flush()
        self.unflushed.add(record.url)
        item = PageItem(
            url=record.url,
            kind="html",
            status=record.status,
            # past the bound only its first bytes were read: stored none, as a crawl stores
            body=record.body if len(record.body) <= MAX_HTML_BYTES else b"",
            content_type=record.headers.get("content-type"),
            headers=record.headers,
            fetched_at=record.fetched_at,
            found_via=f"warc {record.source}",
            outcome=outcome,
        )
        with self.store.together():
            kept = store_page(self.store, item, self.crawl_id)
            if outcome.article is not None:
                self.store.add_article(
                    outcome.article, self.crawl_id, record.fetched_at, outcome.signature
                )
                self.counts["articles"] += 1
            for error in outcome.errors:
                self.store.add_error(record.url, error, self.crawl_id)
            self.store.add_url(
                "fetched",
                {
                    "url": record.url,
                    "state": "fetched",
                    "reason": page_reason(item, kept),
                    "kind": "html",
                    "status": record.status,
                    "found_via": item.found_via,
                    "found_at": record.fetched_at,
                    "fetched_at": record.fetched_at,
                    "article_id": (outcome.article or {}).get("id"),
                    "crawl_id": self.crawl_id,
                },
            )
            takes_article_page(self.store, item, self.crawl_id)
        self.counts["imported"] += 1
        if self.progress is not None:
            self.progress(self.counts)

    def finish(self, status: str = "finished", reason: str = "finished") -> None:
        """The run's final row, with the store's counts (``Store.finish_crawl`` adds them)."""
        stats = {f"import/{k}": v for k, v in self.counts.items()}
        stats["ingest/pages"] = self.counts["imported"]
        self.store.finish_crawl(self.crawl_id, stats, status, reason)
        self.store.close()
