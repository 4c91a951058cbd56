"""Bodies that hold part of a page: the stream checks, directly (crawls: test_endings)."""

import gzip
import random
import zlib

import pytest
from scrapy.http import Headers, Request, Response
from scrapy.utils.test import get_crawler

from ingest.crawl.partial import (
    PartialBody,
    RefusePartialBodies,
    stream_problem,
    whole_range,
    zstd,  # the module Scrapy unpacks zstd answers with
)

#: A page that packs to some 40 KB: random words, so gzip cannot shrink it to nothing.
_RANDOM = random.Random(3)
BODY = " ".join(f"word{_RANDOM.random()}" for _ in range(4000)).encode()
PACKED = gzip.compress(BODY, mtime=0)
ZSTD = zstd.compress(BODY)


def raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize(
    ("body", "encoding", "problem"),
    [
        (PACKED, "gzip", None),
        (PACKED, "x-gzip", None),
        (PACKED + PACKED, "gzip", None),  # two members, one after the other
        (PACKED + b"\0\0 trailing bytes", "gzip", None),  # ignored, as unpacking does
        (PACKED[:300], "gzip", "is cut off after 300 bytes"),
        (PACKED[:-4], "gzip", "is cut off after"),  # all but the length at its end
        (PACKED + PACKED[:100], "gzip", "is cut off after 100 bytes"),  # a second member cut
        (PACKED[:60] + b"\xff" * 40 + PACKED[100:], "gzip", "is broken"),
        (zlib.compress(BODY), "deflate", None),
        (raw_deflate(BODY), "deflate", None),
        (zlib.compress(BODY)[:100], "deflate", "is cut off after 100 bytes"),
        (raw_deflate(BODY)[:100], "deflate", "is cut off after 100 bytes"),
        (ZSTD, "zstd", None),
        (ZSTD + ZSTD, "zstd", None),  # two frames
        (ZSTD[:300], "zstd", "is cut off after 300 bytes"),
        (ZSTD[:-4], "zstd", "is cut off after"),
        (ZSTD + ZSTD[:100], "zstd", "is cut off after"),  # a second frame cut
        (ZSTD[:20] + b"\xff" * 20 + ZSTD[40:], "zstd", "is broken"),
        (ZSTD + b"\0\0 trailing bytes", "zstd", "is broken"),  # unpacking fails on them too
        (PACKED[:300], "compress", None),  # not looked into: unpacking says what it finds
        (PACKED[:300], "identity", None),
    ],
)
def test_a_stream_cut_off_or_broken_is_told_and_a_whole_one_is_not(body, encoding, problem):
    said = stream_problem(body, encoding)
    assert (said is None) == (problem is None)
    if problem is not None:
        assert said.startswith(problem) and said.endswith("only part of the page would be read")


def test_a_stream_past_the_size_bound_is_left_to_the_bound():
    bomb = gzip.compress(b"\0" * 5_000_000, mtime=0)[:-8]  # cut, and 5 MB unpacked
    assert stream_problem(bomb, "gzip", bound=1_000_000) is None  # too_large says it
    assert stream_problem(bomb, "gzip", bound=10_000_000).startswith("is cut off")


@pytest.mark.parametrize(
    ("value", "whole"),
    [
        (b"bytes 0-1758/1759", True),
        (b" BYTES 0-0/1 ", True),
        (b"bytes 0-878/1759", False),
        (b"bytes 1-1758/1759", False),
        (b"bytes 0-1758/*", False),
        (b"bytes */1759", False),
        (None, False),
    ],
)
def test_a_part_is_the_whole_page_only_when_its_range_spans_it(value, whole):
    assert whole_range(value) is whole


def test_a_brotli_stream_cut_off_or_broken_is_told_too():
    brotli = pytest.importorskip("brotli")  # Scrapy unpacks brotli only with it installed
    packed = brotli.compress(BODY)
    assert stream_problem(packed, "br") is None
    assert stream_problem(packed[:300], "br").startswith("is cut off after 300 bytes")
    assert stream_problem(packed[:50] + b"\xff" * 20 + packed[70:], "br").startswith("is broken")
    noise = random.Random(5).randbytes(2_000_000)  # packs to as much: a cut keeps 1.5 MB
    cut = brotli.compress(noise, quality=1)[:1_500_000]
    assert stream_problem(cut, "br", bound=1_000_000) is None  # too_large says it
    assert stream_problem(cut, "br", bound=3_000_000).startswith("is cut off")


def test_a_zstd_stream_past_the_size_bound_is_left_to_the_bound():
    noise = random.Random(5).randbytes(2_000_000)
    cut = zstd.compress(noise, level=1)[:1_500_000]
    assert stream_problem(cut, "zstd", bound=1_000_000) is None  # too_large says it
    assert stream_problem(cut, "zstd", bound=3_000_000).startswith("is cut off")


