"""Requests as JSON, for the Redis queue that crawl workers share.

scrapy-redis pickles requests by default, and unpickling what another process
put in a shared queue runs whatever code it names: anyone who can write to the
Redis server could take over every worker. JSON carries data only. A request's
dict (``Request.to_dict``) holds bytes (headers, body) and tuples, which JSON
lacks, so they travel tagged and come back as they were.
"""

from __future__ import annotations

import json
from typing import Any

_BYTES, _TUPLE, _PAIRS = "$bytes", "$tuple", "$pairs"


def dumps(obj: dict[str, Any]) -> bytes:
    """Module-level, as scrapy-redis expects of ``SCHEDULER_SERIALIZER``."""
    return json.dumps(_tag(obj), separators=(",", ":"), allow_nan=False).encode()


def loads(data: bytes | str) -> dict[str, Any]:
    """The request dict back; anything not written by ``dumps`` raises ``ValueError``."""
    obj = _untag(json.loads(data))
    if not isinstance(obj, dict) or not isinstance(obj.get("url"), str):
        raise ValueError("not a request: a JSON object with a url is expected")
    return obj


def _tag(value: Any) -> Any:
    if isinstance(value, bytes):
        return {_BYTES: value.decode("latin-1")}  # byte for byte; ASCII stays readable
    if isinstance(value, tuple):
        return {_TUPLE: [_tag(v) for v in value]}
    if isinstance(value, list):
        return [_tag(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("$") for k in value):
            return {k: _tag(v) for k, v in value.items()}
        return {_PAIRS: [[_tag(k), _tag(v)] for k, v in value.items()]}  # headers: bytes keys
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"a request may carry plain data only, not {type(value).__name__}")


def _untag(value: Any) -> Any:
    if isinstance(value, list):
        return [_untag(v) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((key, inner),) = value.items()
        if key == _BYTES:
            return inner.encode("latin-1")
        if key == _TUPLE:
            return tuple(_untag(v) for v in inner)
        if key == _PAIRS:
            return {_untag(k): _untag(v) for k, v in inner}
    return {k: _untag(v) for k, v in value.items()}
