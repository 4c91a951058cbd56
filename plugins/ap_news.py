"""AP News (apnews.com): the Associated Press's own site.

The story is the paragraphs and subheadings of ``div.RichTextStoryBody``; ads,
"READ MORE" teasers and embeds sit between them in ``div``s of their own. A rule
of underscores (``___``) divides the story from its trailers (a fact-check
disclaimer, a link to a hub), sometimes as an ``h2``, sometimes inside the last
paragraph after a ``<br>``: the rule goes, the trailers stay (but for hub links,
"AP NFL: https://apnews.com/hub/nfl", which the generic cleanup drops as credits).
"""

from __future__ import annotations

import unicodedata

from lxml.cssselect import CSSSelector

import ingest.extract
from ingest import Article, Outlet, Page, hookimpl

AP_NEWS = Outlet(
    name="ap-news",
    title="AP News",
    domains=["apnews.com"],
    language="en",
    seeds=["https://apnews.com/"],
    # AP publishes no RSS feeds; its Google News sitemap lists the last two days.
    sitemaps=["https://apnews.com/news-sitemap-content.xml"],
    articles=r"apnews\.com/(?:article|sports)/[\w-]+-[0-9a-f]{12,32}/?(?:$|[?#])",
    drop=["div.Enhancement", "div.Advertisement"],
    boilerplate=["___"],
)

BODY = "div.RichTextStoryBody"
PARAGRAPHS = CSSSelector(f"{BODY} > p, {BODY} > h2, {BODY} > h3, {BODY} > ul > li")
CONTAINER = CSSSelector(BODY)  # the story's container
SKIP = CSSSelector(", ".join(AP_NEWS.drop))


@hookimpl
def register_outlets(register):
    register(AP_NEWS)


@hookimpl
def extract_article(page: Page, outlet: Outlet | None) -> Article | None:
    """trafilatura reads the metadata; the text is the story body's own paragraphs."""
    if outlet is None or outlet.name != AP_NEWS.name:
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
