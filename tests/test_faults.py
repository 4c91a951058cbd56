"""Faults a crawl must survive or stop at, loudly, with nothing lost.

Every fault is real: a worker killed by pid, workers that die as they start, a
database that fills up (SQLite's own max_page_count), a second crawl on the same
file, SIGINT and SIGTERM to the crawl's process group, seeds nobody answers.
"""

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from faultkit import (
    ARTICLES,
    crawl_process,
    extraction_workers,
    many_articles,
    process_tree,
    signalled,
    wait_for_articles,
)

from ingest.crawl.runner import Ended
from ingest.crawl.stopping import left_open
from ingest.extract.overtime import Deadline, Overtime
from ingest.extract.process import Job
from ingest.extract.workers import CLOSED_FIRST, ExtractionPool, PoolBroken
from ingest.plugins.manager import PluginConfig, load_plugins

from conftest import FAST, ROOT, free_port, rows, run_ingest
from sites import LocalSite, Resource, article_page, index_page, story


def article_body(n: int) -> bytes:
    return article_page(f"Story {n}", story(n)).encode()


HANGING = """
import threading
import time
from ingest import hookimpl

_lock = threading.Lock()


@hookimpl
def clean_article(article):
    with_lock = article.url.endswith("/0")
    if with_lock:  # taken and never given back: a worker that went on would hang on it
        _lock.acquire()
    if with_lock or article.url.endswith("/2"):
        try:
            time.sleep(60)
        except BaseException:  # swallows the first alarm: the next one still comes
            time.sleep(60)
    if _lock.locked() and not with_lock:
        _lock.acquire()
"""


def test_a_page_out_of_time_names_its_hook_and_its_worker_takes_no_other_page(tmp_path):
    """The pool's timeout killed the worker and the row named no plugin. Stopped in the
    worker, the row names the hook; the worker then retires, since the hook it left may
    hold a lock (here) or half its state, and every later page there would hang too.
    A timeout of 5 s: the alarm goes off at 4 s and again (the first one swallowed) at
    4.2 s, leaving the worker 0.8 s to answer before the pool kills it (a timeout of 2 s
    left it 0.2 s)."""
    (tmp_path / "hangs.py").write_text(HANGING)
    config = PluginConfig(dirs=(str(tmp_path),), entry_points=False)
    with ExtractionPool(config, 1, timeout=5) as pool:
        urls = [f"https://n.example/{i}" for i in range(4)]
        futures = [pool.submit(Job(url=u, body=article_body(i))) for i, u in enumerate(urls)]
        outcomes = [f.result(timeout=60) for f in futures]
    for at in (0, 2):
        [error] = outcomes[at].errors
        assert (error["kind"], error["plugin"], error["message"]) == (
            "timeout",
            "hangs",
            "extraction took over 4 s, in clean_article of hangs",
        )
        assert "hangs.py" in error["traceback"]
    for at in (1, 3):
        assert outcomes[at].errors == [] and outcomes[at].article["title"] == f"Story {at}"


def test_the_alarm_ends_with_the_page_and_a_step_of_ingests_own_is_named_as_such():
    """Left running, the alarm would go off in the idle worker, between pages."""
    deadline = Deadline(30)
    plugins = load_plugins(PluginConfig(entry_points=False))
    handler = signal.getsignal(signal.SIGALRM)
    outer = signal.getitimer(signal.ITIMER_REAL)  # a test run's own bound, if any
    with deadline.running(plugins):
        assert 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 29
    left = signal.getitimer(signal.ITIMER_REAL)
    assert (left[0] > 0, left[1]) == (outer[0] > 0, outer[1])  # the outer one, back
    assert outer[0] - 5 < left[0] <= outer[0] or not outer[0]
    assert signal.getsignal(signal.SIGALRM) is handler
    job = Job(url="https://n.example/0", body=b"")
    [error] = deadline.outcome(job, Overtime(("ingest.extract.generic", "extract_article"))).errors
    assert (error.get("plugin"), error["message"]) == (
        None,
        "extraction took over 29 s, in extract_article of ingest",
    )


def test_a_pool_whose_idle_worker_was_killed_heals():
    """pebble breaks the whole pool when an idle worker dies; every page still comes back."""
    with ExtractionPool(PluginConfig(entry_points=False), 2) as pool:
        first = pool.submit(Job(url="https://n.example/0", body=article_body(0), classify=False))
        assert first.result(timeout=60).article is not None
        broken = pool._pool
        workers = list(broken._pool_manager.worker_manager.workers)
        os.kill(workers[0], signal.SIGKILL)
        deadline = time.monotonic() + 30
        while broken.active:  # until pebble has seen the death and broken its pool
            assert time.monotonic() < deadline, "pebble never noticed its worker died"
            time.sleep(0.05)
        jobs = [
            Job(url=f"https://n.example/{i}", body=article_body(i), classify=False)
            for i in range(1, 7)
        ]
        outcomes = [pool.submit(job).result(timeout=60) for job in jobs]
        assert [o.article["title"] for o in outcomes] == [f"Story {i}" for i in range(1, 7)]
        assert [o.errors for o in outcomes] == [[]] * 6
        assert pool.rebuilt == 1


