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


def test_a_batch_written_on_the_second_try_is_counted_once(tmp_path):
    """Storing an article counts it as new; a batch that fails half-way is not counted twice."""
    path = tmp_path / "count.db"
    store = Store(path, batch_size=1000)
    crawl_id = store.start_crawl("crawl", [], {})
    # the second article's insert fails, after the first one was stored and counted
    store.db.execute(
        "create trigger trouble before insert on articles when new.id = 'a2'"
        " begin select raise(abort, 'disk trouble'); end"
    )
    for n in (1, 2):
        article = {
            "id": f"a{n}",
            "url": f"https://a.example/{n}",
            "title": f"Title {n}",
            "text": f"Some text of article {n}.",
            "content_hash": f"h{n}",
            "outlet": "a.example",
        }
        store.add_article(article, crawl_id, "2024-03-01T00:00:00")
    with pytest.raises(sqlite3.IntegrityError):
        store.flush()
    store.db.execute("drop trigger trouble")
    store.flush()
    assert store.counts["new"] == 2
    store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("select count(*) from articles").fetchone() == (2,)
        query = "select sum(new) from crawl_health where crawl_id = ?"
        assert conn.execute(query, [crawl_id]).fetchone() == (2,)
