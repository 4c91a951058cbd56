"""A bug met mid-crawl, in ingest or in plugin code that runs in the crawl process (an
outlet's ``is_article_url``, say). One met in an extraction worker is already an
outcome's error of the same kind (``ExtractionPool``); both count toward exit 4.

Scrapy logs an exception raised by a spider callback or an item pipeline and moves
on: the page it was handling would be lost without a row to show for it, its URL
left ``queued`` and the exit status 0. Here the exception becomes an ``errors`` row
of kind ``internal_error`` (its message names where it was raised, its traceback is
kept), the URL ends ``failed`` for that reason, a page already fetched is stored raw
so ``ingest reextract`` can make its article once the bug is fixed, and the command
exits 4.
"""

from __future__ import annotations

from typing import Any

from scrapy.http import Response
from twisted.python.failure import Failure

from ingest.crawl.items import FetchError, PageItem, request_error, response_item
from ingest.extract.process import BUG, Outcome, bug_record

STAT = "ingest/internal_errors"


def described(failure: Failure, stage: str) -> dict[str, Any]:
    return bug_record(stage, failure.value, failure.getTraceback())


def from_callback(failure: Failure, response: Response | Failure) -> PageItem | FetchError:
    """What to store of a request whose callback (or errback) raised.

    A page that came (2xx) is kept raw, its outcome the error; an error answer gets its
    ``error`` page row as usual; a failed download or a 304 has nothing to keep. Either
    way the URL ends with the error as its reason.
    """
    record = described(failure, "crawl")
    answered = isinstance(response, Response)
    if answered and 200 <= response.status < 300 and response.body:
        outcome = Outcome(url=response.url, errors=[record])
        return response_item(response, response.body, outcome=outcome)
    # an error answer gets its page row, as in NewsSpider.failed; a 304 keeps the stored one
    status = response.status if answered and response.status >= 400 else None
    return request_error(
        response.request,  # a failed download's too: Scrapy hands it to the errback
        BUG,
        record["message"],
        status=status,
        stage="crawl",
        traceback=record["traceback"],
    )


def unrequested(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The links planned before the bug: those queued were never requested. They stay
    queued, with the bug as their reason, and the next crawl into the database asks for
    them (every crawl starts with the queued frontier)."""
    return [{**r, "reason": BUG} if r.get("decision") == "queued" else r for r in records]


def from_item(failure: Failure, item: Any) -> FetchError:
    """What to store of an item the pipeline failed on: the error, and the URL's end."""
    record = described(failure, "store")
    return FetchError(
        url=getattr(item, "url", ""),
        kind=BUG,
        message=record["message"],
        found_via=getattr(item, "found_via", None),
        depth=getattr(item, "depth", 0),
        known_page=True,
        leases=getattr(item, "leases", []),
        stage="store",
        traceback=record["traceback"],
    )