def test_the_fork_server_leaves_the_crawls_group_and_its_workers_are_born_stoppable():
    """A worker the pool stopped while it was still starting (a crawl over within a
    second) ignored SIGTERM, as the fork server it came from did, and went on to read
    what the closed pool had removed: a FileNotFoundError traceback after the crawl's
    summary. The fork server takes SIGTERM back once it is out of the crawl's group."""
    import multiprocessing.forkserver
    import re

    with ExtractionPool(PluginConfig(entry_points=False), 1) as pool:
        done = pool.submit(Job(url="https://n.example/0", body=article_body(0), classify=False))
        assert done.result(timeout=60).article is not None
        server = multiprocessing.forkserver._forkserver._forkserver_pid
        status = Path(f"/proc/{server}/status").read_text()
    ignored = int(re.search(r"SigIgn:\s*([0-9a-f]+)", status).group(1), 16)
    blocked = int(re.search(r"SigBlk:\s*([0-9a-f]+)", status).group(1), 16)
    assert os.getpgid(server) == server != os.getpgid(0)  # signals to the crawl miss it
    assert not ignored & 1 << (signal.SIGTERM - 1)  # its workers die of SIGTERM at birth
    assert ignored & 1 << (signal.SIGINT - 1)  # Ctrl-C is the crawl's to handle
    # started with both blocked, it lets them through again: a worker inherits its mask
    assert not blocked & (1 << (signal.SIGTERM - 1) | 1 << (signal.SIGINT - 1))


# A Ctrl-C that comes while the fork server starts (here: the moment it has started),
# with another thread running or not (a crawl writing WARC files has one).
CTRL_C_AS_THE_SERVER_STARTS = """
import multiprocessing.forkserver, os, queue, signal, sys, threading
from ingest.extract import workers

if sys.argv[1:] == ["thread"]:
    threading.Thread(target=queue.Queue().get, daemon=True).start()

started = multiprocessing.forkserver.ensure_running
def start_and_interrupt():
    started()
    os.kill(os.getpid(), signal.SIGINT)
multiprocessing.forkserver.ensure_running = start_and_interrupt
got = []
signal.signal(signal.SIGINT, lambda signum, frame: got.append(signum))
workers._start_fork_server()
print(got == [signal.SIGINT], signal.getsignal(signal.SIGINT) is not signal.SIG_IGN)
"""


@pytest.mark.parametrize("threads", [[], ["thread"]])
def test_a_ctrl_c_while_the_fork_server_starts_reaches_the_crawl(threads):
    """It was ignored for those moments and lost: the crawl ran on and exited 0."""
    done = subprocess.run(
        [sys.executable, "-c", CTRL_C_AS_THE_SERVER_STARTS, *threads],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stdout.split()) == (0, ["True", "True"]), done.stderr


# The first worker takes ten seconds to start (the others none): killing it then breaks
# the pool with pages queued.
SLOW_START = """
import multiprocessing, os, time
if multiprocessing.parent_process() is not None:
    try:
        os.close(os.open({marker!r}, os.O_CREAT | os.O_EXCL))
    except FileExistsError:
        pass
    else:
        time.sleep(10)
"""


def test_pages_queued_in_a_broken_pool_move_to_the_new_one(tmp_path, write_plugin):
    """pebble fails only the pages a broken pool started; the queued ones must not hang."""
    started = tmp_path / "started"
    folder = write_plugin("slow_start", SLOW_START.format(marker=str(started)))
    config = PluginConfig(dirs=(str(folder),), entry_points=False)
    with ExtractionPool(config, 1) as pool:
        futures = [
            pool.submit(Job(url=f"https://n.example/{i}", body=article_body(i), classify=False))
            for i in range(30)
        ]
        deadline = time.monotonic() + 30
        # until its worker is in its ten seconds of starting
        while not (
            started.exists() and (workers := list(pool._pool._pool_manager.worker_manager.workers))
        ):
            assert time.monotonic() < deadline
            time.sleep(0.005)
        os.kill(workers[0], signal.SIGKILL)  # still starting, no page taken: the pool breaks
        outcomes = [f.result(timeout=60) for f in futures]
    assert [o.article["title"] for o in outcomes] == [f"Story {i}" for i in range(30)]
    assert pool.rebuilt == 1


KILLER = """
import os
from pathlib import Path
from ingest import hookimpl

@hookimpl(tryfirst=True)
def is_article(page, outlet):
    if "poison" in page.url:
        os._exit(9)  # kills its worker every time
    if "flaky" in page.url and not Path({marker!r}).exists():
        Path({marker!r}).touch()
        os._exit(9)  # kills its worker once
"""


def test_a_page_whose_worker_dies_is_tried_once_more(tmp_path, write_plugin):
    folder = write_plugin("killer", KILLER.format(marker=str(tmp_path / "died-once")))
    config = PluginConfig(dirs=(str(folder),), entry_points=False)
    with ExtractionPool(config, 2) as pool:
        flaky = pool.submit(Job(url="https://n.example/flaky", body=article_body(1)))
        poison = pool.submit(Job(url="https://n.example/poison", body=article_body(2)))
        after = pool.submit(Job(url="https://n.example/after", body=article_body(3)))
        flaky, poison, after = (f.result(timeout=60) for f in (flaky, poison, after))
    assert (tmp_path / "died-once").exists()
    assert flaky.article["title"] == "Story 1" and flaky.errors == []
    assert poison.article is None
    assert [(e["stage"], e["kind"]) for e in poison.errors] == [("extract", "worker_died")]
    assert after.article["title"] == "Story 3"


