"""The Guardian (theguardian.com): British and international news.

The standfirst under the headline (``div[data-gu-name=standfirst]``) opens the
text; the story is the paragraphs, subheadings and pull quotes (``aside >
blockquote``) of ``div.article-body-viewer-selector``, closed by an optional
footnote (``footer``). Newsletter sign-ups and "related" cards are ``figure``s
between them. The headline shown (``h1``) often differs from ``og:title``, and the
JSON-LD names "Guardian staff reporter" where the byline names the writer.
"""

from __future__ import annotations

import unicodedata

from lxml.cssselect import CSSSelector

import ingest.extract
from ingest import Article, Outlet, Page, hookimpl
from ingest.normalize import clean_authors

GUARDIAN = Outlet(
    name="guardian",
    title="The Guardian",
    domains=["theguardian.com"],
    language="en",
    seeds=["https://www.theguardian.com/international"],
    feeds=[
        "https://www.theguardian.com/world/rss",
        "https://www.theguardian.com/uk-news/rss",
        "https://www.theguardian.com/us-news/rss",
    ],
    sitemaps=["https://www.theguardian.com/sitemaps/news.xml"],
    # /section/2024/mar/02/slug; /section/2024/mar/02/all lists the day's stories
    articles=r"theguardian\.com/(?:[\w-]+/)+\d{4}/[a-z]{3}/\d{2}/(?!all(?:$|[?#]))[\w-]+(?:$|[?#])",
    drop=["figure", "div#sign-in-gate"],
)

BODY = "div.article-body-viewer-selector"
PARAGRAPHS = CSSSelector(
    f"div[data-gu-name=standfirst] p, {BODY} > p, {BODY} > h2, {BODY} > ul > li,"
    f" {BODY} > aside > blockquote, {BODY} > footer"
)
CONTAINER = CSSSelector(BODY)  # the story's container
SKIP = CSSSelector(", ".join(GUARDIAN.drop))
HEADLINE = CSSSelector("h1")  # in the article, or above it on "immersive" pages
BYLINE = CSSSelector("[data-component=meta-byline] a[rel=author], div[data-gu-name=byline]")


@hookimpl
def register_outlets(register):
    register(GUARDIAN)


@hookimpl
def extract_article(page: Page, outlet: Outlet | None) -> Article | None:
    """trafilatura reads the metadata; the text is the standfirst and the story's blocks."""
    if outlet is None or outlet.name != GUARDIAN.name:
        return None
    lines = paragraphs(page) if CONTAINER(page.tree) else []
    if not lines:
        return None  # not a layout this plugin knows: the generic path takes over
    article = ingest.extract.extract_article(page, outlet)
    article.text = "\n".join(lines)
    return article


@hookimpl
def normalize_article(article: Article, page: Page, outlet: Outlet | None) -> None:
    """The title as the headline shows it, the authors as the byline names them."""
    if outlet is None or outlet.name != GUARDIAN.name:
        return
    for headline in HEADLINE(page.tree)[:1]:
        article.title = " ".join(headline.text_content().split()) or article.title
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
