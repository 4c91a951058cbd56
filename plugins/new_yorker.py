"""The New Yorker (newyorker.com): reporting, criticism and commentary.

The dek under the headline opens the text; the story is the paragraphs of the
``div.body__inner-container`` blocks (one per screenful, between ads and "read
more" cards), and a magazine piece closes with its print-edition line ("Published in
the print edition of the March 11, 2024, issue"). ``meta name=author`` is the
publisher, "Condé Nast": authors come from the byline instead.
"""

from __future__ import annotations

import unicodedata

from lxml.cssselect import CSSSelector

import ingest.extract
from ingest import Article, Outlet, Page, hookimpl
from ingest.normalize import clean_authors

NEW_YORKER = Outlet(
    name="new-yorker",
    title="The New Yorker",
    domains=["newyorker.com"],
    language="en",
    seeds=["https://www.newyorker.com/"],
    feeds=["https://www.newyorker.com/feed/rss"],  # the feed every page links to
    sitemaps=["https://www.newyorker.com/feed/google-news-sitemap-feed/sitemap-google-news"],
    # /magazine/2024/03/11/slug, /news/daily-comment/slug, /culture/cultural-comment/slug
    articles=(
        r"newyorker\.com/(?:magazine/\d{4}/\d{2}/\d{2}|(?!feed/|tag/|contributors/|video/"
        r"|newsletters?/|about/|account/)[\w-]+/[\w-]+)/[\w-]+/?(?:$|[?#])"
    ),
    drop=["div[data-testid=GenericCallout]", "figure"],
)

BODY = "div.body__inner-container"
PARAGRAPHS = CSSSelector(
    f"header div[class*=ContentHeaderDek], {BODY} > p, {BODY} > h2, {BODY} > blockquote,"
    f" {BODY} > ul > li, footer[data-testid=MagazineDisclaimerWrapper]"
)
CONTAINER = CSSSelector(BODY)  # the story's container
SKIP = CSSSelector(", ".join(NEW_YORKER.drop))
BYLINE = CSSSelector("article header a.byline__name-link")


@hookimpl
def register_outlets(register):
    register(NEW_YORKER)


@hookimpl
def extract_article(page: Page, outlet: Outlet | None) -> Article | None:
    """trafilatura reads the metadata; the text is the dek, the story and its print line."""
    if outlet is None or outlet.name != NEW_YORKER.name:
        return None
    lines = paragraphs(page) if CONTAINER(page.tree) else []
    if not lines:
        return None  # not a layout this plugin knows: the generic path takes over
    article = ingest.extract.extract_article(page, outlet)
    article.text = "\n".join(lines)
    return article


@hookimpl
def normalize_article(article: Article, page: Page, outlet: Outlet | None) -> None:
    """Authors as the byline names them, not the publisher."""
    if outlet is None or outlet.name != NEW_YORKER.name:
        return
    names = clean_authors([" ".join(e.text_content().split()) for e in BYLINE(page.tree)])
    if names:
        article.authors = names


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
