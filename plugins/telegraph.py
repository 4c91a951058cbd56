"""The Telegraph (telegraph.co.uk): British national news.

The standfirst is ``p[itemprop=description]``; the story is the paragraphs,
subheadings and list items of ``div.articleBodyText``. A live blog has one such
block per post, each under its title (``h3.live-post__title``); the photos between
posts, and their captions and credits, are not text. Live blogs and evergreen pages
("brit-awards-winners-list") carry no date in their URLs, dated stories do. The
headline shown (``h1``) of a live blog changes as it runs, and can differ from
``og:title``.
"""

from __future__ import annotations

import unicodedata

from lxml.cssselect import CSSSelector

import ingest.extract
from ingest import Article, Outlet, Page, hookimpl

TELEGRAPH = Outlet(
    name="telegraph",
    title="The Telegraph",
    domains=["telegraph.co.uk"],
    language="en",
    seeds=["https://www.telegraph.co.uk/"],
    feeds=["https://www.telegraph.co.uk/rss.xml"],
    sitemaps=["https://www.telegraph.co.uk/custom/daily-news/sitemap.xml"],
    # /section/2024/03/02/slug/, undated /section/slug-of-four-words-or-more/ (section
    # names are shorter), and before 2015 /news/uknews/9209302/Slug.html
    articles=(
        r"telegraph\.co\.uk/(?:[\w-]+/)+(?:\d{4}/\d{2}/\d{2}/[\w-]+/"
        r"|[a-z0-9]+(?:-[a-z0-9]+){3,}/|\d{5,}/[\w-]+\.html)(?:$|[?#])"
    ),
    drop=["figure"],  # photos, captions and credits
)

BODY = "div.articleBodyText"
PARAGRAPHS = CSSSelector(
    f"p[itemprop=description], h3.live-post__title, {BODY} p, {BODY} h2, {BODY} li"
)
CONTAINER = CSSSelector(BODY)  # the story's container
SKIP = CSSSelector(", ".join(TELEGRAPH.drop))
HEADLINE = CSSSelector("h1")


@hookimpl
def register_outlets(register):
    register(TELEGRAPH)


@hookimpl
def extract_article(page: Page, outlet: Outlet | None) -> Article | None:
    """trafilatura reads the metadata; the text is the standfirst and the story's blocks."""
    if outlet is None or outlet.name != TELEGRAPH.name:
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
    if outlet is None or outlet.name != TELEGRAPH.name:
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
