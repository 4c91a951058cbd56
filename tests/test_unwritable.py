"""A database a command would write and can't is a usage error, told in one line before
anything starts: a read-only file began a transaction as any other, and the first real
write (the run's row) ended ``crawl``, ``import-warc`` and ``reextract`` in a traceback."""

import os
import shutil
import sqlite3
import subprocess

import pytest

from conftest import FAST, rows, run_ingest
from sites import LocalSite, article_page, story


def make_read_only(path) -> None:
    """Read-only for whoever runs the tests: root's rights pass by a file's mode, not by
    its immutable flag."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        return
    if shutil.which("chattr") is None:
        pytest.skip("running as root, and no chattr to make a file read-only")
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"running as root, and this file system has no immutable flag: {done.stderr}")


@pytest.fixture(scope="module")
def read_only_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("read-only") / "news.db"
    with LocalSite({"/news/1": article_page("One", story(1))}) as site:
        run_ingest("crawl", site.url + "/news/1", "--no-follow", "--db", str(db), *FAST)
    make_read_only(db)
    yield db
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(db)], check=True)


@pytest.mark.parametrize(
    "command",
    [["reextract"], ["import-warc", "none.warc.gz"], ["crawl", "http://127.0.0.1:9/", *FAST]],
    ids=["reextract", "import-warc", "crawl"],
)
def test_a_read_only_database_is_a_usage_error(read_only_db, command):
    result = run_ingest(*command, "--db", str(read_only_db), check=False)
    assert "Traceback" not in result.stderr
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for --db: {read_only_db} can't be written here "
        "(attempt to write a readonly database)"
    )
    assert rows(read_only_db, "select count(*) from crawls") == [(1,)]  # no run begun


def test_reextract_on_a_database_another_program_holds_is_a_usage_error(tmp_path):
    db = tmp_path / "news.db"
    with LocalSite({"/news/1": article_page("One", story(1))}) as site:
        run_ingest("crawl", site.url + "/news/1", "--no-follow", "--db", str(db), *FAST)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # held past SQLite's busy timeout: a traceback before
    try:
        result = run_ingest("reextract", "--db", str(db), check=False)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert "Traceback" not in result.stderr
    assert (result.returncode, result.stderr.splitlines()[-1]) == (
        2,
        f"Error: Invalid value for --db: {db}: database is locked",
    )


def as_another_user() -> list[str]:
    """The command prefix that runs as a user who can't write what root made, or a skip."""
    import sys

    if os.geteuid() != 0:
        return []
    setpriv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    if shutil.which("setpriv") is None:
        pytest.skip("running as root, and no setpriv to read as another user")
    probe = subprocess.run([*setpriv, sys.executable, "-c", "import ingest"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("another user can't run this checkout's Python")
    return setpriv


@pytest.mark.parametrize(
    "command", [["stats", "--json"], ["search", "one", "--json"], ["export"]],
    ids=["stats", "search", "export"],
)  # fmt: skip
def test_a_database_in_a_read_only_folder_is_read(tmp_path, command):
    """SQLite makes a -shm file beside a WAL database to read it: in a read-only folder (a
    shared dataset's mount) every command that reads said "attempt to write a readonly
    database"."""
    import json
    import sys
    import tempfile
    from pathlib import Path

    from conftest import ROOT

    db = tmp_path / "news.db"
    with LocalSite({"/news/1": article_page("One", story(1))}) as site:
        run_ingest("crawl", site.url + "/news/1", "--no-follow", "--db", str(db), *FAST)
    prefix = as_another_user()
    shared = Path(tempfile.mkdtemp(prefix="ingest-read-only-", dir="/tmp"))
    try:
        shutil.copy(db, shared / "news.db")
        (shared / "news.db").chmod(0o644)
        shared.chmod(0o555)
        done = subprocess.run(
            [*prefix, sys.executable, "-m", "ingest", *command, "--db", str(shared / "news.db")],
            cwd=ROOT, capture_output=True, text=True,
        )  # fmt: skip
        assert sorted(p.name for p in shared.iterdir()) == ["news.db"]  # nothing made beside
    finally:
        shared.chmod(0o755)
        shutil.rmtree(shared)
    assert done.returncode == 0, done.stderr
    if command[0] == "export":
        assert [json.loads(line)["title"] for line in done.stdout.splitlines()] == ["One"]
    elif command[0] == "search":
        assert [r["title"] for r in json.loads(done.stdout)] == ["One"]
    else:
        assert json.loads(done.stdout)["totals"]["articles"] == 1
