"""The ``crawls`` table: one row per run, which says whether the run is going on,
finished, was interrupted or failed, and keeps two runs from writing at once.

A run records its process id and host. Another run that finds a live one waits
a bounded time, then refuses, naming it; a run whose process is gone (killed)
is marked interrupted, which is what ``crawl --resume`` continues.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlite_utils

from ingest.store.connection import read_only_uri, write_transaction
from ingest.store.schema import now

if TYPE_CHECKING:
    from ingest.plugins.manager import Plugins

RUNNING, FINISHED, INTERRUPTED, FAILED = "running", "finished", "interrupted", "failed"
KILLED = "killed: its process ended without closing the run"


class WriterBusy(Exception):
    """Another live run is writing to the database."""


#: The runs of the latest crawl: the latest run, and in a merged shared crawl the runs of
#: other workers that ran at the same time (each merged run has its ``shard``).
LATEST_RUNS = "select max(id) as id from crawls"
LATEST_SHARED_RUNS = """
select c.id from crawls c join crawls l on l.id = (select max(id) from crawls)
where c.id = l.id or (l.shard is not null and c.shard is not null
  and c.started_at <= coalesce(l.finished_at, c.started_at)
  and coalesce(c.finished_at, l.started_at) >= l.started_at)"""


def start_run(
    db: sqlite_utils.Database,
    command: str,
    seeds: list[str],
    settings: dict[str, Any],
    resumed_from: int | None = None,
    wait: float = 0.0,
    notify: Callable[[str], None] | None = None,
    name: str | None = None,
) -> int:
    """A new run's id, once no other live run writes to ``db`` (waiting up to ``wait`` s).

    Checking and inserting happen in one write transaction, so two runs starting
    together cannot both pass. The one that waits is told as ``wait_for_writer``
    tells it (``notify``, the database called ``name``): to its user, a crawl started
    at the same instant as another and one started later are refused alike.
    """
    name = name or db_path(db)
    deadline = time.monotonic() + wait
    told = False
    while True:
        with write_transaction(db):
            other = live_writer(db, commit=False)
            if other is None:
                row = {
                    "command": command,
                    "started_at": now(),
                    "seeds": json.dumps(seeds),
                    "settings": json.dumps(settings, default=str),
                    "resumed_from": resumed_from,
                    "status": RUNNING,
                    "pid": os.getpid(),
                    "host": socket.gethostname(),
                }
                names = ", ".join(row)
                marks = ", ".join("?" for _ in row)
                cursor = db.execute(
                    f"insert into crawls ({names}) values ({marks})", list(row.values())
                )
                return int(cursor.lastrowid)
        if time.monotonic() >= deadline:
            raise _busy(name, other)
        if notify is not None and not told:
            notify(_waiting(name, other, wait))
            told = True
        time.sleep(0.25)


def _busy(name: str, other: tuple[int, int]) -> WriterBusy:
    run_id, pid = other
    return WriterBusy(f"another crawl is writing to {name} (crawl {run_id}, pid {pid})")


def _waiting(name: str, other: tuple[int, int], wait: float) -> str:
    run_id, pid = other
    return f"crawl {run_id} (pid {pid}) is writing to {name}: waiting up to {wait:g} s"


def live_writer(db: sqlite_utils.Database, commit: bool = True) -> tuple[int, int] | None:
    """(id, pid) of a run still writing, if any; runs whose process is gone become
    interrupted on the way (committed unless the caller holds a transaction)."""
    rows = db.execute(
        "select id, pid, host from crawls where status = ? and pid is not null", [RUNNING]
    ).fetchall()
    for run_id, pid, host in rows:
        if pid == os.getpid() and host == socket.gethostname():
            continue  # this very process: a run it left open (tests, a library user)
        if still_running(pid, host):
            return run_id, pid
        db.execute(
            "update crawls set status = ?, stop_reason = ? where id = ?",
            [INTERRUPTED, KILLED, run_id],
        )
        if commit:
            db.conn.commit()
    return None


def still_running(pid: int | None, host: str | None) -> bool:
    """Whether a run's process may still be writing: alive here, or on another host,
    which can't be looked into from here and so is taken as alive."""
    if pid is None:
        return False
    return host != socket.gethostname() or _alive(pid)


def wait_for_writer(path: str, wait: float, notify: Any = None) -> None:
    """Return once no other run writes to ``path``; WriterBusy after ``wait`` seconds."""
    if not Path(path).exists():
        return
    db = sqlite_utils.Database(path)
    try:
        if "crawls" not in db.table_names() or "pid" not in db["crawls"].columns_dict:
            return
        deadline = time.monotonic() + wait
        told = False
        while (other := live_writer(db)) is not None:
            if time.monotonic() >= deadline:
                raise _busy(path, other)
            if notify is not None and not told:
                notify(_waiting(path, other, wait))
                told = True
            time.sleep(0.25)
    finally:
        db.close()


