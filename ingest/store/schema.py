"""The SQLite schema: every table, column description, index and view, and opening a database.

``DESCRIPTIONS`` is the one description of the tables and columns: the docs,
Datasette's metadata and a test read it, so a new column is described where it
is created.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from ingest.health import COUNTERS
from ingest.plugins import Plugins
from ingest.urls import site_of

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
            "resumed_from": "The interrupted run this one resumed (`crawl --resume`), if any",
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
            "site": "The site's host name (without www., with the port if not the default)",
            "title": "Headline, without the site's name",
            "authors": "Author names (JSON list)",
            "published": "Publication date (ISO 8601)",
            "published_source": (
                "Where the publication date came from: json-ld, meta, feed or sitemap (the entry "
                "that listed the page), time, url or htmldate"
            ),
            "modified": "Last modification date (ISO 8601)",
            "language": "ISO 639-1 language code",
            "sitename": "The site's name",
            "description": "The page's summary (meta description)",
            "image": "The lead image URL",
            "tags": "Tags and categories (JSON list)",
            "text": "The article's text, one paragraph per line; empty for an exact duplicate",
            "word_count": "Words in the text",
            "content_hash": "Changes when title or text change",
            "duplicate_of": "The article with the very same title and text, stored first",
            "cluster_id": "The same story elsewhere: id of the cluster's first article",
            "outlet_version": "Version of the outlet rules that applied",
            "extractor": "The extraction library and its version",
            "plugins": "Plugins that produced or changed the article (JSON list)",
            "provenance": "Which plugin last set each field (JSON object)",
            "first_seen": "When the article was first stored",
            "last_seen": "When the article was last fetched (or confirmed unchanged by a 304)",
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
            "last_seen": "When this version was last seen",
            "replaced_at": "When a newer version replaced it",
            "diff": "What the newer version changed: title, then the text's lines (unified diff)",
            "crawl_id": "The run that found the newer version",
        },
    },
    "errors": {
        "description": "Everything that failed, where and why; the crawl went on.",
        "columns": {
            "id": "Row number",
            "crawl_id": "The run",
            "url": "The page concerned",
            "stage": (
                "fetch, load (a plugin), classify, extract, clean, normalize or store (an "
                "article the database refused)"
            ),
            "plugin": "The plugin that raised, if one did",
            "kind": (
                "Error kind: http_404, timeout, too_deep, robots_disallowed, captcha "
                "(a challenge page), an exception"
            ),
            "message": "What went wrong",
            "traceback": "Python traceback, for plugin errors",
            "at": "When (UTC)",
        },
    },
    "urls": {
        "description": (
            "The crawl frontier: every URL a crawl found, how and when, and what became of it."
        ),
        "columns": {
            "url": "The URL (canonical: tracking parameters and AMP spellings removed)",
            "outlet": "Its outlet (a plugin's name) or site (host name)",
            "state": (
                "queued (found, to fetch), fetched, failed, blocked, robots (disallowed), "
                "skipped (before --since), alias (an article's canonical URL)"
            ),
            "reason": (
                "Why: changed (a feed or sitemap date is newer), refresh, max_pages, old, "
                "not_modified, captcha, http_404, canonical..."
            ),
            "kind": "html, feed, sitemap or other, as last fetched",
            "status": "Last HTTP status (304: not modified)",
            "found_via": "How it was first found: seed, feed URL, sitemap URL, robots or page",
            "found_at": "When it was first found (UTC)",
            "depth": "Links followed from a seed to reach it",
            "lastmod": "The latest date a feed or sitemap gave for it",
            "published": "Its publication date, from a feed, sitemap or the article",
            "fetched_at": "When it was last fetched with an answer (200 or 304)",
            "fetches": "How many times it was requested",
            "etag": "ETag of the last full answer, for If-None-Match",
            "last_modified": "Last-Modified of the last full answer, for If-Modified-Since",
            "article_id": "The article stored from it",
            "crawl_id": "The run that fetched or tried it last",
        },
    },
    "crawl_health": {
        "description": "Per crawl and outlet: fetched, stored, skipped, blocked, failed.",
        "columns": {
            "crawl_id": "The run",
            "outlet": "The outlet (a plugin's name) or site (host name)",
            "pages": "Pages fetched and stored (status 200)",
            "not_modified": "Conditional requests answered 304 Not Modified: nothing extracted",
            "new": "Articles stored for the first time",
            "updated": "Articles whose text or title changed (the old one is in article_versions)",
            "unchanged": "Articles fetched again (or answered 304) with the same content",
            "duplicates": "New articles identical to one stored under another URL",
            "skipped_unchanged": (
                "URLs not fetched again: articles held and unchanged per feeds and sitemaps, "
                "child sitemaps not modified since their last fetch"
            ),
            "skipped_old": "URLs not fetched or not stored: dated before --since",
            "errors": "Errors of every kind",
            "blocked": "Refusals: HTTP 401, 403, 429, 451, and captcha or bot-check pages",
            "robots_disallowed": "Requests robots.txt forbade",
            "error_kinds": "Errors by kind (JSON object)",
        },
    },
    "site_lines": {
        "description": "Short text lines counted per site: those on many articles are boilerplate.",
        "columns": {
            "site": "The site (host name without www.)",
            "line_hash": "Hash of the line, case and punctuation ignored",
            "line": "The line as first seen",
            "articles": "Articles of the site whose text had the line when first stored",
            "first_seen": "When it was first seen",
        },
    },
    "article_minhash": {
        "description": "MinHash signature of each article's text, to find near-duplicates.",
        "columns": {
            "article_id": "The article",
            "signature": "128 32-bit minimum hashes of the text's word 3-shingles",
        },
    },
    "article_lsh": {
        "description": "LSH buckets of MinHash signatures: articles sharing a key are compared.",
        "columns": {
            "key": "One band of the signature, hashed",
            "article_id": "The article",
        },
    },
}

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


#: Columns added after a table first shipped: older databases get them on open.
_ADDED_COLUMNS = {
    "crawls": {"resumed_from": int},
    "articles": {"site": str, "published_source": str, "duplicate_of": str, "cluster_id": str},
    "article_versions": {"last_seen": str, "diff": str, "crawl_id": int},
}


def create_schema(db: sqlite_utils.Database) -> None:
    had_frontier = "urls" in db.table_names()
    db["crawls"].create(
        {
            "id": int,
            "command": str,
            "started_at": str,
            "finished_at": str,
            "seeds": str,
            "settings": str,
            "stats": str,
            "resumed_from": int,
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
            "site": str,
            "title": str,
            "authors": str,
            "published": str,
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
    for table, columns in {
        "articles": [
            ["outlet"],
            ["published"],
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
    for name, sql in VIEWS.items():
        _create_view(db, name, sql.strip())
    if not had_frontier:
        _backfill_frontier(db)


def _create_view(db: sqlite_utils.Database, name: str, sql: str) -> None:
    """Create the view, or replace it when an older ingest defined it differently."""
    wanted = f"CREATE VIEW {name} AS {sql}"
    row = db.execute("select sql from sqlite_master where type = 'view' and name = ?", [name])
    existing = row.fetchone()
    if existing and existing[0] == wanted:
        return
    with db.conn:
        if existing:
            db.execute(f"DROP VIEW {name}")
        db.execute(wanted)


def _backfill_sites(db: sqlite_utils.Database) -> None:
    """``articles.site`` for a database from before the column."""
    rows = [(site_of(url), id_) for id_, url in db.execute("select id, url from articles")]
    with db.conn:
        db.conn.executemany("update articles set site = ? where id = ?", rows)


def _backfill_frontier(db: sqlite_utils.Database) -> None:
    """A database from before the frontier: what its pages and articles say, as ``urls``."""
    if not db.execute("select 1 from pages limit 1").fetchone():
        return
    with db.conn:
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
