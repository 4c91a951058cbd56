"""Merge the SQLite shards of a shared crawl's workers into one database.

Each worker of a shared crawl (``ingest worker``) writes its own file; this
combines them. Ids are stable (an article's is its canonical URL's hash), so
the same page fetched by two workers (a request handed out again after a
worker died) is one row, and merging a shard again adds only what is new:

- runs keep their own row, named by where they ran (``crawls.shard``);
- pages and URLs keep the latest fetch; a URL only found stays "queued" until
  some shard fetched it;
- articles go through the same ``ArticleMerge`` as a crawl's, so versions,
  exact copies and near-duplicate clusters come out as one crawl would make
  them; an older text met after a newer one becomes a version, not the text, and
  an older capture of the stored text leaves the newer row (its run, extractor,
  metadata) as it is;
  an article keeps its earliest first_seen and latest last_seen, and a version
  met in two shards is one row, so shards merged in any order give one result;
- errors, health counters, learned boilerplate lines and WARC files are copied.

A shard is read in one read transaction (a snapshot of what its worker had
committed), so it can be merged while its worker still writes. The target is
written in one transaction per shard: a merge that fails leaves it as it was.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import sqlite_utils

from ingest.store.canonical import stories_apart
from ingest.store.connection import read_only_uri, write_transaction
from ingest.store.kept import (
    NO_ARTICLE,
    NO_LONGER_ARTICLE,
    article_from,
    article_page_stays,
    no_longer_article,
)
from ingest.store.merge import ArticleMerge, text_since
from ingest.store.runs import INTERRUPTED, KILLED, RUNNING, still_running
from ingest.store.schema import now, open_database

# The page an article was read from: it stays, whenever the fetch it is set against.
_ARTICLE_PAGE = """
insert into pages (url, kind, status, content_type, headers, fetched_at, body, size, found_via,
  depth, crawl_id)
values (:url, :kind, :status, :content_type, :headers, :fetched_at, :body, :size, :found_via,
  :depth, :crawl_id)
on conflict(url) do update set kind = excluded.kind, status = excluded.status,
  content_type = excluded.content_type, headers = excluded.headers,
  fetched_at = excluded.fetched_at, body = excluded.body, size = excluded.size,
  crawl_id = excluded.crawl_id"""
# The latest fetch wins, but for the page an article was read from (``_ARTICLE_PAGE``).
_PAGES = (
    _ARTICLE_PAGE
    + """
where excluded.fetched_at > coalesce(pages.fetched_at, '')"""
)
# The latest fetch wins; of rows never fetched, a final word (skipped, refused) beats queued.
_URLS = """
insert into urls (url, outlet, state, reason, kind, status, found_via, found_at, depth, lastmod,
  published, fetched_at, fetches, etag, last_modified, article_id, crawl_id)
values (:url, :outlet, :state, :reason, :kind, :status, :found_via, :found_at, :depth, :lastmod,
  :published, :fetched_at, :fetches, :etag, :last_modified, :article_id, :crawl_id)
on conflict(url) do update set
  state = case when :newer then excluded.state else urls.state end,
  reason = case when :newer then excluded.reason else urls.reason end,
  kind = coalesce(case when :newer then excluded.kind end, urls.kind),
  status = case when :newer then excluded.status else urls.status end,
  fetched_at = nullif(max(coalesce(excluded.fetched_at, ''), coalesce(urls.fetched_at, '')), ''),
  fetches = max(coalesce(excluded.fetches, 0), coalesce(urls.fetches, 0)),
  etag = case when :newer then excluded.etag else urls.etag end,
  last_modified = case when :newer then excluded.last_modified else urls.last_modified end,
  article_id = coalesce(urls.article_id, excluded.article_id),
  published = coalesce(urls.published, excluded.published),
  lastmod = max(coalesce(excluded.lastmod, ''), coalesce(urls.lastmod, '')),
  crawl_id = case when :newer then excluded.crawl_id else urls.crawl_id end"""
_NEWER_URL = """
select case
  when :fetched_at is not null then :fetched_at > coalesce(fetched_at, '')
  else coalesce(fetched_at, '') = '' and state = 'queued' and :state != 'queued' end
