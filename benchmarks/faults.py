"""Faults: does a crawl survive them, and does it lose anything?

Each fault is done to a real crawl of a loopback site of 40 articles, at a random
moment, then the same crawl is resumed (``--resume``); a trial survives when every
article is stored exactly once and ``PRAGMA integrity_check`` is ok. Pages lost
counts articles missing after the resumption (it must be 0).

Then a hostile site (a hanging page, a trickling one, a gzip bomb, a 60 MB page,
deep nesting, an 11 MB script, binary, a redirect loop, a 500, a redirect away and
20 good articles) is crawled once at the default settings: its time, the peak memory
of the whole process tree, and how many traps ended as errors rows.

    python benchmarks/faults.py --trials 5
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from crawl_speed import tree_memory

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from faultkit import (  # noqa: E402
    ARTICLES,
    TRAPS,
    crawl_process,
    extraction_workers,
    hostile_site,
    many_articles,
    wait_for_articles,
)

from conftest import FAST, rows, run_ingest  # noqa: E402
from sites import LocalSite  # noqa: E402


def kill_crawl(crawl: subprocess.Popen, rnd: random.Random) -> None:
    os.kill(crawl.pid, signal.SIGKILL)


def kill_worker(crawl: subprocess.Popen, rnd: random.Random) -> None:
    os.kill(rnd.choice(extraction_workers(crawl.pid)), signal.SIGKILL)


def signals(*sent: int):
    def send(crawl: subprocess.Popen, rnd: random.Random) -> None:
        for sig in sent:
            os.killpg(crawl.pid, sig)
            time.sleep(0.05)

    return send


FAULTS = {
    "kill -9 the crawl process": (kill_crawl, ()),
    "kill -9 a busy extraction worker": (kill_worker, ()),
    "SIGINT (Ctrl-C)": (signals(signal.SIGINT), ()),
    "SIGTERM": (signals(signal.SIGTERM), ()),
    "SIGINT twice": (signals(signal.SIGINT, signal.SIGINT), ()),
    "database full (INGEST_DB_MAX_BYTES)": (None, ("-s", "INGEST_DB_MAX_BYTES=350000")),
}


def trial(url: str, db: Path, fault, extra: tuple[str, ...], rnd: random.Random) -> int:
    """Articles lost after the fault and a resumption (negative: stored twice)."""
    crawl = crawl_process(url, db, *extra)
    if fault is not None:
        wait_for_articles(db, rnd.randint(1, ARTICLES - 15))
        fault(crawl, rnd)
    crawl.communicate(timeout=120)
    run_ingest("crawl", url, "--resume", "--db", str(db), *FAST)
    titles = [t for (t,) in rows(db, "select title from articles")]
    assert rows(db, "pragma integrity_check") == [("ok",)]
    return ARTICLES - len(set(titles)) - (len(titles) - len(set(titles)))


def hostile(folder: Path) -> tuple[float, int, int, int]:
    """Seconds, peak tree RSS, good articles kept, traps recorded: at the default settings."""
    with LocalSite(hostile_site()) as site:
        db = folder / "hostile.db"
        started = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "ingest", "crawl", site.url + "/", "--db", str(db), *FAST],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        peak = 0
        while proc.poll() is None:
            peak = max(peak, tree_memory(proc.pid, "Rss"))
            time.sleep(0.05)
        seconds = time.monotonic() - started
    good = rows(db, "select count(*) from articles where title like 'Good %'")[0][0]
    kinds = dict(rows(db, "select replace(url, ?, ''), kind from errors", site.url))
    recorded = sum(kinds.get(path) == reason for path, (_, reason) in TRAPS.items())
    return seconds, peak, good, recorded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=3)
    args = parser.parse_args()
    rnd = random.Random(2026)
    print(f"{'fault':<40} {'trials':>6} {'survived':>8} {'pages lost':>10}")
    with tempfile.TemporaryDirectory() as tmp, LocalSite(many_articles(delay=0.1)) as site:
        for name, (fault, extra) in FAULTS.items():
            lost = []
            for n in range(args.trials):
                db = Path(tmp) / f"{len(lost)}-{abs(hash(name))}-{n}.db"
                lost.append(trial(site.url + "/", db, fault, extra, rnd))
            survived = sum(x == 0 for x in lost)
            print(f"{name:<40} {args.trials:>6} {survived:>8} {sum(map(abs, lost)):>10}")
        seconds, peak, good, recorded = hostile(Path(tmp))
    print(
        f"\nhostile site, default settings: {seconds:.1f} s, peak {peak / 1e6:.0f} MB (tree RSS), "
        f"{good}/20 good articles kept, {recorded}/{len(TRAPS)} traps recorded"
    )


if __name__ == "__main__":
    main()
