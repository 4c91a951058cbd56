"""The scheduler's queue past its memory bound: on disk, in priority order, gone at the end."""

import json
from pathlib import Path

from scrapy import Request, Spider
from scrapy.utils.test import get_crawler

from ingest.crawl import settings
from ingest.crawl.disk_queue import SpillingScheduler

from conftest import FAST, rows, run_ingest
from sites import LocalSite, article_page, index_page, prose


class Parsing(Spider):
    name = "parsing"

    def parse(self, response):
        pass


def scheduler(in_memory: int) -> SpillingScheduler:
    names = ("SCHEDULER", "SCHEDULER_DISK_QUEUE", "SCHEDULER_START_DISK_QUEUE")
    values = {name: getattr(settings, name) for name in names}
    crawler = get_crawler(Parsing, {**values, "INGEST_QUEUE_IN_MEMORY": in_memory})
    crawler.spider = crawler._create_spider()
    crawler.engine = crawler._create_engine()
    found = SpillingScheduler.from_crawler(crawler)
    found.open(crawler.spider)
    return found


def test_requests_past_the_bound_wait_on_disk_and_come_out_by_priority():
    queue = scheduler(in_memory=3)
    priorities = [0, 5, 1, 9, 3, 7, 2, 8]
    for i, priority in enumerate(priorities):
        spider = queue.spider
        queue.enqueue_request(
            Request(f"https://n.example/{i}", priority=priority, callback=spider.parse)
        )
    stats = queue.stats.get_stats()
    assert stats["scheduler/enqueued/memory"] == 3 and stats["scheduler/enqueued/disk"] == 5
    assert len(queue) == 8
    out = []
    while (request := queue.next_request()) is not None:
        out.append(request.priority)
    assert out == sorted(priorities, reverse=True)
    scratch = Path(queue.scratch)
    assert scratch.is_dir()
    queue.close("finished")
    assert not scratch.exists()


def test_a_crawl_spilling_its_queue_to_disk_fetches_every_page(tmp_path):
    db = tmp_path / "spill.db"
    pages = {f"/news/{i}": article_page(f"Headline {i}", prose(i)) for i in range(30)}
    pages["/"] = index_page(list(pages))
    with LocalSite(pages) as site:
        run_ingest(
            "crawl", site.url + "/", "--db", str(db), "-s", "INGEST_QUEUE_IN_MEMORY=4", *FAST
        )
    assert rows(db, "select count(*) from articles") == [(30,)]
    assert all(site.hits.count(f"/news/{i}") == 1 for i in range(30))
    [(stats,)] = rows(db, "select stats from crawls")
    assert json.loads(stats)["scheduler/enqueued/disk"] > 0
