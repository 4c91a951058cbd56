"""One frontier for many crawl workers: scrapy-redis's scheduler, with leases.

``ingest crawl --redis URL`` and ``ingest worker --redis URL`` swap Scrapy's
scheduler for this one (a settings switch: ``INGEST_REDIS_URL``). Requests wait
in a Redis sorted set by priority and scrapy-redis's duplicate filter keeps one
request per URL across all workers; every worker writes its own SQLite shard,
and ``ingest merge`` combines them.

scrapy-redis pops a request and forgets it, so a worker killed mid-page loses
what it had in flight. Here a pop is a lease instead: the request moves,
atomically, from the queue to a hash of leases held by that worker, and leaves
it only when its page is committed to the worker's shard (the pipeline calls
``ack`` after each commit). Each worker keeps a heartbeat key alive in Redis;
any worker re-queues the leases of a worker whose heartbeat expired. So a
request is done once its page is stored, and never lost before; a page stored
just before a kill may be fetched again, which the stable ids make harmless.

Redis going away pauses a worker instead of crashing it: requests it finds
meanwhile wait in memory, leases to release are kept, and it goes on when
Redis answers again. Redis coming back without what it held (restarted with no
persistence, or from an older snapshot) is another matter: the queue and leases
are gone or old, and workers would end "finished" with URLs never fetched. Every
heartbeat counts up a shared clock, and the crawl's description must still be
there; a count that went back or a description gone says so, checked on each
beat and before an empty queue ends the crawl, and the worker stops, failed
(``redis_lost``). A worker stops when the queue is empty and no worker holds
a lease (so no one can find more) for ``INGEST_REDIS_IDLE`` seconds.

Requests travel as JSON (``ingest.crawl.request_json``), never pickled.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import time
from collections import deque
from typing import Any

from redis.exceptions import RedisError
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.request import request_from_dict
from scrapy_redis import connection
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from ingest.crawl import request_json
from ingest.crawl.shared_redis import (
    LOOK_AHEAD,
    POLL_SECONDS,
    POP_AND_LEASE,
    PUSH_UNSEEN,
    REQUEUE_DEAD,
    REQUEUE_UNKNOWN,
    Keys,
    score,
)
from ingest.crawl.stopping import stop_crawl

logger = logging.getLogger(__name__)


class SharedScheduler(Scheduler):
    """scrapy-redis's scheduler with leases, a heartbeat and pauses while Redis is away."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> SharedScheduler:
        settings = crawler.settings
        if settings.get("SCHEDULER_SERIALIZER") != request_json.__name__:
            raise ValueError("requests in a shared queue travel as JSON, never pickled")
        server = connection.from_settings(settings)
        prefix = settings.get("INGEST_REDIS_KEY") or "ingest:news"
        keys = Keys(prefix)
        scheduler = cls(
            server=server,
            persist=True,
            queue_key=keys.queue,
            dupefilter=RFPDupeFilter(server, keys.seen),
            serializer=request_json,
        )
        scheduler.keys = keys
        scheduler.crawler = crawler
        scheduler.stats = crawler.stats
        scheduler.lease_seconds = settings.getfloat("INGEST_REDIS_LEASE", 60)
        scheduler.idle_close = settings.getfloat("INGEST_REDIS_IDLE", 10)
        scheduler.orphan_seconds = 2.0  # idle and still holding leases for this long
        scheduler.worker = f"{socket.gethostname()}/{os.getpid()}/{secrets.token_hex(3)}"
        return scheduler

    def open(self, spider: Any) -> None:
        self.spider = spider
        self.queue = PriorityQueue(self.server, spider, self.keys.queue, request_json)
        self._pop = self.server.register_script(POP_AND_LEASE)
        self._reap = self.server.register_script(REQUEUE_DEAD)
        self._unknown = self.server.register_script(REQUEUE_UNKNOWN)
        self._push = self.server.register_script(PUSH_UNSEEN)
        self._unsent: deque[Any] = deque()  # found while Redis was away
        self._unacked: list[str] = []  # leases done while Redis was away
        self._mine: set[str] = set()  # leases this worker holds
        self._away_since: float | None = None
        self._idle_since: float | None = None
        self._orphans_since: float | None = None
        self._clock = 0  # the shared clock's last count this worker saw
        self._described = bool(self.server.exists(self.keys.description))
        self.crawler.signals.connect(self._idle, signal=signals.spider_idle)
        spider.release_leases = self.ack
        self._beat()
        if self.crawler.settings.getbool("INGEST_REDIS_NEW_CRAWL") and self._crawl_over():
            self.df.clear()  # a new crawl: every URL may be fetched again
            logger.info("new shared crawl under %s", self.keys.prefix)
        self.reap()
        self._loops = [
            task.LoopingCall(self._beat),
            task.LoopingCall(self.reap),
            task.LoopingCall(self._poll),
        ]
        self._loops[0].start(max(self.lease_seconds / 4, 0.5), now=False)
        self._loops[1].start(max(self.lease_seconds / 2, 1.0), now=False)
        self._loops[2].start(POLL_SECONDS, now=False)

    def close(self, reason: str) -> None:
        """Hand back what this worker leased and did not store, at once."""
        for loop in self._loops:
            if loop.running:
                loop.stop()
        try:
            self._flush_unsent()
            self.ack(list(self._unacked))
            # No longer alive: what it still holds goes back like a dead worker's.
            self.server.delete(self.keys.alive + self.worker)
            self.reap(alive_self=False)
        except RedisError as exc:  # they come back when the heartbeat expires
            logger.warning("Redis unreachable on close (%s): leases return on expiry", exc)

    # -- the queue ---------------------------------------------------------------

    def enqueue_request(self, request: Any) -> bool:
        """Queue it in Redis, or, while Redis is away, in memory behind the others found
        meanwhile. It may not raise: Scrapy drops a request whose enqueue raised, and the
        page that listed it too once its output fails."""
        try:
            self._flush_unsent()
            if not self._unsent:
                return self._enqueue(request)
        except RedisError as exc:
            self._away(exc)
        self._unsent.append(request)  # still away: after those found before it, in order
        return True

    def _enqueue(self, request: Any) -> bool:
        """Seen and queued in one step: a worker killed between the two would leave a URL
        marked seen that no one will ever fetch."""
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        data = self.queue._encode_request(request)
        queued = self._push(
            keys=[self.keys.seen, self.keys.queue], args=[fingerprint, score(request), data]
        )
        if queued:
            self.stats.inc_value("redis/enqueued")
        return bool(queued)

    def next_request(self) -> Any:
        try:
            self._flush_unsent()
            if self._unacked:
                self.ack(self._unacked)
            popped = self._pop(
                keys=[self.keys.queue, self.keys.leases, self.keys.owners],
                args=[self.worker, self.keys.turn, LOOK_AHEAD],
            )
        except RedisError as exc:
            self._away(exc)
            return None
        if not popped:
            self._back()
            return None
        lease, data = popped[0].decode(), popped[1]
        self._mine.add(lease)
        self._back()  # after: the lease just popped is known
        self._orphans_since = None  # busy again: leases held are in flight
        try:
            request = request_from_dict(request_json.loads(data), spider=self.spider)
        except (ValueError, TypeError, AttributeError) as exc:
            # Not ours to run: dropped, and said (never unpickled, never executed).
            logger.error("dropped an unreadable request from the shared queue: %s", exc)
            self.stats.inc_value("redis/unreadable")
            self.ack([lease])
            return None
        request.meta["leases"] = [*request.meta.get("leases", []), lease]
        self.stats.inc_value("redis/dequeued")
        if met := getattr(self.spider, "met_elsewhere", None):  # ingest's spider: planned here
            met(request.url)
        return request

    def has_pending_requests(self) -> bool:
        if self._unsent:
            return True
        try:
            return self.server.zcard(self.keys.queue) > 0
        except RedisError as exc:
            self._away(exc)
            return True

    def __len__(self) -> int:
        try:
            return self.server.zcard(self.keys.queue) + len(self._unsent)
        except RedisError:
            return len(self._unsent)

    # -- leases ------------------------------------------------------------------

    def ack(self, leases: list[str]) -> None:
        """These requests' pages are committed to the shard: done, for every worker."""
        if not leases:
            return
        try:
            pipe = self.server.pipeline()
            pipe.hdel(self.keys.leases, *leases).hdel(self.keys.owners, *leases)
            pipe.execute()
        except RedisError as exc:
            self._away(exc)
            self._unacked = list(dict.fromkeys([*self._unacked, *leases]))
            return
        self._mine.difference_update(leases)
        done = set(leases)
        self._unacked = [lease for lease in self._unacked if lease not in done]

    def reap(self, alive_self: bool = True) -> int:
        """Put back in the queue the leases of workers that stopped beating (this one's own
        too once it stops: ``alive_self=False``)."""
        try:
            back = self._reap(
                keys=[self.keys.queue, self.keys.leases, self.keys.owners],
                args=[self.keys.alive, self.worker if alive_self else ""],
            )
        except RedisError as exc:
            self._away(exc)
            return 0
        if back:
            logger.warning("re-queued %d requests of workers that stopped", back)
            self.stats.inc_value("redis/requeued", back)
        return back

    def _poll(self) -> None:
        """Ask the engine for its next requests now, not at its next heartbeat.

        Scrapy asks its scheduler again when a response arrives, or every 5 seconds. A
        worker that found the shared queue empty for a moment (other workers had taken
        it all, and their pages' links were not in yet) would idle for those 5 seconds.
        """
        slot = getattr(self.crawler.engine, "_slot", None)
        nextcall = getattr(slot, "nextcall", None)
        if nextcall is not None:
            nextcall.schedule()

    def _beat(self) -> None:
        try:
            ttl = max(int(self.lease_seconds * 1000), 1000)
            self.server.set(self.keys.alive + self.worker, "1", px=ttl)
            self._state_kept(self.server.incr(self.keys.clock), counted=True)
        except RedisError as exc:
            self._away(exc)

    def _state_kept(self, clock: int, counted: bool) -> bool:
        """Whether Redis still holds the crawl: its description is there (when it was at
        the start) and its clock did not go back (``counted``: this worker just counted
        it up). Otherwise the crawl stops, failed: requests queued there are gone."""
        back = clock <= self._clock if counted else clock < self._clock
        gone = self._described and not self.server.exists(self.keys.description)
        if back or gone:
            why = (
                f"its record of the crawl ({self.keys.description}) is gone"
                if gone
                else f"its clock went back from {self._clock:,} to {clock:,}"
            )
            message = (
                f"Redis lost the shared crawl's state: {why} (restarted without persistence, "
                "from an older snapshot, or flushed), so requests queued there are gone; "
                "merge the shards, then start the crawl again with `ingest crawl SEEDS --redis "
                "--known MERGED.db` (and --known on each worker): what they hold is then not "
                "fetched again; each shard alone knows only its own"
            )
            self.stats.set_value("redis/lost", clock)
            stop_crawl(self.crawler, "redis_lost", message)
            return False
        self._clock = max(self._clock, clock)
        return True

    # -- Redis away, the crawl idle ----------------------------------------------

    def _flush_unsent(self) -> None:
        while self._unsent:
            self._enqueue(self._unsent[0])
            self._unsent.popleft()

    def _away(self, exc: Exception) -> None:
        if self._away_since is None:
            self._away_since = time.monotonic()
            logger.warning("Redis unreachable (%s): paused until it answers", exc)
            self.stats.inc_value("redis/outages")

    def _back(self) -> None:
        if self._away_since is not None:
            logger.warning("Redis answers again after %.0f s", time.monotonic() - self._away_since)
            self._away_since = None
            self._beat()
            self._requeue_unknown()

    def _requeue_unknown(self) -> None:
        """A pop that Redis ran as the connection dropped leased a request to this worker,
        which never got it: the shared crawl waited on that lease forever (its URL queued
        in the shard, never fetched). Such leases go back to the queue."""
        try:
            back = self._unknown(
                keys=[self.keys.queue, self.keys.leases, self.keys.owners],
                args=[self.worker, *sorted(self._mine)],
            )
        except RedisError as exc:
            self._away(exc)
            return
        if back:
            logger.warning("re-queued %d requests leased as Redis went away", back)
            self.stats.inc_value("redis/requeued", back)

    def _release_orphans(self) -> None:
        """Leases this worker still holds while it has nothing in flight.

        Every request ends in a page or an error row, whose commit releases its lease;
        the pipeline commits whenever the crawl is idle. A lease held through
        ``orphan_seconds`` of idleness belongs to a request whose processing ended
        without either (a spider error, in the log): it is released, and counted, so
        the shared crawl can end instead of waiting for it forever.
        """
        if not self._mine:
            self._orphans_since = None
            return
        now = time.monotonic()
        if self._orphans_since is None:
            self._orphans_since = now
        elif now - self._orphans_since >= self.orphan_seconds:
            logger.error("%d requests ended without a page or error stored", len(self._mine))
            self.stats.inc_value("redis/ended_unstored", len(self._mine))
            self.ack(sorted(self._mine))
            self._orphans_since = None

    def _crawl_over(self) -> bool:
        """Nothing queued and no lease held by anyone: no crawl is under way."""
        return not self.server.zcard(self.keys.queue) and not self.server.hlen(self.keys.owners)

    def _idle(self, spider: Any) -> None:
        """Stay while Redis is away or any worker may still find URLs; then a grace period."""
        try:
            self._flush_unsent()
            self._release_orphans()
            # an empty queue may be a Redis that came back empty: a crawl lost, not over
            kept = self._state_kept(int(self.server.get(self.keys.clock) or 0), counted=False)
            busy = not kept or not self._crawl_over()
        except RedisError as exc:
            self._away(exc)
            busy = True
        if busy:
            self._idle_since = None
            raise DontCloseSpider
        self._idle_since = self._idle_since or time.monotonic()
        if time.monotonic() - self._idle_since < self.idle_close:
            raise DontCloseSpider
