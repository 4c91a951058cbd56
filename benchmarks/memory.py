"""Memory on hostile input: peak memory of `ingest` while pages, files and responses
try to exhaust it.

Each case runs the real command in a fresh process and samples the whole process
tree (the command and its extraction workers) every 20 ms, as the sum of RSS and as
PSS (shared pages split fairly); the bound to hold is 600 MB for the tree and about
300 MB for one worker on a page at the limit. Cases:

- crawl: a loopback site serving a 30 MB page (past DOWNLOAD_MAXSIZE), a 15 MB
  one (under it, past INGEST_MAX_HTML_BYTES), a gzip bomb response (1 GB of zeros
  in 1 MB), a page at INGEST_MAX_HTML_BYTES of varied text and one at
  INGEST_MAX_ELEMENTS elements;
- extract: a 1 GB gzip bomb file, the 30 MB page as a file, the two pages at the
  limits (one process: this is one worker's peak).

    python benchmarks/memory.py --runs 3
"""

from __future__ import annotations

import argparse
import gzip
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from crawl_speed import serve_routes, settings_args, tree_memory

from ingest.extract.limits import MAX_ELEMENTS, MAX_HTML_BYTES

MB = 1_000_000


def varied_text_page(size: int) -> bytes:
    """An article of ``size`` bytes of paragraphs no two alike (trafilatura dedups repeats)."""
    rnd = random.Random(1)
    words = ["".join(rnd.choices("etaoinshrdlucmfw", k=rnd.randint(2, 9))) for _ in range(5000)]
    head = b"<html><head><title>Long</title></head><body><article><h1>Long</h1>"
    tail = b"</article></body></html>"
    parts, size_now = [], len(head) + len(tail)
    while True:
        p = ("<p>" + " ".join(rnd.choices(words, k=60)) + ".</p>\n").encode()
        if size_now + len(p) > size:
            break
        parts.append(p)
        size_now += len(p)
    return head + b"".join(parts) + tail


def elements_page(elements: int) -> bytes:
    """An article page of exactly ``elements`` elements, menus around short paragraphs."""
    head = b"<html><head><title>Menus</title></head><body><article><h1>Menus</h1>"
    unit = b"<div><a href='/a'>World</a></div><p>The talks went on, officials said.</p>"
    return head + unit * ((elements - 6) // 3) + b"</article></body></html>"


def bomb(path: Path, size: int) -> None:
    with gzip.open(path, "wb", compresslevel=9) as f:
        f.write(b"<html><body><p>")
        for _ in range(size // MB):
            f.write(b"\0" * MB)


def peak(command: list[str]) -> tuple[int, int, float, int]:
    """Peak tree RSS, peak tree PSS, seconds and exit status of one command."""
    started = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rss = pss = 0
    while proc.poll() is None:
        rss = max(rss, tree_memory(proc.pid, "Rss"))
        pss = max(pss, tree_memory(proc.pid, "Pss"))
        time.sleep(0.02)
    return rss, pss, time.monotonic() - started, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        huge = b"<html><body><p>" + b"x" * (30 * MB) + b"</p></body></html>"
        at_size = varied_text_page(MAX_HTML_BYTES)
        at_elements = elements_page(MAX_ELEMENTS)
        for name, body in [
            ("huge.html", huge),
            ("text.html", at_size),
            ("menus.html", at_elements),
        ]:
            (folder / name).write_bytes(body)
        bomb(folder / "bomb.html.gz", 1000 * MB)
        response_bomb = (folder / "bomb.html.gz").read_bytes()
        paths = ("huge", "big", "bomb", "text", "menus")
        links = "".join(f'<a href="/{p}">{p}</a>' for p in paths)
        server = serve_routes(
            {
                "/": (f"<html><body>{links}</body></html>".encode(), {}),
                "/huge": (huge, {}),
                "/big": (huge[: 15 * MB], {}),
                "/bomb": (response_bomb, {"Content-Encoding": "gzip"}),
                "/text": (at_size, {}),
                "/menus": (at_elements, {}),
            }
        )
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        ingest = [sys.executable, "-m", "ingest"]
        cases = {
            "crawl: 30 and 15 MB pages, bomb response, both limit pages": [
                *ingest, "crawl", url, "--db", str(folder / "c.db"), "--max-depth", "1",
                *settings_args(),
            ],
            "extract: gzip bomb file (1 MB -> 1 GB)": [
                *ingest, "extract", str(folder / "bomb.html.gz"),
            ],
            "extract: 30 MB page file": [*ingest, "extract", str(folder / "huge.html")],
            f"extract: {len(at_size) / MB:.1f} MB of text (at the byte limit)": [
                *ingest, "extract", str(folder / "text.html"),
            ],
            f"extract: {MAX_ELEMENTS:,} elements (at the element limit)": [
                *ingest, "extract", str(folder / "menus.html"),
            ],
        }  # fmt: skip
        print(f"{'case':<58} {'RSS MB':>7} {'PSS MB':>7} {'s':>6} exit  (median of {args.runs})")
        for name, command in cases.items():
            runs = [peak(command) for _ in range(args.runs)]
            rss = statistics.median(r[0] for r in runs) / MB
            pss = statistics.median(r[1] for r in runs) / MB
            seconds = statistics.median(r[2] for r in runs)
            print(f"{name:<58} {rss:>7.0f} {pss:>7.0f} {seconds:>6.1f} {runs[0][3]:>4}")
        server.shutdown()


if __name__ == "__main__":
    main()
