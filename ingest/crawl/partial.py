"""Answers that hold part of a page, refused before they are read as the whole of it.

Scrapy unpacks a gzip or deflate body as far as it goes: a stream cut off (a server
that closed the connection early, with no Content-Length to tell) or broken half-way
gives the part before, as if it were the page. A 206 Partial Content answer that no
Range asked for is a part too. Either, stored, is half a story with no error to say so,
and on ``--refresh`` it would replace the whole one. This middleware looks at the body
before it is unpacked (it sits next to HttpCompressionMiddleware, 590, on the side of
the download) and fails the request with its kind: ``bad_gzip`` (gzip, deflate, brotli
and zstd alike) or ``partial_content``, so the URL ends ``failed`` with its ``errors`` row
and what was stored stays.

A sitemap arrives past this middleware unpacked, so the spider asks here too whether
its gzip ended where its last member does (``gzip_ends``), and whether a body said to
be gzip (``.gz``, a gzip type) is gzip at all (``not_gzip``).
"""

from __future__ import annotations

import re
import struct
import sys
import zlib
from gzip import GzipFile
from io import BytesIO
from typing import Any
from urllib.parse import urlsplit

if sys.version_info >= (3, 14):
    from compression import zstd
else:
    from backports import zstd  # the module Scrapy unpacks zstd answers with

#: Bytes of unpacked output looked at a time: the check keeps none of it.
CHUNK = 1 << 16
GZIP_MAGIC = b"\x1f\x8b"
#: What a server calls a gzip file.
_GZIP_TYPES = {"application/gzip", "application/x-gzip", "application/x-gunzip"}
#: ``bytes 0-878/1759``: the range an answer holds, and of how many bytes.
_CONTENT_RANGE = re.compile(rb"bytes\s+(\d+)-(\d+)/(\d+|\*)", re.I)


