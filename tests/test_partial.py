"""Bodies that hold part of a page: the stream checks, directly (crawls: test_endings)."""

import gzip
import random
import sys
import zlib

import pytest

from ingest.crawl.partial import stream_problem, whole_range

#: A page that packs to some 40 KB: random words, so gzip cannot shrink it to nothing.
_RANDOM = random.Random(3)
BODY = " ".join(f"word{_RANDOM.random()}" for _ in range(4000)).encode()
PACKED = gzip.compress(BODY, mtime=0)
if sys.version_info >= (3, 14):
    from compression import zstd
else:
    from backports import zstd  # what Scrapy unpacks zstd with
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
