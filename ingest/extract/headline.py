"""The date printed beside the headline: the one a reader sees first.

News pages print their date in a short line just under the headline, or just
over it: "03.02.2022 | 15:33", "Publié le 29 juin 2019", "By A. Writer
November 8, 2023". Readers, and the people who annotate pages, take that date,
even where the page's metadata keeps another: a story reworked and put out
again shows its new day, and a site's template may fill its meta tags with the
day a page was first created.

The headline is the ``<h1>`` sharing most words with the page's title, since
the first ``<h1>`` of many pages is the site's logo or a menu. Only short texts
count, those a dateline's length: a date inside a sentence ("the show opens on
21 May") is what the story is about, not when it was written. Blocks listing
other pages (related posts, teasers, sidebars) are passed over, as everywhere
dates are read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import lxml.html

from ingest.extract.placement import NOT_DATELINE, aside_block, names_of
from ingest.extract.stamps import Stamp, read_dateline

#: Text read after the headline, and before it, in characters; a dateline sits close by.
AFTER, BEFORE = 300, 100
#: A longer text is a sentence or a paragraph, not a dateline.
SHORT = 60
SKIP_TAGS = {"script", "style", "noscript", "template"}
WORD_RE = re.compile(r"\w+")
DIGIT_RE = re.compile(r"\d")
#: What separates a title's parts: "Headline | Site", "Site - Headline", "Headline :: Section".
TITLE_PARTS_RE = re.compile(r"\s+[|\-–—:·•»]{1,2}\s+")
#: "Updated", "last modified", "aktualisiert", "mis à jour", "actualizado", "aggiornato",
#: 更新 (Chinese, Japanese), 修改, 업데이트 and 수정 (Korean)...
UPDATE_RE = re.compile(
    r"update|modifi|aktualisiert|mis à jour|actualiza|aggiornat|更新|修改|업데이트|수정", re.I
)


def headline(tree: lxml.html.HtmlElement, title: str | None) -> lxml.html.HtmlElement | None:
    """The page's ``<h1>`` sharing most words with its title.

    The title is ``og:title`` when the page gives one, else the longest part of
    its ``<title>``: that names the site too ("Flood warning lifted | Daily
    News"), and a logo's ``<h1>`` is the site's name. When the page has a title,
    an ``<h1>`` that shares no word with it is no headline, even the only one.
    """
    candidates = list(tree.iter("h1"))
    words = set(WORD_RE.findall((title or _title(tree)).lower()))
    if not words:
        return candidates[0] if candidates else None
    best, shared = None, 0
    for h1 in candidates:
        found = len(words & set(WORD_RE.findall(_text(h1).lower())))
        if found > shared:
            best, shared = h1, found
    return best


def headline_date(
    tree: lxml.html.HtmlElement, title: str | None, plausible: Callable[[Stamp], bool]
) -> Stamp | None:
    """The first plausible date in a short text after the headline, or else just before it."""
    h1 = headline(tree, title)
    if h1 is None:
        return None
    after = _first_date(_after(h1), AFTER, plausible)
    return after or _first_date(_before(h1), BEFORE, plausible)


def _first_date(texts: Iterator[str], budget: int, plausible) -> Stamp | None:
    """The first date of a short text within ``budget`` characters of visible text.

    Whitespace is counted as a reader sees it (an indented template is not
    farther away), and a date that follows the word "updated" in its own or the
    text before is the update's: a line holding both reads the one before the word.
    """
    before = ""
    for raw in texts:
        text = raw.strip()
        if not text:
            continue
        budget -= len(text)
        if budget < 0:
            return None
        dated = DIGIT_RE.search(text) is not None
        if dated and not UPDATE_RE.search(before):
            text = " ".join(published_part(text).split())
            stamp = read_dateline(text) if text and len(text) <= SHORT else None
            if stamp and plausible(stamp):
                return stamp
        before = "" if dated else text  # a label ("Updated:") speaks for the next text
    return None


def published_part(text: str) -> str:
    """The text before its first update word: "发布时间：… 更新时间：…" and "Published …,
    updated …" give the publication's date first; "Updated: …" gives none."""
    update = UPDATE_RE.search(text)
    return text[: update.start()] if update else text


def _after(h1: lxml.html.HtmlElement) -> Iterator[str]:
    """The texts that follow the element in the document, nearest first."""
    node = h1
    while node is not None:
        if node.tail:
            yield node.tail
        for sibling in node.itersiblings():
            yield from _texts(sibling)
            if sibling.tail:
                yield sibling.tail
        node = node.getparent()


def _before(h1: lxml.html.HtmlElement) -> Iterator[str]:
    """The texts that precede the element in the document, nearest first."""
    node = h1
    while node is not None:
        for sibling in node.itersiblings(preceding=True):
            if sibling.tail:
                yield sibling.tail
            yield from _texts_backwards(sibling)
        parent = node.getparent()
        if parent is not None and parent.text:
            yield parent.text
        node = parent


def _texts(element: lxml.html.HtmlElement) -> Iterator[str]:
    """An element's texts in document order, its tail left out, asides and scripts passed over."""
    if not isinstance(element.tag, str) or element.tag in SKIP_TAGS or _aside(element):
        return
    if element.text:
        yield element.text
    for child in element:
        yield from _texts(child)
        if child.tail:
            yield child.tail


def _texts_backwards(element: lxml.html.HtmlElement) -> Iterator[str]:
    """An element's texts in reverse document order, its tail left out, as ``_texts``."""
    if not isinstance(element.tag, str) or element.tag in SKIP_TAGS or _aside(element):
        return
    for child in reversed(element):
        if child.tail:
            yield child.tail
        yield from _texts_backwards(child)
    if element.text:
        yield element.text


def _aside(element: lxml.html.HtmlElement) -> bool:
    """A block about other pages, or a line marked as an update's."""
    return aside_block(element) or bool(NOT_DATELINE.search(names_of(element)))


def _title(tree: lxml.html.HtmlElement) -> str:
    """The longest part of the page's ``<title>``: the headline, without the site's name."""
    title = tree.find("head/title")
    parts = TITLE_PARTS_RE.split(_text(title)) if title is not None else []
    return max(parts, key=len, default="")


def _text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.itertext())
