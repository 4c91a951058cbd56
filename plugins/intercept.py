"""The Intercept (theintercept.com): US investigative journalism, a WordPress site.

The excerpt under the headline (``p.post__excerpt``) opens the text; the story is
the paragraphs and subheadings of ``div.entry-content__content`` and the quotes
inside it. A story's first words, and a section's, are a lead-in (``span.has-underline``)
that the stylesheet sets in capitals: they are kept in capitals, as readers see them.
Newsletter and "most read" blocks sit between the paragraphs.
"""

from __future__ import annotations

import unicodedata

from lxml.cssselect import CSSSelector

import ingest.extract
from ingest import Article, Outlet, Page, hookimpl

INTERCEPT = Outlet(
    name="intercept",
    title="The Intercept",
    domains=["theintercept.com"],
    language="en",
    seeds=["https://theintercept.com/"],
    feeds=["https://theintercept.com/feed/?lang=en"],
    sitemaps=["https://theintercept.com/sitemap_index.xml"],
    articles=r"theintercept\.com/\d{4}/\d{2}/\d{2}/[\w-]+/?(?:$|[?#])",
    drop=["div.most-read", "div.newsletter-embed", "figure"],
)

BODY = "div.entry-content > div.entry-content__content"
PARAGRAPHS = CSSSelector(
    f"p.post__excerpt, {BODY} > p, {BODY} > h2, {BODY} > h3, {BODY} > ul > li,"
    f" {BODY} blockquote > p"
)
CONTAINER = CSSSelector(BODY)  # the story's container
SKIP = CSSSelector(", ".join(INTERCEPT.drop))
CAPITALS = CSSSelector(f"{BODY} span.has-underline")


@hookimpl
def register_outlets(register):
    register(INTERCEPT)


@hookimpl
def extract_article(page: Page, outlet: Outlet | None) -> Article | None:
    """trafilatura reads the metadata; the text is the excerpt and the story's blocks."""
    if outlet is None or outlet.name != INTERCEPT.name:
        return None
    lines = paragraphs(page) if CONTAINER(page.tree) else []
    if not lines:
        return None  # not a layout this plugin knows: the generic path takes over
    article = ingest.extract.extract_article(page, outlet)
    article.text = "\n".join(lines)
    return article


# -- the site's own paragraphs (docs/plugins.md, "Reading the site's paragraphs") --

BREAK = "\x00"  # stands for a <br> until the text is split into lines


def paragraphs(page: Page) -> list[str]:
    """Every block PARAGRAPHS matches, in page order, as one line per block and per <br>
    in it; blocks, and parts of blocks, that SKIP matches are left out, and what
    CAPITALS matches is in capitals."""
    skip, capitals = set(SKIP(page.tree)), set(CAPITALS(page.tree))
    done: set = set()
    lines: list[str] = []
    for block in PARAGRAPHS(page.tree):
        if block in skip or any(parent in done for parent in block.iterancestors()):
            continue
        done.add(block)
        parts = block_text(block, skip, capitals).split(BREAK)
        lines += [line for part in parts if (line := " ".join(part.split()))]
    return [unicodedata.normalize("NFC", line) for line in lines]


def block_text(element, skip: set, capitals: set) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag == "br":
            parts.append(BREAK)
        elif isinstance(child.tag, str) and child.tag not in ("script", "style"):
            text = "" if child in skip else block_text(child, skip, capitals)
            parts.append(text.upper() if child in capitals else text)
        parts.append(child.tail or "")
    return "".join(parts)
