"""Many workers, one crawl: a real redis-server on loopback, real workers, real kills.

Needs Debian's redis-server (CI installs it); skipped only without it.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.utils.request import request_from_dict
from scrapy.utils.test import get_crawler
from test_datasette import datasette

from ingest.crawl import request_json
from ingest.crawl.runner import crawl_settings
from ingest.crawl.spider import NewsSpider
from ingest.store.schema import open_database
from ingest.store.shards import older_schema

from conftest import FAST, ROOT, free_port, rows, run_ingest
from sites import HOLD, LocalSite, Resource, article_page, index_page, prose

REDIS = shutil.which("redis-server")
needs_redis = pytest.mark.skipif(
    REDIS is None and not os.environ.get("INGEST_TESTS_NEED_SERVICES"),
    reason="redis-server is not installed",
)


class RedisServer:
    """A throwaway redis-server: its own port and folder, an append-only file on disk."""

    def __init__(self, folder: Path):
        assert REDIS, "redis-server is not installed (apt-get install redis-server)"
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            [REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
             "--appendonly", "yes", "--appendfsync", "always", "--save", ""],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                self.client().ping()
                return self
            except Exception:
                time.sleep(0.1)
        raise AssertionError("redis-server did not start")

    def client(self):
        import redis

        return redis.Redis.from_url(self.url)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@pytest.fixture
def redis_server(tmp_path):
    folder = tmp_path / "redis"
    folder.mkdir()
    server = RedisServer(folder).start()
    yield server
    server.stop()


def news_site(articles: int, delay: float = 0.0, linked: int = 0) -> dict:
    """A home page, ten sections and ``articles`` distinct stories, each page ``delay`` slow;
    each story links to the ``linked`` stories after it."""
    pages: dict = {"/robots.txt": Resource("User-agent: *\nAllow: /\n", "text/plain")}
    sections = [f"/section/{s}/" for s in range(10)]
    pages["/"] = Resource(index_page(sections), delay=delay)
    for s, section in enumerate(sections):
        links = [f"/news/2024/03/{s:02d}/story-{n}.html" for n in range(s, articles, 10)]
        pages[section] = Resource(index_page(links), delay=delay)
        for link in links:
            n = int(link.rsplit("-", 1)[1].split(".")[0])
            after = [m for m in range(n + 1, n + 1 + linked) if m < articles]
            more = [f"/news/2024/03/{m % 10:02d}/story-{m}.html" for m in after]
            body = article_page(f"Story number {n} of the day", prose(n), more)
            pages[link] = Resource(body, delay=delay)
    return pages


SHARED = [*FAST, "-s", "INGEST_REDIS_IDLE=2", "-s", "INGEST_REDIS_LEASE=3", "--workers", "1"]


def start(args: list[str], log: Path) -> subprocess.Popen:
    with open(log, "w") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "ingest", *args], cwd=ROOT, stdout=out, stderr=out,
            start_new_session=True,  # its own group: a kill takes its extraction workers too
        )  # fmt: skip


def articles_in(db: Path) -> int:
    try:
        with sqlite3.connect(db) as conn:
            return conn.execute("select count(*) from articles").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def wait_for_crawl(redis_server: RedisServer, seeding: subprocess.Popen) -> None:
    """Workers join a crawl once its seeding command has described it in Redis."""
    deadline = time.monotonic() + 30
    while not redis_server.client().exists("ingest:news:crawl"):
        assert seeding.poll() is None and time.monotonic() < deadline, "no crawl started"
        time.sleep(0.1)


def crawl_with_a_worker(site: LocalSite, redis_server, tmp_path: Path, args: list[str]) -> None:
    """A shared crawl of ``site`` into a.db, joined by one worker into b.db, both to the end."""
    seeding = start(
        ["crawl", f"{site.url}/", "--redis", redis_server.url, "--db", str(tmp_path / "a.db"),
         *args], tmp_path / "a.log",
    )  # fmt: skip
    wait_for_crawl(redis_server, seeding)
    worker = start(
        ["worker", "--redis", redis_server.url, "--db", str(tmp_path / "b.db"), *args],
        tmp_path / "b.log",
    )
    finish(seeding, tmp_path / "a.log")
    finish(worker, tmp_path / "b.log")


def held_for_a_worker(site: LocalSite) -> None:
    """Holds ``site``'s stories until a second process has asked for its robots.txt (each
    reads it for itself, with the first request it takes): the worker has joined the
    crawl while most stories are still queued, however late its process started."""
    joined = threading.Event()
    for path, resource in site.resources.items():
        if path.startswith("/news/"):
            resource.hold = joined

    def watch() -> None:
        deadline = time.monotonic() + HOLD
        while site.hits.count("/robots.txt") < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        joined.set()

    threading.Thread(target=watch, daemon=True).start()


def finish(process: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    try:
        assert process.wait(timeout) == 0, log.read_text()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)


def merged_articles(tmp_path: Path, shards: list[Path]) -> sqlite3.Connection:
    run_ingest("merge", *map(str, shards), "--into", str(tmp_path / "news.db"))
    return sqlite3.connect(tmp_path / "news.db")


# -- requests as JSON ------------------------------------------------------------------


def test_requests_travel_as_json_and_come_back_the_same():
    spider = NewsSpider(seeds="http://127.0.0.1:1/")
    request = Request(
        "http://127.0.0.1:1/news/a.html",
        callback=spider.parse,
        errback=spider.failed,
        headers={"If-None-Match": '"abc"'},
        priority=16,
        meta={"listed": ("2024-03-01", "feed"), "known": {"article_id": "x1", "page": True}},
    )
    data = request_json.dumps(request.to_dict(spider=spider))
    assert data.startswith(b"{") and b"If-None-Match" in data  # plain JSON, readable in Redis
    back = request_from_dict(request_json.loads(data), spider=spider)
    assert back.url == request.url and back.priority == 16
    assert back.callback == spider.parse and back.errback == spider.failed
    assert back.headers[b"If-None-Match"] == b'"abc"'
    assert back.meta["listed"] == ("2024-03-01", "feed")  # a tuple again, not a list
    assert back.meta["known"] == {"article_id": "x1", "page": True}


def test_a_pickled_request_is_refused_not_run():
    import pickle

    with pytest.raises(ValueError):
        request_json.loads(pickle.dumps({"url": "http://127.0.0.1:1/"}))
    with pytest.raises(ValueError, match="not a request"):
        request_json.loads(b'["http://127.0.0.1:1/"]')
    settings = crawl_settings({"INGEST_REDIS_URL": "redis://127.0.0.1:1/0"})
    assert settings.get("SCHEDULER_SERIALIZER") == "ingest.crawl.request_json"
    from ingest.crawl.shared_frontier import SharedScheduler

    settings.set("SCHEDULER_SERIALIZER", "scrapy_redis.picklecompat", priority="cmdline")
    with pytest.raises(ValueError, match="never pickled"):
        SharedScheduler.from_crawler(crawler_for(settings))


def crawler_for(settings):
    """A crawler to build the scheduler from, in this process; its reactor never runs."""
    from twisted.internet import reactor  # noqa: F401  the default one, as a LoopingCall takes

    return get_crawler(NewsSpider, {**settings.copy_to_dict(), "TWISTED_REACTOR": None})


# -- leases ----------------------------------------------------------------------------


def scheduler_for(redis_server, worker_lease: float = 3):
    from ingest.crawl.shared_frontier import SharedScheduler

    settings = crawl_settings(
        {"INGEST_REDIS_URL": redis_server.url, "INGEST_REDIS_LEASE": worker_lease}
    )
    crawler = crawler_for(settings)
    crawler.spider = spider = NewsSpider(seeds="http://127.0.0.1:1/")
    scheduler = SharedScheduler.from_crawler(crawler)
    scheduler.open(spider)
    return scheduler, spider


@needs_redis
def test_a_request_is_leased_until_its_page_is_stored(redis_server):
    first, spider = scheduler_for(redis_server)
    request = Request("http://127.0.0.1:1/a.html", callback=spider.parse, priority=3)
    assert first.enqueue_request(request) is True
    assert first.enqueue_request(request.replace()) is False  # one request per URL, crawl-wide
    popped = first.next_request()
    assert popped.url == request.url and len(popped.meta["leases"]) == 1
    assert request.url in spider._seen  # met: a link to it found here later is not planned
    client = redis_server.client()
    assert client.zcard("ingest:news:requests") == 0
    assert client.hlen("ingest:news:leases") == 1  # out of the queue, not forgotten
    assert first.next_request() is None
    first.ack(popped.meta["leases"])
    assert client.hlen("ingest:news:leases") == 0 and client.hlen("ingest:news:owners") == 0
    first.close("finished")


@needs_redis
def test_a_worker_takes_a_request_to_a_site_whose_turn_is_free(redis_server):
    scheduler, spider = scheduler_for(redis_server)
    busy = Request("http://busy.example/1.html", callback=spider.parse, priority=20)
    free = Request("http://free.example/1.html", callback=spider.parse, priority=10)
    later = Request("http://busy.example/2.html", callback=spider.parse, priority=0)
    for request in (busy, free, later):
        scheduler.enqueue_request(request)
    redis_server.client().set("ingest:news:turn:busy.example", "1", px=5000)
    assert scheduler.next_request().url == free.url  # the best whose site may be asked now
    assert scheduler.next_request().url == busy.url  # none free: the best, which will wait
    redis_server.client().delete("ingest:news:turn:busy.example")
    assert scheduler.next_request().url == later.url
    scheduler.close("finished")


@needs_redis
def test_a_dead_workers_leases_go_back_to_the_queue(redis_server):
    dead, spider = scheduler_for(redis_server)
    for n in range(3):
        dead.enqueue_request(Request(f"http://127.0.0.1:1/{n}.html", callback=spider.parse))
    taken = [dead.next_request() for _ in range(2)]
    assert all(taken)
    for loop in dead._loops:
        loop.stop()  # as kill -9 would: no heartbeat, no goodbye
    client = redis_server.client()
    alive, _ = scheduler_for(redis_server)
    assert alive.reap() == 0  # the dead worker's heartbeat has not expired yet
    client.delete(f"ingest:news:alive:{dead.worker}")  # expired
    assert alive.reap() == 2
    assert client.zcard("ingest:news:requests") == 3 and client.hlen("ingest:news:leases") == 0
    urls = sorted(alive.next_request().url for _ in range(3))
    assert urls == [f"http://127.0.0.1:1/{n}.html" for n in range(3)]
    alive.close("finished")
    # closing hands back what a worker leased and did not store
    assert client.zcard("ingest:news:requests") == 3 and client.hlen("ingest:news:owners") == 0


# -- whole crawls ----------------------------------------------------------------------


@needs_redis
def test_two_workers_share_one_crawl_and_merge_to_every_article_once(tmp_path, redis_server):
    with LocalSite(news_site(120, linked=5)) as site:
        held_for_a_worker(site)  # or it may join once every story is leased
        crawl_with_a_worker(site, redis_server, tmp_path, SHARED)
    fetched_yet_queued = "select url from urls where state = 'queued' and status is not null"
    for shard in ("a.db", "b.db"):  # a link met after the other worker's page was fetched
        assert rows(tmp_path / shard, fetched_yet_queued) == []  # here had set it back
    a, b = articles_in(tmp_path / "a.db"), articles_in(tmp_path / "b.db")
    assert a > 0 and b > 0 and a + b == 120  # both worked, none twice
    for log in ("a.log", "b.log"):  # the worker's seed, dropped by the shared queue, had
        assert "Traceback" not in (tmp_path / log).read_text()  # raised in redirect_dropped
    hits = [h for h in site.hits if h.startswith("/news/")]
    assert len(hits) == len(set(hits)) == 120  # each page fetched once, by one of them
    with merged_articles(tmp_path, [tmp_path / "a.db", tmp_path / "b.db"]) as conn:
        assert conn.execute("select count(*), count(distinct url) from articles").fetchone() == (
            120,
            120,
        )
        assert conn.execute("select count(*) from crawls where shard is not null").fetchone() == (
            2,
        )
        states = dict(conn.execute("select state, count(*) from urls group by state"))
        assert states == {"fetched": 131}  # 120 stories, 10 sections, the home page
        assert conn.execute(
            "select count(*) from articles_fts where articles_fts match 'story'"
        ).fetchone() == (120,)
    # merging again adds nothing
    with merged_articles(tmp_path, [tmp_path / "b.db", tmp_path / "a.db"]) as conn:
        assert conn.execute("select count(*) from articles").fetchone() == (120,)
        assert conn.execute("select count(*) from crawls").fetchone() == (2,)
        assert conn.execute("select count(*) from article_versions").fetchone() == (0,)
    client = redis_server.client()
    assert client.zcard("ingest:news:requests") == 0 and client.hlen("ingest:news:leases") == 0


@needs_redis
def test_max_pages_on_the_seeding_command_bounds_its_fetches_not_the_shared_crawl(
    tmp_path, redis_server
):
    """Its budget had kept what it found past N pages out of the shared queue: the other
    workers never fetched it, and every command ended done, exit 0."""
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    with LocalSite(news_site(120, delay=0.02)) as site:
        seeding = start(
            ["crawl", f"{site.url}/", "--redis", redis_server.url, "--db", str(a),
             "--max-pages", "10", *SHARED], tmp_path / "a.log",
        )  # fmt: skip
        wait_for_crawl(redis_server, seeding)
        worker = start(
            ["worker", "--redis", redis_server.url, "--db", str(b), *SHARED], tmp_path / "b.log"
        )
        finish(seeding, tmp_path / "a.log")
        finish(worker, tmp_path / "b.log")
    # it stopped (Scrapy's page count lets the requests in flight end), the worker went on
    assert rows(a, "select count(*) from pages")[0][0] >= 10 and articles_in(a) < 60
    assert articles_in(a) + articles_in(b) == 120
    with merged_articles(tmp_path, [a, b]) as conn:
        assert conn.execute("select count(*) from articles").fetchone() == (120,)


def run_stats(db: Path) -> list[dict]:
    import json

    with sqlite3.connect(db) as conn:
        return [json.loads(s or "{}") for (s,) in conn.execute("select stats from crawls")]


def wait_for_articles(db: Path, n: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while articles_in(db) < n:
        assert process.poll() is None and time.monotonic() < deadline, "the crawl ended early"
        time.sleep(0.2)


@needs_redis
def test_a_worker_killed_mid_crawl_then_restarted_loses_nothing(tmp_path, redis_server):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    slow = ["-s", "INGEST_BATCH_SIZE=5", "-s", "CONCURRENT_REQUESTS=8"]
    with LocalSite(news_site(150, delay=0.05)) as site:
        held_for_a_worker(site)  # or it may join too late to store 15
        seeding = start(
            ["crawl", f"{site.url}/", "--redis", redis_server.url, "--db", str(a), *SHARED,
             *slow], tmp_path / "a.log",
        )  # fmt: skip
        wait_for_crawl(redis_server, seeding)
        worker = start(
            ["worker", "--redis", redis_server.url, "--db", str(b), *SHARED, *slow],
            tmp_path / "b.log",
        )
        wait_for_articles(b, 15, worker)
        os.killpg(worker.pid, signal.SIGKILL)  # pages in flight, a batch not yet committed
        worker.wait()
        again = start(
            ["worker", "--redis", redis_server.url, "--db", str(b), *SHARED, *slow],
            tmp_path / "b2.log",
        )
        finish(seeding, tmp_path / "a.log")
        finish(again, tmp_path / "b2.log")
    requeued = sum(s.get("redis/requeued", 0) for s in run_stats(a) + run_stats(b))
    assert requeued > 0  # the killed worker held requests, and they were handed out again
    with merged_articles(tmp_path, [a, b]) as conn:
        assert conn.execute("select count(*), count(distinct url) from articles").fetchone() == (
            150,
            150,
        )
        assert dict(conn.execute("select state, count(*) from urls group by state")) == {
            "fetched": 161
        }
        # the killed run is there, marked as such when its worker came back on the shard
        statuses = sorted(s for (s,) in conn.execute("select status from crawls"))
        assert statuses == ["finished", "finished", "interrupted"]
    client = redis_server.client()
    assert client.zcard("ingest:news:requests") == 0 and client.hlen("ingest:news:leases") == 0


def shared_crawl(
    site: LocalSite, redis_server, db: Path, concurrent: int, *more: str
) -> subprocess.Popen:
    """A shared crawl of ``site`` into ``db``, its log beside it as a.log."""
    return start(
        ["crawl", f"{site.url}/", "--redis", redis_server.url, "--db", str(db), *SHARED,
         "-s", f"CONCURRENT_REQUESTS={concurrent}", *more], db.parent / "a.log",
    )  # fmt: skip


@needs_redis
def test_redis_restarted_mid_crawl_pauses_the_crawl_which_then_finishes(tmp_path, redis_server):
    db = tmp_path / "a.db"
    with LocalSite(news_site(100, delay=0.05)) as site:
        crawl = shared_crawl(site, redis_server, db, 4)
        wait_for_articles(db, 10, crawl)
        redis_server.stop()
        time.sleep(4)  # longer than a lease: the crawl's own leases must survive it
        assert crawl.poll() is None, "the crawl stopped with Redis away"
        redis_server.start()
        finish(crawl, tmp_path / "a.log")
    assert articles_in(db) == 100
    (stats,) = run_stats(db)
    assert stats["redis/outages"] >= 1
    assert "Traceback" not in (tmp_path / "a.log").read_text()
    client = redis_server.client()
    assert client.zcard("ingest:news:requests") == 0 and client.hlen("ingest:news:leases") == 0


@needs_redis
def test_redis_back_without_the_crawls_state_fails_the_crawl_loudly(tmp_path, redis_server):
    # Restarted with no persistence (here: flushed), Redis came back empty: the crawl found
    # no queue, waited out its idle time and ended "finished", exit 0, with most of the
    # site never fetched and its URLs queued in the database for ever.
    db = tmp_path / "a.db"
    with LocalSite(news_site(100, delay=0.05)) as site:
        # the default lease: a heartbeat every 15 s, so the idle check must see it first
        crawl = shared_crawl(site, redis_server, db, 2, "-s", "INGEST_REDIS_LEASE=60")
        wait_for_articles(db, 5, crawl)
        redis_server.client().flushall()
        assert crawl.wait(60) == 1, (tmp_path / "a.log").read_text()
    assert articles_in(db) < 100
    [(status, reason)] = rows(db, "select status, stop_reason from crawls")
    assert status == "failed"
    assert reason.startswith(
        "Redis lost the shared crawl's state: its record of the crawl (ingest:news:crawl) is gone"
    )
    again = "merge the shards, then start the crawl again with `ingest crawl SEEDS --redis --known"
    assert again in reason
    assert "Traceback" not in (tmp_path / "a.log").read_text()


def linked_site(articles: int, delay: float) -> dict:
    """Stories linking on to two more each (story N to 2N+1 and 2N+2), each page slow:
    pages that come in while Redis is away bring links to queue."""
    pages: dict = {"/robots.txt": Resource("User-agent: *\nAllow: /\n", "text/plain")}
    pages["/"] = Resource(index_page(["/news/0.html"]), delay=delay)
    for n in range(articles):
        links = [f"/news/{k}.html" for k in (2 * n + 1, 2 * n + 2) if k < articles]
        body = article_page(f"Story number {n} of the day", prose(n), links)
        pages[f"/news/{n}.html"] = Resource(body, delay=delay)
    return pages


@needs_redis
def test_links_found_while_redis_is_away_wait_and_are_all_crawled(tmp_path, redis_server):
    """Every link found while Redis was away after the first was dropped (the queue's
    flush raised): their pages were never fetched, the pages that listed them were lost
    with them, and the crawl still ended finished, exit 0."""
    db, log = tmp_path / "a.db", tmp_path / "a.log"
    with LocalSite(linked_site(60, delay=0.3)) as site:
        crawl = start(
            ["crawl", f"{site.url}/", "--redis", redis_server.url, "--db", str(db), *SHARED,
             "-s", "CONCURRENT_REQUESTS=8"], log,
        )  # fmt: skip
        wait_for_articles(db, 6, crawl)
        redis_server.stop()
        time.sleep(3)  # the pages in flight come in, and their links wait
        redis_server.start()
        finish(crawl, log)
    assert articles_in(db) == 60
    assert sorted(h for h in site.hits if h.startswith("/news/")) == sorted(
        f"/news/{n}.html" for n in range(60)
    )
    with sqlite3.connect(db) as conn:
        left = conn.execute("select count(*) from urls where state = 'queued'").fetchone()[0]
        status = conn.execute("select status from crawls").fetchone()[0]
    assert (left, status) == (0, "finished")
    said = log.read_text()
    assert "Traceback" not in said and "without a page or error stored" not in said
    (stats,) = run_stats(db)
    assert stats["redis/outages"] >= 1


@needs_redis
def test_two_workers_take_turns_on_one_site(tmp_path, redis_server):
    """Each worker alone would ask as fast as it can (no delay of its own): the shared turn
    keeps any two requests to the site 0.8 s apart, whichever workers send them."""
    turns = [*SHARED, "-s", "INGEST_SHARED_DELAY=0.8", "-s", "CONCURRENT_REQUESTS=2"]
    with LocalSite(news_site(6)) as site:
        held_for_a_worker(site)  # or it may join once every story is taken
        crawl_with_a_worker(site, redis_server, tmp_path, turns)
    assert articles_in(tmp_path / "a.db") + articles_in(tmp_path / "b.db") == 6
    assert articles_in(tmp_path / "b.db") > 0
    gaps = [b - a for a, b in zip(site.hit_times, site.hit_times[1:], strict=False)]
    assert_turns(gaps, 0.8)


def assert_turns(gaps: list[float], delay: float) -> None:
    """Requests ``delay`` apart as the site saw them. Turns start ``delay`` apart, but the
    site sees each request after its worker's send, whose latency varies with the load
    on the machine (a gap of 0.25 s of 0.4 once, with other crawls busy on both cores):
    none closer than half the delay, and on average the delay. Without turns the two
    workers' requests come milliseconds apart. A delay of 0.8 s leaves 0.4 s for that
    latency; the site's 17 pages (home, ten sections, six stories) give 16 gaps at least."""
    assert len(gaps) >= 16 and min(gaps) > delay / 2, sorted(gaps)[:5]
    assert sum(gaps) / len(gaps) >= 0.95 * delay, sorted(gaps)[:5]