# A worker killed the moment it holds the lock the workers take pages under (pebble's
# channel): the page in hand comes back as a death, and no other worker takes a page.
DIES_HOLDING_THE_LOCK = """
import gc, os, signal, time
from pathlib import Path
from pebble.pool.channel import WorkerChannel
from ingest import hookimpl

@hookimpl(tryfirst=True)
def is_article(page, outlet):
    if not page.url.endswith("/3"):
        time.sleep(0.2)  # so that pages are left when the lock is: none once it is
    elif not Path({marker!r}).exists():
        [channel] = [o for o in gc.get_objects() if isinstance(o, WorkerChannel)]
        channel.mutex.reader_mutex.acquire()
        Path({marker!r}).touch()
        os.kill(os.getpid(), signal.SIGKILL)
"""


def locking_pool(tmp_path: Path, write_plugin: Any, **bounds: float) -> tuple[Any, list, Path]:
    """A pool of two workers given 12 pages, the fourth of which kills its worker with
    pebble's lock held (once: the file returned says it has)."""
    marker = tmp_path / "died"
    source = DIES_HOLDING_THE_LOCK.format(marker=str(marker))
    config = PluginConfig(dirs=(str(write_plugin("locker", source)),), entry_points=False)
    pool = ExtractionPool(config, 2, **bounds)
    jobs = [Job(url=f"https://n.example/{i}", body=article_body(i)) for i in range(12)]
    return pool, [pool.submit(job) for job in jobs], marker


def test_a_pool_a_worker_left_locked_stalls_and_is_replaced(tmp_path, write_plugin):
    """Every page waited for ever: a worker killed while it held pebble's lock left every
    other worker waiting for it (a kill -9 test hung a crawl this way, one run in many)."""
    started = time.monotonic()
    # stall: longer than new workers take to start, or the new pool would be replaced too
    pool, futures, marker = locking_pool(tmp_path, write_plugin, stall=8)
    with pool:
        outcomes = [f.result(timeout=50) for f in futures]
    assert marker.exists()
    assert [o.article["title"] for o in outcomes] == [f"Story {i}" for i in range(12)]
    assert [o.errors for o in outcomes] == [[]] * 12
    assert pool.rebuilt == 1
    assert time.monotonic() - started < 40  # pebble's own wait on its lock is 60 s


def test_a_pool_left_locked_as_it_closes_fails_its_pages_instead_of_hanging(tmp_path, write_plugin):
    """Closing waited for pages a wedged pool would never finish (pebble gives up on
    its lock after two minutes): past the pages' own bound, they fail and close returns."""
    pool, futures, marker = locking_pool(tmp_path, write_plugin, timeout=3, stall=3)
    deadline = time.monotonic() + 30
    while not marker.exists():  # the lock is held, and pages are left
        assert time.monotonic() < deadline
        time.sleep(0.01)
    started = time.monotonic()
    pool.close()
    assert time.monotonic() - started < 20, time.monotonic() - started
    assert all(f.done() for f in futures)
    failed = [f for f in futures if f.exception()]
    assert failed and all(isinstance(f.exception(), PoolBroken) for f in failed)
    assert {str(f.exception()) for f in failed} == {CLOSED_FIRST}
    assert all(f.result().errors == [] for f in futures if not f.exception())


# Loaded in the crawl process (fine) and in each extraction worker (fatal at once).
DYING_PLUGIN = """
import multiprocessing, os
if multiprocessing.parent_process() is not None:
    os._exit(7)
"""


def test_workers_that_cannot_run_stop_the_crawl_and_keep_the_pages(tmp_path, write_plugin):
    folder = write_plugin("dies_in_workers", DYING_PLUGIN)
    with LocalSite(many_articles(6)) as site:
        db = tmp_path / "news.db"
        done = run_ingest(
            "crawl", site.url + "/", "--db", str(db), "--plugins-dir", str(folder), *FAST,
            check=False,
        )  # fmt: skip
    assert done.returncode == 1
    assert "Error: extraction workers keep failing" in done.stderr
    assert "Traceback" not in done.stderr
    [(status, reason)] = rows(db, "select status, stop_reason from crawls")
    assert status == "failed" and reason.startswith("extraction workers keep failing")
    failed = rows(db, "select url from errors where kind = 'pool_broken'")
    assert failed, "the page in hand is recorded"
    stored = rows(db, "select url from pages where body is not null and kind = 'html'")
    assert {u for (u,) in failed} <= {u for (u,) in stored}, "and kept raw for reextract"


def _folder(path):
    path.mkdir()
    return f"{path} is a folder; name a database file in it"


def _final_slash(path):
    return f"{path}/ names a folder (its final /); name a database file in it"


def _missing_folder(path):
    return f"the folder {path.parent} does not exist"


def _not_sqlite(path):
    path.write_text("not a database\n" * 100)
    return f"{path} is not a SQLite database"


def _someone_elses(tables):
    """Another program's database: it was switched to WAL mode and given ingest's 30
    tables, or (a table of the same name, other columns) the crawl ended in a traceback."""

    def make(path):
        with sqlite3.connect(path) as conn:
            for table in tables:
                conn.execute(f"create table {table} (id integer primary key, title text)")
        conn.close()
        return (
            f"{path} is a SQLite database another program made (its tables are not ingest's): "
            "a crawl writes a database of its own; name a new file"
        )

    return make


