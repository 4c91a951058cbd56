"""A second full-text index, by trigrams, for articles in scripts written without spaces.

``articles_fts`` cuts text into words at spaces and punctuation (unicode61), so a Chinese,
Japanese or Thai clause is one "word" there and a search for a word inside it finds
nothing. ``articles_trigram`` indexes every run of three characters instead, so any
substring of three or more can be found; ``ingest.query.unspaced`` searches it.

It holds only the articles whose title or text has a character of such a script: a
trigram index is several times the size of its text, and a story in English gains nothing
from it. The test is on the characters, not on the ``language`` column, because a page may
declare the wrong language (an English template around a Chinese story) and a story in one
language may quote names in another. The same test decides in every trigger, as a GLOB that
needs no function of ours, so the index stays right whoever writes to ``articles``: a crawl,
``ingest reextract``, a merge of shards, or sqlite3 by hand.

Never ``INSERT ... VALUES('rebuild')`` into it: that indexes every article of the content
table, English ones included, and their later deletes would then corrupt the index.

The index is made in the schema's transaction, table and triggers only: from then on every
new or changed article is indexed as it is written. The articles stored before it are added
afterwards by ``fill_unspaced_index``, some hundreds at a time, each batch its own short
write transaction: reading every text of a large database for the test takes a minute,
and a crawl or another command must not wait that long for the write lock. What is left to
add is kept in ``articles_trigram_pending`` (the next rowid and the last), so an interrupted
filling goes on where it stopped at the next opening to write; until it is done, a search
says that older articles may be missing.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

import sqlite_utils

from ingest.store.connection import write_transaction
from ingest.words import UNSPACED

TABLE = "articles_trigram"
#: The rows of ``articles`` stored before the index, not yet added to it: one row, if any.
PENDING = f"{TABLE}_pending"
#: Articles read for the test in each transaction of the filling: a second's work at most
#: for long texts in Chinese, well within another writer's busy timeout.
CHUNK = 500
#: Seconds the lock is left free between two chunks. A writer waiting for it (SQLite's busy
#: timeout) tries again every 100 ms at most: a chunk begun at once after the last would
#: take the lock before it, chunk after chunk, until the filling ended or its timeout did.
PAUSE = 0.12
#: The tokenizer appeared in SQLite 3.34.0 (December 2020).
TRIGRAM_SQLITE = (3, 34, 0)


def holds_unspaced(row: str) -> str:
    """SQL: the title or text of ``row`` (new, old, articles) has a character of an
    unspaced script. NULL when both are NULL, which a trigger's WHEN takes for false."""
    pattern = f"'*[{UNSPACED}]*'"
    return f'({row}."title" GLOB {pattern} OR {row}."text" GLOB {pattern})'


#: SQL: the index holds the old row (FTS5 keeps one ``_docsize`` row for each it holds).
INDEXED = f'old.rowid IN (SELECT id FROM "{TABLE}_docsize")'

CREATE = f"""CREATE VIRTUAL TABLE "{TABLE}" USING FTS5 (
  "title", "text", content="articles", tokenize="trigram"
)"""

TRIGGERS = {
    f"{TABLE}_ai": f"""CREATE TRIGGER "{TABLE}_ai" AFTER INSERT ON "articles"
WHEN {holds_unspaced("new")}
BEGIN
  INSERT INTO "{TABLE}" (rowid, "title", "text") VALUES (new.rowid, new."title", new."text");
END""",
    f"{TABLE}_ad": f"""CREATE TRIGGER "{TABLE}_ad" AFTER DELETE ON "articles"
WHEN {INDEXED}
BEGIN
  INSERT INTO "{TABLE}" ("{TABLE}", rowid, "title", "text")
    VALUES ('delete', old.rowid, old."title", old."text");
END""",
    # A row leaves the index only if the index holds it (an article stored before the index
    # may not be in it yet), so an external-content index is never told to delete what it
    # does not hold.
    f"{TABLE}_au": f"""CREATE TRIGGER "{TABLE}_au" AFTER UPDATE ON "articles"
WHEN (old."title" IS NOT new."title" OR old."text" IS NOT new."text"
  OR old.rowid IS NOT new.rowid) AND ({INDEXED} OR {holds_unspaced("new")})
BEGIN
  INSERT INTO "{TABLE}" ("{TABLE}", rowid, "title", "text")
    SELECT 'delete', old.rowid, old."title", old."text" WHERE {INDEXED};
  INSERT INTO "{TABLE}" (rowid, "title", "text")
    SELECT new.rowid, new."title", new."text" WHERE {holds_unspaced("new")};
END""",
}


def sqlite_version(conn: Any) -> tuple[int, ...]:
    """The version of SQLite behind a connection (sqlite3 or sqlite-utils), as numbers."""
    version = conn.execute("select sqlite_version()").fetchone()[0]
    return tuple(int(part) for part in version.split(".")[:3])


