"""`ingest extract` and `ingest reextract`: worker processes against --workers 0.

extract: the real pages of ../shared/eval (read by path, never copied) given as
files. reextract: a database holding the same pages, made by crawling them from
a loopback server. Each command runs with its default workers (one per core)
and with --workers 0 (everything in the command's own process), alternated,
median of several runs; the ratio is the speed the workers add.

It also prints what two cores can give at all: two ``--workers 0`` processes
side by side, each extracting half the files, against one doing them all. Two
processes busy at once each run slower than one alone (they share the caches
and the memory bus), so no pool of two can beat that ratio.

    python benchmarks/extract_speed.py --pages 500 --runs 3
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from crawl_speed import EVAL, eval_pages, ingest_command, serve_routes


def eval_files(n: int) -> list[str]:
    files = [
        *sorted((EVAL / "trafilatura" / "cache").glob("*.html")),
        *sorted((EVAL / "trafilatura" / "eval").glob("*.html")),
        *sorted((EVAL / "outlets" / "html").glob("*.html.gz")),
    ]
    return [str(f) for f in files[:n]]


def seconds(command: list[str]) -> float:
    """Wall seconds of a command; exit 1 (some page gave no article, said so) is fine."""
    started = time.monotonic()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if done.returncode not in (0, 1):
        sys.exit(f"{command[2:4]} failed ({done.returncode}):\n{done.stderr.decode()[-2000:]}")
    return time.monotonic() - started


def seconds_side_by_side(commands: list[list[str]]) -> float:
    """Wall seconds of commands run at once, until the last ends."""
    started = time.monotonic()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    running = [subprocess.Popen(c, **quiet) for c in commands]
    if any(p.wait() not in (0, 1) for p in running):
        sys.exit("a side-by-side extract failed")
    return time.monotonic() - started


def crawled_db(folder: Path, n: int) -> Path:
    """A database of the first n eval pages, crawled from loopback."""
    pages = eval_pages()[:n]
    server = serve_routes({f"/article/{i}": (p, {}) for i, p in enumerate(pages)})
    base = f"http://127.0.0.1:{server.server_address[1]}"
    seeds = folder / "seeds.toml"
    seeds.write_text(f"urls = {[f'{base}/article/{i}' for i in range(n)]!r}\n")
    db = folder / "pages.db"
    subprocess.run(ingest_command(str(seeds), db, None, "--no-follow"), check=True)
    server.shutdown()
    return db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    ingest = [sys.executable, "-m", "ingest"]
    with tempfile.TemporaryDirectory() as tmp:
        db = crawled_db(Path(tmp), args.pages)
        commands = {
            "extract": [*ingest, "extract", "--jsonl", *eval_files(args.pages)],
            "reextract": [*ingest, "reextract", "--db", str(db)],
        }
        print(f"{args.pages} real pages; pages/s, median of {args.runs}")
        print(f"{'command':<10} {'workers':>9} {'--workers 0':>12} {'ratio':>7}")
        for name, command in commands.items():
            pooled, alone = [], []
            for _ in range(args.runs):
                pooled.append(seconds(command))
                alone.append(seconds([*command, "--workers", "0"]))
            fast, slow = statistics.median(pooled), statistics.median(alone)
            print(
                f"{name:<10} {args.pages / fast:>9.1f} {args.pages / slow:>12.1f}"
                f" {slow / fast:>6.2f}x"
            )
        files = eval_files(args.pages)
        halves = [[*ingest, "extract", "--jsonl", *files[i::2], "--workers", "0"] for i in (0, 1)]
        alone, both = [], []
        for _ in range(args.runs):
            alone.append(seconds([*commands["extract"], "--workers", "0"]))
            both.append(seconds_side_by_side(halves))
        ceiling = statistics.median(alone) / statistics.median(both)
        print(
            f"two cores at most: two --workers 0 processes on half the files each, {ceiling:.2f}x"
        )


if __name__ == "__main__":
    main()
