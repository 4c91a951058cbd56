"""Reuters (reuters.com): world, business and markets news.

Paragraphs are ``div``s whose ``data-testid`` starts with "paragraph" (the class names
carry build hashes and change); subheadings are ``h2[data-testid=Heading]`` and the
credits ("Reporting by ...; Editing by ...") a ``p`` of class ``sign-off__text``.
Links to other pages carry a visually hidden ", opens new tab" for screen readers,
which is not part of the sentence.
"""

from __future__ import annotations

import unicodedata

from lxml.cssselect import CSSSelector

import ingest.extract
from ingest import Article, Outlet, Page, hookimpl

REUTERS = Outlet(
    name="reuters",
    title="Reuters",
    domains=["reuters.com"],
    language="en",
    seeds=["https://www.reuters.com/"],
    # Reuters has published no RSS feeds since 2020; its news sitemap lists recent stories.
    sitemaps=["https://www.reuters.com/arc/outboundfeeds/news-sitemap-index/?outputType=xml"],
    # /world/africa/slug-2024-03-04/, and before 2021 /article/us-awards-sag/slug-idUSKBN1ZI0EH
    articles=(
        r"reuters\.com/(?:(?:[\w-]+/)+[\w-]+-\d{4}-\d{2}-\d{2}"
        r"|article/(?:[\w-]+/)*[\w-]+-id[A-Z0-9]{6,})/?(?:$|[?#])"
    ),
    drop=["span[style*='clip:rect']"],  # text for screen readers only: ", opens new tab"
)

BODY = "div[data-testid=ArticleBody]"
PARAGRAPHS = CSSSelector(
    f"{BODY} div[data-testid^=paragraph], {BODY} h2[data-testid=Heading],"
    f" {BODY} p[class*=sign-off__text]"
)
CONTAINER = CSSSelector(BODY)  # the story's container
SKIP = CSSSelector(", ".join(REUTERS.drop))


@hookimpl
def register_outlets(register):
    register(REUTERS)


@hookimpl
def extract_article(page: Page, outlet: Outlet | None) -> Article | None:
    """trafilatura reads the metadata; the text is the story's paragraphs and credits."""
    if outlet is None or outlet.name != REUTERS.name:
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
