import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from launcher import SERVER_ENV, launch

ROOT = Path(__file__).resolve().parent.parent
FAST = [
    "-s", "AUTOTHROTTLE_ENABLED=0",
    "-s", "DOWNLOAD_DELAY=0",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
]  # fmt: skip


def python_start(environment: dict) -> dict:
    """What of an environment changes how Python starts (a module path, flags)."""
    return {k: v for k, v in environment.items() if k.startswith("PYTHON")}


LAUNCHER_START = python_start(SERVER_ENV)


def run_ingest(
    *args: str,
    cwd: Path | None = None,
    timeout: float = 240,
    check: bool = True,
    env: dict | None = None,
) -> subprocess.CompletedProcess:
    """Run the real `ingest` command in a process of its own, as a user would: this
    checkout's, from any folder, whichever one the environment has installed. It is a fork
    of a process that has imported the CLI already (``tests/launcher.py``), unless the
    environment asks for another interpreter start."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    environment = {**os.environ, "COLUMNS": "200", "PYTHONPATH": path, **(env or {})}
    if python_start(environment) != LAUNCHER_START:
        result = subprocess.run(
            [sys.executable, "-m", "ingest", *args],
            cwd=cwd or ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=environment,
        )
    else:
        result = launch(list(args), Path(cwd or ROOT), environment, timeout)
    if check and result.returncode != 0:
        raise AssertionError(
            f"ingest {' '.join(args)} exited {result.returncode}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
    return result


def pytest_xdist_auto_num_workers(config) -> int:
    """`-n auto` in pyproject: a test process a core and one more, at most five. A third of a
    test's time is waiting (a site's delay, a timeout, a process starting), which one more
    process fills. On two cores the whole suite took 811 s in three processes and 836 s in
    two; four were slower than two (900 s against 875 s), and one took 1,538 s."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min((cores or 1) + 1, 5)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def write_plugin(tmp_path):
    """Write a plugin module into a fresh folder; returns the folder for --plugins-dir."""
    folder = tmp_path / "plugins"
    folder.mkdir()

    def write(name: str, source: str) -> Path:
        (folder / f"{name}.py").write_text(source)
        return folder

    return write


def kill_crawl_once_stored(
    url: str, db: Path, articles: int, timeout: float = 60, env: dict | None = None
) -> None:
    """Start a one-request-at-a-time crawl and kill -9 it once ``articles`` rows are stored."""
    import signal
    import sqlite3
    import time

    crawl = subprocess.Popen(
        [sys.executable, "-m", "ingest", "crawl", url, "--db", str(db),
         "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "-s", "AUTOTHROTTLE_ENABLED=0",
         "-s", "DOWNLOAD_DELAY=0", "-s", "INGEST_BATCH_SIZE=1"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            time.sleep(0.3)
            try:
                with sqlite3.connect(db) as conn:
                    if conn.execute("select count(*) from articles").fetchone()[0] >= articles:
                        break
            except sqlite3.OperationalError:
                continue  # not created yet
    finally:
        crawl.send_signal(signal.SIGKILL)
        crawl.wait()


@pytest.fixture(scope="session")
def demo_crawl(tmp_path_factory) -> Path:
    """One `ingest demo` a test process, for the tests that only read its database: each module
    takes a copy of its own (`copy_database`)."""
    db = tmp_path_factory.mktemp("demo-crawl") / "demo.db"
    run_ingest("demo", "--db", str(db))
    return db


def copy_database(db: Path, folder: Path, name: str | None = None) -> Path:
    """A whole copy of the database file ``db`` (its write-ahead log folded in) in ``folder``,
    by SQLite's own backup: to change without touching the crawl it came from."""
    import sqlite3
    from contextlib import closing

    target = folder / (name or db.name)
    with closing(sqlite3.connect(db)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    return target


def rows(db, sql: str, *args) -> list[tuple]:
    """The rows a query returns from a database file."""
    import sqlite3

    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()