def _alive(pid: int) -> bool:
    """Whether ``pid`` is a live process, and (where /proc tells) a Python one."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists():  # a reused pid is another program
        try:
            command = cmdline.read_bytes()
        except OSError:
            return False
        return b"ingest" in command or b"scrapy" in command
    return True


def finish_run(
    db: sqlite_utils.Database,
    run_id: int,
    stats: dict[str, Any],
    status: str = FINISHED,
    reason: str = "finished",
) -> None:
    db["crawls"].update(
        run_id,
        {
            "finished_at": now(),
            "stats": json.dumps(stats, default=str),
            "status": status,
            "stop_reason": reason,
        },
    )
    if reason.startswith("closespider_"):  # a Scrapy bound stopped it first: the URLs
        # still queued say why, as --max-pages' do, and wait for the next run
        db.execute("update urls set reason = ? where state = 'queued' and reason is null", [reason])


def mark_interrupted(db: sqlite_utils.Database, run_id: int, reason: str) -> None:
    """A run stopped before it could close itself: interrupted, if still marked running."""
    db.execute(
        "update crawls set status = ?, stop_reason = ? where id = ? and status = ?",
        [INTERRUPTED, reason, run_id, RUNNING],
    )
    db.conn.commit()


def resumable_run(db: sqlite_utils.Database, command: str) -> int | None:
    """The latest run of ``command`` if it did not finish: what --resume continues."""
    live_writer(db)  # a killed run is marked interrupted first
    row = db.execute(
        "select id, status, finished_at from crawls where command = ? order by id desc limit 1",
        [command],
    ).fetchone()
    if row is None:
        return None
    run_id, status, finished_at = row
    if status in (INTERRUPTED, FAILED) or (status is None and finished_at is None):
        return run_id
    return None


def resume_chain(db: sqlite_utils.Database, run_id: int | None) -> list[int]:
    """The interrupted run and, if it was itself a resumption, the runs before it."""
    chain: list[int] = []
    while run_id is not None and run_id not in chain:
        chain.append(run_id)
        row = db.execute("select resumed_from from crawls where id = ?", [run_id]).fetchone()
        run_id = row[0] if row else None
    return chain


def db_path(db: sqlite_utils.Database) -> str:
    row = db.execute("select file from pragma_database_list where name = 'main'").fetchone()
    return row[0] if row and row[0] else "the database"


def check_writable(path: str | Path, plugins: Plugins | None = None, max_bytes: int = 0) -> None:
    """Raise ValueError saying why ``path`` can't be a database a crawl writes, if it can't.

    Tried for real (opened, its tables made, a write transaction begun and rolled
    back), so a read-only file, a read-only folder or a file that is not SQLite is
    told before anything is fetched; so is a plugin whose ``prepare_database`` fails
    on it (PluginLoadError), and a database already past ``max_bytes`` (PastSizeBound).
    """
    from ingest.store.schema import open_database

    target = Path(path)
    if target.is_dir():
        raise ValueError(f"{path} is a folder; name a database file in it")
    if str(path).endswith(("/", os.sep)):  # Path drops it: the crawl made a file of that name
        raise ValueError(f"{path} names a folder (its final /); name a database file in it")
    if not target.parent.is_dir():
        raise ValueError(f"the folder {target.parent} does not exist")
    if someone_elses(target):
        raise ValueError(
            f"{path} is a SQLite database another program made (its tables are not "
            "ingest's): a crawl writes a database of its own; name a new file"
        )
    try:
        db = open_database(target, plugins, max_bytes)
        try:  # a write, undone: a read-only file begins a transaction as any other
            db.execute("BEGIN IMMEDIATE")
            db.execute("CREATE TABLE _ingest_write_check (x)")
            db.execute("ROLLBACK")
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        text = str(exc)
        if "not a database" in text:
            raise ValueError(f"{path} is not a SQLite database") from exc
        if "readonly" in text or "unable to open" in text:
            raise ValueError(f"{path} can't be written here ({text})") from exc
        raise ValueError(f"{path}: {text}") from exc


#: Tables every database ingest wrote has had, from the first.
OWN_TABLES = frozenset({"crawls", "pages", "articles"})


def someone_elses(path: Path) -> bool:
    """A SQLite file with tables, not ingest's: read-only, so it is never touched. A crawl
    into one had switched it to WAL mode and added some 30 tables, or ended in a
    traceback where a table of the same name had other columns."""
    if not path.is_file() or path.stat().st_size == 0:
        return False
    try:
        tables = table_names(path)
    except sqlite3.DatabaseError:
        return False  # not SQLite, or unreadable: open_database says which
    return bool(tables) and not tables >= OWN_TABLES


def table_names(path: str | Path) -> set[str]:
    """The names in the database's schema, read read-only: the file is never touched."""
    conn = sqlite3.connect(read_only_uri(path), uri=True)
    try:
        return {name for (name,) in conn.execute("select name from sqlite_master")}
    finally:
        conn.close()


def check_readable(path: str | Path) -> None:
    """Raise ValueError saying why ``path`` is not a database a crawl wrote, if it isn't.

    Opened read-only, so a file that is someone else's is never touched: not SQLite at
    all, or SQLite without ingest's tables (a crawl into it has not run).
    """
    try:
        tables = table_names(path)
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc):
            raise ValueError(f"{path} is not a SQLite database") from exc
        raise ValueError(f"{path} can't be read: {exc}") from exc
    if not {"articles", "pages", "urls"} <= tables:
        raise ValueError(
            f"{path} is a SQLite database, but not one ingest wrote (no articles, pages and "
            "urls tables): name the file a crawl wrote, or crawl into it first"
        )


def settings_record(settings: Any, spider: Any = None) -> dict[str, Any]:
    """The settings (and crawl options) a user would want to know a crawl ran with."""
    names = [
        "USER_AGENT",
        "ROBOTSTXT_OBEY",
        "AUTOTHROTTLE_ENABLED",
        "DOWNLOAD_DELAY",
        "CONCURRENT_REQUESTS",
        "CONCURRENT_REQUESTS_PER_DOMAIN",
        "DEPTH_LIMIT",
        "CLOSESPIDER_PAGECOUNT",
        "INGEST_WORKERS",
        "INGEST_PLUGINS_DIRS",
    ]
    record = {n: settings.get(n) for n in names}
    for option in ("max_pages", "follow", "since", "refresh", "resume"):
        if spider is not None and hasattr(spider, option):
            record[option] = getattr(spider, option)
    return json.loads(json.dumps(record, default=str))
