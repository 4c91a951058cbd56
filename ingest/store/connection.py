"""How ingest holds a SQLite connection: WAL switched on though another process makes the
same new file, a size bound, and write transactions that wait for the lock."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils


def enable_wal(db: sqlite_utils.Database, wait: float) -> None:
    """WAL mode, waiting up to ``wait`` s for another process making the same new file:
    SQLite refuses that switch at once ("database is locked"), busy timeout or not."""
    deadline = time.monotonic() + wait
    while True:
        try:
            db.enable_wal()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
        time.sleep(0.05)


def read_only_uri(path: str | Path) -> str:
    """The URI that opens the database for reading. SQLite reads a WAL database through a
    ``-shm`` file it makes beside it, which a read-only folder (a shared dataset's mount)
    does not let it make: every command that reads ended "attempt to write a readonly
    database". A folder nobody may write (a read-only file system, or no write bit for
    anyone), with no write-ahead log waiting, holds a file nothing changes: it is opened
    as immutable. A folder only others may write is read as any other, as it may change."""
    target = Path(path).resolve()
    wal = target.with_name(target.name + "-wal")
    if unwritable_by_anyone(target.parent) and not (wal.exists() and wal.stat().st_size):
        return target.as_uri() + "?immutable=1"
    return target.as_uri() + "?mode=ro"


def unwritable_by_anyone(folder: Path) -> bool:
    """No user but root may make a file in the folder."""
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return True
        return not folder.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    except OSError:
        return False


def bound_reached(path: str | Path) -> bool:
    """A database bounded in size that SQLite calls full met its bound, not a full disk:
    the disk beside it still has room (a megabyte or more)."""
    try:
        return shutil.disk_usage(Path(path).resolve().parent).free >= 1 << 20
    except OSError:
        return False


class PastSizeBound(ValueError):
    """The database is already larger than the size it was bounded to."""


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """One write transaction, begun IMMEDIATE: it takes the write lock before its first read,
    so while another connection writes it waits (the busy timeout) instead of failing.

    sqlite-utils' ``atomic`` begins DEFERRED: the transaction reads first, and SQLite refuses
    its first write at once, whatever the busy timeout, while another connection holds the
    lock; a user's one-row insert would stop a crawl. Inside a transaction, a savepoint.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
        db.execute("COMMIT")
    except BaseException:
        if db.conn.in_transaction:  # else an error ended it already
            db.execute("ROLLBACK")
        raise


def bound_size(db: sqlite_utils.Database, path: str | Path, max_bytes: int) -> None:
    """Let the database grow no further than ``max_bytes``: past it SQLite refuses writes
    ("database or disk is full"). A bound below its size now is ``PastSizeBound``: SQLite
    would quietly take the size it has for the bound, and a crawl would fetch on until
    some later write, then stop saying only that the disk is full."""
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    size = page_size * db.execute("PRAGMA page_count").fetchone()[0]
    if max_bytes < size:
        raise PastSizeBound(
            f"INGEST_DB_MAX_BYTES={max_bytes} is below the size of {path}: {size:,} bytes already"
        )
    db.execute(f"PRAGMA max_page_count = {max_bytes // page_size}")
