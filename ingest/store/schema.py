"""The SQLite schema: every table, index and view, and opening a database.

The words for each table and column are in ``ingest.store.descriptions``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from ingest.plugins.manager import Plugins
from ingest.store.connection import bound_size, enable_wal, write_transaction
from ingest.store.health import COUNTERS
from ingest.store.unspaced import FillReport, create_unspaced_index, fill_unspaced_index
from ingest.urls import site_of

JSON_FIELDS = ("authors", "tags", "plugins", "provenance")

#: The full-text index follows an article's title and text, and only them: sqlite-utils'
#: trigger re-indexed the whole text on every update (a 304's last_seen, a re-extraction
#: that changed a date), the costliest write of ``ingest reextract``.
FTS_UPDATE = """CREATE TRIGGER "articles_au" AFTER UPDATE ON "articles"
WHEN old."title" IS NOT new."title" OR old."text" IS NOT new."text" OR old.rowid IS NOT new.rowid
BEGIN
  INSERT INTO "articles_fts" ("articles_fts", rowid, "title", "text")
    VALUES('delete', old.rowid, old."title", old."text");
  INSERT INTO "articles_fts" (rowid, "title", "text") VALUES (new.rowid, new."title", new."text");
END"""

#: Views over the tables: what changed, what is stored twice, the same story in N outlets.
VIEWS = {
    "article_changes": """
select v.article_id, a.outlet, a.site, a.url,
  v.first_seen as version_first_seen, v.last_seen as version_last_seen,
  v.replaced_at as changed_at, v.crawl_id,
  v.title as old_title, coalesce(n.title, a.title) as new_title,
  v.title is not coalesce(n.title, a.title) as title_changed,
  v.text as old_text, coalesce(n.text, a.text) as new_text, v.diff
from article_versions v
join articles a on a.id = v.article_id
left join article_versions n on n.id = (
  select min(id) from article_versions where article_id = v.article_id and id > v.id
)""",
    "duplicates": """
select d.id, d.url, coalesce(d.outlet, d.site) as outlet, d.title, d.first_seen,
  o.id as original_id, o.url as original_url, coalesce(o.outlet, o.site) as original_outlet
from articles d join articles o on o.id = d.duplicate_of""",
    "story_clusters": """
select cluster_id,
  (select title from articles c where c.id = articles.cluster_id) as title,
  count(*) as articles, count(distinct coalesce(outlet, site)) as outlets,
  group_concat(distinct coalesce(outlet, site)) as outlet_names,
  min(published) as first_published, min(first_seen) as first_seen, max(last_seen) as last_seen