class PartialBody(Exception):
    """The answer holds part of the page; ``kind`` names how, for the errors row."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


class RefusePartialBodies:
    """Fails a response whose body is a cut-off or broken stream, or an unasked-for part."""

    def __init__(self, max_size: int):
        self.max_size = max_size

    @classmethod
    def from_crawler(cls, crawler: Any) -> RefusePartialBodies:
        return cls(crawler.settings.getint("DOWNLOAD_MAXSIZE"))

    def process_response(self, request: Any, response: Any) -> Any:
        if request.method == "HEAD":
            return response
        if response.status == 206 and b"Range" not in request.headers:
            said = response.headers.get("Content-Range")
            if not whole_range(said):
                held = (said or b"no Content-Range").decode("latin-1")[:80]
                raise PartialBody(
                    "partial_content", f"HTTP 206 with part of the page ({held}), unasked for"
                )
        encodings = response.headers.getlist("Content-Encoding")
        if encodings and response.body:
            outer = encodings[-1].decode("latin-1").strip().lower()  # the last one applied
            bound = request.meta.get("download_maxsize", self.max_size)
            problem = stream_problem(response.body, outer, bound)
            if problem:
                raise PartialBody("bad_gzip", f"the {outer}-encoded body {problem}")
        return response


def whole_range(value: bytes | None) -> bool:
    """A Content-Range that spans the whole page (``bytes 0-1758/1759``)."""
    found = _CONTENT_RANGE.fullmatch((value or b"").strip())
    if found is None or found[3] == b"*":
        return False
    return int(found[1]) == 0 and int(found[2]) + 1 == int(found[3])


def stream_problem(body: bytes, encoding: str, bound: int = 0) -> str | None:
    """What is wrong with a gzip, deflate, brotli or zstd stream (cut off, broken), or None:
    whole, past ``bound`` bytes unpacked (the size bound fails it), or an encoding not
    looked into."""
    if encoding in ("gzip", "x-gzip"):
        return members_problem(body, bound)
    if encoding == "br":
        return brotli_problem(body, bound)
    if encoding == "zstd":
        return zstd_problem(body, bound)
    if encoding == "deflate":  # zlib-wrapped, as the standard says, or raw, as servers send
        wbits = zlib.MAX_WBITS if zlib_wrapped(body) else -zlib.MAX_WBITS
        return single_problem(body, wbits, bound)[0]
    return None


def zlib_wrapped(body: bytes) -> bool:
    """A deflate body in zlib's wrapper (its header: method 8, a checksum of 31), as the
    standard says it is; servers send it raw as often."""
    return len(body) > 1 and body[0] & 0x0F == 8 and int.from_bytes(body[:2], "big") % 31 == 0


def brotli_problem(body: bytes, bound: int) -> str | None:
    """The same of a brotli stream, unpacked as Scrapy does (``output_buffer_limit``)."""
    try:
        import brotli  # noqa: PLC0415 (optional: without it Scrapy unpacks no brotli)
    except ImportError:
        return None
    unpacker, unpacked = brotli.Decompressor(), 0
    try:
        out = unpacker.process(body, output_buffer_limit=CHUNK)
        while out and not unpacker.is_finished():
            unpacked += len(out)
            if bound and unpacked > bound:
                return None  # past the size bound, which fails it as too_large
            out = unpacker.process(b"", output_buffer_limit=CHUNK)
    except brotli.error as exc:
        return broken(exc)
    return None if unpacker.is_finished() else cut_off(body)


def zstd_problem(body: bytes, bound: int) -> str | None:
    """The same of a zstd body, frame after frame. Scrapy unpacks one cut off as far as it
    goes, and takes that for the page."""
    rest, unpacked = body, 0
    while rest:
        unpacker = zstd.ZstdDecompressor()
        try:
            out = unpacker.decompress(rest, max_length=CHUNK)
            while True:
                unpacked += len(out)
                if bound and unpacked > bound:
                    return None  # past the size bound, which fails it as too_large
                if unpacker.eof or unpacker.needs_input:  # the frame ends, or its bytes do
                    break
                out = unpacker.decompress(b"", max_length=CHUNK)
        except zstd.ZstdError as exc:
            return broken(exc)
        if not unpacker.eof:
            return cut_off(body)
        rest = unpacker.unused_data
    return None


def members_problem(body: bytes, bound: int) -> str | None:
    """A gzip body may be several members, one after the other; bytes after the last that
    open no member are left alone, as unpacking ignores them."""
    rest = body
    while True:
        problem, rest = single_problem(rest, 16 + zlib.MAX_WBITS, bound)
        if problem or not rest.startswith(GZIP_MAGIC):
            return problem


def single_problem(data: bytes, wbits: int, bound: int) -> tuple[str | None, bytes]:
    """Unpacks one stream, keeping none of its output; (problem, the bytes after it)."""
    unpacker = zlib.decompressobj(wbits=wbits)
    pending, unpacked = data, 0
    try:
        while not unpacker.eof:
            before = len(pending)
            out = unpacker.decompress(pending, CHUNK)
            pending, unpacked = unpacker.unconsumed_tail, unpacked + len(out)
            if bound and unpacked > bound:
                return None, b""  # past the size bound, which fails it as too_large
            if not out and (not pending or len(pending) == before):
                break  # all read, nothing more to come out
    except zlib.error as exc:
        return broken(exc), b""
    if not unpacker.eof:
        return cut_off(data), b""
    return None, unpacker.unused_data


def broken(exc: Exception) -> str:
    return f"is broken ({exc}): only part of the page would be read"


def cut_off(data: bytes) -> str:
    return f"is cut off after {len(data):,} bytes: only part of the page would be read"


def not_gzip(url: str, content_type: str | None, raw: bytes) -> str | None:
    """The errors row's message when a body said to be gzip (by its URL's ``.gz`` or its
    type) is not, nor a feed, sitemap or page: a sitemap that is not read."""
    served = (content_type or "").split(";")[0].strip().lower()
    named = urlsplit(url).path.lower().endswith(".gz")
    if raw[:2] == GZIP_MAGIC or not (named or served in _GZIP_TYPES):
        return None
    said = "named .gz" if named else f"served as {served}"
    return f"{said} but not gzip: it begins {raw[:20]!r}"


def gzip_ends(data: bytes) -> bool:
    """Whether gzip data ends where its last member does. Scrapy's gunzip returns what it
    could unpack of a cut-off one without a word: a sitemap's first half, read as whole."""
    with GzipFile(fileobj=BytesIO(data)) as stream:
        try:
            while stream.read1(1 << 16):
                pass
        except EOFError:
            return False
        except (OSError, struct.error):
            pass  # damaged past what unpacks (a bad checksum): Scrapy's gunzip keeps it too
    return True
