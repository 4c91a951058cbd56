"""Scrapy's scheduler with its queue spilling to disk: memory flat however much is queued.

A crawl that follows links finds URLs faster than it fetches them: on a news
site every page names dozens it has not met, and a 50,000-URL sitemap queues
50,000 requests at once, about a kilobyte of memory each in Scrapy's memory
queue. Past ``INGEST_QUEUE_IN_MEMORY`` waiting requests, new ones go to Scrapy's
own disk queue (``SCHEDULER_DISK_QUEUE``, marshal: no code runs on reading
back) in a scratch folder of this run, removed when the crawl closes. The next
request comes from the queue holding the higher priority, so an article found
late (priority +10) does not wait on disk behind section pages in memory.
Nothing in the folder outlives the run: what a killed crawl had queued is in
the ``urls`` table, which ``--resume`` reads.
"""

from __future__ import annotations

import shutil
import tempfile
from typing import Any

from scrapy import Request
from scrapy.core.scheduler import Scheduler

#: Requests kept in memory before new ones wait on disk (about 10 MB of them).
IN_MEMORY = 10_000


class SpillingScheduler(Scheduler):
    """Scrapy's ``Scheduler``: memory queue first, its disk queue past a bound."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> SpillingScheduler:
        scheduler = super().from_crawler(crawler)
        scheduler.in_memory = crawler.settings.getint("INGEST_QUEUE_IN_MEMORY", IN_MEMORY)
        return scheduler

    def _dqdir(self, jobdir: str | None) -> str | None:
        """A scratch folder of this run's (Scrapy's JOBDIR, when set, keeps its meaning)."""
        self.scratch = None if jobdir else tempfile.mkdtemp(prefix="ingest-queue-")
        return super()._dqdir(jobdir or self.scratch)

    def _dqpush(self, request: Request) -> bool:
        if len(self.mqs) < self.in_memory:
            return False  # in memory, as Scrapy's scheduler keeps it without a JOBDIR
        return super()._dqpush(request)

    def next_request(self) -> Request | None:
        """From the disk queue when it holds a higher priority than memory, else as Scrapy."""
        on_disk = best_priority(self.dqs)  # Scrapy's priority keys are negated: less is first
        if on_disk is not None:
            in_memory = best_priority(self.mqs)
            if in_memory is None or on_disk < in_memory:
                request = self.dqs.pop()
                if request is not None:
                    self.stats.inc_value("scheduler/dequeued/disk")
                    self.stats.inc_value("scheduler/dequeued")
                    return request
        return super().next_request()

    def close(self, reason: str) -> Any:
        result = super().close(reason)
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
        return result


def best_priority(queue: Any) -> int | None:
    """The key of the best priority waiting in a Scrapy priority queue (``curprio``), or
    in any site's queue of a ``DownloaderAwarePriorityQueue`` (Scrapy's default)."""
    if queue is None:
        return None
    if hasattr(queue, "curprio"):
        return queue.curprio
    waiting = [q.curprio for q in getattr(queue, "pqueues", {}).values() if q.curprio is not None]
    return min(waiting, default=None)
