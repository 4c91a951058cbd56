"""How an incoming article meets the stored one: versions, aliases, duplicates, clusters.

The store hands each article of a batch to ``ArticleMerge.upsert`` inside the
batch's transaction. A changed text first moves the stored one to
``article_versions`` (with a diff); an article read again through an alias (an
AMP page) does not replace what its canonical page gave; an exact copy of
another article is linked to it (``duplicate_of``, text stored once); a
near-copy joins its story's cluster (``cluster_id``, MinHash in
``ingest.store.duplicates``). Captures that come in any order (a shard's, an
archive's) go through ``ArticleMerge.place``: the newest stays the article, and an
older text becomes a version.
"""

from __future__ import annotations

import difflib
import sqlite3
from collections.abc import Callable
from typing import Any

import sqlite_utils

from ingest.article import content_hash
from ingest.store import duplicates
from ingest.store.learned import SiteBoilerplate
from ingest.urls import canonical

#: The key under which an article row may carry its text's MinHash, made by the worker.
SIGNATURE = "_signature"

# The text seen next after a time: the earliest later version, else the stored text.
_NEXT_TEXT = """
select since, title, text from (
  select first_seen as since, title, text from article_versions
  where article_id = :id and first_seen > :after
  union all
  select coalesce((select max(replaced_at) from article_versions where article_id = :id),
    first_seen), title, text from articles where id = :id)
where since > :after order by since limit 1"""
# Versions replaced after a text was first seen, though they were last seen before it.
_REPLACED_LATER = """
select id, title, text from article_versions
where article_id = ?1 and last_seen < ?2 and replaced_at > ?2"""
# The same version: its text, with no other text seen between the two spans.
_SAME_VERSION = """
select v.id from article_versions v
where v.article_id = :article_id and v.content_hash = :content_hash
and not exists (
  select 1 from article_versions o
  where o.article_id = :article_id and o.content_hash != :content_hash
  and o.first_seen > min(v.last_seen, :last_seen) and o.last_seen < max(v.first_seen, :first_seen))
order by v.id limit 1"""


