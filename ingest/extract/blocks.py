"""An outlet's own paragraphs: the text as the site marks it up, block by block.

For a site whose markup names its paragraphs (``div.story > p``), reading them
is exact where a generic extractor guesses: an outlet declares
``paragraphs="CSS selector"`` and each matched block becomes one line of text
(one per ``<br>`` inside it), in page order, minus the outlet's ``drop`` blocks.
"""

from __future__ import annotations

import unicodedata
from functools import cache

import lxml.html
from lxml.cssselect import CSSSelector

BREAK = "\x00"  # stands for a <br> until the text is split into lines


@cache
def selector(css: str) -> CSSSelector:
    return CSSSelector(css)


def dropped(tree: lxml.html.HtmlElement, drop: list[str]) -> set[lxml.html.HtmlElement]:
    """The elements the outlet's ``drop`` selectors match (their insides are left out too)."""
    return set(selector(", ".join(drop))(tree)) if drop else set()


def block_lines(tree: lxml.html.HtmlElement, paragraphs: str, drop: list[str]) -> list[str]:
    """The text of every block ``paragraphs`` matches, outside ``drop``, one line a block."""
    skip = dropped(tree, drop)
    return [line for block in matched_blocks(tree, paragraphs, skip) for line in lines(block, skip)]


def matched_blocks(
    tree: lxml.html.HtmlElement, paragraphs: str, skip: set[lxml.html.HtmlElement]
) -> list[lxml.html.HtmlElement]:
    """The blocks ``paragraphs`` matches outside ``skip``, in page order.

    A block inside another matched block is read once, as part of the outer one.
    """
    done: set[lxml.html.HtmlElement] = set()
    blocks = []
    for block in selector(paragraphs)(tree):
        if block in skip or any(
            parent in done or parent in skip for parent in block.iterancestors()
        ):
            continue
        done.add(block)
        blocks.append(block)
    return blocks


def lines(block: lxml.html.HtmlElement, skip: set[lxml.html.HtmlElement]) -> list[str]:
    """A block's text, one line per ``<br>``, whitespace collapsed, NFC."""
    found = (" ".join(part.split()) for part in block_text(block, skip).split(BREAK))
    return [unicodedata.normalize("NFC", line) for line in found if line]


def block_text(element: lxml.html.HtmlElement, skip: set) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag == "br":
            parts.append(BREAK)
        elif isinstance(child.tag, str) and child.tag not in ("script", "style", "noscript"):
            parts.append("" if child in skip else block_text(child, skip))
        parts.append(child.tail or "")
    return "".join(parts)
