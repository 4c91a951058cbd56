"""The articles stored before the trigram index are added to it after the schema's write
transaction, a chunk at a time, each chunk its own transaction: other writers take turns
with the filling, an interrupted filling goes on at the next opening, and an article written
meanwhile is neither lost nor deleted from the index twice.
"""

import json
import sqlite3
import time

import pytest
import sqlite_utils

from ingest.query.datasette.metadata import build_metadata
from ingest.store.connection import write_transaction
from ingest.store.schema import create_schema, open_database
from ingest.store.unspaced import FillReport, fill_unspaced_index, pending

from conftest import run_ingest

ARTICLES = [  # rowid 1 to 7, in this order
    ("zh1", "港务局关闭北码头", "北码头将从本周三起关闭两个星期。"),
    ("en1", "Harbour closes", "The north pier closes for two weeks."),
    ("ja1", "新しい橋", "東京湾に架かる新しい橋の開通式が行われました。"),
    ("en2", "Budget", "The council passed its budget."),
    ("th1", "ท่าเรือปิด", "ท่าเรือทางเหนือปิดแล้ว"),
    ("zh2", "暴雨预警", "气象台发布暴雨橙色预警。"),
    ("en3", "Storm", "A storm warning was issued."),
]
UNSPACED_IDS = ["ja1", "th1", "zh1", "zh2"]


def older_database(path) -> None:
    """A database as an ingest from before the trigram index left it, with ARTICLES."""
    db = open_database(path)
    rows = [{"id": i, "url": f"https://x/{i}", "title": t, "text": x} for i, t, x in ARTICLES]
    db["articles"].insert_all(rows)
    for name in ("articles_trigram_ai", "articles_trigram_ad", "articles_trigram_au"):
        db.execute(f"drop trigger {name}")
    db.execute("drop table articles_trigram")
    db.execute("drop table if exists articles_trigram_pending")
    db.conn.commit()
    db.close()


def indexed(conn) -> list[str]:
    found = conn.execute(
        "select articles.id from articles_trigram_docsize d"
        " join articles on articles.rowid = d.id order by 1"
    )
    return [row[0] for row in found]


def matching(conn, words: str) -> list[str]:
    found = conn.execute(
        "select articles.id from articles_trigram join articles"
        " on articles.rowid = articles_trigram.rowid where articles_trigram match ? order by 1",
        [words],
    )
    return [row[0] for row in found]


def check_integrity(conn) -> None:
    conn.execute("insert into articles_trigram(articles_trigram) values ('integrity-check')")


def schema_only(path):
    """The database after the schema's write transaction, before any filling."""
    db = sqlite_utils.Database(path)
    with write_transaction(db):
        create_schema(db)
    return db


def test_the_schema_transaction_makes_the_index_empty_and_marks_the_older_articles(tmp_path):
    path = tmp_path / "old.db"
    older_database(path)
    db = schema_only(path)
    assert indexed(db) == []
    assert pending(db) == (1, 7)
    db.close()


def test_the_filling_takes_a_chunk_per_transaction_and_others_write_between(tmp_path):
    path = tmp_path / "old.db"
    older_database(path)
    db = schema_only(path)
    other = sqlite3.connect(path, timeout=0.1, isolation_level=None)
    calls = []

    def between_chunks(done: int, total: int) -> None:
        """Another writer, waiting at most 0.1 s for the lock, writes an article."""
        calls.append((done, total, db.conn.in_transaction))
        other.execute("begin immediate")
        other.execute(
            "insert into articles (id, url, title, text) values (?, ?, ?, ?)",
            [f"new{done}", f"https://x/new{done}", "新码头", "新码头开放"],
        )
        other.execute("commit")

    assert fill_unspaced_index(db, chunk=2, progress=between_chunks) == 7
    assert calls == [(2, 7, False), (4, 7, False), (6, 7, False), (7, 7, False)]
    assert indexed(db) == ["ja1", "new2", "new4", "new6", "new7", "th1", "zh1", "zh2"]
    assert pending(db) is None
    assert matching(db, "北码头") == ["zh1"]
    assert matching(db, "新码头") == ["new2", "new4", "new6", "new7"]
    check_integrity(db)
    assert fill_unspaced_index(db, chunk=2, progress=between_chunks) == 0  # nothing left
    other.close()
    db.close()


