"""A worker joining a shared crawl reads the crawl's description from Redis: one it can't
read is a one-line error naming the key and what is wrong, never a traceback.

A real redis-server on loopback (test_scale's), real ``ingest worker`` processes.
"""

from __future__ import annotations

import json

import pytest
from test_scale import needs_redis, redis_server  # noqa: F401  (a fixture)

from conftest import run_ingest

KEY = "ingest:news:crawl"
CRAWL = {
    "url": "", "seeds": ["http://127.0.0.1:1/"], "domains": [], "allow": [], "deny": [],
    "follow": True, "since": None, "refresh": False, "max_depth": 2,
}  # fmt: skip


@needs_redis
@pytest.mark.parametrize(
    ("command", "value", "why"),
    [
        ("set", "{}", f"{KEY} has no seeds"),
        ("set", "garbage{", f"{KEY} is not JSON (Expecting value: line 1 column 1 (char 0))"),
        ("set", b"\xff", f"{KEY} is not JSON ('utf-8' codec can't decode byte 0xff in position 0: "
                         "invalid start byte)"),
        ("set", "[1]", f"{KEY} is not a JSON object: '[1]'"),
        ("set", json.dumps({**CRAWL, "max_depth": "3"}),
         f"{KEY}'s max_depth is not a whole number, 0 or more: '3'"),
        ("set", json.dumps({**CRAWL, "seeds": "http://a.example/"}),
         f"{KEY}'s seeds is not a list of strings: 'http://a.example/'"),
        ("rpush", "x", f"{KEY} holds a Redis list, not a string"),
    ],
    ids=["no-seeds", "not-json", "not-utf8", "not-an-object", "depth-text", "seeds-text",
         "a-list"],
)  # fmt: skip
def test_a_crawl_description_a_worker_cannot_read_is_a_one_line_error(
    tmp_path,
    redis_server,  # noqa: F811  (test_scale's fixture)
    command,
    value,
    why,
):
    """Each was a traceback (ValueError, JSONDecodeError, UnicodeDecodeError, WRONGTYPE),
    a crawl begun on a text depth, or seeds in one string read a letter at a time."""
    getattr(redis_server.client(), command)(KEY, value)
    done = run_ingest(
        "worker", "--redis", redis_server.url, "--db", str(tmp_path / "w.db"), check=False
    )
    assert done.returncode == 1
    assert done.stderr == (
        f"Error: no crawl to join on {redis_server.url}: {why} "
        "(`ingest crawl SEEDS --redis` writes it)\n"
    )
    assert not (tmp_path / "w.db").exists()
