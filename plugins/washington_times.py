"""The Washington Times (washingtontimes.com): US politics.

The subheadline under the headline (``p.page-subheadline``) opens the text; the
story is the paragraphs of ``div.bigtext``, and a reporter's contact line ("• Stephen
Dinan can be reached at ...") closes it in a ``div`` of its own. ``meta name=author``
is the site's name and address, which the generic cleanup splits into "authors":
authors come from the byline instead.
"""

from __future__ import annotations

import unicodedata

from lxml.cssselect import CSSSelector

import ingest.extract
from ingest import Article, Outlet, Page, hookimpl
from ingest.normalize import clean_authors

WASHINGTON_TIMES = Outlet(
    name="washington-times",
    title="The Washington Times",
    domains=["washingtontimes.com"],
    language="en",
    seeds=["https://www.washingtontimes.com/"],
    feeds=[
        "https://www.washingtontimes.com/rss/headlines/news/politics/",
        "https://www.washingtontimes.com/rss/headlines/news/world/",
    ],
    sitemaps=["https://www.washingtontimes.com/sitemap-stories.xml"],
    articles=r"washingtontimes\.com/news/\d{4}/[a-z]{3}/\d{1,2}/[\w-]+",  # /news/2024/feb/29/slug
    drop=["div.piano-newsletter-inline-in-article", "div.outbrain-unit-desktop", "div.permission"],
)

BODY = "div.bigtext"
PARAGRAPHS = CSSSelector(
    f"p.page-subheadline, {BODY} > p, {BODY} > h2, {BODY} > h3, {BODY} > ul > li,"
    f" {BODY} > blockquote, {BODY} > div[style] > p"
)
CONTAINER = CSSSelector(BODY)  # the story's container
SKIP = CSSSelector(", ".join(WASHINGTON_TIMES.drop))
BYLINE = CSSSelector("span.byline a")


@hookimpl
def register_outlets(register):
    register(WASHINGTON_TIMES)


@hookimpl
def extract_article(page: Page, outlet: Outlet | None) -> Article | None:
    """trafilatura reads the metadata; the text is the subheadline and the story's blocks."""
    if outlet is None or outlet.name != WASHINGTON_TIMES.name:
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
    if outlet is None or outlet.name != WASHINGTON_TIMES.name:
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
