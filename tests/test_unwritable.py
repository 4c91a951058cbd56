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
