"""Union by evidence: story paragraphs an outlet's rules pass over, taken from the generic text.

A redesign seldom moves a whole story at once. More often some paragraphs take
another tag or class (a lead styled apart, a second half in a new wrapper) and
the outlet's ``paragraphs`` rule reads the rest: enough words that the rules did
not miss the page (``RULES_MISSED``), too few to be the story. Nothing would
say so. trafilatura's main pass, which the rules' text is judged by anyway
(``judged_by``), read those paragraphs; this module adds back the lines of it the
rules' text lacks, but only those the page itself places in the story:

- it sits inside the outlet's ``body`` containers, outside its ``drop``
  blocks, in an element of its own that holds no matched paragraph (text loose
  around them has no place to be put in);
- it lies after the first matched paragraph: what comes before the story's
  first paragraph is its furniture (kicker, byline, share bar), but for a lost
  first paragraph right before it (``ingest.extract.first_paragraph``);
- it is prose, a sentence of a few words ended as sentences end, or it lies
  between two matched paragraphs and shows itself the story's: a short sentence
  ("My jaw dropped."), a subheading (``h2`` to ``h6``, or a bold run that is all
  of its block), or a line marked up as the matched paragraphs are (same tag
  and class: a paragraph a redesign wrapped one ``div`` deeper, a signature).
  Ad slots, pointers and player labels ("Story continues below advertisement",
  "Listen to this article") sit between paragraphs too, but in markup of their
  own; a teaser headline or a button label after the story is no part of it;
- links make up at most half of it (a "read more" card, a related story);
- cleaning would not drop it (``ingest.extract.clean.is_boilerplate``, with the
  outlet's ``boilerplate`` phrases): such a line would not be stored, and must
  not say the rules read part of the story. This also keeps out a label the
  site sets as its paragraphs ("Advertisement"); one that cleaning does not
  know, in the same markup as the story, still comes back.

The generic text is not the only source: trafilatura's main pass skips ``div``
text on a page with enough ``<p>`` text, so paragraphs a redesign renamed to
``div`` are missing from it too. The elements in the story's containers that no
rule matched are read as well, when they hold no block of their own (a paragraph
holds none; a comment notice set as a heading, a toolbar over a bio, does) and sit in
wrappers marked up as the matched blocks', and their prose lines go through the same tests. A
short line a redesign renamed, no sentence in markup unlike the story's (a
signature in italics, a market figure), is still taken for a label.

Measured by ``benchmarks/outlet_rules.py --part redesigns``. The additions keep
the page's order among the matched paragraphs. Pure and cheap: the containers'
elements are walked once, and nothing more runs unless one of them or the
generic text has a line the rules lack.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

import lxml.html

from ingest.extract.blocks import BREAK, block_text, lines
from ingest.extract.clean import is_boilerplate
from ingest.words import count_words, ends_sentence

#: A line the page's links make up more than this share of is a link, not story text.
LINK_SHARE = 0.5
#: Fewer words than this make a label ("Read more.", "Photo: AP."), not a paragraph.
MIN_WORDS = 4
#: The elements a subheading is set in; ``h1`` is the page's headline, or a teaser's.
HEADINGS = {"h2", "h3", "h4", "h5", "h6"}
BOLD = {"strong", "b"}
_NOT_WORD = re.compile(r"\W+")

Element = lxml.html.HtmlElement


def key(text: str) -> str:
    """Text reduced to its letters and digits, to find a line in markup that spaces it otherwise."""
    return unicodedata.normalize("NFC", _NOT_WORD.sub("", text.lower()))


def is_prose(line: str) -> bool:
    return count_words(line) >= MIN_WORDS and ends_sentence(line)


def with_missing(
    tree: Element,
    blocks: list[Element],
    containers: list[Element],
    skip: set,
    generic: str,
    phrases: list[str],
) -> tuple[list[str], int]:
    """The matched blocks' lines with the generic lines the page places in the story
    among them, in page order; and how many lines were added. ``phrases``: the outlet's
    ``boilerplate``, case-folded."""
    own = [(block, lines(block, skip)) for block in blocks]
    keys = {key(line) for _, found in own for line in found}
    # A key a line: a missing paragraph may read as one line's end and the next one's start.
    have = "\n".join(keys)
    read = generic.split("\n")
    wanted = [
        line
        for line in read
        if (k := key(line))
        and k not in keys  # most lines, found at once; the rest looked for in them all
        and k not in have
        and not is_boilerplate(line, [], phrases, [])
    ]
    # Paragraphs in the story that the generic text lacks too (renamed to a div): each an
    # element's whole text, so no matched block's text holds it in part.
    read_keys = {key(line) for line in read}
    wanted += [
        line
        for line in unmatched_paragraphs(blocks, containers, skip)
        if (k := key(line)) not in read_keys
        and k not in keys
        and not is_boilerplate(line, [], phrases, [])
    ]
    added = placed(containers, blocks, skip, wanted) if wanted else []
    if added:
        order = {element: i for i, element in enumerate(tree.iter())}
        own = sorted(own + [(e, [line]) for e, line in added], key=lambda part: order[part[0]])
    return [line for _, found in own for line in found], len(added)


#: Elements that hold blocks of their own: a paragraph holds none.
_BLOCKS = (
    "p div section article aside nav header footer form ul ol li dl table blockquote figure"
    " h1 h2 h3 h4 h5 h6 pre"
).split()
#: Never a paragraph: code, media, forms, furniture.
_NOT_PROSE = set(
    "script style noscript template svg iframe object figure figcaption aside nav table form"
    " label button select textarea input".split()
)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
#: Paragraphs come in runs: a redesign renames them all alike. A bio, a caption, a
#: "read more" note beside them is one of its kind.
RUN = 2


def unmatched_paragraphs(blocks: list[Element], containers: list[Element], skip: set) -> list[str]:
    """The lines of the elements in the story's containers, from its first matched block
    on, that no rule matched and that read as the story's paragraphs: paragraphs a redesign
    gave another tag, which the generic text lacks too when the page has enough ``<p>``
    text for trafilatura's main pass. Not only those beside a matched block: a redesign
    that renamed the story's second half left its paragraphs in wrappers of their own,
    and a third of the text was lost. Its wrapper must be marked up as a matched block's
    is (the same tag and class): a related story's card or a comment after the story sits
    in markup of its own, and so does a caption in its figure. Such an element is shown,
    holds no block of its own (a toolbar over a bio, a comment notice set as a heading
    do), is one line of prose, and one of a run of at least ``RUN`` alike (the same tag
    and class)."""
    matched = set(blocks)
    around = {parent for block in blocks for parent in block.iterancestors()}
    wrappers = {mark(block.getparent()) for block in blocks if block.getparent() is not None}
    runs: dict[tuple[str, str | None], list[str]] = {}
    for element, is_matched in after_first(outermost(containers), matched, skip):
        if is_matched or element in around:
            continue
        if element.getparent() is None or mark(element.getparent()) not in wrappers:
            continue  # a related story's card, a comment: not in the story's own wrappers
        if not is_paragraph(element):
            continue
        found = lines(element, skip)
        if len(found) == 1 and is_prose(found[0]):
            runs.setdefault((element.tag, element.get("class")), []).extend(found)
    return [line for run in runs.values() if len(run) >= RUN for line in run]


def mark(element: Element) -> tuple[str, str | None]:
    """An element's tag and class: how a template marks up its kind of block."""
    return element.tag, element.get("class")


