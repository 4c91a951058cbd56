"""The MinHash signature of an article's text (see ``ingest.store.duplicates`` for why).

Made in the extraction worker, beside the text it summarizes: one pass over the
text's word 5-shingles, about half a millisecond a story, which the crawl's own
process then no longer spends in its store step.
"""

from __future__ import annotations

import re
import zlib
from array import array

from ingest.words import IDEOGRAPHIC, count_words

BINS = 128
SHINGLE = 5  # words per shingle
#: Texts with fewer words than this are not clustered: too little to tell stories apart.
MIN_WORDS = 40

_M64 = (1 << 64) - 1
_EMPTY = 0xFFFFFFFF
#: Words, and each Han or kana character on its own: Chinese and Japanese are written
#: without spaces, and the clauses between their punctuation are too long to shingle (one
#: character changed a whole clause, and a short story had too few of them to compare).
_WORD = re.compile(f"[{IDEOGRAPHIC}]|[^\\W{IDEOGRAPHIC}]+")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def signature(text: str | None) -> array | None:
    """The MinHash of the text's word 5-shingles (``array('I')`` of BINS); None if too short."""
    tokens = words(text or "")
    if min(len(tokens), count_words(text or "")) < MIN_WORDS:  # a Han character is no word
        return None
    encoded = [t.encode() for t in tokens]
    mins = [_EMPTY] * BINS
    for i in range(len(encoded) - SHINGLE + 1):
        # crc32 of the shingle, spread by a multiplication: bin from the low bits, value above
        h = zlib.crc32(b" ".join(encoded[i : i + SHINGLE])) * 0x9E3779B97F4A7C15 & _M64
        slot, value = h & (BINS - 1), h >> 32
        if value < mins[slot]:
            mins[slot] = value
    _densify(mins)
    return array("I", mins)


def _densify(mins: list[int]) -> None:
    """Fill empty bins from the next filled one (rotation), so short texts still compare."""
    filled = [i for i, v in enumerate(mins) if v != _EMPTY]
    if not filled or len(filled) == BINS:
        return
    for i in range(BINS):
        if mins[i] == _EMPTY:
            distance = next(((j - i) % BINS for j in filled if j > i), None)
            if distance is None:
                distance = filled[0] + BINS - i
            source = mins[(i + distance) % BINS]
            mins[i] = (source + distance * 0x9E3779B1) & 0xFFFFFFFF
