"""Which fetched pages are articles: the built-in default of the ``is_article`` hook.

Registered ``trylast``: an outlet's URL pattern or its own hook decides first;
this looks at what any page says of itself (metadata, then text density).
``looks_like_article_url`` guesses from a URL alone, before fetching, for
sites no plugin describes: the crawl fetches likely articles first.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import lxml.html

from ingest import hookimpl
from ingest.article import Page
from ingest.plugins.outlet import Outlet

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
#: JSON-LD types of listing pages: a section front with long teasers is still no article.
LISTING_TYPES = {"collectionpage", "itemlist", "searchresultspage", "profilepage"}

# Path segments of listings and site pages, never of an article.
_NOT_ARTICLE = re.compile(
    r"/(?:tags?|topics?|categor(?:y|ies)|sections?|authors?|page|search|about|contact|"
    r"feeds?|rss|login|account|subscribe|newsletters?|archives?|video|videos|gallery|"
    r"privacy|terms|impressum|kontakt)(?:/|$)",
    re.I,
)
_DATED = re.compile(r"/(?:19|20)\d{2}/(?:0?[1-9]|1[0-2])(?:/(?:0?[1-9]|[12]\d|3[01]))?/[^/]+")
_NUMBERED = re.compile(r"[/\-_.](?:\d{5,}|[a-z]?\d{6,})(?:[/.\-_]|\.html?|$)", re.I)
_SLUG = re.compile(r"[a-z0-9\u00c0-\uffff]+(?:[-_][a-z0-9\u00c0-\uffff]+){3,}", re.I)


def looks_like_article_url(url: str) -> bool:
    """A guess from the URL's shape: a date folder, a long id, or a slug of four words or more.

    Listing paths (``/tag/``, ``/author/``, ``/page/2``...) are never articles.
    """
    path = urlsplit(url).path
    if len(path) <= 1 or _NOT_ARTICLE.search(path):
        return False
    last = path.rstrip("/").rsplit("/", 1)[-1]
    last = re.sub(r"\.(?:html?|php|aspx?)$", "", last)
    return bool(_DATED.search(path) or _NUMBERED.search(path) or _SLUG.fullmatch(last))


@hookimpl(trylast=True)
def is_article(page: Page, outlet: Outlet | None) -> bool:
    """Outlet URL patterns first; otherwise the page's own metadata and text density."""
    verdict = outlet.is_article_url(page.url) if outlet else None
    if verdict is not None:
        return verdict
    if has_article_metadata(page.tree):
        return True
    return not is_listing(page.tree) and has_article_text(page.tree)


def is_listing(tree: lxml.html.HtmlElement) -> bool:
    """The page declares itself a listing (JSON-LD CollectionPage, ItemList...)."""
    return any(t.lower() in LISTING_TYPES for t in json_ld_types(tree))


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
    """Enough prose in paragraphs of real sentences, as a page without metadata shows.

    Words inside links don't count: a section page's linked teasers are no prose.
    """
    words = 0
    for p in tree.iter("p"):
        n = len(p.text_content().split())
        if n >= 12:
            n -= sum(len(a.text_content().split()) for a in p.iter("a"))
            words += n if n >= 12 else 0
    return words >= min_words
