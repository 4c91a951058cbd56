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
Redis answers again. A worker stops when the queue is empty and no worker holds
a lease (so no one can find more) for ``INGEST_REDIS_IDLE`` seconds.

Requests travel as JSON (``ingest.crawl.request_json``), never pickled.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import time
import zlib
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

logger = logging.getLogger(__name__)

# Pop the best request whose site is free to be asked now (no other request took its turn,
# see shared_politeness; ARGV[2] the turn key prefix), among the ARGV[3] best, else the best;
# and lease it to worker ARGV[1], in one step: nothing is ever out of both queue and leases.
_POP = """
local items = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[3]) - 1, 'WITHSCORES')
if #items == 0 then return nil end
local pick = 1
for i = 1, #items, 2 do
  local host = string.match(items[i], '^{"url":"%a+://([^/:"@?#]+)')
  if host == nil or redis.call('EXISTS', ARGV[2] .. string.lower(host)) == 0 then
    pick = i
    break
  end
end
local id = redis.sha1hex(items[pick])
redis.call('ZREM', KEYS[1], items[pick])
redis.call('HSET', KEYS[2], id, items[pick])
redis.call('HSET', KEYS[3], id, ARGV[1] .. ' ' .. items[pick + 1])
return {id, items[pick]}
"""
# Queue a request unless its fingerprint (ARGV[1]; empty: never filtered) was seen already.
_PUSH = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""
# Put back the leases of workers whose heartbeat is gone (ARGV[1]: the heartbeat key prefix;
# ARGV[2]: the worker asking, alive whatever its key says after an outage).
_REAP = """
local owners = redis.call('HGETALL', KEYS[3])
local back = 0
for i = 1, #owners, 2 do
  local worker, score = string.match(owners[i + 1], '^(%S+) (%S+)$')
  if worker ~= ARGV[2] and redis.call('EXISTS', ARGV[1] .. worker) == 0 then
    local data = redis.call('HGET', KEYS[2], owners[i])
    if data then redis.call('ZADD', KEYS[1], score, data) end
    redis.call('HDEL', KEYS[2], owners[i])
    redis.call('HDEL', KEYS[3], owners[i])
    back = back + 1
  end
end
return back
"""


#: How often an idle worker looks at the shared queue again.
POLL_SECONDS = 0.2
#: How far down the queue a worker looks for a request to a site whose turn is free.
LOOK_AHEAD = 16


def redis_settings(url: str) -> dict[str, Any]:
    """The Scrapy settings that move the frontier to the Redis server at ``url``."""
    return {
        "INGEST_REDIS_URL": url,
        "REDIS_URL": url,
        "SCHEDULER": "ingest.crawl.shared_frontier.SharedScheduler",
        "SCHEDULER_SERIALIZER": "ingest.crawl.request_json",
        "SCHEDULER_PERSIST": True,  # other workers still crawl when this one stops
        # After the address guard, just before the download: a refused request takes no turn.
        "DOWNLOADER_MIDDLEWARES": {"ingest.crawl.shared_politeness.SharedPoliteness": 770},
        # A page whose fetch waits for Redis must not wait forever: a timeout pauses instead.
        "REDIS_PARAMS": {"socket_timeout": 5, "socket_connect_timeout": 5},
    }


def _score(request: Any) -> float:
    """Priority first; within one priority, URLs in an order that mixes their sites.

    Redis orders equal scores by the member's bytes, which begin with the URL: all
    of one site's pages would come out together and wait on that site's politeness
    while other sites idle. A fraction from the URL's hash spreads them out.
    """
    return -request.priority + (zlib.crc32(request.url.encode()) % 1000) / 2000


