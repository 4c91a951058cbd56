"""What an archived answer holds: its page decoded, and whether the archive kept all of it.

A WARC record is the answer as it came over the wire (gzip, brotli, chunks), or as
much of it as the archiving tool kept. ``import-warc`` imports the page, not part of
it: a cut record is an errors row, as a cut download fails a crawl's page.
"""

from __future__ import annotations

import re
import zlib
from typing import Any

from ingest.archive.reading import readable_digest
from ingest.crawl.partial import GZIP_MAGIC
from ingest.extract.limits import MAX_HTML_BYTES


def cut_short(rec: Any, headers: dict[str, str]) -> str | None:
    """How a record says it holds part of the page only, if it does: the archive's own
    mark (``WARC-Truncated``: too long, too slow, the connection lost), or fewer bytes than
    the answer's Content-Length. A crawl fails such a page; stored, it became an article
    of half a story."""
    if mark := rec.rec_headers.get_header("WARC-Truncated"):
        return f"page only (WARC-Truncated: {mark:.40})"
    declared = headers.get("content-length", "").strip()
    chunked = "chunked" in headers.get("transfer-encoding", "").lower()
    if not re.fullmatch("[0-9]{1,18}", declared) or chunked:
        return None
    held = rec.payload_length  # none at all: a HEAD's answer, no page either way
    if rec.http_headers.get_statuscode() == "200" and 0 < held < int(declared):
        return f"page only: {held:,} of the {int(declared):,} bytes its Content-Length says"
    return None


def damaged(rec: Any, headers: dict[str, str]) -> str | None:
    """How a record's bytes differ from the digest written with them, if they do: a copy
    damaged on disk or in transfer, or edited since. Its page would be stored as it was
    never served.

    The record is read to its end here (warcio would read it next anyway) so that the
    digests are checked before its page is handed on. ``WARC-Block-Digest`` covers every
    byte of the record and decides. A ``WARC-Payload-Digest`` alone decides only for an
    answer not sent in chunks: archiving tools disagree on whether a chunked body's
    digest is taken before or after the chunks are joined. A digest whose value reads as
    no encoding is no evidence either way (``reading.readable_digest``)."""
    checker = getattr(rec, "digest_checker", None)
    if checker is None:
        return None
    while rec.raw_stream.read(1 << 16):
        pass
    failed = [p for p in checker.problems if "digest failed" in p]
    block = next((p for p in failed if p.startswith("block")), None)
    chunked = "chunked" in headers.get("transfer-encoding", "").lower()
    block_read = readable_digest(rec.rec_headers.get_header("WARC-Block-Digest"))
    payload_decides = not block_read and not chunked
    if block:
        return "bytes that do not match its WARC-Block-Digest"
    if failed and payload_decides:
        return "a body that does not match its WARC-Payload-Digest"
    return None


def record_body(rec: Any, headers: dict[str, str]) -> bytes:
    """The record's page as its server meant it, up to the extraction bound plus one byte.

    warcio decodes gzip and deflate itself; its brotli decoder fails on every record with
    the Brotli package it is installed with (it sets an attribute the package's decoder
    has not), so brotli is decoded here, as Scrapy decodes it, never past the bound."""
    if headers.get("content-encoding", "").strip().lower() != "br":
        body = rec.content_stream().read(MAX_HTML_BYTES + 1)
        return unpacked(body) if body[:2] == GZIP_MAGIC else body
    import brotli
    from warcio.bufferedreaders import ChunkedDataReader

    raw = rec.raw_stream
    if headers.get("transfer-encoding", "").strip().lower() == "chunked":
        raw = ChunkedDataReader(raw)
    decoder, parts, size = brotli.Decompressor(), [], 0
    data = raw.read(MAX_HTML_BYTES + 1)
    while size <= MAX_HTML_BYTES:
        try:
            part = decoder.process(data, output_buffer_limit=MAX_HTML_BYTES + 1 - size)
        except brotli.error:
            if parts:
                raise
            return data  # stored decoded, its header kept: read as it is, as warcio reads gzip
        data = b""
        if not part:
            break
        parts.append(part)
        size += len(part)
    if size <= MAX_HTML_BYTES and not decoder.is_finished():
        raise ValueError("the brotli stream is cut off")
    return b"".join(parts)[: MAX_HTML_BYTES + 1]


def unpacked(body: bytes) -> bytes:
    """A page gzipped without a word (no Content-Encoding, as servers of a cached ``.gz``
    send it), unpacked as the crawl unpacks it: imported, such a page was "not HTML"
    where the crawl that archived it had stored its article. Never past the extraction
    bound plus one byte; a stream cut off is an error, not part of a page."""
    reader = zlib.decompressobj(16 + zlib.MAX_WBITS)
    page = reader.decompress(body, MAX_HTML_BYTES + 1)
    if len(page) <= MAX_HTML_BYTES and not reader.eof:
        raise ValueError("the gzip stream is cut off")
    return page
