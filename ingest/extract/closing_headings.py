"""Headings left closing the text: all that remains of a block the extraction left out.

A heading introduces what follows it. When the text ends on one, what it headed (a
"Related" rail, the picture credits, a comment form, a list of partner blogs) was not
kept, and the heading says nothing alone: "Teilnehmende Blogs:", "Lue seuraavaksi:",
"Bildnachweis". Told by the page's markup, not by its words, so in any language: the
line is the whole text of an ``<h1>``-``<h6>``, or of an element its template names a
title or a heading. A short line that is no heading in the markup (a signature, a
list's last item, a closing "Thanks!") stays: lines like these close many stories.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from ingest.words import count_words, ends_sentence, fold

#: A heading is this short; a longer line is a sentence set in large type.
MAX_HEADING_WORDS = 8
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: What a template calls a heading in a class or an id, as a word of it: "section-title",
#: "o-page-headline", "subheading"; not "subtitle" (a standfirst) nor "untitled".
HEADING_NAMES = frozenset(
    "heading headings headline headlines subhead subheading subheadline".split()
)
#: "title" too, unless a word beside it makes it something else: a signature's
#: "author-title", a "job-title", a standfirst's "sub-title" ("author__heading" stays one).
TITLES = frozenset({"title", "titles"})
NOT_TITLES = frozenset("author job byline sub".split())
#: The words of a class or id, in any of the ways templates join them: "box-title",
#: "box_title", "boxTitle", "cssContentHeadline".
_NAME_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
#: The page's text nodes holding a word: where a line's markup is looked for, in C,
#: rather than by walking every element in Python.
TEXT_WITH = etree.XPath("//text()[contains(., $word)]")
_WORDS = re.compile(r"\w+")


def drop_closing_headings(lines: list[str], tree: lxml.html.HtmlElement) -> list[str]:
    """The lines without the headings that close them; a text of one line stays whole."""
    end = len(lines)
    while end > 1 and could_be_heading(lines[end - 1]) and is_marked_heading(lines[end - 1], tree):
        end -= 1
    return lines[:end]


def could_be_heading(line: str) -> bool:
    """Short, and no sentence: what a heading looks like, before the markup is read."""
    return count_words(line) <= MAX_HEADING_WORDS and not ends_sentence(line)


def is_marked_heading(line: str, tree: lxml.html.HtmlElement) -> bool:
    """Some element whose whole text is the line is, or sits in, one marked a heading."""
    words = _WORDS.findall(line)
    if not words:
        return False
    wanted = fold(line)
    for node in TEXT_WITH(tree, word=max(words, key=len)):
        element = node.getparent()
        if node.is_tail and element is not None:
            element = element.getparent()
        while element is not None:  # up from the word to the whole line, no further
            text = fold(element.text_content())
            if text == wanted and is_heading(element):
                return True
            if not text or text not in wanted:
                break
            element = element.getparent()
    return False


def is_heading(element: lxml.html.HtmlElement) -> bool:
    """Marked a heading: by its tag, or by its class or id."""
    if element.tag in HEADING_TAGS:
        return True
    names = f"{element.get('class') or ''} {element.get('id') or ''}"
    words = {word.lower() for word in _NAME_WORDS.findall(names)}
    return bool(words & HEADING_NAMES) or bool(words & TITLES and not words & NOT_TITLES)