@needs_redis
def test_two_workers_keep_the_crawl_delay_a_robots_txt_asks_for_between_them(
    tmp_path, redis_server
):
    """No shared delay set: the site's turn in Redis lasts its Crawl-delay, so the two
    workers' requests, whichever sends them, are that far apart."""
    pages = news_site(6)
    pages["/robots.txt"] = Resource("User-agent: *\nCrawl-delay: 0.8\n", "text/plain")
    with LocalSite(pages) as site:
        held_for_a_worker(site)  # or it may join once every story is taken
        crawl_with_a_worker(site, redis_server, tmp_path, [*SHARED, "-s", "CONCURRENT_REQUESTS=2"])
    assert articles_in(tmp_path / "a.db") + articles_in(tmp_path / "b.db") == 6
    assert articles_in(tmp_path / "b.db") > 0
    times = [t for path, t in zip(site.hits, site.hit_times, strict=True) if path != "/robots.txt"]
    assert_turns([b - a for a, b in itertools.pairwise(times)], 0.8)


def test_with_redis_away_a_worker_keeps_each_sites_crawl_delay_alone():
    """Its own downloader slot waits no Crawl-delay in a shared crawl (the Redis turn does):
    the requests a worker had in hand when Redis went away went out at once."""
    import asyncio

    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    from ingest.crawl.robots import CRAWL_DELAY
    from ingest.crawl.shared_politeness import SharedPoliteness

    # nothing listens; asked once, not retried, so the times are the turns' alone
    away = redis.Redis(port=free_port(), socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
    turns = SharedPoliteness(away, "ingest:test:turn:", 0)

    async def ask(url: str, delay: float) -> float:
        await turns.process_request(Request(url, meta={CRAWL_DELAY: delay}))
        return time.monotonic()

    async def asked() -> list[float]:
        urls = [("http://a.example/1", 0.5), ("http://a.example/2", 0.5),
                ("http://a.example/3", 0.5), ("http://b.example/1", 0.5)]  # fmt: skip
        return await asyncio.gather(*(ask(url, delay) for url, delay in urls))

    started = time.monotonic()
    *a_times, b_time = asyncio.run(asked())
    gaps = [later - earlier for earlier, later in itertools.pairwise(sorted(a_times))]
    assert len(gaps) == 2 and min(gaps) >= 0.45, gaps
    assert b_time - started < 0.45  # another site has its own turn
    # no interval, no turn: Redis is not asked at all (any call to it would now raise), and
    # there is nothing to wait for (the check had subtracted a later clock: always true)
    turns.server = None
    started = time.monotonic()
    assert asyncio.run(ask("http://c.example/", 0)) - started < 0.45


@needs_redis
def test_a_shared_crawl_knows_what_the_merged_database_holds(tmp_path, redis_server):
    with LocalSite(news_site(20)) as site:
        run_ingest("crawl", f"{site.url}/", "--db", str(tmp_path / "news.db"), *FAST)
        assert len([h for h in site.hits if h.startswith("/news/")]) == 20
        site.hits.clear()
        run_ingest(
            "crawl", f"{site.url}/", "--redis", redis_server.url, "--db", str(tmp_path / "a.db"),
            "--known", str(tmp_path / "news.db"), *SHARED,
        )  # fmt: skip
        assert [h for h in site.hits if h.startswith("/news/")] == []  # held: stored unchanged
        assert sorted(set(site.hits)) == [
            "/",
            "/robots.txt",
            *(f"/section/{s}/" for s in range(10)),
        ]
        site.hits.clear()
        redis_server.client().flushdb()
        run_ingest(  # a fresh shard, without the merged database: all fetched again
            "crawl", f"{site.url}/", "--redis", redis_server.url, "--db", str(tmp_path / "b.db"),
            *SHARED,
        )  # fmt: skip
        assert len([h for h in site.hits if h.startswith("/news/")]) == 20
    (tmp_path / "notes.txt").write_text("not a database")
    bad = run_ingest(
        "crawl", f"{site.url}/", "--db", str(tmp_path / "c.db"), "--known",
        str(tmp_path / "notes.txt"), check=False,
    )  # fmt: skip
    assert bad.returncode == 2 and "not an ingest database" in bad.stderr


@needs_redis
def test_a_worker_needs_a_crawl_and_a_reachable_server(tmp_path, redis_server):
    lonely = run_ingest("worker", "--redis", redis_server.url, "--db", str(tmp_path / "w.db"),
                        check=False)  # fmt: skip
    assert lonely.returncode == 1
    assert "no shared crawl under ingest:news" in lonely.stderr
    nobody = f"redis://127.0.0.1:{free_port()}/0"
    refused = run_ingest("crawl", "http://127.0.0.1:1/", "--redis", nobody, "--db",
                         str(tmp_path / "w.db"), check=False)  # fmt: skip
    assert refused.returncode == 2 and "--redis" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not (tmp_path / "w.db").exists()
    secret = f"redis://:hunter2@127.0.0.1:{free_port()}/0"  # was printed as given
    for command in (["worker"], ["crawl", "http://127.0.0.1:1/"]):
        told = run_ingest(*command, "--redis", secret, "--db", str(tmp_path / "w.db"),
                          check=False)  # fmt: skip
        assert told.returncode == 2 and "hunter2" not in told.stderr + told.stdout
        assert "redis://:***@127.0.0.1:" in told.stderr


@needs_redis
def test_a_second_crawl_on_a_key_in_use_is_refused_not_mixed_into_the_first(tmp_path, redis_server):
    """Each took the other's requests from the shared queue and dropped them as off its
    sites; both ended done, exit 0, with most pages of either never fetched."""
    from ingest.cli.scale import running_otherwise
    from ingest.crawl.shared_redis import publish_crawl, read_crawl

    client, prefix = redis_server.client(), "ingest:news"
    first = {"seeds": ["http://127.0.0.2:9/"], "domains": ["127.0.0.2"], "allow": [],
             "deny": [], "follow": True, "since": None, "refresh": False,
             "max_depth": 3}  # fmt: skip
    publish_crawl(client, prefix, first)
    assert running_otherwise(client, prefix, {**first, "seeds": ["http://x/"]}) is None  # over
    client.zadd(f"{prefix}:requests", {"a request": 0})
    client.hset(f"{prefix}:owners", "a lease", "worker-1")
    assert running_otherwise(client, prefix, first) is None  # the same crawl, started again
    deeper = {**first, "max_depth": 25, "since": "7d"}  # its bounds changed, or a newer ingest's
    assert running_otherwise(client, prefix, deeper) is None
    assert running_otherwise(client, prefix, {**first, "allow": ["/news/"]}) is not None
    db = tmp_path / "b.db"
    done = run_ingest("crawl", "http://127.0.0.1:1/", "--redis", redis_server.url, "--db",
                      str(db), *SHARED, check=False)  # fmt: skip
    assert done.returncode == 1 and not db.exists()
    assert done.stderr.splitlines()[-1] == (
        "Error: another shared crawl is under way under ingest:news (1 requests queued, 1 "
        "being fetched): its workers would drop this one's pages as off their sites, and "
        "this one theirs. Join it with `ingest worker`, wait for it to end, or name this one "
        "apart with -s INGEST_REDIS_KEY=NAME (an abandoned crawl's keys, ingest:news:*, may "
        "be deleted)"
    )
    assert read_crawl(client, prefix) == first  # still the first crawl's, for its workers


# -- merging shards (no Redis needed: any crawl's database is a shard) --------------------


def shard_site(pages: dict[str, str]) -> dict:
    """The pages, and a home page linking to them and to one that is not there (a 404)."""
    return {"/": index_page([*pages, "/news/gone.html"]), **pages}


def test_a_merge_of_a_shard_mid_crawl_then_finished_ends_each_url_as_the_shard_did(tmp_path):
    """Merged while its crawl ran (as docs/scale.md allows), a 404 still queued then made
    the merged row's fetched_at '' for good, and every later merge left it queued."""
    shard, snapshot = tmp_path / "a.db", tmp_path / "a-mid-crawl.db"
    with LocalSite(shard_site({"/news/x.html": article_page("Budget", prose(1))})) as site:
        run_ingest("crawl", f"{site.url}/", "--db", str(shard), *FAST)
    gone = f"{site.url}/news/gone.html"
    assert rows(shard, "select state, reason, fetched_at from urls where url = ?", gone) == [
        ("failed", "http_404", None)
    ]
    shutil.copy(shard, snapshot)  # as it was before the page was asked for
    with sqlite3.connect(snapshot) as conn:
        conn.execute(
            "update urls set state = 'queued', reason = null, kind = null, status = null,"
            " fetches = 0 where url = ?",
            [gone],
        )
    merged = tmp_path / "merged.db"
    for _ in range(2):  # merged every few seconds while the crawl runs
        run_ingest("merge", str(snapshot), "--into", str(merged))
    run_ingest("merge", str(shard), "--into", str(merged))
    ended = "select state, reason, status, fetched_at from urls where url = ?"
    assert (
        rows(merged, ended, gone) == rows(shard, ended, gone) == [("failed", "http_404", 404, None)]
    )


def test_the_last_crawl_of_a_merged_database_is_every_run_of_its_time(tmp_path):
    """Merged, two workers' runs of one crawl: the last crawl had been the shard merged
    last alone, its errors the only ones `stats` and the canned query showed."""
    from ingest.query.datasette.queries import canned_queries

    # each crawl's story is answered once the other's has been asked for too: the runs
    # overlap however far apart their processes start (runs are timed to the second)
    both = threading.Barrier(2)
    sites = [
        shard_site({f"/news/{n}.html": Resource(article_page(f"Story {n}", prose(n)), hold=both)})
        for n in range(2)
    ]  # fmt: skip
    with LocalSite(sites[0]) as one, LocalSite(sites[1]) as two:
        crawls = [  # at the same time, as workers run
            start(["crawl", f"{site.url}/", "--db", str(tmp_path / f"{name}.db"), *FAST],
                  tmp_path / f"{name}.log")
            for name, site in (("a", one), ("b", two))
        ]  # fmt: skip
        for process, name in zip(crawls, "ab", strict=True):
            finish(process, tmp_path / f"{name}.log")
    run_ingest("merge", str(tmp_path / "a.db"), str(tmp_path / "b.db"), "--into",
               str(tmp_path / "news.db"))  # fmt: skip
    merged = tmp_path / "news.db"
    stats = json.loads(run_ingest("stats", "--db", str(merged), "--json").stdout)["last_crawl"]
    assert sorted(stats["runs"]) == [1, 2] and stats["articles"] == 2 and stats["errors"] == 2
    sql = canned_queries({"duplicate_of"})["last_crawl_errors"]["sql"]
    gone = sorted(url.rsplit(":", 1)[1] for (url,) in rows(merged, f"select url from ({sql})"))
    assert gone == sorted(f"{site.url.rsplit(':', 1)[1]}/news/gone.html" for site in (one, two))


def test_merge_keeps_versions_copies_and_clusters_whatever_the_order(tmp_path):
    wire = prose(7, paragraphs=6)
    edited = [*wire[:5], wire[5] + " The agency said more details would follow on Monday."]
    first = shard_site({
        "/news/x.html": article_page("Council approves the budget", prose(1)),
        "/news/wire-a.html": article_page("Storm closes the harbour", wire),
    })  # fmt: skip
    second = shard_site({
        "/news/x.html": article_page("Council approves the budget", [*prose(1)[:3], "Updated."]),
        "/news/wire-b.html": article_page("Storm closes the harbour", wire),
        "/news/wire-c.html": article_page("Harbour shut as storm hits", edited),
    })  # fmt: skip
    with LocalSite(first) as site:
        run_ingest("crawl", f"{site.url}/", "--db", str(tmp_path / "a.db"), *FAST)
        time.sleep(1.1)  # the second crawl's pages are seen a second later at least
        site.resources = {p: Resource(b) for p, b in second.items()}
        run_ingest("crawl", f"{site.url}/", "--db", str(tmp_path / "b.db"), *FAST)
    shards = [str(tmp_path / "a.db"), str(tmp_path / "b.db")]
    for name, order in (("ab.db", shards), ("ba.db", shards[::-1])):
        for _ in range(2):  # merging again changes nothing
            run_ingest("merge", *order, "--into", str(tmp_path / name))
        with sqlite3.connect(tmp_path / name) as conn:
            rows = dict(
                conn.execute("select substr(url, instr(url, '/news/')), text from articles")
            )
            assert sorted(rows) == [f"/news/{n}.html" for n in ("wire-a", "wire-b", "wire-c", "x")]
            assert rows["/news/x.html"].endswith("Updated.")  # the newer text, in either order
            versions = conn.execute("select text from article_versions").fetchall()
            assert len(versions) == 1  # the older text of x, as a version
            assert "Updated." not in versions[0][0] and prose(1)[3] in versions[0][0]
            copies = conn.execute(
                "select count(*) from articles where duplicate_of is not null"
            ).fetchone()
            assert copies == (1,)  # one of wire-a and wire-b is the other's copy, text once
            clusters = conn.execute(
                "select count(distinct cluster_id), count(*) from articles"
                " where url like '%/news/wire-%'"
            ).fetchone()
            assert clusters == (1, 3)  # the edited wire story joins the copies' cluster
            assert conn.execute("select count(*) from crawls").fetchone() == (2,)
            errors = conn.execute("select kind, count(*) from errors group by kind").fetchall()
            assert errors == [("http_404", 2)]  # each run's own, once however often merged


def test_a_merged_database_is_served(tmp_path):
    with LocalSite(news_site(10)) as site:
        run_ingest("crawl", f"{site.url}/", "--db", str(tmp_path / "a.db"), *FAST)
    run_ingest("merge", str(tmp_path / "a.db"), "--into", str(tmp_path / "news.db"))
    with datasette(tmp_path / "news.db", tmp_path / "serve.log") as base:
        url = f"{base}/news.json?sql=select+count(*)+as+n+from+articles&_shape=array"
        with urllib.request.urlopen(url, timeout=10) as answer:
            assert json.load(answer) == [{"n": 10}]
    stats = run_ingest("stats", "--db", str(tmp_path / "news.db"))
    assert "10" in stats.stdout


@needs_redis
def test_a_lease_held_through_idleness_is_released_and_counted(redis_server):
    """A request whose processing ended without a stored page or error (a spider error)
    must not keep every worker of the crawl waiting for it forever."""
    from scrapy.exceptions import DontCloseSpider

    scheduler, spider = scheduler_for(redis_server)
    scheduler.orphan_seconds = 0.3
    scheduler.enqueue_request(Request("http://127.0.0.1:1/a.html", callback=spider.parse))
    assert scheduler.next_request() is not None
    client = redis_server.client()
    with pytest.raises(DontCloseSpider):
        scheduler._idle(spider)  # idle: the pipeline may still be committing its page
    assert client.hlen("ingest:news:owners") == 1
    time.sleep(0.4)
    with pytest.raises(DontCloseSpider):
        scheduler._idle(spider)  # still held, still idle: released, the grace period begins
    assert client.hlen("ingest:news:owners") == 0 and client.zcard("ingest:news:requests") == 0
    assert scheduler.stats.get_value("redis/ended_unstored") == 1
    scheduler.close("finished")


@needs_redis
def test_a_clock_gone_back_or_a_crawl_forgotten_is_state_lost_and_stops_the_crawl(
    redis_server, monkeypatch
):
    """Both ways Redis can come back without the crawl, each told on its own; an empty
    queue with the state kept is an idle crawl, a grace period and no failure. (The whole
    crawl's stop, its run failed and exit 1, is the flushed crawl's test above.)"""
    from scrapy.exceptions import DontCloseSpider

    from ingest.crawl import shared_frontier

    stopped: list[tuple[str, str]] = []
    monkeypatch.setattr(shared_frontier, "stop_crawl", lambda _, *why: stopped.append(why))
    client = redis_server.client()
    client.set("ingest:news:crawl", "{}")  # as the seeding command describes its crawl
    scheduler, spider = scheduler_for(redis_server, worker_lease=60)
    scheduler._beat()
    with pytest.raises(DontCloseSpider):
        scheduler._idle(spider)  # nothing queued, state kept: the grace period begins
    assert stopped == []
    client.set("ingest:news:clock", 1)  # an older snapshot: the count went back
    with pytest.raises(DontCloseSpider):
        scheduler._idle(spider)
    [(reason, message)] = stopped
    assert reason == "redis_lost"
    assert message.startswith(
        "Redis lost the shared crawl's state: its clock went back from 2 to 1"
    )
    client.delete("ingest:news:crawl")  # flushed, or restarted empty and begun again
    scheduler._beat()
    assert stopped[1][1].startswith(
        "Redis lost the shared crawl's state: its record of the crawl (ingest:news:crawl) is gone"
    )
    scheduler.close("finished")


@needs_redis
def test_a_lease_a_worker_never_received_goes_back_to_the_queue(redis_server):
    """A pop Redis ran as the connection dropped leased a request to a live worker that
    never got it; when Redis answers again, the worker puts back what it does not know."""
    from ingest.crawl.shared_redis import REQUEUE_UNKNOWN, Keys

    client, keys = redis_server.client(), Keys("ingest:test")
    for lease, worker in (("known", "w1"), ("lost", "w1"), ("other", "w2")):
        client.hset(keys.leases, lease, f'{{"url": "http://n.example/{lease}"}}')
        client.hset(keys.owners, lease, f"{worker} -5")
    requeue = client.register_script(REQUEUE_UNKNOWN)
    assert requeue(keys=[keys.queue, keys.leases, keys.owners], args=["w1", "known"]) == 1
    assert client.zrange(keys.queue, 0, -1, withscores=True) == [
        (b'{"url": "http://n.example/lost"}', -5.0)
    ]
    assert sorted(client.hkeys(keys.owners)) == [b"known", b"other"]
    assert sorted(client.hkeys(keys.leases)) == [b"known", b"other"]


def test_merge_keeps_first_and_last_seen_and_each_version_once_in_any_order(tmp_path):
    """Shards of three crawls (the first two in one file too) agree whatever the order:
    an article first seen in the first crawl, last in the third, its two older texts
    versions each once, replaced when the next text was first seen."""
    texts = [prose(1), [*prose(1)[:3], "Updated once."], [*prose(1)[:3], "Updated twice."]]
    crawled = []
    with LocalSite({}) as site:
        for n, text in enumerate(texts):
            site.resources = {
                p: Resource(b)
                for p, b in shard_site({
                    "/news/x.html": article_page("Council approves the budget", text),
                    "/news/y.html": article_page("Storm closes the harbour", prose(2)),
                }).items()
            }  # fmt: skip
            db = tmp_path / ("ab.db" if n == 1 else f"{'ac'[n // 2]}.db")
            if n == 1:
                shutil.copy(tmp_path / "a.db", db)  # the first two crawls in one file
            run_ingest("crawl", f"{site.url}/", "--db", str(db), "--refresh", *FAST)
            # each story's own time: the two may be fetched a second apart
            seen = "select substr(url, -6), last_seen from articles order by url"
            crawled.append(dict(rows(db, seen)))
            time.sleep(1.1)
    first, second, third = (seen["x.html"] for seen in crawled)
    first_y, third_y = crawled[0]["y.html"], crawled[2]["y.html"]
    last = {"x": "Updated twice.", "y": prose(2)[-1]}
    shards = [str(tmp_path / f"{name}.db") for name in ("a", "ab", "c")]
    orders = (shards, shards[::-1], [*shards[1:], shards[0]], [*shards[::2], shards[1]])
    for n, order in enumerate(orders):
        into = tmp_path / f"merged{n}.db"
        run_ingest("merge", *order, "--into", str(into))
        articles = rows(into, "select url, first_seen, last_seen, text from articles order by url")
        assert [(u[-6:], f, s, t.split("\n")[-1]) for u, f, s, t in articles] == [
            ("x.html", first, third, last["x"]),
            ("y.html", first_y, third_y, last["y"]),
        ], order
        versions = rows(
            into,
            "select text, first_seen, last_seen, replaced_at, diff from article_versions"
            " order by first_seen",
        )
        assert [(t.split("\n")[-1], f, s, r, d.split("\n")[-1]) for t, f, s, r, d in versions] == [
            (prose(1)[-1], first, first, second, "+Updated once."),
            ("Updated once.", second, second, third, "+Updated twice."),
        ], order


def test_merge_keeps_the_page_an_article_was_read_from_when_a_later_shard_found_links_there(
    tmp_path,
):
    """A later shard whose crawl found a list of links at an article's URL replaced the page
    the article was read from, as a crawl into the one database would not: the merged
    article pointed at a page that was no longer its own."""
    story = article_page("Council approves the budget", prose(1))
    links = index_page(["/news/y.html", "/news/z.html"])  # the story taken down for a list
    with LocalSite({}) as site:
        for name, page in (("a", story), ("b", links)):
            site.resources = {p: Resource(b) for p, b in shard_site({"/news/x.html": page}).items()}
            run_ingest("crawl", f"{site.url}/", "--db", str(tmp_path / f"{name}.db"), *FAST)
            time.sleep(1.1)  # the second fetch is the later one
    url = f"{site.url}/news/x.html"
    [(article_id,)] = rows(tmp_path / "a.db", "select id from articles")
    takedown = (
        url,
        "extract",
        "no_longer_article",
        f"the page is no article now (not_article): article {article_id} and the page it "
        "was read from are kept as stored",
    )
    takedowns = "select count(*) from errors where kind = 'no_longer_article'"
    assert rows(tmp_path / "b.db", takedowns) == [(0,)]  # b's crawl never saw the article
    for n, order in enumerate((["a", "b"], ["b", "a"])):
        into = tmp_path / f"merged{n}.db"
        shards = [str(tmp_path / f"{s}.db") for s in order]
        run_ingest("merge", *shards, "--into", str(into))
        assert rows(into, "select body from pages where url = ?", url) == rows(
            tmp_path / "a.db", "select body from pages where url = ?", url
        ), order
        assert rows(into, "select state, reason from urls where url = ?", url) == [
            ("fetched", "no_longer_article")
        ], order
        assert rows(into, "select url from articles") == [(url,)]
        # said as a crawl into the one database says it, in the run that found the links,
        # once however often the shards are merged again
        errors = "select url, stage, kind, message from errors where kind = 'no_longer_article'"
        links_run = "select id from crawls order by started_at desc limit 1"
        for _ in range(2):
            assert rows(into, f"{errors} and crawl_id = ({links_run})") == [takedown], order
            assert rows(into, takedowns) == [(1,)], order
            run_ingest("merge", *shards[::-1], "--into", str(into))


def test_merge_keeps_the_newest_capture_of_an_unchanged_article_in_any_order(tmp_path):
    """The same text crawled twice, the page's description added between: an older shard
    merged after a newer one wrote its own row over the newer one's (its run, description,
    provenance), where a crawl into the one database keeps the newest capture."""
    story = article_page("Council approves the budget", prose(1))
    described = story.replace("</head>", '<meta name="description" content="Spending up."></head>')
    with LocalSite({}) as site:
        for name, page in (("a", story), ("b", described)):
            site.resources = {p: Resource(b) for p, b in shard_site({"/news/x.html": page}).items()}
            run_ingest("crawl", f"{site.url}/", "--db", str(tmp_path / f"{name}.db"), *FAST)
            time.sleep(1.1)  # the second capture is the later one
    columns = "title, text, content_hash, description, extractor, plugins, provenance"
    newest = rows(tmp_path / "b.db", f"select {columns}, last_seen from articles")
    [(first_seen,)] = rows(tmp_path / "a.db", "select first_seen from articles")
    [(started,)] = rows(tmp_path / "b.db", "select started_at from crawls")
    assert newest[0][3] == "Spending up."
    for n, order in enumerate((["a", "b"], ["b", "a"])):
        into = tmp_path / f"merged{n}.db"
        run_ingest("merge", *(str(tmp_path / f"{s}.db") for s in order), "--into", str(into))
        assert rows(into, f"select {columns}, last_seen from articles") == newest, order
        assert rows(into, "select first_seen from articles") == [(first_seen,)], order
        run = "select c.started_at from articles a join crawls c on c.id = a.crawl_id"
        assert rows(into, run) == [(started,)], order
        assert rows(into, "select count(*) from article_versions") == [(0,)], order


def test_a_shard_from_an_older_ingest_is_brought_up_to_date_and_merged(tmp_path):
    """It ended in a traceback (no crawls.host, no articles.duplicate_of, no site_lines
    table), or merged with every article's published_day empty."""
    old = tmp_path / "old.db"
    with LocalSite(news_site(6)) as site:
        run_ingest("crawl", f"{site.url}/", "--db", str(old), *FAST)
    with sqlite3.connect(old) as conn:
        for (view,) in conn.execute("select name from sqlite_master where type = 'view'"):
            conn.execute(f"drop view {view}")  # as old as the columns they read
        for (index,) in conn.execute(
            "select name from sqlite_master where type = 'index' and (sql like '%cluster_id%' "
            "or sql like '%duplicate_of%' or sql like '%published_day%')"
        ).fetchall():
            conn.execute(f"drop index {index}")
        for table, column in [
            ("crawls", "host"), ("crawls", "pid"), ("articles", "duplicate_of"),
            ("articles", "cluster_id"), ("articles", "published_day"),
        ]:  # fmt: skip
            conn.execute(f"alter table {table} drop column {column}")
        conn.execute("drop table site_lines")
    target = open_database(tmp_path / "news.db")
    target.execute("create table word_counts (title text)")  # a plugin's, in the target
    assert older_schema(str(old), target) == "crawls.pid"
    current = tmp_path / "current.db"
    open_database(current).close()
    assert older_schema(str(current), target) is None  # the plugin's table is no age
    target.close()
    done = run_ingest("merge", str(old), "--into", str(tmp_path / "news.db"), check=False)
    assert (done.returncode, "Traceback" in done.stderr) == (0, False)
    with sqlite3.connect(tmp_path / "news.db") as conn:
        assert conn.execute(
            "select count(*), sum(published_day = substr(published, 1, 10)) from articles"
        ).fetchone() == (6, 6)  # backfilled from published, as open_database does
    assert older_schema(str(old), open_database(tmp_path / "news.db")) is None
