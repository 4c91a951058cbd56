"""Crawl speed: `ingest crawl` against a one-process spider, and at scale.

compare (the default): serves N URLs of the real pages in ../shared/eval (its
trafilatura and outlets sets, read by path, each URL its own copy of a page)
on 127.0.0.1 and crawls the same URL list with `ingest crawl --no-follow` and
with a plain Scrapy spider that calls trafilatura (with metadata) in its
callback and inserts with sqlite-utils, runs alternated; prints pages/s and
peak memory of the whole process tree (PSS), the ratio, and the ceiling:
ingest's own extraction path over the same bodies in its worker processes
with nothing else running.

scale: crawls generated sites of 1k, 10k and 100k small pages, following
links, and prints pages/s and peak memory of the process tree at each size.

    python benchmarks/crawl_speed.py --pages 1000 --runs 3
    python benchmarks/crawl_speed.py scale --sizes 1000,10000,100000 --runs 1
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from generated_site import site_answer

HERE = Path(__file__).resolve().parent
#: What a loopback server answers for a path: the body and extra headers.
Answer = tuple[bytes, dict[str, str]]
EVAL = HERE.parent.parent / "shared" / "eval"
BASELINE = HERE / "baseline_spider.py"
EVAL_PAGES = EVAL / "outlets" / "html"
SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "0",
    "DOWNLOAD_DELAY": "0",
    "ROBOTSTXT_OBEY": "0",
    "CONCURRENT_REQUESTS": "32",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "32",
    "LOG_LEVEL": "WARNING",
}


def real_pages() -> list[bytes]:
    if EVAL_PAGES.is_dir():
        return [gzip.decompress(p.read_bytes()) for p in sorted(EVAL_PAGES.glob("*.html.gz"))]
    from ingest.demo.site import build_site

    site = build_site()
    return [site.files[(host, path)][1] for host, path in site.article_pairs()]


def serve(pages: list[bytes], n: int) -> ThreadingHTTPServer:
    links = "".join(f'<a href="/article/{i}">{i}</a>\n' for i in range(n))
    routes = {"/": (f"<html><body>{links}</body></html>".encode(), {})}
    routes.update({f"/article/{i}": (pages[i % len(pages)], {}) for i in range(n)})
    return serve_routes(routes)


def serve_routes(routes: dict[str, Answer]) -> ThreadingHTTPServer:
    """A loopback server answering each path with its body and extra headers, else 404."""
    return serve_answers(routes.get)


def serve_answers(answer: Callable[[str], Answer | None]) -> ThreadingHTTPServer:
    """A loopback server answering a path with what ``answer`` gives for it, None a 404."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found = answer(self.path)
            if found is None:
                self.send_error(404)
                return
            body, headers = found
            self.send_response(200)
            headers = {"Content-Type": "text/html; charset=utf-8", **headers}  # "": none
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                if value:
                    self.send_header(name, value)
            self.end_headers()
            # the crawler may give up on a body past its size bound
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def tree_memory(pid: int, field: str = "Pss") -> int:
    """Bytes of a process and its descendants: PSS (shared pages split fairly) or Rss."""
    return tree_memories(pid)[field]


def tree_memories(pid: int) -> dict[str, int]:
    """PSS and RSS bytes of a process and its descendants, each process's read once."""
    totals, stack = {"Pss": 0, "Rss": 0}, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    name = line.split(":", 1)[0]
                    if name in totals:
                        totals[name] += int(line.split()[1]) * 1024
            with open(f"/proc/{p}/task/{p}/children") as f:
                stack += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return totals


def timed(command: list[str], cwd: str | None = None) -> tuple[float, int]:
    """Wall seconds and peak process-tree memory (PSS) of one command."""
    seconds, pss, _ = timed_tree(command, cwd)
    return seconds, pss


def timed_tree(command: list[str], cwd: str | None = None) -> tuple[float, int, int]:
    """Wall seconds, peak process-tree PSS and peak process-tree RSS of one command.

    Memory is sampled every 0.2 s: reading a large process's page tables costs CPU,
    which a tighter loop would take from the command it measures."""
    started = time.monotonic()
    # stderr to a file: a pipe nobody reads fills up and stalls a long crawl
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, cwd=cwd)
        pss = rss = 0
        while proc.poll() is None:
            found = tree_memories(proc.pid)
            pss, rss = max(pss, found["Pss"]), max(rss, found["Rss"])
            time.sleep(0.2)
        seconds = time.monotonic() - started
        if proc.returncode != 0:
            err.seek(0)
            sys.exit(f"{command[:4]} failed:\n{err.read().decode()[-3000:]}")
    return seconds, pss, rss


def settings_args() -> list[str]:
    return [arg for name, value in SETTINGS.items() for arg in ("-s", f"{name}={value}")]


def eval_pages() -> list[bytes]:
    """Every real page of ../shared/eval's extraction sets (1,038), read by path."""
    files = [
        *sorted((EVAL / "trafilatura" / "cache").glob("*.html")),
        *sorted((EVAL / "trafilatura" / "eval").glob("*.html")),
        *sorted((EVAL / "outlets" / "html").glob("*.html.gz")),
    ]
    if not files:
        sys.exit(f"no evaluation pages under {EVAL}")
    return [page_bytes(f) for f in files]


def page_bytes(path: Path) -> bytes:
    """A saved page's bytes, unpacked when it is kept gzipped."""
    raw = path.read_bytes()
    return gzip.decompress(raw) if path.suffix == ".gz" else raw


def ingest_command(seeds: str, db: Path, workers: int | None, *extra: str) -> list[str]:
    command = [sys.executable, "-m", "ingest", "crawl", seeds, "--db", str(db), *extra]
    command += settings_args()
    return command + (["--workers", str(workers)] if workers is not None else [])


