"""Occupy Democrats (occupydemocrats.com): US progressive politics, a WordPress site.

The story is the paragraphs and embedded posts (``blockquote``) of
``div[itemprop=articleBody]``; the author's bio box after it is not part of it. Pages
state their publication time in UTC, which after 7 pm on the US East Coast is the
next day: the date the site shows, and puts in the URL, is the one kept.
"""

from __future__ import annotations

import re
import unicodedata

from lxml.cssselect import CSSSelector

import ingest.extract
from ingest import Article, Outlet, Page, hookimpl

OCCUPY_DEMOCRATS = Outlet(
    name="occupy-democrats",
    title="Occupy Democrats",
    domains=["occupydemocrats.com"],
    language="en",
    seeds=["https://occupydemocrats.com/"],
    feeds=["https://occupydemocrats.com/feed/"],  # the feed every page links to
    sitemaps=["https://occupydemocrats.com/sitemap.xml"],
    articles=r"occupydemocrats\.com/\d{4}/\d{2}/\d{2}/[\w-]+/?(?:$|[?#])",
    drop=["div.nnr-ab-wrap"],  # the author box
)

BODY = "div[itemprop=articleBody]"
PARAGRAPHS = CSSSelector(
    f"{BODY} > p, {BODY} > blockquote, {BODY} > h2, {BODY} > h3, {BODY} > ul > li"
)
CONTAINER = CSSSelector(BODY)  # the story's container
SKIP = CSSSelector(", ".join(OCCUPY_DEMOCRATS.drop))
URL_DATE = re.compile(r"/(\d{4})/(\d{2})/(\d{2})/")


@hookimpl
def register_outlets(register):
    register(OCCUPY_DEMOCRATS)


@hookimpl
def extract_article(page: Page, outlet: Outlet | None) -> Article | None:
    """trafilatura reads the metadata; the text is the story body's own blocks."""
    if outlet is None or outlet.name != OCCUPY_DEMOCRATS.name:
        return None
    lines = paragraphs(page) if CONTAINER(page.tree) else []
    if not lines:
        return None  # not a layout this plugin knows: the generic path takes over
    article = ingest.extract.extract_article(page, outlet)
    article.text = "\n".join(lines)
    return article


@hookimpl
def normalize_article(article: Article, page: Page, outlet: Outlet | None) -> None:
    """The publication date the site shows (US Eastern), which its URLs carry."""
    if outlet is None or outlet.name != OCCUPY_DEMOCRATS.name:
        return
    match = URL_DATE.search(page.url)
    if match:
        article.published, article.published_source = "-".join(match.groups()), "url"


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
