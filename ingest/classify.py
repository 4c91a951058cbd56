"""Which fetched pages are articles: the built-in default of the ``is_article`` hook.

Registered ``trylast``: an outlet's URL pattern or its own hook decides first;
this looks at what any page says of itself (metadata, then text density).
"""

from __future__ import annotations

import json

import lxml.html

from ingest import hookimpl
from ingest.article import Page
from ingest.outlet import Outlet

ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "backgroundnewsarticle",
    "blogposting",
    "report",
    "liveblogposting",
}


@hookimpl(trylast=True)
def is_article(page: Page, outlet: Outlet | None) -> bool:
    """Outlet URL patterns first; otherwise the page's own metadata and text density."""
    verdict = outlet.is_article_url(page.url) if outlet else None
    if verdict is not None:
        return verdict
    return has_article_metadata(page.tree) or has_article_text(page.tree)


def has_article_metadata(tree: lxml.html.HtmlElement) -> bool:
    if tree.xpath("//meta[@property='og:type'][translate(@content,'ARTICLE','article')='article']"):
        return True
    if tree.xpath("//meta[@property='article:published_time']"):
        return True
    return any(t.lower() in ARTICLE_TYPES for t in json_ld_types(tree))


def json_ld_types(tree: lxml.html.HtmlElement) -> list[str]:
    """Every schema.org @type declared in the page's JSON-LD, nested graphs included."""
    types: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            kind = node.get("@type")
            types.extend(kind if isinstance(kind, list) else [kind] if kind else [])
            walk(node.get("@graph"))

    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            walk(json.loads(script))
        except ValueError:
            continue
    return [t for t in types if isinstance(t, str)]


def has_article_text(tree: lxml.html.HtmlElement, min_words: int = 150) -> bool:
    """Enough prose in paragraphs of real sentences, as a page without metadata shows."""
    words = 0
    for p in tree.iter("p"):
        n = len(p.text_content().split())
        if n >= 12:
            words += n
    return words >= min_words
