"""The story as the page's own structured data gives it, where its HTML holds little of it.

Many news sites draw the story with scripts, or keep all but its first lines out of the
HTML a crawler gets, and still put the whole of it in their JSON-LD (schema.org's
``articleBody``) for search engines. trafilatura reads such a body itself only as its last
fallback, when its main pass finds under 250 characters; a page whose HTML holds a
standfirst and a caption above that had them stored as the article, with nothing to say
a story was missed. Where the page's one ``articleBody`` is much longer than the text
extracted from its HTML, the body is the article's text, and its provenance says so
(``text_source: json_ld``).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator

import lxml.html
from lxml.etree import ParserError

from ingest.words import count_words

#: A body this many times the words extracted from the HTML is a story the HTML did not
#: hold. Measured on the shared sets: of the 59 of 990 pages that declare one body, it is
#: 0.7 to 1.1 times the extracted text on 43 and a summary (under 0.7) on 13; above that
#: on three: a body in HTML (1.3), one in Markdown whose link addresses double its words
#: (2.2; the extracted text was right on both), and a story drawn by scripts (13.8: 51
#: words extracted, 702 in the body). The 9 of 48 outlet pages with one: 0.7 to 1.1.
FULLER = 3.0
#: A body of fewer words is a summary, whatever the HTML holds.
MIN_WORDS = 100

#: Markup some sites leave in the body: tags, Markdown links and emphasis.
_TAG = re.compile(r"<[a-zA-Z!/][^>]*>")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)\s]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_HEADING = re.compile(r"^#{1,6}\s+", re.MULTILINE)


def json_ld_nodes(tree: lxml.html.HtmlElement) -> Iterator[dict]:
    """Every object of the page's JSON-LD, nested graphs and lists included."""
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        yield from _walk(data)


def _walk(node: object) -> Iterator[dict]:
    if isinstance(node, list):
        for child in node:
            yield from _walk(child)
    elif isinstance(node, dict):
        yield node
        for value in node.values():
            if isinstance(value, list | dict):
                yield from _walk(value)


def article_body(tree: lxml.html.HtmlElement) -> str | None:
    """The page's JSON-LD ``articleBody`` as lines of text, when it declares one story's
    only: a listing that carries several stories' bodies names none of them.

    The address its object names is not asked to be the page's: of the 7 such bodies on
    the shared set's pages that name another, 5 are the same story under its syndicated,
    renamed or regional address or name the site's home page (the other 2 are pages
    saved without their address)."""
    bodies = {
        node["articleBody"].strip()
        for node in json_ld_nodes(tree)
        if isinstance(node.get("articleBody"), str) and node["articleBody"].strip()
    }
    if len(bodies) != 1:
        return None
    return as_text(bodies.pop())


def as_text(body: str) -> str:
    """A body as lines: its HTML tags or Markdown read, its entities decoded."""
    if _TAG.search(body):
        try:
            fragment = lxml.html.fragment_fromstring(body, create_parent="div")
        except (ParserError, ValueError):
            body = _TAG.sub(" ", body)
        else:
            for br in fragment.iter("br"):
                br.tail = "\n" + (br.tail or "")
            for block in fragment.iter("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li"):
                block.tail = "\n" + (block.tail or "")
            body = fragment.text_content()
    body = _MD_HEADING.sub("", _MD_EMPHASIS.sub(r"\2", _MD_LINK.sub(r"\1", html.unescape(body))))
    return "\n".join(" ".join(line.split()) for line in body.splitlines() if line.strip())


def fuller_text(tree: lxml.html.HtmlElement, extracted: str) -> str | None:
    """The JSON-LD body, where it holds the story the HTML did not (``FULLER``)."""
    body = article_body(tree)
    if body is None:
        return None
    words = count_words(body)
    if words < MIN_WORDS or words < FULLER * count_words(extracted):
        return None
    return body