class ArticleMerge:
    """Writes one article row against what is stored; ``count`` tallies each outcome."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        boilerplate: SiteBoilerplate,
        count: Callable[[str | None, str], None],
        near_duplicates: float = duplicates.DEFAULT_THRESHOLD,
    ):
        self.db = db
        self.boilerplate = boilerplate
        self.count = count
        self.near_duplicates = near_duplicates

    def upsert(self, row: dict[str, Any], since: str | None = None) -> None:
        """Insert or update; a changed text first moves the old one to article_versions.

        An article arriving again through another URL than its canonical one (an AMP
        page) does not replace the version read from the canonical page. An article
        with the very title and text of another is stored as its duplicate, text once.

        ``since`` is when the row's text was first seen: a crawl's row is seen once, at
        its ``last_seen``; a shard's row may have been seen since an earlier crawl. A
        shard's row also brings its own ``first_seen``. The stored row keeps the earliest
        first_seen and the latest last_seen, so merging shards in any order agrees.
        """
        row = dict(row)
        made = row.pop(SIGNATURE, None)  # the worker's MinHash of the text as it came
        text = row.get("text")
        old = next(
            self.db.query(
                "select url, canonical_url, title, text, content_hash, duplicate_of,"
                " first_seen, last_seen from articles where id = ?",
                [row["id"]],
            ),
            None,
        )
        row = self.boilerplate.clean(row, learn=old is None)
        if row.get("text") != text:
            made = None  # learned boilerplate left the text: its signature is made again
        if old is not None and old["content_hash"] != row["content_hash"] and old["text"]:
            # Text that differs only by boilerplate learned since is the same version.
            was = self.boilerplate.clean({**row, "text": old["text"]}, learn=False)
            if content_hash(old["title"] or "", was["text"]) == row["content_hash"]:
                old = {**old, "content_hash": row["content_hash"]}
        outlet = row.get("outlet") or row.get("site") or "(none)"
        if old is None:
            row["first_seen"] = row.get("first_seen") or row["last_seen"]
            self.count(outlet, "new")
        elif is_alias(old, row):
            self.db.conn.execute(
                "update articles set last_seen = max(last_seen, ?) where id = ?",
                [row["last_seen"], row["id"]],
            )
            self.count(outlet, "unchanged")
            return
        else:
            row["first_seen"] = earliest(old["first_seen"], row.get("first_seen"))
            row["last_seen"] = max(old["last_seen"] or "", row["last_seen"])
            if old["content_hash"] == row["content_hash"]:
                self.count(outlet, "unchanged")
                if old["duplicate_of"]:
                    row["text"], row["duplicate_of"] = None, old["duplicate_of"]
                self.db["articles"].upsert(row, pk="id", alter=True)
                return
            self.count(outlet, "updated")
            self._keep_version(old, row, since or row["last_seen"])
            if not old["duplicate_of"]:
                # Its exact copies keep the text they were copies of, as originals now.
                self.db.conn.execute(
                    "update articles set text = ?, duplicate_of = null where duplicate_of = ?",
                    [old["text"], row["id"]],
                )
        original = self.db.execute(
            "select id from articles where content_hash = ? and id != ? and duplicate_of is null"
            " order by rowid limit 1",
            [row["content_hash"], row["id"]],
        ).fetchone()
        row["duplicate_of"] = original[0] if original else None
        if original:
            row["text"] = None
            self.count(outlet, "duplicates")
        self.db["articles"].upsert(row, pk="id", alter=True)
        if original:
            self._drop_signature(row["id"])
            self._join_cluster(row["id"], [original[0]])
        elif self.near_duplicates:
            self._cluster(row["id"], row.get("text"), made)

    def _keep_version(self, old: dict[str, Any], row: dict[str, Any], replaced_at: str) -> None:
        """The stored text as a version, first seen when it replaced the one before it."""
        text = old["text"]
        if text is None and old["duplicate_of"]:
            found = self.db.execute(
                "select text from articles where id = ?", [old["duplicate_of"]]
            ).fetchone()
            text = found[0] if found else None
        self.db["article_versions"].insert(
            {
                "article_id": row["id"],
                "title": old["title"],
                "text": text,
                "content_hash": old["content_hash"],
                "first_seen": text_since(self.db, row["id"]) or old["first_seen"],
                "last_seen": old["last_seen"],
                "replaced_at": replaced_at,
                "diff": text_diff(old["title"], text, row.get("title"), row.get("text")),
                "crawl_id": row.get("crawl_id"),
            }
        )

    # -- captures in any order (a shard's, an archive's) -----------------------

    def place(self, row: dict[str, Any], since: str | None = None) -> None:
        """A capture that may be older than the stored one: the newest capture stays the
        article. An older text becomes a version, replaced by the text seen next; an older
        capture of the stored text leaves the newer row (its run, extractor, metadata) as it
        is, but for when the article was first seen. A newer capture is ``upsert``.

        A crawl's capture is the newest (seen now), and a re-extraction's text is the
        newest though its row is dated by the page's fetch: both ``upsert``."""
        since = since or row.get("first_seen") or row["last_seen"]
        stored = self.db.execute(
            "select last_seen, content_hash from articles where id = ?", [row["id"]]
        ).fetchone()
        if not self._is_past(row, stored):
            self.upsert(row, since)
            return
        row = self.boilerplate.clean(row, learn=False)  # as upsert stores a text
        row.pop(SIGNATURE, None)
        if stored[1] != row["content_hash"]:
            self._older_text(row, since)
        self._seen_first(row, since)

    def _is_past(self, row: dict[str, Any], stored: tuple[str, str] | None) -> bool:
        """The stored row is a newer capture (``stored``: its last_seen and content hash):
        seen later, or seen as late with another text that replaced this one already (a
        re-extraction's text and the one it replaced share their fetch time)."""
        if stored is None or stored[0] < row["last_seen"]:
            return False
        if stored[0] > row["last_seen"]:
            return True
        return stored[1] != row["content_hash"] and self._replaced(row["id"], row["content_hash"])

    def _replaced(self, article_id: str, digest: str) -> bool:
        found = self.db.execute(
            "select 1 from article_versions where article_id = ? and content_hash = ?",
            [article_id, digest],
        ).fetchone()
        return found is not None

    def _older_text(self, row: dict[str, Any], since: str) -> None:
        """A text older than the stored one becomes a version, replaced by the text seen
        next; the version before it (if it was seen before this) is now replaced by it."""
        aid = row["id"]
        nxt = self.db.execute(_NEXT_TEXT, {"id": aid, "after": row["last_seen"]}).fetchone()
        replaced_at, title, text = nxt if nxt else (None, None, None)
        self.add_version(
            {
                "article_id": aid,
                "title": row["title"],
                "text": row["text"],
                "content_hash": row["content_hash"],
                "first_seen": since,
                "last_seen": row["last_seen"],
                "replaced_at": replaced_at,
                "diff": text_diff(row["title"], row["text"], title, text) if nxt else None,
                "crawl_id": row["crawl_id"],
            }
        )
        for vid, old_title, old_text in self.db.execute(_REPLACED_LATER, [aid, since]).fetchall():
            diff = text_diff(old_title, old_text, row["title"], row["text"])
            self.db.execute(
                "update article_versions set replaced_at = ?, diff = ? where id = ?",
                [since, diff, vid],
            )

    def _seen_first(self, row: dict[str, Any], since: str) -> None:
        """The stored article was first seen as early as the older capture was."""
        self.db.execute(
            "update articles set first_seen = min(first_seen, ?) where id = ?",
            [row.get("first_seen") or since, row["id"]],
        )

    def add_version(self, row: dict[str, Any]) -> None:
        """A version is stored once: met again (from another shard), its span widens."""
        known = self.db.execute(_SAME_VERSION, row).fetchone()
        if not known:
            self.db["article_versions"].insert(row)
            return
        self.db.execute(
            "update article_versions set first_seen = min(first_seen, :first_seen),"
            " last_seen = max(last_seen, :last_seen),"
            " replaced_at = coalesce(min(replaced_at, :replaced_at), replaced_at, :replaced_at),"
            " diff = coalesce(diff, :diff) where id = :id",
            {**row, "id": known[0]},
        )

    # -- near-duplicates -------------------------------------------------------

    def _drop_signature(self, article_id: str) -> None:
        self.db.execute("delete from article_lsh where article_id = ?", [article_id])
        self.db.execute("delete from article_minhash where article_id = ?", [article_id])

    def _cluster(self, article_id: str, text: str | None, made: bytes | None = None) -> None:
        """Index the article's MinHash (``made`` by the worker, else here) and join the
        cluster of the stories it matches."""
        self._drop_signature(article_id)
        sig = duplicates.as_signature(made) if made else duplicates.signature(text)
        if sig is None:
            return
        keys = duplicates.band_keys(sig)
        marks = ",".join("?" * len(keys))
        candidates = [
            r[0]
            for r in self.db.execute(
                f"select distinct article_id from article_lsh where key in ({marks})", keys
            )
        ]
        matches = []
        if candidates:
            marks = ",".join("?" * len(candidates))
            for other, blob in self.db.execute(
                f"select article_id, signature from article_minhash where article_id in ({marks})",
                candidates,
            ):
                if duplicates.similarity(sig, blob) >= self.near_duplicates:
                    matches.append(other)
        self.db.execute(
            "insert into article_minhash (article_id, signature) values (?, ?)",
            [article_id, sig.tobytes()],
        )
        self.db.conn.executemany(
            "insert into article_lsh (key, article_id) values (?, ?)",
            [(key, article_id) for key in keys],
        )
        if matches:
            self._join_cluster(article_id, matches)

    def _join_cluster(self, article_id: str, matches: list[str]) -> None:
        """Put the article and its matches in one cluster, merging theirs; named by the oldest."""
        members = [article_id, *matches]
        marks = ",".join("?" * len(members))
        rows = self.db.execute(
            f"select id, cluster_id from articles where id in ({marks}) order by first_seen, rowid",
            members,
        ).fetchall()
        if not rows:
            return
        clusters = [c for _, c in rows if c]
        target = clusters[0] if clusters else rows[0][0]
        merged = sorted(set(clusters) - {target})
        self.db.execute(
            f"update articles set cluster_id = ? where id in ({marks}) and cluster_id is not ?",
            [target, *members, target],
        )
        if merged:
            marks = ",".join("?" * len(merged))
            self.db.execute(
                f"update articles set cluster_id = ? where cluster_id in ({marks})",
                [target, *merged],
            )
        self.count(None, "clustered")