@pytest.mark.parametrize(
    ("body", "encoding", "library_says"),
    [
        (PACKED[:60] + b"\xff" * 40 + PACKED[100:], "gzip", "while decompressing data"),
        (ZSTD[:20] + b"\xff" * 20 + ZSTD[40:], "zstd", "Zstandard data"),
    ],
)
def test_a_broken_stream_says_what_the_library_found(body, encoding, library_says):
    said = stream_problem(body, encoding)
    assert said.startswith("is broken (") and library_says in said


def test_x_gzip_and_deflate_are_checked_as_gzip_and_held_to_the_bound():
    assert stream_problem(PACKED[:300], "x-gzip").startswith("is cut off after 300 bytes")
    bomb = zlib.compress(b"\0" * 5_000_000)[:-8]
    assert stream_problem(bomb, "deflate", bound=1_000_000) is None  # too_large says it
    assert stream_problem(bomb, "deflate", bound=10_000_000).startswith("is cut off")


def answer(body: bytes, *headers: tuple[str, str], status: int = 200, **request) -> Response:
    """A real Scrapy response to a GET (or ``method``) of a page, with these headers."""
    asked = Request(
        "http://news.example/a",
        method=request.get("method", "GET"),
        headers=request.get("headers"),
        meta=request.get("meta"),
    )
    listed = Headers()
    for name, value in headers:
        listed.appendlist(name, value)
    return Response(asked.url, status=status, headers=listed, body=body, request=asked)


def refused(response: Response, max_size: int = 0) -> tuple[str, str] | None:
    """(kind, message) of the middleware's refusal, or None when it lets the answer through."""
    middleware = RefusePartialBodies(max_size)
    try:
        passed = middleware.process_response(response.request, response)
    except PartialBody as exc:
        return exc.kind, str(exc)
    assert passed is response
    return None


CUT = "is cut off after 300 bytes: only part of the page would be read"


def test_the_middleware_refuses_a_cut_off_body_by_its_last_encoding():
    assert refused(answer(PACKED[:300], ("Content-Encoding", "gzip"))) == (
        "bad_gzip", f"the gzip-encoded body {CUT}"
    )  # fmt: skip
    packed_last = answer(PACKED[:300], ("Content-Encoding", "br"), ("Content-Encoding", " GZIP "))
    assert refused(packed_last) == ("bad_gzip", f"the gzip-encoded body {CUT}")
    assert refused(answer(ZSTD[:300], ("Content-Encoding", "zstd"))) == (
        "bad_gzip", f"the zstd-encoded body {CUT}"
    )  # fmt: skip
    assert refused(answer(PACKED, ("Content-Encoding", "gzip"))) is None
    assert refused(answer(PACKED[:300])) is None  # not said to be packed: read as it is
    assert refused(answer(b"", ("Content-Encoding", "gzip"))) is None  # nothing to unpack
    head = answer(PACKED[:300], ("Content-Encoding", "gzip"), method="HEAD")
    assert refused(head) is None  # a HEAD answer has no body to speak of


def test_the_middleware_leaves_a_body_past_the_size_bound_to_the_bound():
    bomb = gzip.compress(b"\0" * 5_000_000, mtime=0)[:-8]
    packed = ("Content-Encoding", "gzip")
    assert refused(answer(bomb, packed), max_size=1_000_000) is None
    assert refused(answer(bomb, packed), max_size=10_000_000)[0] == "bad_gzip"
    own_bound = answer(bomb, packed, meta={"download_maxsize": 1_000_000})
    assert refused(own_bound, max_size=10_000_000) is None  # the request's own bound wins
    assert (
        RefusePartialBodies.from_crawler(
            get_crawler(settings_dict={"DOWNLOAD_MAXSIZE": 1234})
        ).max_size
        == 1234
    )


def test_the_middleware_refuses_a_part_no_range_asked_for():
    part = ("Content-Range", f"bytes 0-599/{len(BODY)}")
    assert refused(answer(BODY[:600], part, status=206)) == (
        "partial_content", f"HTTP 206 with part of the page (bytes 0-599/{len(BODY)}), unasked for"
    )  # fmt: skip
    assert refused(answer(BODY[:600], status=206)) == (
        "partial_content", "HTTP 206 with part of the page (no Content-Range), unasked for"
    )  # fmt: skip
    whole = ("Content-Range", f"bytes 0-{len(BODY) - 1}/{len(BODY)}")
    assert refused(answer(BODY, whole, status=206)) is None
    asked = answer(BODY[:600], part, status=206, headers={"Range": "bytes=0-599"})
    assert refused(asked) is None  # a part asked for is what was asked
