"""A server's ``Retry-After``, kept: a 429 or 503 is tried again when it asks, not at once.

Scrapy's RetryMiddleware retries a 429 or 503 right away, however long the server asked
the crawler to stay away. This one waits what the answer's ``Retry-After`` says (seconds
or an HTTP date) before the retry, up to ``INGEST_RETRY_AFTER_MAX`` seconds; a longer
wait is not made: the answer is given up at once, and its ``errors`` row says what the
server asked (``ingest.crawl.failures``). Without the header it retries as Scrapy does.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

#: The answers whose Retry-After says when to come back (RFC 9110 15.5.20, 6585 4).
ASKS_TO_WAIT = (429, 503)


class RetryAfter(RetryMiddleware):
    """Scrapy's retries, made when the server asked for them."""

    def __init__(self, settings: Any):
        super().__init__(settings)
        self.max_wait = settings.getfloat("INGEST_RETRY_AFTER_MAX")

    async def process_response(self, request: Any, response: Any) -> Any:
        wait = retry_after(response) if response.status in ASKS_TO_WAIT else None
        if wait is None or request.meta.get("dont_retry", False):
            return super().process_response(request, response)
        if wait > self.max_wait:
            return response  # not tried again: its errors row says what was asked
        if wait > 0:
            from twisted.internet import reactor  # the one Scrapy installed, not a default

            await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))
        return super().process_response(request, response)


def retry_after(response: Any) -> float | None:
    """Seconds the answer asks to wait before a retry, or None when it names no wait."""
    value = (response.headers.get("Retry-After") or b"").decode("latin-1").strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
