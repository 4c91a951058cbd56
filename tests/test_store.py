"""The store's batches: what a failed commit keeps."""

import sqlite3

import pytest

from ingest.store import Store


def test_a_batch_that_fails_to_commit_stays_buffered(tmp_path):
    """A locked database delays a batch; it is written on the next flush, not dropped."""
    path = tmp_path / "busy.db"
    store = Store(path, batch_size=1000)
    store.db.execute("PRAGMA busy_timeout=0")
    store.add_page({"url": "https://a.example/1", "kind": "html", "status": 200, "body": b"x"})
    blocker = sqlite3.connect(path, timeout=0)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        with pytest.raises(sqlite3.OperationalError):
            store.flush()
    finally:
        blocker.rollback()
        blocker.close()
    store.flush()
    store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("select url from pages").fetchall() == [("https://a.example/1",)]
