"""Where WARC files come from: paths, URLs streamed as they are read, and Common
Crawl's CC-NEWS listings; and which of them an earlier import finished.
"""

from __future__ import annotations

import gzip
import os
import re
import urllib.request
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

import sqlite_utils

from ingest import __version__
from ingest.archive.reading import TruncatedWarc
from ingest.store.connection import write_transaction
from ingest.store.schema import now

#: Common Crawl's public bucket over HTTPS; a mirror has the same layout below it.
CC_BASE = "https://data.commoncrawl.org"
TIMEOUT = 60


@contextmanager
def open_source(source: str) -> Iterator[IO[bytes]]:
    """A WARC file's bytes as a stream: a URL is read as it arrives, never stored whole."""
    if source.startswith(("http://", "https://")):
        asked = {"User-Agent": f"ingest/{__version__}", "Accept-Encoding": "identity"}
        request = urllib.request.Request(source, headers=asked)
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            encoded = response.headers.get("Content-Encoding", "identity").strip().lower()
            if encoded in ("gzip", "x-gzip"):  # the file (.warc.gz or not) gzipped for the way
                yield GzipTransfer(response)
            elif encoded != "identity":  # its bytes read as WARC were binary in the error
                raise ValueError(
                    f"served with Content-Encoding: {encoded[:40]}, though asked for the file "
                    "as it is: download it, unpack that encoding, and import the file"
                )
            else:
                yield response
    else:
        with open(source, "rb") as f:
            yield f


class GzipTransfer:
    """A response's body with the gzip its server added for the transfer undone, read as
    it arrives (Apache's ``AddEncoding`` sends a ``.warc.gz`` so); a stream that ends
    early is ``TruncatedWarc``, as a cut transfer of the file itself is."""

    def __init__(self, response: IO[bytes]):
        self.reader = gzip.GzipFile(fileobj=response)

    def read(self, size: int = -1) -> bytes:
        try:
            return self.reader.read(size)
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise TruncatedWarc(f"the transfer's gzip encoding is cut or broken: {exc}") from exc


def months(spec: str) -> list[tuple[int, int]]:
    """``2024-05`` or ``2024-05..2024-07``: the (year, month) pairs, in order."""
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:\.\.(\d{4})-(\d{2}))?", spec.strip())
    if not match:
        raise ValueError(f"a month (2024-05) or a range (2024-05..2024-07), not {spec!r}")
    year, month = int(match[1]), int(match[2])
    last = (int(match[3]), int(match[4])) if match[3] else (year, month)
    if not 1 <= month <= 12 or not 1 <= last[1] <= 12 or last < (year, month):
        raise ValueError(f"not a month range: {spec!r}")
    found = []
    while (year, month) <= last:
        found.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def cc_news_files(spec: str, base: str = CC_BASE) -> list[str]:
    """The WARC file URLs of CC-NEWS for the months of ``spec``, from each month's listing."""
    base = base.rstrip("/")
    urls = []
    for year, month in months(spec):
        listing = f"{base}/crawl-data/CC-NEWS/{year}/{month:02d}/warc.paths.gz"
        with open_source(listing) as stream:
            lines = gzip.decompress(stream.read()).decode().split()
        urls += [f"{base}/{path.lstrip('/')}" for path in lines if path.endswith(".warc.gz")]
    return urls


def done_files(db: sqlite_utils.Database) -> set[str]:
    """Sources an earlier import read to the end, and as large now as then: a resumed
    import skips them. A file that grew since (a crawl's WARC still being written when
    it was read) is read again; what it held then is skipped as already stored."""
    rows = db.execute("select source, bytes from warc_files").fetchall()
    return {source for source, size in rows if size is None or size == local_size(source)}


def local_size(source: str) -> int | None:
    """A local file's size in bytes; None for a URL (CC-NEWS files do not change), or a
    file that is gone."""
    if source.startswith(("http://", "https://")):
        return None
    try:
        return os.path.getsize(source)
    except OSError:
        return None


def mark_done(
    db: sqlite_utils.Database, source: str, records: int, crawl_id: int, size: int | None
) -> None:
    """``size``: the file's bytes when its reading began (a file growing meanwhile is
    larger at the next import, and read again)."""
    row = {"source": source, "records": records, "finished_at": now(), "crawl_id": crawl_id}
    with write_transaction(db):
        db["warc_files"].upsert({**row, "bytes": size}, pk="source")