@pytest.mark.parametrize(
    ("where", "make"),
    [
        ("db.sqlite", _folder),
        ("news/", _final_slash),
        ("missing/db.sqlite", _missing_folder),
        ("db.sqlite", _not_sqlite),
        ("db.sqlite", _someone_elses(["notes"])),
        ("db.sqlite", _someone_elses(["articles"])),
        ("db.sqlite", _someone_elses(["pages", "urls", "articles"])),
    ],
    ids=[
        "folder",
        "final-slash",
        "missing-folder",
        "not-sqlite",
        "other-tables",
        "an-articles-table",
        "alike",
    ],  # fmt: skip
)
def test_a_bad_db_is_a_usage_error_before_anything_starts(tmp_path, where, make):
    path = tmp_path / where
    message = make(path)
    before = path.read_bytes() if path.is_file() else None
    with LocalSite(many_articles(2)) as site:
        given = str(path) + "/" if where.endswith("/") else str(path)
        done = run_ingest("crawl", site.url + "/", "--db", given, *FAST, check=False)
        assert site.hits == []
    assert not path.exists() or make is not _final_slash
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == f"Error: Invalid value for --db: {message}"
    assert (path.read_bytes() if path.is_file() else None) == before  # untouched


def test_a_full_database_stops_the_crawl_promptly_and_keeps_what_was_committed(tmp_path):
    # 3x the usual site: on a loaded machine the fetches outran extraction, and all 40
    # pages were fetched before the store wrote enough to fill the database
    pages = 3 * ARTICLES
    with LocalSite(many_articles(pages)) as site:
        db = tmp_path / "news.db"
        done = run_ingest(
            "crawl", site.url + "/", "--db", str(db), *FAST,
            "-s", "INGEST_DB_MAX_BYTES=400000", "-s", "INGEST_BATCH_SIZE=5",
            "-s", "CONCURRENT_REQUESTS=2",
            check=False,
        )  # fmt: skip
        fetched = len([h for h in site.hits if h.startswith("/news/")])
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert lines == [
        f"Error: the database {db} refused a write: database or disk is full (the size "
        "bound, INGEST_DB_MAX_BYTES=400000)",
    ]
    assert "Traceback" not in done.stderr
    assert done.stderr.count("refused a write") == 1  # said once, not logged before as well
    assert fetched < pages, "it stopped instead of fetching on into nothing"
    assert rows(db, "pragma integrity_check") == [("ok",)]
    stored = rows(db, "select count(*) from articles")[0][0]
    assert 0 < stored < pages
    [(status, reason)] = rows(db, "select status, stop_reason from crawls")
    assert (status, reason) == ("failed", lines[0].removeprefix("Error: "))


def lines_of(stream, into: list[str]) -> threading.Thread:
    """Read a process's stream line by line into a list, as it writes them."""
    reader = threading.Thread(target=lambda: into.extend(iter(stream.readline, "")), daemon=True)
    reader.start()
    return reader


@pytest.mark.parametrize("released", [True, False], ids=["released", "held-on"])
def test_a_database_locked_mid_crawl_stops_it_and_the_run_ends_failed(tmp_path, released):
    """The crawl stopped on "database is locked" and exited 1, but its summary said "done"
    and its run row stayed "running": the last write had met the same lock. Now the run
    waits for the other writer (INGEST_WRITER_WAIT) to record its end, and says "failed"
    when it could not."""
    with LocalSite(many_articles(ARTICLES, delay=0.2)) as site:
        db = tmp_path / "news.db"
        crawl = crawl_process(
            site.url + "/", db, "-s", f"INGEST_WRITER_WAIT={60 if released else 1}"
        )
        stderr: list[str] = []
        reader = lines_of(crawl.stderr, stderr)
        try:
            wait_for_articles(db, 3)
            other = sqlite3.connect(db, isolation_level=None)
            other.execute("BEGIN IMMEDIATE")  # another writer, holding the database
            deadline = time.monotonic() + 90
            while released and not any("to record the end" in line for line in stderr):
                assert crawl.poll() is None and time.monotonic() < deadline, "it never waited"
                time.sleep(0.1)
            if not released:
                crawl.wait(timeout=90)
            other.execute("COMMIT")
            other.close()
            stdout = crawl.stdout.read()
            crawl.wait(timeout=90)
            reader.join(timeout=10)
        finally:
            if crawl.poll() is None:
                os.killpg(crawl.pid, signal.SIGKILL)
    refused = f"the database {db} refused a write: database is locked"
    assert crawl.returncode == 1
    assert stdout.startswith("Crawl 1 failed")
    assert stderr[-1] == f"Error: {refused}\n"
    assert "Traceback" not in "".join(stderr)
    status = "failed" if released else "running"
    assert rows(db, "select status, stop_reason from crawls") == [
        (status, refused if released else None)
    ]
    if released:  # with its counts: the batch the lock refused went in after all
        [(articles,)] = rows(db, "select count(*) from articles")
        assert f"{articles} articles ({articles} new, 0 updated)" in stdout
    else:  # and it says so
        lost = "crawl 1 could not be marked failed: database is locked; its row says running"
        assert any(line.rstrip().endswith(lost) for line in stderr)


