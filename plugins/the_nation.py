"""The Nation (thenation.com): US politics and culture, a WordPress site.

The dek under the headline opens the text; the story is the paragraphs of
``article.blocks-wrapper``, between ads, "Current Issue" boxes and sign-up forms.
One of those forms (``div.cta``) lacks a closing tag, so a browser, like lxml, puts
every paragraph after it inside the form: those paragraphs are read there too,
while the "Popular" and "More from The Nation" lists that follow are not.
"""

from __future__ import annotations

import unicodedata

from lxml.cssselect import CSSSelector

import ingest.extract
from ingest import Article, Outlet, Page, hookimpl

THE_NATION = Outlet(
    name="the-nation",
    title="The Nation",
    domains=["thenation.com"],
    language="en",
    seeds=["https://www.thenation.com/"],
    feeds=["https://www.thenation.com/feed/"],  # the feed every page links to
    sitemaps=["https://www.thenation.com/news-sitemap.xml"],
    articles=r"thenation\.com/article/[\w-]+/[\w-]+/?(?:$|[?#])",
    drop=["aside", "section.popular-articles", "section.collections"],
)

BODY = "article.blocks-wrapper"
PARAGRAPHS = CSSSelector(
    ", ".join(
        f"{body} > p, {body} > h2, {body} > h3, {body} > blockquote, {body} > ul > li"
        for body in (BODY, f"{BODY} > div.cta")
    )
    + ", div.article-title__dek > p"
)
CONTAINER = CSSSelector(BODY)  # the story's container
SKIP = CSSSelector(", ".join(THE_NATION.drop))


@hookimpl
def register_outlets(register):
    register(THE_NATION)


@hookimpl
def extract_article(page: Page, outlet: Outlet | None) -> Article | None:
    """trafilatura reads the metadata; the text is the dek and the story's blocks."""
    if outlet is None or outlet.name != THE_NATION.name:
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
    in it; blocks, and parts of blocks, that SKIP matches are left out."""
    skip = set(SKIP(page.tree))
    done: set = set()
    lines: list[str] = []
    for block in PARAGRAPHS(page.tree):
        if block in skip or any(parent in done for parent in block.iterancestors()):
            continue
        done.add(block)
        parts = block_text(block, skip).split(BREAK)
        lines += [line for part in parts if (line := " ".join(part.split()))]
    return [unicodedata.normalize("NFC", line) for line in lines]


def block_text(element, skip: set) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag == "br":
            parts.append(BREAK)
        elif isinstance(child.tag, str) and child.tag not in ("script", "style"):
            parts.append("" if child in skip else block_text(child, skip))
        parts.append(child.tail or "")
    return "".join(parts)
