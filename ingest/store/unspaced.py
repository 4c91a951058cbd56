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
"""

from __future__ import annotations

import sqlite_utils

from ingest.words import UNSPACED

TABLE = "articles_trigram"
#: The tokenizer appeared in SQLite 3.34.0 (December 2020).
TRIGRAM_SQLITE = (3, 34, 0)


def holds_unspaced(row: str) -> str:
    """SQL: the title or text of ``row`` (new, old, articles) has a character of an
    unspaced script. NULL when both are NULL, which a trigger's WHEN takes for false."""
    pattern = f"'*[{UNSPACED}]*'"
    return f'({row}."title" GLOB {pattern} OR {row}."text" GLOB {pattern})'


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
WHEN {holds_unspaced("old")}
BEGIN
  INSERT INTO "{TABLE}" ("{TABLE}", rowid, "title", "text")
    VALUES ('delete', old.rowid, old."title", old."text");
END""",
    # A row leaves the index as it entered it (the same test of the same old values), so an
    # external-content index is never told to delete what it does not hold.
    f"{TABLE}_au": f"""CREATE TRIGGER "{TABLE}_au" AFTER UPDATE ON "articles"
WHEN (old."title" IS NOT new."title" OR old."text" IS NOT new."text"
  OR old.rowid IS NOT new.rowid) AND ({holds_unspaced("old")} OR {holds_unspaced("new")})
BEGIN
  INSERT INTO "{TABLE}" ("{TABLE}", rowid, "title", "text")
    SELECT 'delete', old.rowid, old."title", old."text" WHERE {holds_unspaced("old")};
  INSERT INTO "{TABLE}" (rowid, "title", "text")
    SELECT new.rowid, new."title", new."text" WHERE {holds_unspaced("new")};
END""",
}


def has_trigram(db: sqlite_utils.Database) -> bool:
    """Whether this SQLite has the trigram tokenizer."""
    version = db.execute("select sqlite_version()").fetchone()[0]
    return tuple(int(part) for part in version.split(".")[:3]) >= TRIGRAM_SQLITE


def create_unspaced_index(db: sqlite_utils.Database) -> None:
    """The trigram index and its triggers, made and filled from the stored articles when
    missing or defined otherwise (the scripts it covers changed): an index filled under
    one test and emptied under another would be asked to delete rows it never held.
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
            f'INSERT INTO "{TABLE}" (rowid, "title", "text")'
            f' SELECT rowid, "title", "text" FROM "articles" WHERE {holds_unspaced("articles")}'
        )
