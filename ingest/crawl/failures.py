"""What a failed request is called in ``errors`` and ``urls``: Scrapy's exceptions,
which say little alone (an IgnoreRequest is a robots.txt refusal, a redirect loop
or a body past the size bound), turned into the kinds a user queries."""

from __future__ import annotations

from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadFailedError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from ingest.crawl.bounds import PAST_MAXSIZE, HeadersTooLarge
from ingest.crawl.guard import BlockedAddress
from ingest.crawl.middlewares import BadRedirect
from ingest.crawl.partial import PartialBody
from ingest.store.health import looks_like_challenge


def failure_kind(failure: Failure) -> tuple[str, str, int | None]:
    """(kind, message, HTTP status) of a request's failure."""
    kind = failure.type.__name__
    message = failure.getErrorMessage() or kind
    if failure.check(HttpError):
        response = failure.value.response
        status = response.status
        kind, message = f"http_{status}", f"HTTP {status}"
        if asked := response.headers.get("Retry-After", b"").decode("latin-1").strip()[:40]:
            message += f", asking to be tried again after {asked}{' s' * asked.isdigit()}"
        location = response.headers.get("Location")
        if 300 <= status < 400 and location:  # Scrapy follows http and https only
            where = location.decode("latin-1")[:200]
            kind = "redirect_not_followed"
            message = f"HTTP {status} to {where}: only http and https are followed"
        if status >= 500 and looks_like_challenge(response.body):
            kind, message = "captcha", f"HTTP {status}: a challenge page instead of content"
        return kind, message, status
    if failure.check(ResponseDataLossError):
        message = "the connection closed before the length the answer announced: part of a page"
    elif failure.check(DownloadFailedError):  # Twisted's failures, listed as their reprs
        reasons = getattr(failure.value.__cause__, "reasons", None) or [message]
        message = f"the answer could not be read: {causes(reasons)}"
        if any(isinstance(r, Failure) and r.check(HeadersTooLarge) for r in reasons):
            kind, message = "too_large", causes(reasons)
    elif failure.check(BadRedirect) and failure.value.reason.startswith("Missing scheme"):
        kind = "redirect_not_followed"  # mailto:, tel: (Scrapy follows file:, ftp: in none)
        message = f"redirects to {failure.value.location}: only http and https are followed"
    elif failure.check(BadRedirect):
        kind = "bad_redirect"
    if failure.check(BlockedAddress):
        kind = "blocked_address"
    elif failure.check(PartialBody):
        kind = failure.value.kind
    elif over_maxsize(failure):
        kind = "too_large"
        if not failure.getErrorMessage():  # Scrapy's cancel says nothing
            message = "the body ran past DOWNLOAD_MAXSIZE (no Content-Length announced its size)"
    elif failure.check(IgnoreRequest) and "max redirections" in message:
        # distinct URLs, one after the other: a loop back to one is told (redirects.dropped)
        request = getattr(failure, "request", None)
        followed = len(request.meta.get("redirect_urls", [])) if request else 0
        where = request.url[:200] if request else "the last"
        kind = "too_many_redirects"
        message = (
            f"{followed} redirects followed, and {where} redirects again: past REDIRECT_MAX_TIMES"
        )
    elif failure.check(IgnoreRequest) and "robots.txt" in message:
        kind = "robots_disallowed"
    return kind, message, None


def causes(reasons: list) -> str:
    """What Twisted's failures behind a download that failed say, in words."""
    said = (r.getErrorMessage() if isinstance(r, Failure) else str(r) for r in reasons)
    return "; ".join(said)[:300]


def over_maxsize(failure: Failure) -> bool:
    """Scrapy cancels a body past DOWNLOAD_MAXSIZE (with no message when no Content-Length
    announced it: ``ingest.crawl.bounds`` saw it pass), and drops one unpacking past it."""
    message = failure.getErrorMessage()
    if failure.check(DownloadCancelledError):
        return "max size" in message or getattr(failure, "request", None) in PAST_MAXSIZE
    return bool(failure.check(IgnoreRequest)) and "DOWNLOAD_MAXSIZE" in message
