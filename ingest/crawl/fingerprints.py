"""What a crawl has met, in 8 bytes a key: memory that stays flat as the crawl grows.

A crawl asks "met this URL before?" of every link it finds. A Python set of
URLs costs about 150 bytes an entry (the string and its slot), Scrapy's set of
request fingerprints about 85; a crawl of millions of URLs would hold hundreds
of megabytes for that one question. Here each key is a 64-bit hash in sorted
``array('q')`` runs: new keys wait in a small set, which is folded into a
sorted run when it fills; runs of equal size merge (sizes double, a log-
structured merge in miniature), so adding costs O(log n) amortized, a lookup
one binary search per run (at most about log2(n / FOLD) runs), and memory 8
bytes a key.

Two different keys share a 64-bit hash with probability about n^2 / 2^65: for
a crawl of 10 million URLs, about one in 370,000 crawls would take one new URL
for one it met. We accept that, as every hashing crawl frontier does. The hash
is seeded anew in every process, so such a URL is not skipped again next time.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable
from heapq import merge
from typing import Any

from scrapy import Request
from scrapy.dupefilters import RFPDupeFilter

#: New keys kept in a plain set before they are folded into a sorted run.
FOLD = 4096


def key_of(text: str | bytes) -> int:
    """A signed 64-bit hash of a URL or a fingerprint: Python's own (SipHash, seeded per
    process, cached on the string), as the keys never leave the process; a cryptographic
    hash cost 60 times as much, on every link of every page."""
    return hash(text)


class Fingerprints:
    """A set of strings (or bytes) held as 64-bit hashes: ``add``, ``in``, ``discard``."""

    def __init__(self, items: Iterable[str | bytes] = ()):
        self._runs: list[array] = []  # sorted, largest first
        self._new: set[int] = set()
        self._gone: set[int] = set()  # discarded from a run (rare: a run is never edited)
        self._count = 0
        self.update(items)

    def __len__(self) -> int:
        return self._count

    def __contains__(self, item: str | bytes) -> bool:
        return self._has(key_of(item))

    def add(self, item: str | bytes) -> None:
        key = key_of(item)
        if self._has(key):
            return
        self._count += 1
        if key in self._gone:
            self._gone.discard(key)  # still in its run
            return
        self._new.add(key)
        if len(self._new) >= FOLD:
            self._fold()

    def update(self, items: Iterable[str | bytes]) -> None:
        for item in items:
            self.add(item)

    def discard(self, item: str | bytes) -> None:
        key = key_of(item)
        if not self._has(key):
            return
        self._count -= 1
        if key in self._new:
            self._new.discard(key)
        else:
            self._gone.add(key)

    def _has(self, key: int) -> bool:
        if key in self._new:
            return True
        if key in self._gone:
            return False
        for run in self._runs:
            i = bisect_left(run, key)
            if i < len(run) and run[i] == key:
                return True
        return False

    def _fold(self) -> None:
        """The new keys become a sorted run; runs no larger than it merge into it."""
        run = array("q", sorted(self._new))
        self._new = set()
        while self._runs and len(self._runs[-1]) <= len(run):
            merged = array("q")
            merged.extend(merge(self._runs.pop(), run))  # one key at a time: no list of ints
            run = merged
        self._runs.append(run)


class CompactDupeFilter(RFPDupeFilter):
    """Scrapy's duplicate filter (the ``DUPEFILTER_CLASS``) with its request fingerprints
    held as 64-bit hashes: 8 bytes a request instead of about 85.

    It drops requests for URLs already requested, above all the targets of redirects
    (which the spider's own planning never sees), and says so by the
    ``request_dropped`` signal that names redirect loops.
    """

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.requested = Fingerprints()

    def request_seen(self, request: Request) -> bool:
        fingerprint = self.fingerprinter.fingerprint(request)
        if fingerprint in self.requested:
            return True
        self.requested.add(fingerprint)
        return False
