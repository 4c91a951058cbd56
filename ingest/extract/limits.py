"""Bounds on what one page may cost a worker, so no page can take the machine down.

Measured on 2 cores (``benchmarks/memory.py``): trafilatura's memory grows
with the number of elements (about 2 KB each) and with the text (about 30
bytes a byte), and its time faster than linearly. A page of 8 MB of text
costs a worker about 320 MB; 50,000 elements about 300 MB. The largest real
news pages we have seen hold 1.6 MB of HTML and 10,000 elements, so the
defaults turn away only what no article is. Each bound is a setting, and a
page past one is an ``errors`` row (``too_large``), never a silent None.
"""

from __future__ import annotations

import gzip
import io
import zlib
from dataclasses import dataclass
from pathlib import Path

import lxml.html

#: Bytes of HTML handed to extraction, after any decompression.
MAX_HTML_BYTES = 5_000_000
#: Elements of the parsed page.
MAX_ELEMENTS = 40_000
#: Extraction processes at most, however they are asked for (each holds some 100 MB).
MAX_WORKERS = 256


@dataclass(frozen=True)
class Limits:
    """The bounds one page must stay within; picklable, handed to workers with each job."""

    html_bytes: int = MAX_HTML_BYTES
    elements: int = MAX_ELEMENTS

    @classmethod
    def from_settings(cls, settings: object) -> Limits:
        """From Scrapy settings: ``INGEST_MAX_HTML_BYTES`` and ``INGEST_MAX_ELEMENTS``."""
        get = settings.getint  # type: ignore[attr-defined]
        return cls(
            html_bytes=get("INGEST_MAX_HTML_BYTES", MAX_HTML_BYTES),
            elements=get("INGEST_MAX_ELEMENTS", MAX_ELEMENTS),
        )


class TooLarge(Exception):
    """Input past a bound; ``kind`` is the errors row's kind."""

    kind = "too_large"


def check_size(size: int, limits: Limits) -> None:
    """Refuse HTML over the byte bound before anyone decodes or parses it."""
    if limits.html_bytes and size > limits.html_bytes:
        # a reader that stopped one byte past the bound knows no more than that
        held = f"{size:,}" if size > limits.html_bytes + 1 else f"over {limits.html_bytes:,}"
        raise TooLarge(
            f"page has {held} bytes of HTML (limit {limits.html_bytes:,}, INGEST_MAX_HTML_BYTES)"
        )


def check_elements(tree: lxml.html.HtmlElement, limits: Limits) -> None:
    """Refuse a parsed page of more elements than extraction may walk.

    Counting stops one past the bound, so a huge page costs no more than a legal one.
    """
    if not limits.elements:
        return
    count = 0
    for count, _ in enumerate(tree.iter(), start=1):
        if count > limits.elements:
            raise TooLarge(f"page has over {limits.elements:,} elements (INGEST_MAX_ELEMENTS)")


def read_file(path: str | Path, limit: int = MAX_HTML_BYTES) -> bytes:
    """A saved page, gunzipped if it is gzip, never reading past ``limit`` bytes of it.

    A 1 MB gzip file can unpack to gigabytes: it is read in a stream and
    refused at the bound instead.
    """
    with open(path, "rb") as raw:  # opened once: a pipe (<(cat page.html)) reads once
        buffered = io.BufferedReader(raw)  # type: ignore[arg-type]
        gzipped = buffered.peek(2)[:2] == b"\x1f\x8b"
        try:
            f = gzip.GzipFile(fileobj=buffered) if gzipped else buffered
            data = f.read(limit + 1) if limit else f.read()
        except (OSError, EOFError, zlib.error) as exc:
            raise ValueError(f"{path}: not readable as gzip: {exc}") from exc
    if limit and len(data) > limit:
        what = "unpacks to" if gzipped else "holds"
        raise TooLarge(
            f"{path} {what} over {limit:,} bytes (INGEST_MAX_HTML_BYTES); not read further"
        )
    return data
