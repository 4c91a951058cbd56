"""Where a shared crawl lives in Redis: its keys, the scripts that change them, its settings.

The scheduler (``shared_frontier``) and the politeness middleware
(``shared_politeness``) both work on these keys; each change that must not be
seen half done (a pop and its lease, a URL marked seen and queued, a dead
worker's leases put back) is one Lua script, which Redis runs atomically.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from typing import Any

from ingest.crawl import request_json

# Pop the best request whose site is free to be asked now (no other request took its turn,
# see shared_politeness; ARGV[2] the turn key prefix), among the ARGV[3] best, else the best;
# and lease it to worker ARGV[1], in one step: nothing is ever out of both queue and leases.
POP_AND_LEASE = """
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
PUSH_UNSEEN = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""
# Put back in the queue the leases whose owner passes a test (WHICH), after PRELUDE.
_REQUEUE = """
PRELUDE
local owners = redis.call('HGETALL', KEYS[3])
local back = 0
for i = 1, #owners, 2 do
  local worker, score = string.match(owners[i + 1], '^(%S+) (%S+)$')
  if WHICH then
    local data = redis.call('HGET', KEYS[2], owners[i])
    if data then redis.call('ZADD', KEYS[1], score, data) end
    redis.call('HDEL', KEYS[2], owners[i])
    redis.call('HDEL', KEYS[3], owners[i])
    back = back + 1
  end
end
return back
"""
# The leases of workers whose heartbeat is gone (ARGV[1]: the heartbeat key prefix;
# ARGV[2]: the worker asking, alive whatever its key says after an outage; empty: none).
REQUEUE_DEAD = _REQUEUE.replace("PRELUDE", "").replace(
    "WHICH", "worker ~= ARGV[2] and redis.call('EXISTS', ARGV[1] .. worker) == 0"
)
# The leases a worker holds without knowing it (ARGV[1]: the worker; the rest: the leases
# it knows): a pop Redis ran just as the connection dropped, its reply never read.
REQUEUE_UNKNOWN = _REQUEUE.replace(
    "PRELUDE", "local known = {}\nfor i = 2, #ARGV do known[ARGV[i]] = true end"
).replace("WHICH", "worker == ARGV[1] and not known[owners[i]]")


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
        "SCHEDULER_SERIALIZER": request_json.__name__,
        "SCHEDULER_PERSIST": True,  # other workers still crawl when this one stops
        # After the address guard, just before the download: a refused request takes no turn.
        "DOWNLOADER_MIDDLEWARES": {"ingest.crawl.shared_politeness.SharedPoliteness": 770},
        # A page whose fetch waits for Redis must not wait forever: a timeout pauses instead.
        "REDIS_PARAMS": {"socket_timeout": 5, "socket_connect_timeout": 5},
    }


def score(request: Any) -> float:
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
        self.clock = f"{prefix}:clock"  # counts heartbeats: a count that went back, lost state
        self.description = f"{prefix}:crawl"  # what the seeding command asked (publish_crawl)


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


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


#: What a crawl's description (``publish_crawl``) holds: each field, a test of its value and
#: what the test asks, for the error when it fails.
CRAWL_FIELDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "seeds": (_texts, "a list of strings"),
    "domains": (_texts, "a list of strings"),
    "allow": (_texts, "a list of strings"),
    "deny": (_texts, "a list of strings"),
    "follow": (lambda v: isinstance(v, bool), "true or false"),
    "since": (lambda v: v is None or isinstance(v, str), "a string or null"),
    "refresh": (lambda v: isinstance(v, bool), "true or false"),
    "max_depth": (lambda v: type(v) is int and v >= 0, "a whole number, 0 or more"),
}


def read_crawl(client: Any, prefix: str) -> dict[str, Any] | None:
    """The crawl's description, or None when none was published. One that can't be read
    (not JSON, a field missing or of the wrong kind, another Redis type under the key)
    raises ``ValueError`` naming the key and what is wrong: no worker crawls on a guess."""
    from redis.exceptions import ResponseError

    key = f"{prefix}:crawl"
    try:
        data = client.get(key)
    except ResponseError as exc:  # WRONGTYPE: a list, a hash... under the key
        kind = client.type(key).decode()
        raise ValueError(f"{key} holds a Redis {kind}, not a string") from exc
    if data is None:
        return None
    try:
        spec = json.loads(data)
    except ValueError as exc:  # not JSON, or not UTF-8
        raise ValueError(f"{key} is not JSON ({exc})") from None
    if not isinstance(spec, dict):
        raise ValueError(f"{key} is not a JSON object: {bytes(data).decode()!r:.100}")
    for name, (test, what) in CRAWL_FIELDS.items():
        if name not in spec:
            raise ValueError(f"{key} has no {name}")
        if not test(spec[name]):
            raise ValueError(f"{key}'s {name} is not {what}: {spec[name]!r:.100}")
    spec.pop("url", None)
    return spec
