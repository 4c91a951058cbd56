"""Bounds Scrapy's downloader leaves open: an answer's headers, and the size of a body no
header announced.

Twisted reads a response's header lines for as long as the server sends them: a server
that never ends its headers grew a crawl by some 280 MB a second until the download
timeout, and every retry began again. Scrapy bounds the body (``DOWNLOAD_MAXSIZE``), but
cancels one that passes it with no word of why when no ``Content-Length`` announced its
size (chunked, or ended by closing the connection), so it was an errors row of kind
``DownloadCancelledError`` rather than ``too_large``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary, WeakSet

from scrapy import signals
from twisted.web._newclient import HEADER, STATUS, HTTPParser

#: Bytes of status line and headers an answer may send; real ones hold a few KB (a page's
#: cookies included), so only a server that does not stop meets it.
MAX_HEADER_BYTES = 256 * 1024

#: Requests whose body ran past their DOWNLOAD_MAXSIZE: what Scrapy cancelled them for.
PAST_MAXSIZE: WeakSet[Any] = WeakSet()


class HeadersTooLarge(Exception):
    """The answer's headers ran past ``MAX_HEADER_BYTES``: the connection is dropped."""


def _bounded(read: Callable[[HTTPParser, bytes], None]) -> Callable[[HTTPParser, bytes], None]:
    """``read`` (a parser's ``lineReceived``), counting the bytes of status and headers."""

    def bounded(self: HTTPParser, line: bytes) -> None:
        if self.state in (STATUS, HEADER):
            self._ingest_header_bytes = getattr(self, "_ingest_header_bytes", 0) + len(line) + 2
            if self._ingest_header_bytes > MAX_HEADER_BYTES:
                raise HeadersTooLarge(f"the answer's headers ran past {MAX_HEADER_BYTES:,} bytes")
        read(self, line)

    bounded.bounded = True  # type: ignore[attr-defined]
    return bounded


def _too_long(self: HTTPParser, line: bytes) -> None:
    """A status or header line past the parser's line bound: Twisted closed the connection
    without a word, and the URL failed as "Connection was closed cleanly"."""
    raise HeadersTooLarge(f"a header line of the answer ran past {self.MAX_LENGTH:,} bytes")


def bound_header_parsers() -> None:
    """Wrap the line reading of Twisted's HTTP parser and of each subclass with its own
    (Scrapy's, lenient with header lines that have no colon); the handler that holds
    Scrapy's is imported first, so it is among them. Once per process."""
    import scrapy.core.downloader.handlers.http11  # noqa: F401

    found, parsers = [HTTPParser], []
    while found:
        parser = found.pop()
        parsers.append(parser)
        found.extend(parser.__subclasses__())
    for parser in parsers:
        read = vars(parser).get("lineReceived")
        if read is not None and not getattr(read, "bounded", False):
            parser.lineReceived = _bounded(read)
    HTTPParser.lineLengthExceeded = _too_long


class DownloadBounds:
    """Bounds the headers of every answer, and marks a body cancelled at the size bound."""

    def __init__(self, crawler: Any):
        self.maxsize = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        self._received: WeakKeyDictionary[Any, int] = WeakKeyDictionary()
        bound_header_parsers()
        crawler.signals.connect(self.bytes_received, signal=signals.bytes_received)

    @classmethod
    def from_crawler(cls, crawler: Any) -> DownloadBounds:
        return cls(crawler)

    def bytes_received(self, data: bytes, request: Any, spider: Any) -> None:
        size = self._received.get(request, 0) + len(data)
        self._received[request] = size
        bound = request.meta.get("download_maxsize", self.maxsize)
        if bound and size > bound:
            PAST_MAXSIZE.add(request)