def test_a_database_locked_briefly_mid_crawl_only_delays_it(tmp_path):
    """Another connection's write (a user's `sqlite-utils insert`) holding the database for
    2 s stopped the crawl at once on "database is locked": its write transactions read
    before they wrote, and SQLite fails those without waiting. They take the lock first
    now, so the busy timeout (10 s) waits the other writer out."""
    with LocalSite(many_articles(ARTICLES, delay=0.2)) as site:
        db = tmp_path / "news.db"
        crawl = crawl_process(site.url + "/", db)
        try:
            wait_for_articles(db, 3)
            other = sqlite3.connect(db, isolation_level=None)
            other.execute("BEGIN IMMEDIATE")
            other.execute("insert into errors (kind, message) values ('note', 'a user wrote')")
            held = rows(db, "select count(*) from articles")
            time.sleep(2)
            assert crawl.poll() is None
            assert rows(db, "select count(*) from articles") == held  # it could not write
            other.execute("COMMIT")
            other.close()
            stdout, stderr = crawl.communicate(timeout=90)
        finally:
            if crawl.poll() is None:
                os.killpg(crawl.pid, signal.SIGKILL)
    assert (crawl.returncode, stderr) == (0, "")
    assert stdout.startswith("Crawl 1 done in ")
    assert held[0][0] < ARTICLES
    assert rows(db, "select status, stop_reason from crawls") == [("finished", "finished")]
    assert rows(db, "select count(*) from pages where url like '%/news/%'") == [(ARTICLES,)]
    assert rows(db, "select count(*) from articles") == [(ARTICLES,)]
    assert rows(db, "select kind, message from errors") == [("note", "a user wrote")]


def test_a_size_bound_below_the_databases_size_is_a_usage_error_before_anything_starts(
    tmp_path,
):
    """SQLite took the size the database had for the bound, saying nothing: the crawl fetched
    until its first write needed room, then stopped on "database or disk is full"."""
    db = tmp_path / "news.db"
    with LocalSite(many_articles(3)) as site:
        run_ingest("crawl", site.url + "/", "--db", str(db), *FAST)
    [(pages,)], [(page_size,)] = rows(db, "pragma page_count"), rows(db, "pragma page_size")
    size = pages * page_size
    with LocalSite(many_articles(ARTICLES)) as site:
        done = run_ingest(
            "crawl", site.url + "/", "--db", str(db), *FAST,
            "-s", f"INGEST_DB_MAX_BYTES={size - 1}", check=False,
        )  # fmt: skip
        assert site.hits == []
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        f"Error: Invalid value for -s: INGEST_DB_MAX_BYTES={size - 1} is below the size of "
        f"{db}: {size:,} bytes already"
    )
    assert rows(db, "select id, status from crawls") == [(1, "finished")]


def test_a_second_crawl_on_the_same_database_waits_then_refuses(tmp_path):
    with LocalSite(many_articles(ARTICLES, delay=0.5)) as site:  # 10 s at 2 at a time
        db = tmp_path / "news.db"
        first = crawl_process(site.url + "/", db)
        try:
            wait_for_articles(db, 1)
            started = time.monotonic()
            second = run_ingest(
                "crawl", site.url + "/", "--db", str(db), "-s", "INGEST_WRITER_WAIT=1",
                check=False,
            )  # fmt: skip
            assert time.monotonic() - started < 30
        finally:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
    assert second.returncode == 1
    assert second.stderr.strip().splitlines()[-1] == (
        f"Error: another crawl is writing to {db} (crawl 1, pid {first.pid})"
    )
    assert rows(db, "select id from crawls") == [(1,)]


def test_two_crawls_started_together_refuse_the_loser_as_a_later_one_is_refused(tmp_path):
    """Both pass the command's check before either has a run; the loser is refused when
    it opens its run, in the same two lines, with the same status, as a crawl started
    later: no log line before them."""
    with LocalSite(many_articles(ARTICLES, delay=0.5)) as site:  # 10 s at 2 at a time
        db = tmp_path / "news.db"
        both = [crawl_process(site.url + "/", db, "-s", "INGEST_WRITER_WAIT=1") for _ in "ab"]
        try:
            deadline = time.monotonic() + 60
            while all(crawl.poll() is None for crawl in both) and time.monotonic() < deadline:
                time.sleep(0.1)
            [loser] = [crawl for crawl in both if crawl.poll() is not None]
            [winner] = [crawl for crawl in both if crawl is not loser]
            _, stderr = loser.communicate()
        finally:
            for crawl in both:
                if crawl.poll() is None:
                    os.killpg(crawl.pid, signal.SIGKILL)
                    crawl.wait()
    assert loser.returncode == 1, stderr
    assert stderr.splitlines() == [
        f"crawl 1 (pid {winner.pid}) is writing to {db}: waiting up to 1 s",
        f"Error: another crawl is writing to {db} (crawl 1, pid {winner.pid})",
    ]
    assert rows(db, "select id, pid from crawls") == [(1, winner.pid)]


def last_crawl_line(db) -> str:
    text = run_ingest("stats", "--db", str(db)).stdout
    return next(line for line in text.splitlines() if line.startswith("Last crawl:"))


