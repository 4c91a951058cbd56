"""The site asking for money or sign-ups in its own words, left in the text.

"To view the full story, please subscribe to The Daily Example", "Unterstütze Example
Mag bereits mit 2,50!": a request (support, subscribe, donate, become a member), at a
line's or a sentence's start or after "please", followed by a name the page surely gives
its site (``ingest.extract.site_names.own_names``). A story's sentence about supporting
someone else stays, and so does a request inside a quotation.
"""

from __future__ import annotations

import re

from ingest.words import count_words

#: A call to action is a short line; longer ones are prose (as ``clean.MAX_CALL_WORDS``).
MAX_APPEAL_WORDS = 40

#: An appeal to the reader, said as a request: at the line's or a sentence's start, or
#: after "please". "The release will support Python 3" is no appeal, though "Python" may
#: be one of the page's names for its site.
APPEAL_RE = re.compile(
    r"(?:^|[.!?:]\s+|\b(?:please|bitte|s'il vous plaît|por favor)\s+)\W*"
    r"(?:support|subscribe\s+to|donate\s+to|become\s+a\s+(?:member|subscriber)\s+of|"
    r"unterstütze[n]?(?:\s+sie)?|abonniere[n]?(?:\s+sie)?|soutenez|abonnez-vous\s+à|"
    r"apoya|suscr[ií]bete\s+a)\s+",
    re.IGNORECASE,
)


#: Opening a quotation (a leading » is an arrow as often as a quote, and stays out).
QUOTES = set("\"“”„«‘’'‚‹「『")


def is_appeal_for_site(line: str, names: list[str]) -> bool:
    """ "Please subscribe to The Daily Example", "Unterstütze Example bereits mit 2,50!": the
    site asking for money or sign-ups, in its own words. Told by the page's own name for
    itself after the request, so a story's line about supporting someone else stays."""
    if not names or count_words(line) > MAX_APPEAL_WORDS:
        return False
    folded = line.casefold()
    for match in APPEAL_RE.finditer(line):
        if QUOTES.intersection(line[_quote_from(line, match.start()) : match.end()]):
            continue  # someone quoted asking for support: the story's
        rest = folded[match.end() :]
        if any(_opens_with(rest, n.casefold()) for n in names):
            return True
    return False


def _quote_from(line: str, start: int) -> int:
    """Where a quotation opening the request may be: just before it ('he said, "Please
    support'), or, when the request opens a sentence, after the sentence's end (the quote
    before '"Morning Notes". Support' closed the sentence before)."""
    return start if line[start] in ".!?:" else max(0, start - 2)


def _opens_with(text: str, name: str) -> bool:
    return text.startswith(name) and not text[len(name) : len(name) + 1].isalnum()