def has_trigram(conn: Any) -> bool:
    """Whether the SQLite behind a connection (sqlite3 or sqlite-utils) has the trigram
    tokenizer."""
    return sqlite_version(conn) >= TRIGRAM_SQLITE


def create_unspaced_index(db: sqlite_utils.Database) -> None:
    """The trigram index and its triggers, made when missing or defined otherwise (the
    scripts it covers changed): an index filled under one test and emptied under another
    would be asked to delete rows it never held. A new index is empty: the articles stored
    until now are marked pending, for ``fill_unspaced_index`` once this transaction is over.
    Without the tokenizer there is none, and searches read the articles instead."""
    if not has_trigram(db):
        return
    marks = ", ".join("?" * len(TRIGGERS))
    found = dict(
        db.execute(
            f"select name, sql from sqlite_master where type = 'trigger' and name in ({marks})",
            list(TRIGGERS),
        ).fetchall()
    )
    if TABLE in db.table_names() and found == TRIGGERS:
        return
    with db.atomic():  # a savepoint inside create_schema's transaction
        for name in TRIGGERS:
            db.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        db.execute(f'DROP TABLE IF EXISTS "{TABLE}"')
        db.execute(CREATE)
        for sql in TRIGGERS.values():
            db.execute(sql)
        db.execute(
            f'CREATE TABLE IF NOT EXISTS "{PENDING}" '
            "(next_rowid INTEGER NOT NULL, last_rowid INTEGER NOT NULL)"
        )
        db.execute(f'DELETE FROM "{PENDING}"')
        db.execute(
            f'INSERT INTO "{PENDING}" (next_rowid, last_rowid) SELECT * FROM'
            ' (SELECT min(rowid) AS first, max(rowid) AS last FROM "articles")'
            " WHERE last IS NOT NULL"
        )


def pending(db: sqlite_utils.Database) -> tuple[int, int] | None:
    """The rowids of the articles not yet added to the index (from, to), or None."""
    if PENDING not in db.table_names():
        return None
    row = db.execute(f'SELECT next_rowid, last_rowid FROM "{PENDING}"').fetchone()
    return (row[0], row[1]) if row else None


def fill_unspaced_index(
    db: sqlite_utils.Database,
    chunk: int = CHUNK,
    progress: Callable[[int, int], None] | None = None,
    pause: float = PAUSE,
) -> int:
    """Add to the index the articles stored before it, ``chunk`` at a time, each chunk in its
    own write transaction and ``pause`` seconds between them, so other writers take turns
    with it; ``progress(done, total)`` after each. Safe to interrupt (it goes on from the
    next chunk) and to run in two processes at once. Returns how many articles it read."""
    if (left := pending(db)) is None:
        return 0
    total = db.execute(
        'SELECT count(*) FROM "articles" WHERE rowid BETWEEN ? AND ?', list(left)
    ).fetchone()[0]
    done = 0
    while True:
        with write_transaction(db):
            left = pending(db)  # read again under the lock: another process may have gone on
            if left is None:
                return done
            start, last = left
            end = db.execute(
                'SELECT rowid FROM "articles" WHERE rowid BETWEEN ? AND ?'
                " ORDER BY rowid LIMIT 1 OFFSET ?",
                [start, last, chunk - 1],
            ).fetchone()
            stop = end[0] if end else last
            db.execute(
                f'INSERT INTO "{TABLE}" (rowid, "title", "text")'
                f' SELECT rowid, "title", "text" FROM "articles"'
                f" WHERE rowid BETWEEN ? AND ? AND {holds_unspaced('articles')}"
                f' AND rowid NOT IN (SELECT id FROM "{TABLE}_docsize")',  # a trigger's already
                [start, stop],
            )
            done += db.execute(
                'SELECT count(*) FROM "articles" WHERE rowid BETWEEN ? AND ?', [start, stop]
            ).fetchone()[0]
            if stop >= last:
                db.execute(f'DELETE FROM "{PENDING}"')
            else:
                db.execute(f'UPDATE "{PENDING}" SET next_rowid = ?', [stop + 1])
        if progress is not None:
            progress(done, total)
        if stop >= last:
            return done
        time.sleep(pause)


class FillReport:
    """``progress`` for ``fill_unspaced_index``: a line on stderr every few seconds, once
    the filling has taken more than a moment (a small database says nothing)."""

    def __init__(self, every: float = 5.0) -> None:
        self.every = every
        self.started = self.said = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.said < self.every and not (done >= total and self.said > self.started):
            return
        self.said = now
        state = "done" if done >= total else "an interruption goes on from there next time"
        print(
            f"indexing older articles for Chinese, Japanese and Thai search: {done:,} of "
            f"{total:,} read ({now - self.started:.0f} s; {state})",
            file=sys.stderr,
        )
