"""Fox News (foxnews.com): US news and opinion.

The page opens with a subheadline and, on many stories, a bulleted summary; the
story's paragraphs follow in ``div.article-body``, inside ``div.paywall`` on gated
stories. Between them, one-line paragraphs that are only a bold link in capitals
("ANDY KIM SEES 3RD STRAIGHT WIN ...", "CLICK HERE TO GET THE FOX NEWS APP") point
to other stories; the author's bio after the story is not part of it either.
"""

from __future__ import annotations

import unicodedata

from lxml.cssselect import CSSSelector

import ingest.extract
from ingest import Article, Outlet, Page, hookimpl

FOX_NEWS = Outlet(
    name="fox-news",
    title="Fox News",
    domains=["foxnews.com"],
    language="en",
    seeds=["https://www.foxnews.com/"],
    feeds=[
        "https://moxie.foxnews.com/google-publisher/latest.xml",
        "https://moxie.foxnews.com/google-publisher/politics.xml",
        "https://moxie.foxnews.com/google-publisher/us.xml",
        "https://moxie.foxnews.com/google-publisher/world.xml",
    ],
    sitemaps=["https://www.foxnews.com/sitemap.xml?type=news"],
    # /section/slug-of-at-least-four-words; videos and section pages are not articles
    articles=(
        r"foxnews\.com/(?!video/|category/|shows/)[\w-]+/[a-z0-9]+(?:-[a-z0-9]+){3,}/?(?:$|[?#])"
    ),
    drop=["div.ad-container", "div.image-ct", "div.featured-video", "div.author-bio"],
)

BODY = "div.article-body"
PARAGRAPHS = CSSSelector(
    ", ".join(
        f"{body} > p:not(:has(> a:only-child > strong)), {body} > h2, {body} > ul > li"
        for body in (BODY, f"{BODY} > div.paywall")
    )
    + ", header.article-header h2.sub-headline"
)
CONTAINER = CSSSelector(BODY)  # the story's container
SKIP = CSSSelector(", ".join(FOX_NEWS.drop))


@hookimpl
def register_outlets(register):
    register(FOX_NEWS)


@hookimpl
def extract_article(page: Page, outlet: Outlet | None) -> Article | None:
    """trafilatura reads the metadata; the text is the subheadline, summary and paragraphs."""
    if outlet is None or outlet.name != FOX_NEWS.name:
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