from articles where cluster_id is not null group by cluster_id""",
}


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


#: A run of a command that writes (crawl, demo, worker, reextract, import-warc).
_RUN_COLUMNS = {
    "id": int,
    "command": str,
    "started_at": str,
    "finished_at": str,
    "seeds": str,
    "settings": str,
    "stats": str,
    "resumed_from": int,
    "status": str,
    "stop_reason": str,
    "pid": int,
    "host": str,
    "shard": str,
}
#: Columns added after a table first shipped: older databases get them on open.
_ADDED_COLUMNS = {
    "crawls": {
        name: kind
        for name, kind in _RUN_COLUMNS.items()
        if name in ("resumed_from", "status", "stop_reason", "pid", "host", "shard")
    },
    "articles": {
        "site": str,
        "published_source": str,
        "duplicate_of": str,
        "cluster_id": str,
        "published_day": str,
    },
    "article_versions": {"last_seen": str, "diff": str, "crawl_id": int},
    "warc_files": {"bytes": int},
}


def create_schema(db: sqlite_utils.Database) -> None:
    had_frontier = "urls" in db.table_names()
    db["crawls"].create(
        _RUN_COLUMNS,
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
            "site": str,
            "title": str,
            "authors": str,
            "published": str,
            "published_day": str,
            "published_source": str,
            "modified": str,
            "language": str,
            "sitename": str,
            "description": str,
            "image": str,
            "tags": str,
            "text": str,
            "word_count": int,
            "content_hash": str,
            "duplicate_of": str,
            "cluster_id": str,
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
            "last_seen": str,
            "replaced_at": str,
            "diff": str,
            "crawl_id": int,
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
    db["warc_files"].create(
        {"source": str, "records": int, "finished_at": str, "crawl_id": int, "bytes": int},
        pk="source",
        if_not_exists=True,
    )
    db["warc_captures"].create(
        {"url": str, "fetched_at": str, "crawl_id": int},
        pk=("url", "fetched_at"),
        if_not_exists=True,
    )
    db["urls"].create(
        {
            "url": str,
            "outlet": str,
            "state": str,
            "reason": str,
            "kind": str,
            "status": int,
            "found_via": str,
            "found_at": str,
            "depth": int,
            "lastmod": str,
            "published": str,
            "fetched_at": str,
            "fetches": int,
            "etag": str,
            "last_modified": str,
            "article_id": str,
            "crawl_id": int,
        },
        pk="url",
        if_not_exists=True,
    )
    db["crawl_health"].create(
        {
            "crawl_id": int,
            "outlet": str,
            **dict.fromkeys(COUNTERS, int),
            "error_kinds": str,
        },
        pk=("crawl_id", "outlet"),
        foreign_keys=[("crawl_id", "crawls", "id")],
        if_not_exists=True,
    )
    db["article_minhash"].create(
        {"article_id": str, "signature": bytes}, pk="article_id", if_not_exists=True
    )
    db["article_lsh"].create({"key": int, "article_id": str}, if_not_exists=True)
    db["site_lines"].create(
        {"site": str, "line_hash": str, "line": str, "articles": int, "first_seen": str},
        pk=("site", "line_hash"),
        if_not_exists=True,
    )
    for table, added in _ADDED_COLUMNS.items():
        present = db[table].columns_dict
        for name, kind in added.items():
            if name not in present:
                db[table].add_column(name, kind)
                if (table, name) == ("articles", "site"):
                    _backfill_sites(db)
                if (table, name) == ("articles", "published_day"):
                    _backfill_days(db)
    for name in set(COUNTERS) - set(db["crawl_health"].columns_dict):
        db["crawl_health"].add_column(name, int)  # a counter added since the table shipped
    for table, columns in {
        "articles": [
            ["outlet"],
            ["published"],
            ["published_day"],
            ["language"],
            ["url"],
            ["canonical_url"],
            ["content_hash"],
            ["cluster_id"],
        ],
        "errors": [["crawl_id"], ["url"]],
        "article_versions": [["article_id"]],
        "pages": [["crawl_id"]],
        "urls": [["state"], ["crawl_id"], ["article_id"]],
        "article_lsh": [["key"], ["article_id"]],
    }.items():
        for cols in columns:
            db[table].create_index(cols, if_not_exists=True)
    if not db["articles"].detect_fts():
        db["articles"].enable_fts(
            ["title", "text"], create_triggers=True, tokenize="porter unicode61 remove_diacritics 2"
        )
    _replace(db, "trigger", "articles_au", FTS_UPDATE)
    create_unspaced_index(db)
    for name, sql in VIEWS.items():
        _create_view(db, name, sql.strip())
    if not had_frontier:
        _backfill_frontier(db)


def _create_view(db: sqlite_utils.Database, name: str, sql: str) -> None:
    _replace(db, "view", name, f"CREATE VIEW {name} AS {sql}")


def _replace(db: sqlite_utils.Database, kind: str, name: str, wanted: str) -> None:
    """Create the view or trigger, or replace it when an older ingest defined it otherwise."""
    row = db.execute("select sql from sqlite_master where type = ? and name = ?", [kind, name])
    existing = row.fetchone()
    if existing and existing[0] == wanted:
        return
    with db.atomic():  # a savepoint inside create_schema's transaction
        if existing:
            db.execute(f'DROP {kind.upper()} "{name}"')
        db.execute(wanted)


def _backfill_sites(db: sqlite_utils.Database) -> None:
    """``articles.site`` for a database from before the column."""
    rows = [(site_of(url), id_) for id_, url in db.execute("select id, url from articles")]
    with db.atomic():
        db.conn.executemany("update articles set site = ? where id = ?", rows)


def _backfill_days(db: sqlite_utils.Database) -> None:
    """``articles.published_day`` for a database from before the column.

    Its dates were stored as days or as timestamps cut to the publisher's
    offset or UTC; the day they begin with is the best there is without the page.
    """
    with db.atomic():
        db.execute(
            "update articles set published_day = substr(published, 1, 10)"
            " where published glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'"
        )


def _backfill_frontier(db: sqlite_utils.Database) -> None:
    """A database from before the frontier: what its pages and articles say, as ``urls``."""
    if not db.execute("select 1 from pages limit 1").fetchone():
        return
    with db.atomic():
        db.execute(
            """insert or ignore into urls (url, state, kind, status, found_via, found_at, depth,
                 fetched_at, fetches, etag, last_modified, article_id, crawl_id)
               select p.url, case when p.status < 400 then 'fetched' else 'failed' end, p.kind,
                 p.status, p.found_via, p.fetched_at, p.depth,
                 case when p.status < 400 then p.fetched_at end, 1,
                 json_extract(p.headers, '$.etag'), json_extract(p.headers, '$."last-modified"'),
                 (select a.id from articles a where a.url = p.url), p.crawl_id
               from pages p"""
        )
        db.execute(
            """insert or ignore into urls (url, state, reason, found_at, article_id)
               select canonical_url, 'alias', 'canonical', first_seen, id from articles
               where canonical_url is not null"""
        )


def open_database(
    path: str | Path, plugins: Plugins | None = None, max_bytes: int = 0
) -> sqlite_utils.Database:
    """The database at ``path``, created if new, in WAL mode, with every table in place;
    with ``max_bytes``, bounded to that size (see ``bound_size``)."""
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA busy_timeout=10000")
    enable_wal(db, 10.0)
    db.execute("PRAGMA synchronous=NORMAL")
    # One write transaction: two crawls making a new database at the same instant would
    # otherwise interleave, the second finding half the tables made ("already exists").
    with write_transaction(db):
        create_schema(db)
    try:
        fill_unspaced_index(db, progress=FillReport())  # the articles from before the index
        if plugins is not None:
            plugins.call_setup("prepare_database", db=db)  # PluginLoadError naming the plugin
        if max_bytes:
            bound_size(db, path, max_bytes)
    except BaseException:
        db.close()
        raise
    return db
