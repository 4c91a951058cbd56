"""Los Angeles Times (latimes.com): Californian and US news.

A story is the paragraphs of ``div[data-element=story-body]``; voter guides,
"More to Read" lists and ads sit between them in ``div.enhancement`` blocks. Some
stories (letters pages, poll write-ups) are a "story stack" instead: numbered
items, each with a title (``h3.story-stack-story-title``) and paragraphs of its own.
Letter writers sign with name and town on two lines of one paragraph (a ``<br>``).
"""

from __future__ import annotations

import unicodedata

from lxml.cssselect import CSSSelector

import ingest.extract
from ingest import Article, Outlet, Page, hookimpl

LA_TIMES = Outlet(
    name="la-times",
    title="Los Angeles Times",
    domains=["latimes.com"],
    language="en",
    seeds=["https://www.latimes.com/"],
    feeds=[
        "https://www.latimes.com/california/rss2.0.xml",
        "https://www.latimes.com/world-nation/rss2.0.xml",
    ],
    sitemaps=["https://www.latimes.com/news-sitemap.xml"],
    articles=r"latimes\.com/(?:[\w-]+/)*story/\d{4}-\d{2}-\d{2}/[\w-]+",
    drop=["div.enhancement"],
)

STORY = "div[data-element=story-body]"
STACK = "div.story-stack-story"
PARAGRAPHS = CSSSelector(
    f"{STORY} > p, {STORY} > h2, {STORY} > h3, {STORY} > ul > li, {STORY} > blockquote,"
    f" {STACK} > h3.story-stack-story-title, {STACK} > div[data-element$=story-body] > p"
)
CONTAINER = CSSSelector(f"{STORY}, {STACK}")  # the story's container
SKIP = CSSSelector(", ".join(LA_TIMES.drop))


@hookimpl
def register_outlets(register):
    register(LA_TIMES)


@hookimpl
def extract_article(page: Page, outlet: Outlet | None) -> Article | None:
    """trafilatura reads the metadata; the text is the story's (or the stack's) blocks."""
    if outlet is None or outlet.name != LA_TIMES.name:
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
