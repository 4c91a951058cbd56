"""WARC records of fetched pages, through warcio: what a crawl captures and what
``ingest export --format warc`` writes.

A record holds the page as ingest stored it: the body after HTTP decompression
(Scrapy unpacks gzip and brotli before anything sees it), so ``Content-Encoding``
and ``Transfer-Encoding`` are left out and ``Content-Length`` is the body's.
"""

from __future__ import annotations

import io
import itertools
import socket
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from ingest import __version__

#: Headers that describe the bytes as sent, not as stored.
DROPPED = {"content-encoding", "transfer-encoding", "content-length"}


def warc_date(iso: str | None) -> str:
    """An ISO 8601 time as WARC-Date wants it (UTC, seconds, Z); now if missing."""
    moment = datetime.fromisoformat(iso) if iso else datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def response_headers(
    status: int, headers: dict[str, str], size: int, encoded: bool = False
) -> StatusAndHeaders:
    """``encoded``: the body as sent (a redirect's, a retried error's), its
    ``Content-Encoding`` kept with it."""
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Unknown"
    dropped = DROPPED - {"content-encoding"} if encoded else DROPPED
    kept = [(k, v) for k, v in headers.items() if k.lower() not in dropped]
    return StatusAndHeaders(
        f"{status} {reason}", [*kept, ("Content-Length", str(size))], protocol="HTTP/1.1"
    )


class WarcFiles:
    """WARC files in a folder, gzipped, a new one begun past ``max_bytes``.

    Named ``PREFIX-YYYYmmddHHMMSS-NNNNN.warc.gz``, each opening with a warcinfo record; a
    serial another writer holds in the folder is passed over.
    """

    def __init__(self, folder: str | Path, prefix: str = "ingest", max_bytes: int = 10**9):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.prefix = prefix
        self.max_bytes = max_bytes
        self.started = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        self.serial = itertools.count(1)
        self.file: IO[bytes] | None = None
        self.writer: WARCWriter | None = None
        self.paths: list[Path] = []

    def _open(self) -> WARCWriter:
        if self.writer is not None and self.file is not None and self.file.tell() < self.max_bytes:
            return self.writer
        self.close()
        while True:  # a name no other crawl has taken: two started in one second share
            # their start time, and one had truncated the other's file, both exiting 0
            path = self.folder / f"{self.prefix}-{self.started}-{next(self.serial):05d}.warc.gz"
            try:
                self.file = open(path, "xb")  # noqa: SIM115 (closed in close())
            except FileExistsError:
                continue
            break
        self.paths.append(path)
        self.writer = WARCWriter(self.file, gzip=True)
        info = {"software": f"ingest {__version__}", "hostname": socket.gethostname()}
        self.writer.write_record(self.writer.create_warcinfo_record(path.name, info))
        return self.writer

    def write_page(
        self, url: str, status: int, headers: dict[str, str], body: bytes, **extra: Any
    ) -> None:
        """A response record (and its request's, given ``request_headers``): see write_page."""
        write_page(self._open(), url, status, headers, body, **extra)

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
        self.file = self.writer = None

    def __enter__(self) -> WarcFiles:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def write_page(
    writer: WARCWriter,
    url: str,
    status: int,
    headers: dict[str, str],
    body: bytes,
    fetched_at: str | None = None,
    request_headers: dict[str, str] | None = None,
    encoded: bool = False,
) -> None:
    """A response record, and before it the request when its headers are known."""
    date = warc_date(fetched_at)
    response = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        http_headers=response_headers(status, headers, len(body), encoded),
        warc_headers_dict={"WARC-Date": date},
    )
    if request_headers is not None:
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        head = [("Host", parts.netloc), *request_headers.items()]
        request = writer.create_warc_record(
            url,
            "request",
            payload=io.BytesIO(b""),
            http_headers=StatusAndHeaders(f"GET {target} HTTP/1.1", head, is_http_request=True),
            warc_headers_dict={
                "WARC-Date": date,
                "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
            },
        )
        writer.write_record(request)
    writer.write_record(response)
