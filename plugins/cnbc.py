"""CNBC (cnbc.com): US business and markets news.

A story opens with "Key Points", a bulleted summary (``div.RenderKeyPoints-list``)
that the generic path leaves out; its paragraphs are in the ``div.group`` blocks of
``div.ArticleBody-articleBody``, between photo embeds. Bylines name people
or "CNBC.com staff", which the generic metadata reader turns into "CNBC com staff":
the visible byline is read instead.
"""

from __future__ import annotations

import unicodedata

from lxml.cssselect import CSSSelector

import ingest.extract
from ingest import Article, Outlet, Page, hookimpl
from ingest.normalize import clean_authors

CNBC = Outlet(
    name="cnbc",
    title="CNBC",
    domains=["cnbc.com"],
    language="en",
    seeds=["https://www.cnbc.com/"],
    feeds=[
        "https://www.cnbc.com/id/100003114/device/rss/rss.html",  # top news
        "https://www.cnbc.com/id/10000664/device/rss/rss.html",  # finance
    ],
    sitemaps=["https://www.cnbc.com/sitemap_news.xml"],
    articles=r"cnbc\.com/\d{4}/\d{2}/\d{2}/[\w-]+\.html",
    drop=["div.InlineImage-imageEmbed"],  # photos and their credits
)

BODY = "div.ArticleBody-articleBody"
PARAGRAPHS = CSSSelector(
    f"div.RenderKeyPoints-list li, {BODY} > div.group > p, {BODY} > div.group > ul > li,"
    f" {BODY} > h2, {BODY} > div.group > h2"
)
CONTAINER = CSSSelector(BODY)  # the story's container
SKIP = CSSSelector(", ".join(CNBC.drop))
BYLINE = CSSSelector("div.ArticleHeader-authorContainer a.Author-authorName")


@hookimpl
def register_outlets(register):
    register(CNBC)


@hookimpl
def extract_article(page: Page, outlet: Outlet | None) -> Article | None:
    """trafilatura reads the metadata; the text is the key points and the body's paragraphs."""
    if outlet is None or outlet.name != CNBC.name:
        return None
    lines = paragraphs(page) if CONTAINER(page.tree) else []
    if not lines:
        return None  # not a layout this plugin knows: the generic path takes over
    article = ingest.extract.extract_article(page, outlet)
    article.text = "\n".join(lines)
    return article


@hookimpl
def normalize_article(article: Article, page: Page, outlet: Outlet | None) -> None:
    """Authors as the byline names them."""
    if outlet is None or outlet.name != CNBC.name:
        return
    names = clean_authors([" ".join(a.text_content().split()) for a in BYLINE(page.tree)])
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