class Keys:
    """Where one crawl's shared state lives in Redis, all under one prefix."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.queue = f"{prefix}:requests"
        self.seen = f"{prefix}:seen"
        self.leases = f"{prefix}:leases"
        self.owners = f"{prefix}:owners"
        self.alive = f"{prefix}:alive:"
        self.turn = f"{prefix}:turn:"  # a site's turn, taken by the request asking it now


class SharedScheduler(Scheduler):
    """scrapy-redis's scheduler with leases, a heartbeat and pauses while Redis is away."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> SharedScheduler:
        settings = crawler.settings
        if settings.get("SCHEDULER_SERIALIZER") != "ingest.crawl.request_json":
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
        scheduler.worker = f"{socket.gethostname()}/{os.getpid()}/{secrets.token_hex(3)}"
        return scheduler

    def open(self, spider: Any) -> None:
        self.spider = spider
        self.queue = PriorityQueue(self.server, spider, self.keys.queue, request_json)
        self._pop = self.server.register_script(_POP)
        self._reap = self.server.register_script(_REAP)
        self._push = self.server.register_script(_PUSH)
        self._unsent: deque[Any] = deque()  # found while Redis was away
        self._unacked: list[str] = []  # leases done while Redis was away
        self._mine: set[str] = set()  # leases this worker holds
        self._away_since: float | None = None
        self._idle_since: float | None = None
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
            if self._mine:
                self._give_back(sorted(self._mine))
            self.server.delete(self.keys.alive + self.worker)
        except RedisError as exc:  # they come back when the heartbeat expires
            logger.warning("Redis unreachable on close (%s): leases return on expiry", exc)

    # -- the queue ---------------------------------------------------------------

    def enqueue_request(self, request: Any) -> bool:
        if self._unsent:
            self._flush_unsent()
        if self._unsent:  # still away: keep the order
            self._unsent.append(request)
            return True
        try:
            return self._enqueue(request)
        except RedisError as exc:
            self._away(exc)
            self._unsent.append(request)
            return True

    def _enqueue(self, request: Any) -> bool:
        """Seen and queued in one step: a worker killed between the two would leave a URL
        marked seen that no one will ever fetch."""
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        data = self.queue._encode_request(request)
        queued = self._push(
            keys=[self.keys.seen, self.keys.queue], args=[fingerprint, _score(request), data]
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
        self._back()
        if not popped:
            return None
        lease, data = popped[0].decode(), popped[1]
        self._mine.add(lease)
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

    def reap(self) -> int:
        """Put back in the queue the leases of workers that stopped beating."""
        try:
            back = self._reap(
                keys=[self.keys.queue, self.keys.leases, self.keys.owners],
                args=[self.keys.alive, self.worker],
            )
        except RedisError as exc:
            self._away(exc)
            return 0
        if back:
            logger.warning("re-queued %d requests of workers that stopped", back)
            self.stats.inc_value("redis/requeued", back)
        return back

    def _give_back(self, leases: list[str]) -> None:
        owners = self.server.hmget(self.keys.owners, leases)
        datas = self.server.hmget(self.keys.leases, leases)
        pipe = self.server.pipeline()
        for owner, data in zip(owners, datas, strict=True):
            if owner is not None and data is not None:
                pipe.zadd(self.keys.queue, {data: float(owner.split()[1])})
        pipe.hdel(self.keys.leases, *leases).hdel(self.keys.owners, *leases)
        pipe.execute()
        self.stats.inc_value("redis/given_back", len(leases))

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
        except RedisError as exc:
            self._away(exc)

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

    def _crawl_over(self) -> bool:
        """Nothing queued and no lease held by anyone: no crawl is under way."""
        return not self.server.zcard(self.keys.queue) and not self.server.hlen(self.keys.owners)

    def _idle(self, spider: Any) -> None:
        """Stay while Redis is away or any worker may still find URLs; then a grace period."""
        try:
            self._flush_unsent()
            busy = not self._crawl_over()
        except RedisError as exc:
            self._away(exc)
            busy = True
        if busy:
            self._idle_since = None
            raise DontCloseSpider
        self._idle_since = self._idle_since or time.monotonic()
        if time.monotonic() - self._idle_since < self.idle_close:
            raise DontCloseSpider


# -- the crawl's description, for workers that join it -----------------------------


def connect(url: str) -> Any:
    """A client for the server at ``url``, asked once: a wrong address fails here, clearly."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
    client.ping()
    return client


def publish_crawl(client: Any, prefix: str, spec: dict[str, Any]) -> None:
    """What the seeding command was asked (sites, patterns, options), for every worker."""
    client.set(f"{prefix}:crawl", request_json.dumps({"url": "", **spec}))


def read_crawl(client: Any, prefix: str) -> dict[str, Any] | None:
    data = client.get(f"{prefix}:crawl")
    if data is None:
        return None
    spec = request_json.loads(data)
    spec.pop("url", None)
    return spec