def is_paragraph(element: Element) -> bool:
    """Shown, not code, media, a form or furniture, and holding no block of its own."""
    if not isinstance(element.tag, str) or element.tag in _NOT_PROSE:
        return False
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return False
    if _HIDDEN.search(element.get("style") or ""):
        return False
    return next(element.iterdescendants(*_BLOCKS), None) is None


def placed(
    containers: list[Element], blocks: list[Element], skip: set, wanted: list[str]
) -> list[tuple[Element, str]]:
    """The wanted lines the page puts in the story, each with the element that holds it."""
    story = list(after_first(outermost(containers), set(blocks), skip))
    if not story:
        return []
    holders = Holders(story, skip)
    last = max(i for i, (_, matched) in enumerate(story) if matched)
    around = {parent for block in blocks for parent in block.iterancestors()}
    marks = {(block.tag, block.get("class")) for block in blocks}
    known: dict[Element, tuple[str, set[str]]] = {}  # each element's keys, read once
    found: list[tuple[Element, str]] = []
    for line in wanted:
        k = key(line)
        at = holders.take(k)
        if at is None:
            continue
        holder = story[at][0]
        if holder in around or link_share(holder, k, skip) > LINK_SHARE:
            continue
        if is_prose(line) or (at < last and is_story_line(line, holder, skip, marks, known)):
            found.append((holder, line))
    return found


