"""HTML -> Article: the built-in extraction, trafilatura with metadata.

Registered as a default plugin with ``trylast``, so an outlet plugin's own
``extract_article`` or ``is_article`` wins. Runs in worker processes.
"""

from __future__ import annotations

import unicodedata
from functools import cache

import lxml.html
import trafilatura
from cssselect import GenericTranslator, SelectorError
from lxml import etree
from lxml.etree import ParserError

from ingest import hookimpl
from ingest.article import Article, Page
from ingest.extract.blocks import block_lines
from ingest.extract.blocks import selector as block_selector
from ingest.extract.dates import page_dates
from ingest.extract.lead import standfirst
from ingest.extract.metadata import body_author, page_metadata
from ingest.extract.normalize import byline_authors
from ingest.plugins.outlet import Outlet

EXTRACTOR = f"trafilatura {trafilatura.__version__}"

# trafilatura silently returns None past these (its own limits); we say why instead.
MAX_DEPTH = 256
MAX_TEXT_NODE = 10_000_000
HUGE_PARSER = lxml.html.HTMLParser(huge_tree=True)


class ExtractionError(Exception):
    """A page that should have held an article but yielded none, with the reason."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


@hookimpl(trylast=True)
def extract_article(page: Page, outlet: Outlet | None) -> Article:
    """trafilatura over the page, comments off, the outlet's ``drop`` blocks pruned."""
    # The site's own paragraphs when the outlet names them and they are there: no guessing.
    lines = own_paragraphs(page, outlet)
    meta = page_metadata(page.tree, page.url, read_author=False)
    text = "\n".join(lines) if lines else with_lead(page, main_text(page, outlet), meta.title)
    authors = [a.strip() for a in (meta.author or "").split(";") if a.strip()]
    # The visible byline is cheap to read; trafilatura's body search only without one.
    authors = authors or byline_authors(page) or page_authors(page)
    dates = page_dates(page.tree, page.url, page.fetched, page.listed)
    # Pages mix composed and decomposed accents; stored text is NFC, as trafilatura prints it.
    return Article(
        url=page.url,
        title=unicodedata.normalize("NFC", meta.title or ""),
        text=unicodedata.normalize("NFC", text),
        authors=authors,
        published=dates.published,
        published_day=dates.published_day,
        published_source=dates.published_source,
        modified=dates.modified,
        sitename=meta.sitename,
        description=meta.description,
        canonical_url=meta.url if meta.url and meta.url.startswith("http") else None,
        image=meta.image,
        tags=meta.tags,
        extractor=EXTRACTOR,
    )


def page_authors(page: Page) -> list[str]:
    """The authors trafilatura's search of the page body finds, for pages without a byline."""
    found = body_author(page.tree) or ""
    return [a.strip() for a in found.split(";") if a.strip()]


def own_paragraphs(page: Page, outlet: Outlet | None) -> list[str]:
    """The outlet's ``paragraphs`` blocks, when its ``body`` container (if named) is there.

    A page of another layout (an older design, a live blog) has no such
    container and goes the generic way.
    """
    if outlet is None or not outlet.paragraphs:
        return []
    if outlet.body and not block_selector(outlet.body)(page.tree):
        return []
    return block_lines(page.tree, outlet.paragraphs, outlet.drop)


def main_text(page: Page, outlet: Outlet | None) -> str:
    """trafilatura's choice of the main text, within the outlet's body if it names one."""
    prune = [css_to_xpath(s) for s in outlet.drop] if outlet else []
    doc = trafilatura.bare_extraction(
        page.tree,  # trafilatura works on a copy
        url=page.url,
        include_comments=False,
        prune_xpath=prune or None,
    )
    text = (doc.text or "") if doc is not None else ""
    if outlet and outlet.body and text.strip():
        text = body_text(page, outlet) or text
    if not text.strip():
        raise ExtractionError(*why_empty(page))
    return text


def with_lead(page: Page, text: str, title: str | None) -> str:
    """The text with the page's standfirst before it, when trafilatura left it out."""
    if page.outlet and page.outlet.body:
        return text  # the outlet names where its text is
    lead = standfirst(page.tree, text, title)
    return f"{lead}\n{text}" if lead else text


def body_text(page: Page, outlet: Outlet) -> str | None:
    """The text inside the outlet's body selector, for sites the generic path misreads."""
    found = page.tree.cssselect(outlet.body) if outlet.body else []
    if not found:
        return None
    prune = [css_to_xpath(s) for s in outlet.drop]
    fragment = lxml.html.tostring(found[0], encoding="unicode")
    return trafilatura.extract(
        f"<html><body>{fragment}</body></html>",
        include_comments=False,
        prune_xpath=prune or None,
        favor_recall=True,
    )


def why_empty(page: Page) -> tuple[str, str]:
    """Name the reason trafilatura gave nothing, since it does not say."""
    try:
        # The default parser stops at trafilatura's limits; this one sees past them.
        tree = lxml.html.document_fromstring(page.html, parser=HUGE_PARSER)
    except (ParserError, ValueError) as exc:
        return "unparseable", f"HTML could not be parsed: {exc}"
    depth = max_depth(tree)
    if depth > MAX_DEPTH:
        return "too_deep", f"HTML nests {depth} levels deep (limit {MAX_DEPTH})"
    longest = max((len(t) for t in tree.itertext()), default=0)
    if longest > MAX_TEXT_NODE:
        return "too_large", f"a text node holds {longest:,} characters (limit {MAX_TEXT_NODE:,})"
    return "no_text", "no article text found"


def max_depth(tree: lxml.html.HtmlElement) -> int:
    deepest = depth = 0
    for event, _ in etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


@cache
def css_to_xpath(selector: str) -> str:
    try:
        return GenericTranslator().css_to_xpath(selector, prefix="descendant-or-self::")
    except SelectorError as exc:
        raise ValueError(f"bad CSS selector {selector!r}: {exc}") from exc