from urls where url = :url"""
_VALIDATORS = "select etag, last_modified from urls where url = ?"


class _AsStored:
    """The shard's worker already took its learned boilerplate out of the text."""

    def clean(self, row: dict[str, Any], learn: bool) -> dict[str, Any]:
        return row


def merge_shards(shards: list[str], into: str) -> dict[str, dict[str, Any]]:
    """Merge each shard into ``into`` (created if new); rows read per shard and table, and
    (``new``) the rows each added to the target, per table."""
    target = open_database(into)
    try:
        for shard in shards:
            if missing := older_schema(shard, target):  # brought up to date first, as any
                try:  # command that writes it would: its columns made, backfilled
                    open_database(shard).close()
                except sqlite3.Error as exc:
                    raise ValueError(
                        f"{shard} was written by an older ingest (no {missing}) and can't be "
                        f"brought up to date here: {exc}"
                    ) from exc
        results = {}
        for shard in shards:
            before = row_counts(target)
            results[shard] = ShardMerge(target, shard).run()
            results[shard]["new"] = {t: n - before[t] for t, n in row_counts(target).items()}
        return results
    finally:
        target.close()


#: The tables whose rows a merge reports as new: a merge run again adds none.
COUNTED = ("crawls", "pages", "articles", "urls", "errors")


def row_counts(db: sqlite_utils.Database) -> dict[str, int]:
    return {table: db[table].count for table in COUNTED}


#: The tables a merge reads whole (``ShardMerge._merge``); the WARC ones it reads only
#: where a shard has them.
MERGED_TABLES = (
    "crawls", "pages", "urls", "articles", "article_versions", "crawl_health", "site_lines",
    "errors",
)  # fmt: skip


def older_schema(path: str, target: sqlite_utils.Database) -> str | None:
    """The first table or column a merge reads that the shard lacks, if one: a shard from
    an older release failed the merge on it, or lost a column's values. Only ingest's own
    tables count: one a plugin made in the target says nothing of the shard's age."""
    source = sqlite3.connect(read_only_uri(path), uri=True)
    try:
        for table in MERGED_TABLES:
            found = {row[1] for row in source.execute(f"pragma table_info([{table}])")}
            if not found:
                return table
            for column in target[table].columns_dict:
                if column not in found:
                    return f"{table}.{column}"
        return None
    finally:
        source.close()


