"""Crawl speed: `ingest crawl` against a plain Scrapy spider calling trafilatura inline.

Serves a local site of N real news pages on 127.0.0.1 (the evaluation pages in
../shared/eval/outlets when present, else the demo's generated articles),
crawls it with both, and prints pages per second and peak memory (the whole
process tree: crawler plus extraction workers, PSS), median of several runs.

    python benchmarks/crawl_speed.py --pages 500 --runs 3
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
EVAL_PAGES = HERE.parent.parent / "shared" / "eval" / "outlets" / "html"
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


def serve_routes(routes: dict[str, tuple[bytes, dict[str, str]]]) -> ThreadingHTTPServer:
    """A loopback server answering each path with its body and extra headers, else 404."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path not in routes:
                self.send_error(404)
                return
            body, headers = routes[self.path]
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
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
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                line = next(line for line in f if line.startswith(f"{field}:"))
                total += int(line.split()[1]) * 1024
            with open(f"/proc/{p}/task/{p}/children") as f:
                stack += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def timed(command: list[str], cwd: str | None = None) -> tuple[float, int]:
    """Wall seconds and peak process-tree memory of one command."""
    started = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_memory(proc.pid))
        time.sleep(0.05)
    seconds = time.monotonic() - started
    if proc.returncode != 0:
        sys.exit(f"{command[:4]} failed:\n{proc.stderr.read().decode()[-3000:]}")
    return seconds, peak


def settings_args() -> list[str]:
    return [arg for name, value in SETTINGS.items() for arg in ("-s", f"{name}={value}")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()

    pages = real_pages()
    server = serve(pages, args.pages)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    print(
        f"site: {args.pages} pages ({len(pages)} distinct real pages, "
        f"{sum(map(len, pages)) // len(pages) // 1024} KiB mean) at {url}"
    )
    results: dict[str, list[tuple[float, int]]] = {"ingest": [], "baseline": []}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            db = Path(tmp) / f"bench{run}.db"
            ingest = [
                sys.executable,
                "-m",
                "ingest",
                "crawl",
                url,
                "--db",
                str(db),
                "--max-depth",
                "1",
                *settings_args(),
            ]
            if args.workers is not None:
                ingest += ["--workers", str(args.workers)]
            baseline = [
                sys.executable,
                "-m",
                "scrapy",
                "runspider",
                str(HERE / "baseline_spider.py"),
                "-a",
                f"start_url={url}",
                *settings_args(),
            ]
            results["ingest"].append(timed(ingest))
            # Outside this project: scrapy.cfg would give the baseline ingest's settings,
            # address guard included, which refuses its loopback requests.
            results["baseline"].append(timed(baseline, cwd=tmp))
    server.shutdown()

    print(
        f"{'crawler':<10} {'pages/s':>9} {'seconds':>9} {'peak MiB':>9}   (median of {args.runs})"
    )
    rates = {}
    for name, runs in results.items():
        seconds = statistics.median(s for s, _ in runs)
        peak = statistics.median(m for _, m in runs) / 2**20
        rates[name] = args.pages / seconds
        print(f"{name:<10} {rates[name]:>9.1f} {seconds:>9.2f} {peak:>9.0f}")
    print(f"ratio ingest/baseline: {rates['ingest'] / rates['baseline']:.2f}x pages per second")


if __name__ == "__main__":
    main()