def ceiling(bodies: list[bytes], workers: int | None) -> tuple[float, float]:
    """Pages/s of ingest's own extraction path over the bodies in worker processes, nothing
    else running: what a crawl could reach if fetching and storing cost nothing. Cold: from
    starting the workers, as a crawl does; warm: the same pages again on the same workers."""
    from ingest.extract.process import Job
    from ingest.extract.workers import ExtractionPool
    from ingest.plugins.manager import PluginConfig

    jobs = [
        Job(
            url=f"http://127.0.0.1/article/{i}",
            body=b,
            content_type="text/html",
            fetched=date.today(),
            keep_body=True,
            signature=True,
        )
        for i, b in enumerate(bodies)
    ]
    rates = []
    started = time.monotonic()
    with ExtractionPool(PluginConfig.default([]), workers) as pool:
        for _ in range(2):
            for _ in pool.map(jobs):
                pass
            rates.append(len(jobs) / (time.monotonic() - started))
            started = time.monotonic()
    return rates[0], rates[1]


def compare(args: argparse.Namespace) -> None:
    """ingest against the one-process spider on the same URL list, runs alternated."""
    pages = eval_pages()
    bodies = [pages[i % len(pages)] for i in range(args.pages)]
    server = serve_routes({f"/article/{i}": (b, {}) for i, b in enumerate(bodies)})
    base = f"http://127.0.0.1:{server.server_address[1]}"
    print(
        f"{args.pages} URLs of {len(pages)} distinct real pages "
        f"({sum(map(len, pages)) // len(pages) // 1024} KiB mean) at {base}, links not followed"
    )
    results: dict[str, list[tuple[float, int]]] = {"ingest": [], "baseline": []}
    with tempfile.TemporaryDirectory() as tmp:
        urls = Path(tmp) / "urls.txt"
        urls.write_text("".join(f"{base}/article/{i}\n" for i in range(args.pages)))
        seeds = Path(tmp) / "seeds.toml"
        seeds.write_text(f"urls = {[f'{base}/article/{i}' for i in range(args.pages)]!r}\n")
        for run in range(args.runs):
            db = Path(tmp) / f"ingest{run}.db"
            ingest = ingest_command(str(seeds), db, args.workers, "--no-follow")
            baseline = [sys.executable, "-m", "scrapy", "runspider", str(BASELINE)]
            baseline += ["-a", f"urls={urls}", "-a", f"db={Path(tmp) / f'base{run}.db'}"]
            results["ingest"].append(timed(ingest))
            # Outside this project: scrapy.cfg would give the baseline ingest's settings,
            # address guard included, which refuses its loopback requests.
            results["baseline"].append(timed([*baseline, *settings_args()], cwd=tmp))
    server.shutdown()
    rates = report(results, args.pages, args.runs)
    print(f"ratio ingest/baseline: {rates['ingest'] / rates['baseline']:.2f}x pages per second")
    tops = [ceiling(bodies, args.workers) for _ in range(args.runs)]
    cold, warm = (statistics.median(t[i] for t in tops) for i in (0, 1))
    print(
        f"ceiling (ingest's extraction alone in worker processes): {cold:.1f} pages/s from"
        f" the workers' start, {warm:.1f} warm; the crawl reaches {rates['ingest'] / cold:.0%}"
        f" and {rates['ingest'] / warm:.0%} of them"
    )


def scale(args: argparse.Namespace) -> None:
    """Pages/s and peak memory of a crawl following links through generated sites."""
    print(f"{'pages':>8} {'pages/s':>9} {'seconds':>9} {'peak PSS MiB':>13} {'peak RSS MiB':>13}")
    for size in args.sizes:
        server = serve_answers(lambda path, size=size: site_answer(path, size))
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        runs = []
        with tempfile.TemporaryDirectory() as tmp:
            for run in range(args.runs):
                db = Path(tmp) / f"scale{run}.db"
                runs.append(timed_tree(ingest_command(url, db, args.workers)))
                check_stored(db, size)
        server.shutdown()
        seconds = statistics.median(r[0] for r in runs)
        pss = statistics.median(r[1] for r in runs) / 2**20
        rss = statistics.median(r[2] for r in runs) / 2**20
        print(f"{size:>8} {size / seconds:>9.1f} {seconds:>9.1f} {pss:>13.0f} {rss:>13.0f}")


def check_stored(db: Path, size: int) -> None:
    """A fast crawl that lost pages is no result: every generated page must be an article."""
    with sqlite3.connect(db) as conn:
        articles = conn.execute("select count(*) from articles").fetchone()[0]
    if articles != size:
        sys.exit(f"the crawl stored {articles} articles of {size}")


def report(results: dict[str, list[tuple[float, int]]], pages: int, runs: int) -> dict[str, float]:
    print(f"{'crawler':<10} {'pages/s':>9} {'seconds':>9} {'peak MiB':>9}   (median of {runs})")
    rates = {}
    for name, timings in results.items():
        seconds = statistics.median(t[0] for t in timings)
        peak = statistics.median(t[1] for t in timings) / 2**20
        rates[name] = pages / seconds
        print(f"{name:<10} {rates[name]:>9.1f} {seconds:>9.2f} {peak:>9.0f}")
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", nargs="?", choices=("compare", "scale"), default="compare")
    parser.add_argument("--pages", type=int, default=1000, help="compare: URLs crawled")
    parser.add_argument(
        "--sizes",
        type=lambda s: [int(n) for n in s.split(",")],
        default=[1000, 10000, 100000],
        help="scale: site sizes, comma-separated",
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    compare(args) if args.mode == "compare" else scale(args)


if __name__ == "__main__":
    main()