class ShardMerge:
    """One shard into the target, in one transaction."""

    def __init__(self, target: sqlite_utils.Database, path: str):
        self.target = target
        self.path = path
        self.crawl_ids: dict[int, int] = {}
        self.counts = dict.fromkeys(("crawls", "pages", "articles", "urls", "errors"), 0)
        self.takedowns: dict[str, str] = {}  # URL: what its later fetch found, no article
        self.articles = ArticleMerge(target, _AsStored(), lambda outlet, counter: None)  # type: ignore[arg-type]
        self.kept_apart: list[dict[str, Any]] = []  # canonical_shared rows, after the errors

    def run(self) -> dict[str, int]:
        source = sqlite3.connect(read_only_uri(self.path), uri=True)
        source.row_factory = sqlite3.Row
        source.execute("PRAGMA busy_timeout=10000")
        try:
            source.execute("begin")  # one snapshot of what the worker had committed
            with write_transaction(self.target):  # the target's writer lock
                self._merge(source)
        finally:
            source.close()
        return self.counts

    def _merge(self, source: sqlite3.Connection) -> None:
        tables = {r[0] for r in source.execute("select name from sqlite_master where type='table'")}
        for row in source.execute("select * from crawls order by id"):
            self._crawl(dict(row))
        kept: dict[str, bool] = {}  # URL: the target's article page stays (else the shard's)
        for row in source.execute("select * from pages"):
            url = row["url"]
            stays = article_page_stays(
                article_from(self.target, url) is not None, article_from(source, url) is not None
            )
            if stays is not None:
                kept[url] = stays
                if stays:
                    continue
            sql = _PAGES if stays is None else _ARTICLE_PAGE
            self.target.execute(sql, {**dict(row), "crawl_id": self._run(row["crawl_id"])})
            self.counts["pages"] += 1
        for row in source.execute("select * from urls"):
            self._url(dict(row), kept.get(row["url"]))
        originals: dict[str, str | None] = {}
        for row in source.execute("select * from articles order by last_seen, rowid"):
            self._article(source, dict(row), originals)
        for row in source.execute("select * from article_versions order by id"):
            self._version(dict(row))
        self._errors(source)
        for error in self.kept_apart:  # each run's rows were replaced whole just now
            self.target["errors"].insert(error)
        self._takedowns()
        for row in source.execute("select * from crawl_health"):
            health = {**dict(row), "crawl_id": self._run(row["crawl_id"])}
            self.target["crawl_health"].upsert(health, pk=("crawl_id", "outlet"))
        self.target.conn.executemany(
            "insert into site_lines (site, line_hash, line, articles, first_seen)"
            " values (?, ?, ?, ?, ?) on conflict(site, line_hash) do update set"
            " articles = max(articles, excluded.articles),"
            " first_seen = min(first_seen, excluded.first_seen)",
            source.execute("select site, line_hash, line, articles, first_seen from site_lines"),
        )
        if "warc_files" in tables:
            for row in source.execute("select * from warc_files"):
                warc = {**dict(row), "crawl_id": self._run(row["crawl_id"])}
                self.target["warc_files"].upsert(warc, pk="source")
        if "warc_captures" in tables:  # what an import read, so a later one skips it
            self.target.conn.executemany(
                "insert or ignore into warc_captures (url, fetched_at, crawl_id) values (?, ?, ?)",
                (
                    (row["url"], row["fetched_at"], self._run(row["crawl_id"]))
                    for row in source.execute("select * from warc_captures")
                ),
            )

    def _run(self, shard_id: int | None) -> int | None:
        return self.crawl_ids.get(shard_id) if shard_id is not None else None

    def _crawl(self, row: dict[str, Any]) -> None:
        """The run's row, found again by where it ran when the shard is merged again."""
        origin = row.get("shard") or f"{row['host']}/{row['pid']}/{row['started_at']}/{row['id']}"
        shard_id = row.pop("id")
        # the run it resumed came first in the shard, and has its id here already
        row["resumed_from"] = self._run(row.get("resumed_from"))
        alone = not row.get("shard")  # a merged file's run has no pid left to ask about
        if alone and row.get("status") == RUNNING and not still_running(row["pid"], row["host"]):
            row.update(status=INTERRUPTED, stop_reason=KILLED)  # it would say running forever
        # pid stays behind: it names a process that writes the shard, not this file
        row.update(shard=origin, pid=None)
        found = self.target.execute("select id from crawls where shard = ?", [origin]).fetchone()
        if found:
            self.target["crawls"].update(found[0], row)
            self.crawl_ids[shard_id] = found[0]
        else:
            self.crawl_ids[shard_id] = self.target["crawls"].insert(row).last_pk
        self.counts["crawls"] += 1

    def _url(self, row: dict[str, Any], kept: bool | None = None) -> None:
        """The URL's row. ``kept``: the page an article was read from stays, the target's
        (True) or the shard's (False); the later fetch that gave no article is told by
        the reason, and the article page's validators stay with it."""
        row["crawl_id"] = self._run(row["crawl_id"])
        found = self.target.execute(_NEWER_URL, row).fetchone()
        newer = 1 if found is None else found[0]
        if kept and (newer or self._same_fetch(row)):  # the shard's is the later fetch
            self.takedowns[row["url"]] = row["reason"]
        if kept and newer:
            stored = self.target.execute(_VALIDATORS, [row["url"]]).fetchone() or (None, None)
            row.update(reason=NO_LONGER_ARTICLE, etag=stored[0], last_modified=stored[1])
        self.target.execute(_URLS, {**row, "newer": newer})
        self.counts["urls"] += 1
        if kept is False and not newer:  # the target's is the later fetch
            said = self.target.execute("select reason from urls where url = ?", [row["url"]])
            self.takedowns[row["url"]] = said.fetchone()[0]
            self.target.execute(
                "update urls set reason = ?, etag = ?, last_modified = ? where url = ?",
                [NO_LONGER_ARTICLE, row["etag"], row["last_modified"], row["url"]],
            )

    def _same_fetch(self, row: dict[str, Any]) -> bool:
        """The target's row is this fetch's, merged before (the shard merged again)."""
        said = "select 1 from urls where url = ? and fetched_at = ?"
        return self.target.execute(said, [row["url"], row["fetched_at"]]).fetchone() is not None

    def _takedowns(self) -> None:
        """The ``errors`` row of each article whose URL a later fetch in another database
        found no article at: written where a crawl into the one database writes it
        (``ingest.crawl.fates``), in the later fetch's run, once however often merged."""
        for url, what in self.takedowns.items():
            held = article_from(self.target, url)
            if held is None or what not in NO_ARTICLE:
                continue
            [run] = self.target.execute("select crawl_id from urls where url = ?", [url]).fetchone()
            written = "select 1 from errors where url = ? and kind = ? and crawl_id is ?"
            if self.target.execute(written, [url, NO_LONGER_ARTICLE, run]).fetchone():
                continue
            error = no_longer_article(held, what, refetched=True)
            self.target["errors"].insert(
                {"url": url, "crawl_id": run, "at": now(), **error}, alter=False
            )
            self.counts["errors"] += 1

    def _article(
        self, source: sqlite3.Connection, row: dict[str, Any], originals: dict[str, str | None]
    ) -> None:
        """Through the crawl's own merge; a copy's text comes back from its original first."""
        row["crawl_id"] = self._run(row["crawl_id"])
        if row["duplicate_of"] and row["text"] is None:  # a copy: the text is its original's
            original = row["duplicate_of"]
            if original not in originals:
                found = source.execute("select text from articles where id = ?", [original])
                originals[original] = (found.fetchone() or [None])[0]
            row["text"] = originals[original]
        # Decided again, against every shard (and kept as they are when merged again).
        row.pop("duplicate_of")
        row.pop("cluster_id")
        claimed = row["id"]  # one canonical address, another shard's other story: apart
        if error := stories_apart(self.target, [], row):
            self.kept_apart.append(
                {**error, "url": row["url"], "crawl_id": row["crawl_id"], "at": now()}
            )
            self.target.execute(
                "update urls set article_id = ? where url = ? and article_id = ?",
                [row["id"], row["url"], claimed],
            )
        self.articles.place(row, self._since(source, row))
        self.counts["articles"] += 1

    @staticmethod
    def _since(source: sqlite3.Connection, row: dict[str, Any]) -> str:
        """When the shard first saw the row's text: when it replaced the shard's last version."""
        return text_since(source, row["id"]) or row["first_seen"] or row["last_seen"]

    def _version(self, row: dict[str, Any]) -> None:
        row.pop("id", None)
        row["crawl_id"] = self._run(row["crawl_id"])
        self.articles.add_version(row)

    def _errors(self, source: sqlite3.Connection) -> None:
        """A run's errors come from its shard alone: merged again, they are replaced whole."""
        runs = [c for c in self.crawl_ids.values() if c is not None]
        self.target.conn.executemany("delete from errors where crawl_id = ?", [[c] for c in runs])
        columns = [r[1] for r in source.execute("pragma table_info(errors)") if r[1] != "id"]
        rows = []
        for row in source.execute(f"select {', '.join(columns)} from errors order by id"):
            values = dict(zip(columns, row, strict=True))
            values["crawl_id"] = self._run(values["crawl_id"])
            if values["crawl_id"] is None and self._known_error(values):
                continue  # no run to replace by: one already merged is skipped
            rows.append([values[c] for c in columns])
        marks = ", ".join("?" * len(columns))
        self.target.conn.executemany(
            f"insert into errors ({', '.join(columns)}) values ({marks})", rows
        )
        self.counts["errors"] += len(rows)

    def _known_error(self, row: dict[str, Any]) -> bool:
        return bool(
            self.target.execute(
                "select 1 from errors where crawl_id is null and url is ? and stage is ?"
                " and kind is ? and at is ?",
                [row["url"], row["stage"], row["kind"], row["at"]],
            ).fetchone()
        )