def test_the_lock_is_left_free_between_chunks_longer_than_a_waiting_writer_sleeps(tmp_path):
    """A writer waiting for the lock tries again every 100 ms at most (SQLite's busy
    handler): a chunk begun sooner after the last could take the lock before it each time."""
    path = tmp_path / "old.db"
    older_database(path)
    db = schema_only(path)
    marks = []

    def trace(sql: str) -> None:
        if sql.split()[0].upper() in ("BEGIN", "COMMIT"):
            marks.append((sql.split()[0].upper(), time.monotonic()))

    db.conn.set_trace_callback(trace)
    fill_unspaced_index(db, chunk=2)
    db.conn.set_trace_callback(None)
    assert [kind for kind, _ in marks] == ["BEGIN", "COMMIT"] * 4
    commits, begins = marks[1:-1:2], marks[2::2]
    free = [begin - commit for (_, commit), (_, begin) in zip(commits, begins, strict=True)]
    assert len(free) == 3 and min(free) >= 0.1
    db.close()


def test_an_article_changed_or_deleted_before_the_filling_reaches_it(tmp_path):
    """The triggers delete from the index only what it holds: an older article not yet
    reached is changed, emptied of its Chinese, and deleted, and the index stays whole."""
    path = tmp_path / "old.db"
    older_database(path)
    db = schema_only(path)

    def first_chunk_done(done: int, total: int) -> None:
        if done == 1:
            db.execute("update articles set text = '北码头今天重新开放。' where id = 'zh2'")
            db.execute("update articles set title = 'Bridge', text = 'A bridge.' where id = 'ja1'")
            db.execute("delete from articles where id = 'th1'")
            db.conn.commit()

    fill_unspaced_index(db, chunk=1, progress=first_chunk_done)
    assert indexed(db) == ["zh1", "zh2"]
    assert matching(db, "北码头") == ["zh1", "zh2"]
    assert matching(db, "暴雨预警") == ["zh2"]  # its title
    assert matching(db, "橙色预警") == []  # its old text
    check_integrity(db)
    db.close()


def test_an_interrupted_filling_goes_on_at_the_next_opening(tmp_path):
    path = tmp_path / "old.db"
    older_database(path)
    db = schema_only(path)

    def interrupt(done: int, total: int) -> None:
        if done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fill_unspaced_index(db, chunk=3, progress=interrupt)
    assert indexed(db) == ["ja1", "zh1"]
    assert pending(db) == (4, 7)
    db.close()
    db = open_database(path)
    assert indexed(db) == UNSPACED_IDS
    assert pending(db) is None
    check_integrity(db)
    db.close()


def test_a_long_filling_says_how_far_it_is_on_stderr(capsys):
    report = FillReport(every=0)
    report(1000, 2500)
    report(2500, 2500)
    assert capsys.readouterr().err.splitlines() == [
        "indexing older articles for Chinese, Japanese and Thai search: 1,000 of 2,500 read"
        " (0 s; an interruption goes on from there next time)",
        "indexing older articles for Chinese, Japanese and Thai search: 2,500 of 2,500 read"
        " (0 s; done)",
    ]
    quiet = FillReport(every=60)
    quiet(1000, 1000)
    assert capsys.readouterr().err == ""


def test_until_the_filling_is_done_a_search_says_what_it_misses(tmp_path):
    path = tmp_path / "old.db"
    older_database(path)
    db = schema_only(path)

    def interrupt(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fill_unspaced_index(db, chunk=1, progress=interrupt)
    db.close()
    partial = run_ingest("search", "码头", "--db", str(path), "--json")
    assert [row["id"] for row in json.loads(partial.stdout)] == ["zh1"]
    assert partial.stderr.splitlines() == [
        "The index of Chinese, Japanese and Thai text is still being filled: 6 articles "
        "stored before it were not read yet, and this search misses those among them. Any "
        "command that writes to the database (crawl, reextract) goes on filling it."
    ]
    described = build_metadata(path)["databases"]["old"]["queries"]["search"]["description"]
    assert described.endswith(
        "When this server started, the index of these scripts was still being filled: "
        "6 articles stored before it were not searched yet (restart ingest serve once a "
        "crawl or reextract has filled it)."
    )
    open_database(path).close()
    done = run_ingest("search", "暴雨", "--db", str(path), "--json")
    assert [row["id"] for row in json.loads(done.stdout)] == ["zh2"] and done.stderr == ""
    described = build_metadata(path)["databases"]["old"]["queries"]["search"]["description"]
    assert "still being filled" not in described
