"""The store's batches: what a failed commit keeps; databases from older versions open."""

import multiprocessing
import sqlite3
import time

import pytest
import sqlite_utils

from ingest.store.schema import open_database
from ingest.store.writer import Store

from conftest import rows


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


def article(n: int, **fields) -> dict:
    return {
        "id": f"a{n}",
        "url": f"https://a.example/{n}",
        "title": f"Title {n}",
        "text": f"Some text of article {n}.",
        "content_hash": f"h{n}",
        "outlet": "a.example",
        **fields,
    }


def test_an_article_the_database_refuses_becomes_an_error_and_the_rest_is_stored(tmp_path):
    """A plugin's odd value must not hold back its batch, nor every batch after it."""
    path = tmp_path / "refused.db"
    store = Store(path, batch_size=1000)
    crawl_id = store.start_crawl("crawl", [], {})
    store.add_page({"url": "https://a.example/2", "kind": "html", "status": 200, "body": b"x"})
    store.add_article(article(1), crawl_id, "2024-03-01T00:00:00")
    store.add_article(article(2, published={"2024-03-01"}), crawl_id, "2024-03-01T00:00:00")
    store.flush()
    store.add_article(article(3), crawl_id, "2024-03-01T00:00:00")
    store.add_article(article(4, tags={"a set"}), crawl_id, "2024-03-01T00:00:00")
    store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("select id from articles order by id").fetchall() == [("a1",), ("a3",)]
        assert conn.execute("select url from pages").fetchall() == [("https://a.example/2",)]
        refused = conn.execute("select url, stage, message from errors order by id").fetchall()
        assert [(url, stage) for url, stage, _ in refused] == [
            ("https://a.example/2", "store"),
            ("https://a.example/4", "store"),
        ]
        assert all(m.startswith("the database refused the article") for _, _, m in refused)


def test_a_batch_written_on_the_second_try_is_counted_once(tmp_path):
    """Storing an article counts it; a batch that fails half-way is not counted twice."""
    path = tmp_path / "count.db"
    store = Store(path, batch_size=1000)
    crawl_id = store.start_crawl("crawl", [], {})
    # the second article's insert fails, after the first one was stored and counted
    store.db.execute(
        "create trigger trouble before insert on articles when new.id = 'a2'"
        " begin select raise(abort, 'disk trouble'); end"
    )
    for n in (1, 2):
        store.add_article(article(n), crawl_id, "2024-03-01T00:00:00")
    store.flush()
    assert (store.counts["new"], store.counts["errors"]) == (1, 1)
    store.close()
    with sqlite3.connect(path) as conn:
        query = "select sum(new), sum(errors) from crawl_health where crawl_id = ?"
        assert conn.execute(query, [crawl_id]).fetchone() == (1, 1)
        assert conn.execute("select kind from errors").fetchall() == [("IntegrityError",)]


def test_a_database_from_before_published_day_opens_with_its_days_filled_in(tmp_path):
    columns = open_database(tmp_path / "new.db")["articles"].columns_dict
    old = sqlite_utils.Database(tmp_path / "old.db")
    old["articles"].create({k: v for k, v in columns.items() if k != "published_day"}, pk="id")
    old["articles"].insert_all(
        [
            {"id": "a", "url": "https://x.example/a", "published": "2024-03-01T23:30:00-05:00"},
            {"id": "b", "url": "https://x.example/b", "published": "2024-02-29"},
            {"id": "c", "url": "https://x.example/c", "published": None},
        ]
    )
    old.conn.close()
    open_database(tmp_path / "old.db").conn.close()
    assert rows(tmp_path / "old.db", "select id, published_day from articles order by id") == [
        ("a", "2024-03-01"),
        ("b", "2024-02-29"),
        ("c", None),
    ]


def test_the_full_text_index_follows_title_and_text_and_nothing_else(tmp_path):
    path = tmp_path / "fts.db"
    db = open_database(path)
    article = {"id": "a", "url": "https://n.example/a", "title": "Harbour vote"}
    db["articles"].insert({**article, "text": "Ferries stay.", "last_seen": "1"}, alter=True)

    def matches(word: str) -> list:
        return [
            r[0]
            for r in db.execute("select rowid from articles_fts where articles_fts match ?", [word])
        ]

    def fts_changes(sql: str) -> int:
        before = db.conn.total_changes
        db.execute(sql)
        return db.conn.total_changes - before

    # a column the index does not hold: one row changed, the index left alone
    assert fts_changes("update articles set last_seen = '2' where id = 'a'") == 1
    # the same text written again (as an upsert does): still not re-indexed
    assert fts_changes("update articles set text = 'Ferries stay.' where id = 'a'") == 1
    # a new text: the old words leave the index, the new ones enter it
    assert fts_changes("update articles set text = 'Bridges open.' where id = 'a'") > 1
    assert matches("ferries") == [] and matches("bridges") == [1] and matches("harbour") == [1]
    db.execute("update articles set title = 'Tunnel vote' where id = 'a'")
    assert matches("harbour") == [] and matches("tunnel") == [1]
    db.close()


def test_an_older_databases_index_trigger_is_replaced_on_opening(tmp_path):
    path = tmp_path / "old.db"
    db = open_database(path)
    db.execute('DROP TRIGGER "articles_au"')
    db["articles"].disable_fts()
    db["articles"].enable_fts(["title", "text"], create_triggers=True)  # as ingest did before
    db.close()
    db = open_database(path)
    [(sql,)] = db.execute("select sql from sqlite_master where name = 'articles_au'").fetchall()
    assert 'WHEN old."title" IS NOT new."title"' in sql
    db.close()


def open_at(path, start: float, outcomes) -> None:
    while time.time() < start:  # all at the same instant
        pass
    try:
        open_database(path).close()
        outcomes.put("opened")
    except sqlite3.Error as exc:
        outcomes.put(str(exc))


def test_processes_making_a_new_database_at_the_same_instant_all_open_it(tmp_path):
    """Two crawls started together on a new --db both make its tables. Made one statement
    at a time, they interleaved: a crawl found half of them made ("table ... already
    exists", "database is locked") and was refused. Made in one transaction, the later
    waits, then finds them all."""
    open_database(tmp_path / "alone.db").close()
    schema = rows(tmp_path / "alone.db", "select type, name, sql from sqlite_master order by 2")
    fork = multiprocessing.get_context("fork")
    for attempt in range(10):
        path = tmp_path / f"new-{attempt}.db"
        outcomes = fork.Queue()
        start = time.time() + 0.3
        processes = [fork.Process(target=open_at, args=(path, start, outcomes)) for _ in "abc"]
        for process in processes:
            process.start()
        for process in processes:
            process.join(timeout=60)
        assert [outcomes.get(timeout=5) for _ in processes] == ["opened"] * 3
        assert rows(path, "select type, name, sql from sqlite_master order by 2") == schema
