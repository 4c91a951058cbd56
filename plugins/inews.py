"""i (inews.co.uk): British national news, a WordPress site.

The standfirst is the ``h2.excerpt`` under the headline; the story is the paragraphs
and subheadings of ``div.article-content``, where "Read Next" teasers, adverts and
image captions sit between them in blocks of their own. Titles are the headline
shown (``h1``): ``og:title`` is sometimes a longer search-engine version.
"""

from __future__ import annotations

import unicodedata

from lxml.cssselect import CSSSelector

import ingest.extract
from ingest import Article, Outlet, Page, hookimpl

INEWS = Outlet(
    name="inews",
    title="i",
    domains=["inews.co.uk"],
    language="en",
    seeds=["https://inews.co.uk/"],
    feeds=["https://inews.co.uk/feed"],
    sitemaps=["https://inews.co.uk/sitemap.xml"],
    articles=r"inews\.co\.uk/[\w-]+/(?:[\w-]+/)*[\w-]+-\d{6,}/?(?:$|[?#])",
    drop=["div.inews__shortcode-relatedarticleinline", "div.inews__advert", "figure"],
)

BODY = "div.article-content"
PARAGRAPHS = CSSSelector(
    f"article h2.excerpt, {BODY} > p, {BODY} > h2, {BODY} > h3, {BODY} > ul > li,"
    f" {BODY} > blockquote"
)
CONTAINER = CSSSelector(BODY)  # the story's container
SKIP = CSSSelector(", ".join(INEWS.drop))
HEADLINE = CSSSelector("article h1")


@hookimpl
def register_outlets(register):
    register(INEWS)


@hookimpl
def extract_article(page: Page, outlet: Outlet | None) -> Article | None:
    """trafilatura reads the metadata; the text is the standfirst and the story's blocks."""
    if outlet is None or outlet.name != INEWS.name:
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
    if outlet is None or outlet.name != INEWS.name:
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