def test_stats_tells_a_crawl_still_running_from_one_killed(tmp_path):
    """A crawl going on is running, with its pid; only one whose process is gone
    "never finished (killed?)"."""
    db = tmp_path / "news.db"
    with LocalSite(many_articles(ARTICLES, delay=0.5)) as site:
        crawl = crawl_process(site.url + "/", db)
        try:
            wait_for_articles(db, 1)
            [(started,)] = rows(db, "select started_at from crawls")
            running = json.loads(run_ingest("stats", "--db", str(db), "--json").stdout)
            line = last_crawl_line(db)
        finally:
            os.killpg(crawl.pid, signal.SIGKILL)
            crawl.wait()
    assert (running["last_crawl"]["running"], running["last_crawl"]["pid"]) == (True, crawl.pid)
    assert line.startswith(
        f"Last crawl: 1 (crawl news), running since {started}, pid {crawl.pid}: "
    )
    killed = json.loads(run_ingest("stats", "--db", str(db), "--json").stdout)
    assert (killed["last_crawl"]["running"], killed["last_crawl"]["finished_at"]) == (False, None)
    assert last_crawl_line(db).startswith(
        f"Last crawl: 1 (crawl news), started {started}, never finished (killed?): "
    )
    assert rows(db, "select status from crawls") == [("running",)]  # stats only reads


class FirstThrough:
    """A ``Resource.hold`` that lets the first ``n`` requests through, the others once
    ``opened`` is set."""

    def __init__(self, n: int):
        self.left = n
        self.opened = threading.Event()
        self._lock = threading.Lock()

    def wait(self, timeout: float | None = None) -> bool:
        with self._lock:
            self.left -= 1
            if self.left >= 0:
                return True
        return self.opened.wait(timeout)


@pytest.mark.parametrize(
    ("signals", "status", "reason"),
    [
        ([signal.SIGINT], 130, "stopped by SIGINT"),
        ([signal.SIGTERM], 143, "stopped by SIGTERM"),
        ([signal.SIGINT, signal.SIGINT], 130, "stopped at once by a second signal"),
    ],
    ids=["sigint", "sigterm", "sigint-twice"],
)
def test_a_signal_stops_gracefully_and_resume_finishes_the_job(tmp_path, signals, status, reason):
    # Pages answer slowly enough that a second signal comes while the first stop still
    # waits; for certain, past the first four, they answer only once the signals are sent.
    pages = many_articles(ARTICLES, delay=0.4)
    after_four = FirstThrough(4)
    if len(signals) > 1:
        for path in pages.keys() - {"/"}:
            pages[path].hold = after_four
    with LocalSite(pages) as site:
        db = tmp_path / "news.db"
        crawl = crawl_process(site.url + "/", db)
        try:
            stderr = signalled(crawl, signals, lambda: wait_for_articles(db, 3))
        finally:
            after_four.opened.set()
        assert crawl.returncode == status, stderr
        assert "Traceback" not in stderr and "BrokenProcessPool" not in stderr
        assert f"Interrupted ({reason})" in stderr and "--resume" in stderr
        assert rows(db, "pragma integrity_check") == [("ok",)]
        [(state, why)] = rows(db, "select status, stop_reason from crawls")
        assert (state, why) == ("interrupted", reason)
        before = rows(db, "select count(*) from articles")[0][0]
        assert 0 < before < ARTICLES

        run_ingest("crawl", site.url + "/", "--resume", "--db", str(db), *FAST)
        other = tmp_path / "other.db"  # a run of another shard, merged first
        run_ingest("crawl", site.url + "/", "--no-follow", "--db", str(other), *FAST)
    titles = rows(db, "select title from articles order by title")
    assert sorted(titles) == sorted((f"Story {i}",) for i in range(ARTICLES))
    assert rows(db, "select id, status, resumed_from from crawls order by id") == [
        (1, "interrupted", None),
        (2, "finished", 1),
    ]
    # merged, the resumed run still names the run it resumed (it named the other shard's)
    merged = tmp_path / "merged.db"
    run_ingest("merge", str(other), str(db), "--into", str(merged))
    assert rows(merged, "select id, status, resumed_from from crawls order by id") == [
        (1, "finished", None),
        (2, "interrupted", None),
        (3, "finished", 2),
    ]


def test_seeds_nobody_answers_exit_3_without_tracebacks(tmp_path):
    db = tmp_path / "news.db"
    done = run_ingest(
        "crawl", f"http://127.0.0.1:{free_port()}/", "--db", str(db), *FAST, check=False
    )
    assert done.returncode == 3
    assert "Error: not one page could be fetched" in done.stderr
    assert "Traceback" not in done.stderr and "ERROR" not in done.stderr
    assert rows(db, "select kind from errors") == [("DownloadConnectionRefusedError",)]