class Holders:
    """Where lines are among the story's elements that are no matched block: for each
    line, the innermost element holding it, each element given to a line once (a line
    three ad slots or subheadings repeat is theirs in turn, not thrice the first's).

    Most lines are an element's whole text, found in an index of them, or one of its
    ``<br>`` lines, in a second; only another line (a part of one) is looked for in
    every element, and only when the story's text holds it at all. Scanning every
    element for every line took 100 s on a story of 24,000 paragraphs, a third of them
    eight ``div``s deep, where trafilatura's pass takes 2 s; the index, 2 s more; and
    16 s on 20,000 paragraphs every other of which held a ``<br>`` line, 4 s with the
    second index. A line the page repeats is
    looked for from where the last one was found, against a set of the elements it
    took and those around them: walking the index from its start and checking every
    element taken, a line repeated 1,000 times cost minutes."""

    def __init__(self, story: list[tuple[Element, bool]], skip: set):
        self.story = story
        raw = [block_text(element, skip) for element, _ in story]
        self.texts = [key(text) for text in raw]
        self.whole: dict[str, list[int]] = {}
        # The <br> lines of elements that have them: a line of one is found without a scan.
        self.parts: dict[str, list[int]] = {}
        for i, (_, matched) in enumerate(story):
            if not matched:
                self.whole.setdefault(self.texts[i], []).append(i)
                if BREAK in raw[i]:
                    for part in dict.fromkeys(map(key, raw[i].split(BREAK))):
                        self.parts.setdefault(part, []).append(i)
        inside = {element for element, _ in story}
        # Every element's text is part of one of these: is a line in the story at all?
        self.all = "\n".join(
            text
            for (element, _), text in zip(story, self.texts, strict=True)
            if element.getparent() not in inside
        )
        self.taken: dict[str, Taken] = {}
        # Per line, how far into its index entries, and into its scan's, all are taken.
        self.read: dict[str, int] = {}
        self.scanned: dict[str, tuple[list[int], int]] = {}

    def take(self, k: str) -> int | None:
        """The story index of the innermost element holding the line keyed ``k`` (the
        shortest, then the first) in or around none that a line like it took; ``None``
        when there is none."""
        taken = self.taken.setdefault(k, Taken())
        at = self.first_free(k, taken)
        if at is None and k in self.all:
            at = self.scan(k, taken)
        if at is not None:
            taken.add(self.story[at][0])
        return at

    def first_free(self, k: str, taken: Taken) -> int | None:
        # The index is in page order, and what is taken stays taken: an entry passed over
        # once is never free again.
        whole = self.whole.get(k, ())
        i = self.read.get(k, 0)
        while i < len(whole) and taken.nested(self.story[whole[i]][0]):
            i += 1
        self.read[k] = i
        return whole[i] if i < len(whole) else None

    def scan(self, k: str, taken: Taken) -> int | None:
        if k not in self.scanned:
            holding = self.parts.get(k)  # else every element's text, for the line within
            if holding is None:
                holding = [i for i, text in enumerate(self.texts) if k in text]
            found = sorted((len(self.texts[i]), i) for i in holding if not self.story[i][1])
            self.scanned[k] = ([i for _, i in found], 0)
        found, j = self.scanned[k]
        while j < len(found) and taken.nested(self.story[found[j]][0]):
            j += 1
        self.scanned[k] = (found, j)
        return found[j] if j < len(found) else None


class Taken:
    """The elements given to one line, and every element around them."""

    def __init__(self) -> None:
        self.elements: set[Element] = set()
        self.around: set[Element] = set()  # the elements and their ancestors

    def add(self, element: Element) -> None:
        self.elements.add(element)
        for parent in (element, *element.iterancestors()):
            if parent in self.around:
                break  # and so are all its ancestors
            self.around.add(parent)

    def nested(self, element: Element) -> bool:
        """The element is one taken, or in or around one."""
        return element in self.around or any(
            parent in self.elements for parent in element.iterancestors()
        )


def is_story_line(
    line: str, holder: Element, skip: set, marks: set, known: dict[Element, tuple[str, set[str]]]
) -> bool:
    """A short line between two matched blocks is the story's when it ends as a sentence
    ends ("My jaw dropped."), or an element holding it as a line of its own is a heading,
    a bold run that is all of its block, or marked up as a matched block (same tag and
    class: a paragraph a redesign wrapped one ``div`` deeper)."""
    if ends_sentence(line):
        return True
    chain = line_holders(holder, key(line), skip, known)
    return any(
        element.tag in HEADINGS
        or (element.tag, element.get("class")) in marks
        or (element.tag in BOLD and element is not chain[-1])  # its block holds no more
        for element in chain
    )


def line_holders(
    element: Element, k: str, skip: set, known: dict[Element, tuple[str, set[str]]]
) -> list[Element]:
    """The elements in and around the element that hold the line as a line of their
    own (all their text, or one between ``<br>``s), from the innermost out. ``known``:
    the keys of elements read before, kept by the caller; the walk out ends at an
    element around the line's, often the story's container, whose text read for each
    line made a story of many short lines quadratic."""
    while (inner := next((c for c in element if holds_line(c, k, skip, known)), None)) is not None:
        element = inner
    chain = []
    while element is not None and holds_line(element, k, skip, known):
        chain.append(element)
        element = element.getparent()
    return chain


def holds_line(
    element: Element, k: str, skip: set, known: dict[Element, tuple[str, set[str]]]
) -> bool:
    if not isinstance(element.tag, str) or element in skip:
        return False
    if element not in known:
        known[element] = (
            key(block_text(element, skip)),
            {key(line) for line in lines(element, skip)},
        )
    whole, own = known[element]
    return k == whole or k in own


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
