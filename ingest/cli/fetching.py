"""One page fetched for a test fixture: whole, unpacked, in bounded time, or an error.

A fixture is the page a plugin's golden test holds it to for good, so a page the
connection cut short must not become one: it was saved with three of its eight
paragraphs, exit 0. A gzipped answer was taken for "not HTML"; a server that sent a
byte every few seconds kept the command waiting forever; a redirect to an address that
is none, or a header line past the HTTP library's bound, ended in a traceback.
"""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
import zlib

from ingest import __version__
from ingest.crawl.partial import zlib_wrapped
from ingest.plugins.deadline import alarm

#: Seconds the whole exchange may take (an alarm: the command's main thread); a read that
#: waits ``READ_TIMEOUT`` gives up before that.
FETCH_TIMEOUT = 30.0
READ_TIMEOUT = 10.0
CHUNK = 65536


class FetchFailed(Exception):
    """The page could not be had whole: the message says why, in one line."""


def fetch_page(
    url: str, bound: int, seconds: float = FETCH_TIMEOUT
) -> tuple[bytes, str | None, str]:
    """The page's bytes (unpacked), its Content-Type and its final URL (after redirects);
    past ``bound`` bytes, or ``seconds``, it is refused."""
    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": f"ingest/{__version__} (test fixture)",
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
            "Accept-Encoding": "gzip, deflate",
        },
    )
    late = FetchFailed(f"{url} did not finish within {seconds:g} s")
    try:  # the whole exchange under one bound: a server dripping its headers is cut short too
        with (
            alarm(seconds, lambda: late),
            urllib.request.urlopen(request, timeout=min(READ_TIMEOUT, seconds)) as response,
        ):
            raw = read_whole(response, bound)
            encoding = (response.headers.get("Content-Encoding") or "").strip().lower()
            kind, final = response.headers.get("Content-Type"), response.geturl()
    except (OSError, ValueError, http.client.HTTPException) as exc:
        # URLError, HTTPError, timeouts; an address that is none; a header past the bound
        raise FetchFailed(f"could not fetch {url}: {one_line(exc)}") from exc
    return unpacked(raw, encoding, bound, url), kind, final


def read_whole(response: http.client.HTTPResponse, bound: int) -> bytes:
    """The body as sent, every byte its length or its chunks announce."""
    parts, size = [], 0
    while chunk := response.read1(CHUNK):
        parts.append(chunk)
        size += len(chunk)
        if size > bound:
            raise FetchFailed(f"{response.geturl()} is over {bound:,} bytes: not a news page")
    if response.length:  # the connection closed before the length it announced
        raise FetchFailed(
            f"{response.geturl()} was cut short: {size:,} bytes came of "
            f"{size + response.length:,} announced"
        )
    return b"".join(parts)


def unpacked(raw: bytes, encoding: str, bound: int, url: str) -> bytes:
    """The body as its server meant it: gzip and deflate unpacked, never past ``bound``."""
    if encoding in ("", "identity"):
        return raw
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise FetchFailed(f"{url} came as {encoding!r}, which is not unpacked here")
    wrapped = encoding != "deflate" or zlib_wrapped(raw)
    unpacker = zlib.decompressobj(wbits=32 + zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
    try:
        body = unpacker.decompress(raw, bound + 1)
    except zlib.error as exc:
        raise FetchFailed(f"{url}: its {encoding} body is broken ({exc})") from None
    if len(body) > bound:
        raise FetchFailed(f"{url} is over {bound:,} bytes unpacked: not a news page")
    if not unpacker.eof:
        raise FetchFailed(f"{url}: its {encoding} body is cut short")
    return body


def one_line(exc: BaseException) -> str:
    """What went wrong, on one line ("... infinite loop. The last 30x error message was:
    Found" had ended on "Found")."""
    if isinstance(exc, urllib.error.URLError) and not isinstance(exc, urllib.error.HTTPError):
        exc = exc.reason if isinstance(exc.reason, BaseException) else exc
    return " ".join(str(exc).split()) or type(exc).__name__