def test_kill_9_at_random_moments_then_resume_loses_nothing(tmp_path):
    """Six crawls, each killed (the crawl process, or one busy worker) at a random moment,
    then resumed: every article stored exactly once, the database sound, every URL final.
    (The seed's six: the crawl killed after 1, 2, 14 and 16 articles, a worker after 6, 10.)
    One more page, not an article, is held until the kill: the crawl cannot end first."""
    rnd = random.Random(20261129)
    articles = 30
    workers: list[int] = []
    pages = many_articles(articles, delay=0.2)  # 3 s a crawl, 2 at a time
    held, killed = "/news/2024/03/held", threading.Event()
    pages["/"] = index_page([*(p for p in pages if p != "/"), held])
    pages[held] = Resource("<html><body>gone</body></html>", status=404, hold=killed)
    # a third request at a time, for the held one: the stories still go two at a time
    alongside = ["-s", "CONCURRENT_REQUESTS_PER_DOMAIN=3"]
    with LocalSite(pages) as site:
        for trial in range(6):
            db = tmp_path / f"trial{trial}.db"
            killed.clear()
            crawl = crawl_process(site.url + "/", db, *alongside)
            victim = rnd.choice(["crawl", "worker"])
            wait_for_articles(db, rnd.randint(1, articles - 10))
            ws = extraction_workers(crawl.pid)
            workers += ws
            assert crawl.poll() is None, "the crawl ended before the kill"
            if victim == "crawl":
                os.kill(crawl.pid, signal.SIGKILL)  # as the out-of-memory killer would
            else:  # as many random bits taken whatever the number of workers
                os.kill(sorted(ws)[rnd.randrange(2) % len(ws)], signal.SIGKILL)
            killed.set()
            crawl.communicate(timeout=60)
            assert crawl.returncode == (-signal.SIGKILL if victim == "crawl" else 0)
            run_ingest("crawl", site.url + "/", "--resume", "--db", str(db), *FAST)
            titles = [t for (t,) in rows(db, "select title from articles")]
            assert sorted(titles) == sorted(f"Story {i}" for i in range(articles)), (trial, victim)
            assert rows(db, "pragma integrity_check") == [("ok",)]
            unfinished = "select url, state from urls where state = 'queued' or reason is null"
            assert rows(db, unfinished) == [], (trial, victim)
    deadline = time.monotonic() + 30  # a killed crawl's workers leave once they notice
    while time.monotonic() < deadline and set(workers) & set(process_tree()):
        time.sleep(0.2)
    assert workers and set(workers) & set(process_tree()) == set(), "no orphaned workers"


# An extension that sends the crawl a Ctrl-C as its spider opens (its pool starting).
INTERRUPT_ON_OPEN = """
import os, signal
from scrapy import signals

class InterruptOnOpen:
    @classmethod
    def from_crawler(cls, crawler):
        crawler.signals.connect(cls.opened, signal=signals.spider_opened)
        return cls()

    @staticmethod
    def opened():
        os.kill(os.getpid(), signal.SIGINT)
"""


def test_a_ctrl_c_as_the_spider_opens_ends_the_run_interrupted(tmp_path, monkeypatch):
    """Scrapy stops a crawl whose engine has not started yet without closing its spider:
    the run's row stayed "running" for ever, though the command said "Interrupted"."""
    (tmp_path / "interrupt_on_open.py").write_text(INTERRUPT_ON_OPEN)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    extension = 'EXTENSIONS={"interrupt_on_open.InterruptOnOpen": 0}'
    with LocalSite(many_articles(2)) as site:
        db = tmp_path / "news.db"
        crawl = crawl_process(site.url + "/", db, "-s", extension)
        _, stderr = crawl.communicate(timeout=60)
    assert crawl.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert rows(db, "select status, stop_reason from crawls") == [
        ("interrupted", "stopped by SIGINT as the crawl began")
    ]
    assert "Interrupted (stopped by SIGINT as the crawl began)" in stderr


@pytest.mark.parametrize(
    ("ended", "why"),
    [
        (Ended(signal=signal.SIGINT), "stopped by SIGINT as the crawl began"),
        (Ended(signal=signal.SIGTERM), "stopped by SIGTERM as the crawl began"),
        (Ended(signal=signal.SIGINT, closed=True), None),  # Scrapy closed it: its row says
        (Ended(signal=signal.SIGINT, failure="the disk is full"), None),  # it failed
        (Ended(signal=signal.SIGINT, forced=True), "stopped at once by a second signal"),
        (Ended(), None),
    ],
)
def test_which_runs_are_left_open_and_why(ended, why):
    assert left_open(ended) == why


@pytest.mark.parametrize("after", [0.0, 0.8, 1.5, 2.5])
def test_ctrl_c_at_any_moment_exits_130_without_a_traceback(tmp_path, after):
    """From the command's start (its --db checked, Scrapy not yet set up) to the crawl itself.

    Before the command runs at all, the interpreter's own startup is Python's to handle;
    while the fork server starts (a few ms), signals are blocked so that it can't die of
    them (see workers._start_fork_server).
    """
    with LocalSite(many_articles(ARTICLES, delay=0.4)) as site:  # 4 s: still crawling at 2.5
        db = tmp_path / "news.db"
        crawl = crawl_process(site.url + "/", db)

        def started() -> None:
            deadline = time.monotonic() + 60
            while not db.exists() and time.monotonic() < deadline:
                time.sleep(0.01)  # the command is running: it checked --db
            time.sleep(after)

        stderr = signalled(crawl, [signal.SIGINT], started)
    assert crawl.returncode == 130, stderr
    assert "Traceback" not in stderr and "Unhandled" not in stderr
    assert "Interrupted" in stderr
    assert rows(db, "pragma integrity_check") == [("ok",)]
    if rows(db, "select count(*) from sqlite_master where name = 'crawls'") == [(1,)]:
        assert rows(db, "select count(*) from crawls where status = 'running'") == [(0,)]


def _foreign(path):
    with sqlite3.connect(path) as conn:
        conn.execute("create table notes (text)")
        conn.execute("insert into notes values ('mine')")
    return (
        f"{path} is a SQLite database, but not one ingest wrote (no articles, pages and urls "
        "tables): name the file a crawl wrote, or crawl into it first"
    )


