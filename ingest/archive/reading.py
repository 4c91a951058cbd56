"""An archive's records read whole, or ``TruncatedWarc``.

warcio's iterator ends quietly on a stream cut off part way (a partial download, a
dropped connection), as at the end of the file: the records after the cut would be
lost without a word. The signs of a cut, each checked once the stream is read:

- a record's block shorter than its Content-Length, or a WARC header without one;
- bytes after the last whole record that make no record (warcio takes a header cut
  there for the end of the file);
- a gzip member without its end (zlib never saw the member's trailer);
- a record warcio cannot parse, at the end of the stream, inside a gzip member, a
  line or a header;
- an HTTP response that ended short of its own Content-Length, or failed part way.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import http.client
from collections.abc import Callable, Iterator
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.digestverifyingreader import DigestVerifyingReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecordLoader

from ingest.urls import web_scheme


class TruncatedWarc(ValueError):
    """An archive that ends inside a record or a gzip member: cut off."""


class _Counted:
    """A stream whose bytes are counted as they are read (ArchiveIterator's ``tell``);
    a transfer that fails part way is ``TruncatedWarc``."""

    def __init__(self, stream: IO[bytes]):
        self.stream, self.offset, self.ended = stream, 0, False

    def read(self, size: int = -1) -> bytes:
        try:
            data = self.stream.read(size)
        except (http.client.IncompleteRead, ConnectionError, TimeoutError) as exc:
            raise TruncatedWarc(
                f"the transfer failed after {self.offset:,} bytes: {exc!r}"
            ) from exc
        self.offset += len(data)
        self.ended |= not data and size != 0
        return data

    def tell(self) -> int:
        return self.offset


def readable_digest(digest: str | None) -> str | None:
    """A record's digest as warcio compares it (``algo:BASE32``), whichever encoding of
    RFC 3548 it was written in and in either case; None when its value reads as none of
    them. warcio decoded the value as it read the record, and one it could not (a typo,
    a value cut short) raised out of the read: the whole file was unreadable."""
    algo, sep, value = (digest or "").strip().partition(":")
    try:
        size = hashlib.new(algo).digest_size
    except (ValueError, TypeError):  # an algorithm hashlib lacks: warcio says so, checks none
        return digest if sep else None
    decoders = (
        lambda v: base64.b32decode(v, casefold=True),
        lambda v: base64.b16decode(v, casefold=True),
        lambda v: base64.b64decode(v, altchars=b"-_" if "-" in v or "_" in v else None),
    )
    for decode in decoders:
        try:
            raw = decode(value)
        except (binascii.Error, ValueError):
            continue
        if len(raw) == size:
            return f"{algo}:{base64.b32encode(raw).decode('ascii')}"
    return None


class _DigestsRead(ArcWarcRecordLoader):
    """warcio's loader, checking only the digests it can read, each read once here; and
    reading the HTTP headers of a record whose URI's scheme is in capitals ("HTTP://"),
    which warcio leaves unread: such a page was counted an "other record", and lost."""

    def load_http_headers(self, rec_type: str, uri: str, stream: Any, length: Any) -> Any:
        return super().load_http_headers(rec_type, web_scheme(uri or ""), stream, length)

    def wrap_digest_verifying_stream(
        self, stream: Any, rec_type: str, rec_headers: Any, digest_checker: Any, length: Any = None
    ) -> tuple[Any, bool]:
        payload = readable_digest(rec_headers.get_header("WARC-Payload-Digest"))
        block = readable_digest(rec_headers.get_header("WARC-Block-Digest"))
        if not payload and not block:
            return stream, False
        segment = rec_headers.get_header("WARC-Segment-Number")
        verifying = DigestVerifyingReader(
            stream, length, digest_checker, rec_type, payload, block, segment
        )
        return verifying, True


class _Archive(ArchiveIterator):
    """warcio's iterator, noting whether the last gzip member it read had its end."""

    gzipped = member_cut = False

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.loader = _DigestsRead(  # as warcio's iterator makes its own: it reads HTTP/2 too
            verify_http=kwargs.get("verify_http", False), arc2warc=kwargs.get("arc2warc", False)
        )

    def close(self) -> None:
        self.gzipped = self.reader is not None and self.reader.decompressor is not None
        self.member_cut |= self.in_cut_member()
        super().close()

    def in_cut_member(self) -> bool:
        decompressor = self.reader.decompressor if self.reader else None
        return decompressor is not None and not decompressor.eof


class _Block:
    """A record's block through warcio's LimitReader: ending short of its Content-Length
    is ``TruncatedWarc``, whoever reads it (the importer, or warcio on to the next record)."""

    def __init__(self, limited: Any, cut: Callable[[int], str]):
        self.limited, self.cut = limited, cut  # cut(bytes missing): the error's message

    def read(self, length: int | None = None) -> bytes:
        left = self.limited.limit
        data = self.limited.read(length)  # warcio's readers return less only at the end
        if len(data) < (left if length is None else max(0, min(length, left))):
            raise TruncatedWarc(self.cut(self.limited.limit))
        return data

    def readline(self, length: int | None = None) -> bytes:
        data = self.limited.readline(length)
        if not data and length != 0 and self.limited.limit > 0:
            raise TruncatedWarc(self.cut(self.limited.limit))
        return data

    def tell(self) -> int:
        return self.limited.tell()

    def close(self) -> None:
        self.limited.close()


def whole_records(stream: IO[bytes]) -> Iterator[Any]:
    """The records of one WARC (or ARC) stream, gzipped or not, each checked whole once
    read; ``TruncatedWarc`` where the stream turns out cut off."""
    counted = _Counted(stream)
    archive = _Archive(counted, arc2warc=True, check_digests=True)  # see payloads.damaged

    def cut() -> str:
        owed = getattr(stream, "length", None)  # what an HTTP response still owes of its body
        if owed:
            return f"the transfer ended after {counted.offset:,} of {counted.offset + owed:,} bytes"
        return f"cut off after {counted.offset:,} bytes"

    def short(record: Any, number: int) -> Callable[[int], str]:
        url = record.rec_headers.get_header("WARC-Target-URI") or record.rec_type
        length = record.length
        return lambda missing: (
            f"{cut()}: record {number} ({url}) has {length - missing:,} of its {length:,} bytes"
        )

    records = iter(archive)
    number, last = 0, None
    while True:
        try:
            record = next(records)  # the iterator reads a record to its end before the next
        except StopIteration:
            break
        except (ArchiveLoadFailed, AttributeError) as exc:  # a record warcio cannot parse
            raise _unreadable(exc, archive, counted.ended, cut(), number) from exc
        number, last = number + 1, record
        if hasattr(record.raw_stream, "limit"):
            record.raw_stream = _Block(record.raw_stream, short(record, number))
        yield record
    if (
        last is not None
        and last.format == "warc"
        and not last.rec_headers.get_header("Content-Length", "").strip()
    ):  # warcio reads such a record's block to the end of the stream: it was cut
        raise TruncatedWarc(f"{cut()}, inside record {number}'s header")
    if getattr(stream, "length", None):
        raise TruncatedWarc(f"{cut()}, {_after(number)}")
    if archive.member_cut and counted.offset:  # (an empty file holds no record, cut or not)
        raise TruncatedWarc(f"{cut()}, inside a gzip member {_after(number)}")
    if not archive.gzipped and archive.offset < counted.offset:  # bytes after the last
        left = counted.offset - archive.offset  # whole record: one cut in its header
        raise TruncatedWarc(f"{cut()}: the {left:,} bytes {_after(number)} are not a whole record")


def _unreadable(exc: Exception, archive: _Archive, ended: bool, cut: str, number: int) -> Exception:
    """What a record warcio could not parse tells: cut off if the stream ended inside a
    gzip member or a line, or in a header without its WARC-Target-URI (warcio's
    AttributeError); else an archive that is not one."""
    line = archive.next_line  # the record's first line, when read with the record before
    if ended and (
        archive.in_cut_member()
        or (line and not line.endswith(b"\n"))
        or isinstance(exc, AttributeError)
    ):
        return TruncatedWarc(f"{cut}, inside record {number + 1}'s header")
    if isinstance(exc, ArchiveLoadFailed):
        return exc
    return ArchiveLoadFailed(f"record {number + 1} cannot be read: {exc}")


def _after(number: int) -> str:
    return f"after record {number}" if number else "before any record"
