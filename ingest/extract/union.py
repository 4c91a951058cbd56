"""Union by evidence: story paragraphs an outlet's rules pass over, taken from the generic text.

A redesign seldom moves a whole story at once. More often some paragraphs take
another tag or class (a lead styled apart, a second half in a new wrapper) and
the outlet's ``paragraphs`` rule reads the rest: enough words that the rules did
not miss the page (``RULES_MISSED``), too few to be the story. Nothing would
say so. trafilatura's main pass, which ``rules_missed`` runs anyway, read those
paragraphs; this module adds back the lines of it the rules' text lacks, but
only those the page itself places in the story:

- it sits inside the outlet's ``body`` containers, outside its ``drop``
  blocks, in an element of its own that holds no matched paragraph (text loose
  around them has no place to be put in);
- it lies after the first matched paragraph: what comes before the story's
  first paragraph is its furniture (kicker, byline, share bar), and a missed
  lead is left out rather than guessed;
- it is prose, a sentence of a few words ended as sentences end, or it lies
  between two matched paragraphs, where a subheading or a name belongs to the
  story (a teaser headline or a button label after the story does not);
- links make up at most half of it (a "read more" card, a related story).

Measured by ``benchmarks/outlet_rules.py --part redesigns``. What the generic
path does not read stays lost: trafilatura's main pass skips ``div`` text on a
page with enough ``<p>`` text, so paragraphs renamed to ``div`` come back only
where the generic text has them.

The additions keep the page's order among the matched paragraphs. Pure and
cheap: nothing runs unless the generic text has a prose line the rules lack.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

import lxml.html

from ingest.extract.blocks import block_text, lines
from ingest.words import count_words

#: A line the page's links make up more than this share of is a link, not story text.
LINK_SHARE = 0.5
#: Fewer words than this make a label ("Read more.", "Photo: AP."), not a paragraph.
MIN_WORDS = 4
#: How a sentence ends: its mark, and after it nothing but quotes, brackets or an ornament.
SENTENCE_END = re.compile(r"[.!?…。！？][^\w]*$")
_NOT_WORD = re.compile(r"\W+")

Element = lxml.html.HtmlElement


def key(text: str) -> str:
    """Text reduced to its letters and digits, to find a line in markup that spaces it otherwise."""
    return unicodedata.normalize("NFC", _NOT_WORD.sub("", text.lower()))


def is_prose(line: str) -> bool:
    return count_words(line) >= MIN_WORDS and SENTENCE_END.search(line.rstrip()) is not None


def with_missing(
    tree: Element, blocks: list[Element], containers: list[Element], skip: set, generic: str
) -> tuple[list[str], int]:
    """The matched blocks' lines with the generic lines the page places in the story
    among them, in page order; and how many lines were added."""
    own = [(block, lines(block, skip)) for block in blocks]
    # A key a line: a missing paragraph may read as one line's end and the next one's start.
    have = "\n".join(key(line) for _, found in own for line in found)
    wanted = [line for line in generic.split("\n") if key(line) and key(line) not in have]
    added = placed(containers, blocks, skip, wanted) if wanted else []
    if added:
        order = {element: i for i, element in enumerate(tree.iter())}
        own = sorted(own + [(e, [line]) for e, line in added], key=lambda part: order[part[0]])
    return [line for _, found in own for line in found], len(added)


def placed(
    containers: list[Element], blocks: list[Element], skip: set, wanted: list[str]
) -> list[tuple[Element, str]]:
    """The wanted lines the page puts in the story, each with the element that holds it."""
    story = list(after_first(outermost(containers), set(blocks), skip))
    texts = {id(element): key(block_text(element, skip)) for element, _ in story}
    last = max(i for i, (_, matched) in enumerate(story) if matched) if story else -1
    around = {parent for block in blocks for parent in block.iterancestors()}
    found: list[tuple[Element, str]] = []
    for line in wanted:
        k = key(line)
        holders = [
            (len(texts[id(e)]), i) for i, (e, m) in enumerate(story) if not m and k in texts[id(e)]
        ]
        if not holders:
            continue
        at = min(holders)[1]  # the innermost element holding the line
        holder = story[at][0]
        if holder in around or link_share(holder, k, skip) > LINK_SHARE:
            continue
        if is_prose(line) or at < last:  # between two matched blocks, a heading or a name too
            found.append((holder, line))
    return found


def outermost(containers: list[Element]) -> list[Element]:
    """The containers not inside another of them."""
    given = set(containers)
    return [c for c in containers if not any(parent in given for parent in c.iterancestors())]


def after_first(
    containers: list[Element], matched: set, skip: set
) -> Iterator[tuple[Element, bool]]:
    """The containers' elements from their first matched block on, in page order, each
    with whether it is a matched block; ``skip`` and the matched blocks' insides left out."""
    started = False
    for container in containers:
        for element in walk(container, matched | skip, matched):
            started = started or element in matched
            if started:
                yield element, element in matched


def walk(element: Element, skip: set, whole: set) -> Iterator[Element]:
    """The element's descendants in page order, ``skip`` and scripts left out with their
    insides, ``whole`` given without theirs."""
    for child in element:
        if not isinstance(child.tag, str) or child.tag in ("script", "style", "noscript"):
            continue
        if child in whole:
            yield child
        elif child not in skip:
            yield child
            yield from walk(child, skip, whole)


def link_share(element: Element, k: str, skip: set) -> float:
    """How much of the line (by its letters and digits) the element's links make up."""
    linked = 0
    for link in element.iter("a"):
        text = key(block_text(link, skip))
        if text and text in k:
            linked += len(text)
    return linked / len(k) if k else 1.0


def common_ancestor(blocks: list[Element]) -> Element:
    """The innermost element holding all the blocks."""
    shared = set.intersection(*(set(block.iterancestors()) for block in blocks))
    return next(parent for parent in blocks[0].iterancestors() if parent in shared)