@pytest.mark.parametrize("make", [_not_sqlite, _foreign], ids=["not-sqlite", "someone-elses"])
@pytest.mark.parametrize(
    "command", [["search", "x"], ["stats"], ["export"], ["serve"], ["reextract"]], ids=str
)
def test_a_db_a_crawl_did_not_write_is_a_usage_error_for_the_reading_commands(
    tmp_path, make, command
):
    """Told in one line, with no traceback; someone else's database is left as it was."""
    path = tmp_path / "other.db"
    message = make(path)
    before = path.read_bytes()
    done = run_ingest(*command, "--db", str(path), check=False, timeout=30)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == f"Error: Invalid value for '--db': {message}"
    assert path.read_bytes() == before


@pytest.fixture(scope="module")
def small_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("small") / "news.db"
    with LocalSite(many_articles(2)) as site:
        run_ingest("crawl", site.url + "/", "--db", str(db), *FAST)
    return db


@pytest.mark.parametrize("make", [_not_sqlite, _foreign], ids=["not-sqlite", "someone-elses"])
def test_merge_refuses_a_shard_a_crawl_did_not_write_and_a_target_it_cannot_write(
    tmp_path, make, small_db
):
    other = tmp_path / "other.db"
    message = make(other)
    done = run_ingest(
        "merge", str(small_db), str(other), "--into", str(tmp_path / "all.db"), check=False
    )
    assert done.returncode == 2 and not (tmp_path / "all.db").exists()
    assert done.stderr.splitlines()[-1] == f"Error: Invalid value for 'SHARDS...': {message}"
    done = run_ingest("merge", str(small_db), "--into", str(small_db), check=False)
    assert done.returncode == 2  # it would copy its own crawls and errors once more each time
    assert done.stderr.splitlines()[-1] == (
        "Error: Invalid value for --into: a shard can't be merged into itself"
    )
    target = tmp_path / "target.db"
    target.write_text("not a database\n" * 100)
    done = run_ingest("merge", str(small_db), "--into", str(target), check=False)
    assert done.returncode == 2
    assert (
        done.stderr.splitlines()[-1]
        == f"Error: Invalid value for --into: {target} is not a SQLite database"
    )


@pytest.mark.parametrize("fmt", ["jsonl", "parquet", "warc"])
def test_export_to_a_folder_that_does_not_exist_says_so_in_one_line(tmp_path, small_db, fmt):
    output = tmp_path / "missing" / f"out.{fmt}"
    done = run_ingest(
        "export", "--db", str(small_db), "--format", fmt, "-o", str(output), check=False
    )
    assert done.returncode == 1
    assert done.stderr == f"Error: Could not open file '{output}': No such file or directory\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet", "warc"])
def test_export_to_a_full_disk_says_so_in_one_line(small_db, fmt):
    done = run_ingest(
        "export", "--db", str(small_db), "--format", fmt, "-o", "/dev/full", check=False
    )
    assert done.returncode == 1
    assert (
        done.stderr.splitlines()[-1] == "Error: could not write /dev/full: No space left on device"
    )


@pytest.mark.parametrize("fmt", ["jsonl", "warc"])
def test_an_export_that_fails_leaves_the_file_already_there_as_it_was(tmp_path, small_db, fmt):
    output = tmp_path / f"keep.{fmt}"
    output.write_bytes(b"an earlier export\n")
    done = run_ingest(
        "export", "--db", str(small_db), "--format", fmt, "--search", '"unterminated',
        "-o", str(output), check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == "Error: not a valid search: unterminated string"
    assert output.read_bytes() == b"an earlier export\n"  # it had been emptied
    assert [p.name for p in tmp_path.iterdir()] == [output.name]  # no part left beside it
    run_ingest("export", "--db", str(small_db), "--format", fmt, "-o", str(output))
    assert output.read_bytes() != b"an earlier export\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "command",
    [
        ["export"],
        ["search", "story"],
        ["search", "story", "--json"],
        ["stats"],
        ["stats", "--json"],
    ],
)
def test_a_full_disk_on_standard_output_is_one_line(small_db, command):
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "ingest", *command, "--db", str(small_db)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONPATH": path, "COLUMNS": "200"},
            check=False,
        )
    assert (done.returncode, done.stderr) == (
        1,
        "Error: could not write to standard output: No space left on device\n",
    )  # a traceback before


def test_pages_fetched_while_a_download_trickles_are_committed_before_it_ends(tmp_path):
    """The store committed on the next page or when the crawl fell idle: behind a download
    in flight for a minute, the pages fetched in the first second stayed uncommitted, and a
    kill lost every one of them."""
    site = many_articles(5)
    slow = [f"/news/2024/03/slow-{i}" for i in range(2)]
    site["/"] = site["/"].replace("</ul>", "".join(f'<li><a href="{p}">s</a></li>' for p in slow))
    for path in slow:
        site[path] = Resource(article_page("Slow", story(9)), delay=60)
    db = tmp_path / "news.db"
    with LocalSite(site) as served:
        crawl = subprocess.Popen(
            [sys.executable, "-m", "ingest", "crawl", served.url + "/", "--db", str(db), *FAST],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        try:
            wait_for_articles(db, 5, timeout=30)  # committed within the store's 2 s
        finally:
            os.killpg(crawl.pid, signal.SIGKILL)
            crawl.wait()
    assert rows(db, "select count(*) from articles where title like 'Story %'") == [(5,)]
    assert sorted(h for h in served.hits if "slow" in h) == slow  # both were in flight