def earliest(*times: str | None) -> str | None:
    """The earliest of the times given, ignoring the missing."""
    return min((t for t in times if t), default=None)


def text_since(db: sqlite_utils.Database | sqlite3.Connection, article_id: str) -> str | None:
    """When the article's stored text was first seen: when it replaced the latest version,
    else (None here) when the article was."""
    found = db.execute(
        "select max(replaced_at) from article_versions where article_id = ?", [article_id]
    ).fetchone()
    return found[0]


def is_alias(old: dict[str, Any], row: dict[str, Any]) -> bool:
    """The stored version came from the article's canonical page, the new one from elsewhere."""
    if old["url"] == row.get("url"):
        return False
    # canonical() again: a row stored before the spelling took Scrapy's escapes says
    # /a[1] where the URL fetched says /a%5B1%5D.
    stored_canonical = canonical(old["canonical_url"] or old["url"])
    incoming_canonical = canonical(row.get("canonical_url") or row["url"])
    return canonical(old["url"]) == stored_canonical and canonical(row["url"]) != (
        incoming_canonical
    )


def text_diff(
    old_title: str | None, old_text: str | None, new_title: str | None, new_text: str | None
) -> str:
    """What changed, line by line: the title first, then the text's paragraphs (unified diff)."""
    lines = []
    if (old_title or "") != (new_title or ""):
        lines += [f"-title: {old_title or ''}", f"+title: {new_title or ''}"]
    body = difflib.unified_diff(
        (old_text or "").split("\n"), (new_text or "").split("\n"), lineterm="", n=0
    )
    lines += list(body)[2:]  # without the ---/+++ file header
    return "\n".join(lines)
