"""Crawls to break and what to watch while breaking them: shared by the fault tests
and ``benchmarks/faults.py``."""

import gzip
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable

from conftest import FAST, ROOT, rows
from sites import Resource, article_page, index_page, story

ARTICLES = 40


def many_articles(n: int = ARTICLES, delay: float = 0.0) -> dict:
    paths = [f"/news/2024/03/story-{i}" for i in range(n)]
    site: dict = {"/": index_page(paths)}
    for i, path in enumerate(paths):
        site[path] = Resource(article_page(f"Story {i}", story(i)), delay=delay)
    return site


def crawl_process(url: str, db, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "ingest", "crawl", url, "--db", str(db), *FAST,
         "-s", "CONCURRENT_REQUESTS=4", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
         "-s", "INGEST_BATCH_SIZE=1", *extra],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,  # its own process group, as a terminal gives it
    )  # fmt: skip


def signalled(process: subprocess.Popen, signals: list[int], first: Callable[[], None]) -> str:
    """Once ``first`` returns, each signal to the process's group; its stderr once it ended.
    A process that hangs is killed, not left behind."""
    try:
        first()
        for sig in signals:
            os.killpg(process.pid, sig)
            time.sleep(0.05)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return stderr


def wait_for_articles(db, n: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if rows(db, "select count(*) from articles")[0][0] >= n:
                return
        except Exception:  # not created yet
            pass
        time.sleep(0.1)
    raise AssertionError(f"fewer than {n} articles after {timeout} s")


def process_tree() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command line) of every process, from /proc."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        found[int(entry)] = (ppid, cmdline)
    return found


def extraction_workers(crawl_pid: int) -> list[int]:
    """The crawl's workers: children of its forkserver, itself a child of the crawl."""
    tree = process_tree()
    servers = {p for p, (ppid, cmd) in tree.items() if ppid == crawl_pid and "forkserver" in cmd}
    return [p for p, (ppid, _) in tree.items() if ppid in servers]


GOOD = [f"/news/2024/03/good-{i}" for i in range(20)]
TRAPS = {  # path -> (urls state, reason) it must end in; each also an errors row
    "/hang": ("failed", "DownloadTimeoutError"),
    "/trickle": ("failed", "DownloadTimeoutError"),
    "/bomb": ("failed", "too_large"),
    "/huge": ("failed", "too_large"),
    "/deep": ("fetched", "too_deep"),
    "/script": ("fetched", "too_large"),
    "/binary": ("fetched", "unparseable"),
    "/loop1": ("failed", "redirect_loop"),
    "/error": ("failed", "http_500"),
    "/away": ("offsite", "redirect_offsite"),
}


def hostile_site() -> dict:
    words = " ".join(story(1)) + " "
    return {
        "/": index_page(GOOD + list(TRAPS)),
        **{path: article_page(f"Good {i}", story(i)) for i, path in enumerate(GOOD)},
        "/hang": Resource(article_page("Hangs", story(1)), delay=60),
        "/trickle": Resource(article_page("Trickles", story(2)), trickle=0.5),
        "/bomb": Resource(
            gzip.compress(b"<html><body>" + b"\0" * 100_000_000, compresslevel=1),
            headers={"Content-Encoding": "gzip"},
        ),
        "/huge": Resource(b"<html><body>" + b"x" * 60_000_000 + b"</body></html>"),
        "/deep": "<html><body>" + "<div>" * 300 + f"<p>{words}</p>" + "</div>" * 300 + "</body>",
        "/script": (
            "<html><head><script>var x='" + "x" * 11_000_000 + "';</script></head>"
            f"<body><article><h1>Script</h1><p>{words}</p></article></body></html>"
        ),
        # the same bytes every run: random ones are text now and then (a UTF-16 BOM first)
        "/binary": Resource(random.Random(7).randbytes(50_000), content_type="text/html"),
        "/loop1": Resource("", status=302, headers={"Location": "/loop2"}),
        "/loop2": Resource("", status=302, headers={"Location": "/loop1"}),
        "/error": Resource("<html><body>oops</body></html>", status=500),
        "/away": Resource("", status=301, headers={"Location": "http://elsewhere.example/"}),
    }
