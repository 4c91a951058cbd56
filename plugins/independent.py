"""The Independent (independent.co.uk): British and international news.

The standfirst is the ``p`` (or ``h2``) under the headline in ``header#articleHeader``;
the story is the paragraphs of ``div#main`` (one ``div`` deeper on pages from 2020) and
the subheadings its ``div``s wrap (``div > h2``, ``div > h3``: the winners of a list,
the sections of a guide). Live blogs keep their posts out of ``div#main``: only the
introduction is the article. Newsletter boxes, bookmark prompts and "Join our
commenting forum" blocks sit around it. The headline shown (``h1``) often differs
from ``og:title``.
"""

from __future__ import annotations

import unicodedata

from lxml.cssselect import CSSSelector

import ingest.extract
from ingest import Article, Outlet, Page, hookimpl

INDEPENDENT = Outlet(
    name="independent",
    title="The Independent",
    domains=["independent.co.uk"],
    language="en",
    seeds=["https://www.independent.co.uk/"],
    feeds=["https://www.independent.co.uk/rss", "https://www.independent.co.uk/news/uk/rss"],
    sitemaps=["https://www.independent.co.uk/sitemaps/googlenews"],
    articles=r"independent\.co\.uk/(?:[\w-]+/)+[\w-]+-b\d+\.html",  # slug-b2506015.html
    drop=["div.newsletter-component", "figure"],
)

MAIN = "div#main"  # inside <article>, or after it on older pages
PARAGRAPHS = CSSSelector(
    "header#articleHeader > div > div > p, header#articleHeader > div > div > h2,"
    f" {MAIN} > p, {MAIN} > div > h2, {MAIN} > div > h3, {MAIN} > ul > li,"
    f" {MAIN} > div > p"  # older pages wrap the paragraphs in one more div
)
CONTAINER = CSSSelector(MAIN)  # the story's container
SKIP = CSSSelector(", ".join(INDEPENDENT.drop))
HEADLINE = CSSSelector("header#articleHeader h1")


@hookimpl
def register_outlets(register):
    register(INDEPENDENT)


@hookimpl
def extract_article(page: Page, outlet: Outlet | None) -> Article | None:
    """trafilatura reads the metadata; the text is the standfirst and the story's blocks."""
    if outlet is None or outlet.name != INDEPENDENT.name:
        return None
    lines = paragraphs(page) if CONTAINER(page.tree) else []
    if not lines:
        return None  # not a layout this plugin knows: the generic path takes over
    article = ingest.extract.extract_article(page, outlet)
    article.text = "\n".join(lines)
    return article


@hookimpl
def normalize_article(article: Article, page: Page, outlet: Outlet | None) -> None:
    """The title as the headline shows it."""
    if outlet is None or outlet.name != INDEPENDENT.name:
        return
    for headline in HEADLINE(page.tree)[:1]:
        article.title = " ".join(headline.text_content().split()) or article.title


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
