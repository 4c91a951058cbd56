"""Shared crawls: pages per second with 1, 2 and 4 workers on one Redis queue.

Real crawls wait on the network and on politeness, not on one machine's cores.
This serves a generated news site from many hosts (127.0.0.2, .3, ...; each
host its own politeness slot), every answer delayed by ``--latency`` seconds,
with robots.txt obeyed and one request per host per ``--delay`` seconds across
all workers (the shared turn). Each worker runs a small crawl
(``CONCURRENT_REQUESTS=--concurrency``), so one worker is latency-bound; the
question is whether N workers give N times its pages per second.

Throughput is pages stored per second, counted in the shards while the crawl
runs, between 10 % and 90 % of the site stored: the steady state, without the
seconds every process takes to start or the idle wait that ends a worker.
Also prints the Redis memory per million URLs (the queue's JSON requests and
the duplicate filter's fingerprints) and the merge speed of the shards.

    python benchmarks/scale.py --runs 3
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

WORDS = (
    "council budget river bridge school hospital railway station harbour market winter summer "
    "election minister mayor court judge police village farmers workers union museum festival "
    "library teacher students doctors nurses tenants landlord factory engineers drought flood"
).split()


def article(host: int, n: int) -> bytes:
    """A small article page whose text no other page shares."""
    paragraphs = []
    for p in range(5):
        words = [WORDS[(host * 7 + n * 13 + p * 5 + k * k) % len(WORDS)] for k in range(40)]
        paragraphs.append(f"<p>Report {host}-{n}-{p}: {' '.join(words)}.</p>")
    return (
        f"<html lang='en'><head><title>Story {n} from host {host}</title>"
        "<meta property='og:type' content='article'>"
        f"<meta property='article:published_time' content='2024-03-0{1 + n % 9}T08:00:00Z'>"
        f"</head><body><article><h1>Story {n} from host {host}</h1>{''.join(paragraphs)}"
        "</article></body></html>"
    ).encode()


def site(host: int, articles: int) -> dict[str, bytes]:
    links = [f"/news/2024/03/story-{n}.html" for n in range(articles)]
    home = "".join(f"<li><a href='{link}'>Story {i}</a></li>" for i, link in enumerate(links))
    pages = {"/": f"<html><body><h1>Home</h1><ul>{home}</ul></body></html>".encode()}
    pages["/robots.txt"] = b"User-agent: *\nAllow: /\n"
    pages.update({link: article(host, n) for n, link in enumerate(links)})
    return pages


def serve(address: str, pages: dict[str, bytes], latency: float) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(latency)
            body = pages.get(self.path)
            self.send_response(200 if body else 404)
            kind = "text/plain" if self.path.endswith(".txt") else "text/html; charset=utf-8"
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body or b"")  # a worker killed mid-answer (--kill)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((address, 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis(folder: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
         "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(0.5)
    return redis, f"redis://127.0.0.1:{port}/0"


def stored(shards: list[Path]) -> int:
    total = 0
    for shard in shards:
        try:
            with sqlite3.connect(f"file:{shard}?mode=ro", uri=True) as conn:
                total += conn.execute("select count(*) from pages").fetchone()[0]
        except sqlite3.Error:
            pass
    return total


def crawl(workers: int, seeds: list[str], pages: int, args: argparse.Namespace) -> float:
    """Pages per second of one shared crawl with ``workers`` workers."""
    with tempfile.TemporaryDirectory(prefix="ingest-scale-") as tmp:
        folder = Path(tmp)
        redis, url = start_redis(folder)
        settings = [
            "-s", f"CONCURRENT_REQUESTS={args.concurrency}", "-s", "AUTOTHROTTLE_ENABLED=0",
            "-s", f"DOWNLOAD_DELAY={args.delay}", "-s", "INGEST_REDIS_IDLE=2",
            "-s", "INGEST_ALLOW_PRIVATE=1", "--workers", "1",
        ]  # fmt: skip
        shards = [folder / f"shard{i}.db" for i in range(workers)]
        seeds_file = folder / "seeds.txt"
        seeds_file.write_text("\n".join(seeds) + "\n")
        began = time.monotonic()
        command = [sys.executable, "-m", "ingest"]
        processes = [
            subprocess.Popen(
                [*command, "crawl", *seeds, "--redis", url, "--db", str(shards[0]), *settings],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
        ]
        time.sleep(0.3)  # the seeding command describes the crawl; workers then join it
        for shard in shards[1:]:
            processes.append(
                subprocess.Popen(
                    [*command, "worker", "--redis", url, "--db", str(shard), *settings],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )  # fmt: skip
            )
        marks = {}  # seconds at which 10 % and 90 % of the site were stored
        while len(marks) < 2:
            done = stored(shards)
            for share in (0.1, 0.9):
                if done >= pages * share and share not in marks:
                    marks[share] = time.monotonic() - began
            if all(p.poll() is not None for p in processes) and len(marks) < 2:
                raise SystemExit(f"the crawl ended at {stored(shards)} of {pages} pages")
            time.sleep(0.05)
        for process in processes:
            process.wait(120)
        if args.merge and workers == max(args.workers):
            merge_speed(shards, folder)
        redis.terminate()
        redis.wait()
        return 0.8 * pages / (marks[0.9] - marks[0.1])


def merge_speed(shards: list[Path], folder: Path) -> None:
    into = folder / "merged.db"
    began = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "ingest", "merge", *map(str, shards), "--into", str(into)],
        check=True, capture_output=True,
    )  # fmt: skip
    elapsed = time.monotonic() - began
    with sqlite3.connect(into) as conn:
        rows = sum(
            conn.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("pages", "articles", "urls")
        )
    print(f"merge: {rows:,} rows (pages, articles, urls) in {elapsed:.1f} s, "
          f"{rows / elapsed:,.0f} rows/s")  # fmt: skip


def redis_memory(urls: int) -> None:
    """Bytes Redis holds per queued request and per seen URL, from a real queue."""
    import redis as redis_lib
    from scrapy import Request

    from ingest.crawl import request_json
    from ingest.crawl.spider import NewsSpider

    spider = NewsSpider(seeds="https://news.example.org/")
    with tempfile.TemporaryDirectory(prefix="ingest-redis-") as tmp:
        server, url = start_redis(Path(tmp))
        client = redis_lib.Redis.from_url(url)
        base = client.info("memory")["used_memory"]
        pipe = client.pipeline(transaction=False)
        for n in range(urls):
            request = Request(
                f"https://news.example.org/world/2024/03/{n}/a-story-headline-of-usual-length.html",
                callback=spider.parse, errback=spider.failed, priority=10,
                meta={"found_via": "link https://news.example.org/world/", "depth": 2},
            )  # fmt: skip
            pipe.zadd("q", {request_json.dumps(request.to_dict(spider=spider)): -10})
            pipe.sadd("seen", f"{n:040x}")  # a fingerprint: 40 hex digits
            if n % 5000 == 0:
                pipe.execute()
        pipe.execute()
        queued = client.memory_usage("q", samples=0)
        seen = client.memory_usage("seen", samples=0)
        total = client.info("memory")["used_memory"] - base
        server.terminate()
    per = 1_000_000 / urls / 2**20
    print(f"redis per million URLs: queue {queued * per:,.0f} MiB, duplicate filter "
          f"{seen * per:,.0f} MiB, all {total * per:,.0f} MiB")  # fmt: skip


def kill_trials(trials: int, seeds: list[str], articles: int, args_keep: str = "") -> None:
    """kill -9 one process of a shared crawl (the seeding one or a worker, with its extraction
    processes) at a random moment, restart it on its shard, merge: count what was lost."""
    import os
    import random
    import signal

    rnd = random.Random(7)
    settings = [
        "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0", "-s", "INGEST_REDIS_IDLE=2",
        "-s", "INGEST_REDIS_LEASE=3", "-s", "INGEST_ALLOW_PRIVATE=1", "-s",
        "CONCURRENT_REQUESTS=8", "-s", "INGEST_BATCH_SIZE=10", "--workers", "1",
    ]  # fmt: skip
    command = [sys.executable, "-m", "ingest"]
    lost_total = 0
    for trial in range(trials):
        with tempfile.TemporaryDirectory(prefix="ingest-kill-") as tmp:
            folder = Path(tmp)
            redis, url = start_redis(folder)
            shards = [folder / f"shard{i}.db" for i in range(3)]
            args = [
                ["crawl", *seeds, "--redis", url, "--db", str(shards[0]), *settings],
                *(["worker", "--redis", url, "--db", str(s), *settings] for s in shards[1:]),
            ]

            def launch(arguments: list[str]) -> subprocess.Popen:
                return subprocess.Popen(
                    [*command, *arguments], stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL, start_new_session=True,
                )  # fmt: skip

            processes = [launch(args[0])]
            time.sleep(1.0)
            processes += [launch(a) for a in args[1:]]
            victim, moment = rnd.randrange(3), rnd.uniform(2.0, 8.0)
            time.sleep(moment)
            before = stored(shards)
            os.killpg(processes[victim].pid, signal.SIGKILL)
            processes[victim].wait()
            processes[victim] = launch(["worker", *args[victim][args[victim].index("--redis") :]])
            for process in processes:
                process.wait(300)
            into = folder / "merged.db"
            subprocess.run(
                [*command, "merge", *map(str, shards), "--into", str(into)],
                check=True, capture_output=True,
            )  # fmt: skip
            with sqlite3.connect(into) as conn:
                found, distinct = conn.execute(
                    "select count(*), count(distinct url) from articles"
                ).fetchone()
            redis.terminate()
            redis.wait()
            if articles - distinct and args_keep:
                shutil.copytree(folder, f"{args_keep}-{trial + 1}")
        lost = articles - distinct
        lost_total += lost
        print(f"trial {trial + 1}: killed {'seeding crawl' if victim == 0 else 'worker'} "
              f"at {moment:.1f} s ({before} pages stored), articles {found} "
              f"({distinct} distinct) of {articles}, lost {lost}")  # fmt: skip
    print(f"{trials} trials: {lost_total} articles lost")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=32)
    parser.add_argument("--articles", type=int, default=60, help="articles per host")
    parser.add_argument("--latency", type=float, default=0.15, help="seconds per answer")
    parser.add_argument(
        "--delay", type=float, default=0.25, help="seconds between requests to a host"
    )
    parser.add_argument("--concurrency", type=int, default=2, help="requests in flight per worker")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--redis-urls", type=int, default=100_000)
    parser.add_argument("--no-merge", dest="merge", action="store_false")
    parser.add_argument("--keep", default="", help="with --kill: copy a trial that lost here")
    parser.add_argument(
        "--kill", type=int, default=0, metavar="N", help="instead: N trials of kill -9 mid-crawl"
    )
    args = parser.parse_args()
    if not shutil.which("redis-server"):
        raise SystemExit("needs redis-server (apt-get install redis-server)")
    servers = [
        serve(f"127.0.0.{2 + h}", site(h, args.articles), args.latency) for h in range(args.hosts)
    ]
    seeds = [f"http://{s.server_address[0]}:{s.server_address[1]}/" for s in servers]
    pages = args.hosts * (args.articles + 1)
    if args.kill:
        kill_trials(args.kill, seeds, args.hosts * args.articles, args.keep)
        return
    print(f"{args.hosts} hosts, {pages} pages, {args.latency * 1000:.0f} ms an answer, one request "
          f"per host per {args.delay} s, {args.concurrency} in flight per worker")  # fmt: skip
    results: dict[int, list[float]] = {n: [] for n in args.workers}
    for _ in range(args.runs):
        for n in args.workers:  # alternated, so a slow moment of the machine hits all alike
            results[n].append(crawl(n, seeds, pages, args))
    one = statistics.median(results[args.workers[0]]) / args.workers[0]
    print("workers  pages/s (median)  runs                 vs N x one worker")
    for n, runs in results.items():
        median = statistics.median(runs)
        print(f"{n:7d}  {median:16.1f}  {' '.join(f'{r:.1f}' for r in runs):20s} "
              f"{median / (n * one):.2f}")  # fmt: skip
    if args.redis_urls:
        redis_memory(args.redis_urls)


if __name__ == "__main__":
    main()
