"""Which fetched pages are articles: the built-in default of the ``is_article`` hook.

Registered ``trylast``: an outlet's URL pattern or its own hook decides first;
this looks at what any page says of itself (metadata, then the prose it holds:
sentences outside links and teasers, in ``<p>``s or ``<br>``-separated lines alike).
``looks_like_article_url`` guesses from a URL alone, before fetching, for
sites no plugin describes: the crawl fetches likely articles first.
"""

from __future__ import annotations

import json
import re
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

import lxml.html

from ingest import hookimpl
from ingest.article import Page
from ingest.plugins.outlet import Outlet
from ingest.words import count_words, has_sentence

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
#: A story's number in the query, as older CMSs name their pages (``?p=2895``,
#: ``news.php?newsid=6486285``, ``article.php?id=58354``): a post's or a story's, never a
#: category's, a section's, a user's or a session's (``cat_id``, ``sid``).
_QUERY_ID = re.compile(
    r"(?:^|&)(?:p|id|nid|aid|(?:news|article|artikel|story|post|entry|content|doc|beitrag"
    r"|meldung|nota|noticia)[_-]?id)=\d{3,}(?:&|$)",
    re.I,
)
#: A query naming a listing's view (Joomla's ``view=category&id=...``) holds no story's number.
_LISTING_VIEW = re.compile(
    r"(?:^|&)(?:view|layout|task)=(?:category|section|list|blog|archive|tag)(?:&|$)", re.I
)
_SLUG = re.compile(r"[a-z0-9\u00c0-\uffff]+(?:[-_][a-z0-9\u00c0-\uffff]+){3,}", re.I)


def looks_like_article_url(url: str) -> bool:
    """A guess from the URL's shape: a date folder, a long id, a story's number in the
    query, or a slug of four words or more.

    Listing paths (``/tag/``, ``/author/``, ``/page/2``...) are never articles.
    """
    parts = urlsplit(url)
    path = parts.path
    if _NOT_ARTICLE.search(path):
        return False
    if _QUERY_ID.search(parts.query) and not _LISTING_VIEW.search(parts.query):
        return True
    if len(path) <= 1:
        return False
    last = path.rstrip("/").rsplit("/", 1)[-1]
    last = re.sub(r"\.(?:html?|php|aspx?)$", "", last)
    return bool(_DATED.search(path) or _NUMBERED.search(path) or _SLUG.fullmatch(last))


#: The outlet's verdict on the page's URL, as ``Page.shared`` keeps it: made safely by
#: ``ingest.extract.process`` (an outlet's own ``is_article_url`` may raise).
OUTLET_VERDICT = "outlet_is_article_url"


@hookimpl(trylast=True)
def is_article(page: Page, outlet: Outlet | None) -> bool:
    """Outlet URL patterns first; otherwise the page's own metadata and the prose it holds.

    A page the outlet's pattern turns away that dates itself as an article and holds an
    article's prose is taken all the same, and marked (``Page.pattern_missed``): a site
    that moved its stories to new URLs would otherwise lose every one of them as
    ``not_article``, with nothing to say the plugin's pattern went stale. ``og:type``
    alone is not enough: CMSs set it on static and author pages, which a pattern may
    leave out on purpose.
    """
    verdict = None
    if outlet:
        verdict = page.shared(OUTLET_VERDICT, lambda: outlet.is_article_url(page.url))
    if verdict:
        return True
    if verdict is False:
        page.pattern_missed = is_dated_article(page.tree) and has_article_text(page.tree, page.url)
        return page.pattern_missed
    if has_article_metadata(page.tree):
        return True
    return not is_listing(page.tree) and has_article_text(page.tree, page.url)


def is_listing(tree: lxml.html.HtmlElement) -> bool:
    """The page declares itself a listing (JSON-LD CollectionPage, ItemList...)."""
    return any(t.lower() in LISTING_TYPES for t in json_ld_types(tree))


def has_article_metadata(tree: lxml.html.HtmlElement) -> bool:
    if tree.xpath("//meta[@property='og:type'][translate(@content,'ARTICLE','article')='article']"):
        return True
    return is_dated_article(tree)


def is_dated_article(tree: lxml.html.HtmlElement) -> bool:
    """Article metadata a news CMS writes for its stories only: a publication time, or a
    JSON-LD article type (``og:type`` goes on about pages and author pages too)."""
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


#: Words of prose that make a page an article on their own; a brief needs fewer, with an
#: article's markup (a headline in the same ``<article>``) or an article's URL.
ARTICLE_WORDS = 150
BRIEF_WORDS = 60
#: A line of prose: this many words outside links at least, and a sentence's punctuation.
LINE_WORDS = 10
#: A linked headline over this many lines at most is a teaser; a story may link its subheadings.
TEASER_LINES = 2
#: Words of a link that opens a line like a story's headline in a list of stories.
HEADLINE_WORDS = 3
# Blocks: where a line of text ends. Skipped: what is never an article's prose. Not
# <noscript>: what it holds is the page a reader without scripts gets, as a crawler is; a
# site drawn by scripts may have its story there alone.
_BLOCKS = frozenset(
    "p div td th li dd dt section article main blockquote header aside form table tr ul ol"
    " dl figure center h1 h2 h3 h4 h5 h6 pre address details summary".split()
)
_SKIP = frozenset("script style template svg nav footer figcaption button select".split())
# Headings among an element's children or grandchildren (a teaser's <header><h2>).
_CHILD_HEADINGS = "|".join(f"./{h}|./*/{h}" for h in ("h2", "h3", "h4"))


def has_article_text(tree: lxml.html.HtmlElement, url: str = "") -> bool:
    """Enough prose: lines of sentences, in ``<p>``s or split by ``<br>`` alike.

    Words inside links don't count, nor do teasers (a line next to a linked
    headline, as section fronts and tag pages list stories): a listing's blurbs
    are no prose however long. A short brief counts as an article when a
    headline opens the same ``<article>`` or the URL has an article's shape.
    """
    words, headed = prose(tree, url)
    if words >= ARTICLE_WORDS:
        return True
    if words < BRIEF_WORDS:
        return False
    path = urlsplit(url).path
    return headed or (looks_like_article_url(url) and not _NOT_ARTICLE.search(path))


def prose(tree: lxml.html.HtmlElement, url: str = "") -> tuple[int, bool]:
    """Words in prose lines outside teasers, and whether an ``<article>`` holding some of
    them also holds an ``<h1>``.

    Lines are grouped by the nearest ancestor holding more than one element (wrappers
    of one block skipped): a story's paragraphs share one, each teaser of a listing
    has its own. A group counts with two lines or more, or one line of a brief's
    length, unless it is a listing's: a linked headline over a line or two, or
    lines most of which open with a headline's link (a list of stories).
    """
    groups: dict[lxml.html.HtmlElement, list[Line]] = {}
    holders: dict[lxml.html.HtmlElement, list] = {}
    for block in tree.iter(*_BLOCKS):
        if is_skipped(block):
            continue
        lines = [line for line in own_lines(block) if line.words >= LINE_WORDS]
        group = next((a for a in block.iterancestors() if len(a) > 1), None)
        if not lines or group is None:
            continue
        groups.setdefault(group, []).extend(lines)
        holders.setdefault(group, block.xpath("ancestor-or-self::article[1]"))
    words, headed = 0, False
    here = own_addresses(tree, url) if url else set()
    for group, lines in groups.items():
        total = sum(line.words for line in lines)
        if len(lines) < 2 and total < BRIEF_WORDS:
            continue
        if len(lines) <= TEASER_LINES and has_linked_heading(group, url, here):
            continue
        if 2 * sum(line.listed for line in lines) > len(lines):
            continue
        words += total
        article = holders[group]
        headed = headed or (bool(article) and article[0].find(".//h1") is not None)
    return words, headed


#: A menu: a story's ``<main>`` or ``<article>`` inside one was put there by a tag left
#: open (a menu's ``<li>`` never closed), and is read all the same. A footer may hold
#: ``<article>`` teasers of other stories, and stays skipped.
_CHROME = frozenset({"nav"})
_STORY = frozenset({"main", "article"})


def is_skipped(block: lxml.html.HtmlElement) -> bool:
    """Inside what is never prose, unless a ``<main>`` or ``<article>`` around the block is
    nearer than the menu holding it."""
    for ancestor in block.iterancestors():
        if ancestor.tag in _STORY:
            return any(a.tag in _SKIP - _CHROME for a in ancestor.iterancestors())
        if ancestor.tag in _SKIP:
            return True
    return False


class Line(NamedTuple):
    words: int  # outside links
    listed: bool  # opens with a link of a headline's length, as a list of stories does


def own_lines(block: lxml.html.HtmlElement) -> list[Line]:
    """The sentence-shaped lines of the block's own text (its inline children included,
    its blocks not), lines split at ``<br>``."""
    lines: list[Line] = []
    text, linked, listed = [block.text or ""], 0, False

    def end_line() -> None:
        nonlocal text, linked, listed
        line = " ".join(text)
        if has_sentence(line):
            lines.append(Line(count_words(line) - linked, listed))
        text, linked, listed = [], 0, False

    for child in block:
        if not isinstance(child.tag, str):
            pass
        elif child.tag == "br" or child.tag in _BLOCKS:
            end_line()
        elif child.tag not in _SKIP:
            inner = child.text_content()
            if child.tag == "a":
                n = count_words(inner)
                listed = listed or (n >= HEADLINE_WORDS and not "".join(text).strip())
                linked += n
            else:
                linked += sum(count_words(a.text_content()) for a in child.iter("a"))
            text.append(inner)
        text.append(child.tail or "")
    end_line()
    return lines


def has_linked_heading(
    element: lxml.html.HtmlElement, url: str = "", here: set[str | None] | None = None
) -> bool:
    """A headline that is a link to another page, among the element's children or theirs:
    a teaser's. Blogs link a post's own headline to the post: that one is no teaser.
    ``here``: the page's ``own_addresses``, when known already."""
    if here is None:
        here = own_addresses(element.getroottree().getroot(), url) if url else set()
    for heading in element.xpath(_CHILD_HEADINGS):
        words = count_words(heading.text_content())
        linked = sum(
            count_words(a.text_content())
            for a in heading.iter("a")
            if a.get("href") and same_page_key(url, a.get("href")) not in here
        )
        if words and linked * 2 >= words:
            return True
    return False


#: Where a page names its own address: a copy served elsewhere (a mirror, an archive, a
#: proxy) still links its headline to the address it was published at.
_DECLARED_ADDRESS = (
    "//link[contains(concat(' ', normalize-space(translate(@rel, 'CANONIL', 'canonil'))"
    ", ' '), ' canonical ')]/@href | //meta[@property='og:url']/@content"
)


def own_addresses(tree: lxml.html.HtmlElement, url: str) -> set[str | None]:
    """The page's own address and those it declares (canonical link, ``og:url``), as
    ``same_page_key`` spells them; an unreadable one is left out."""
    keys = {same_page_key(url)} | {
        same_page_key(url, href) for href in tree.xpath(_DECLARED_ADDRESS)
    }
    return keys - {None}


def same_page_key(url: str, href: str = "") -> str | None:
    """``href`` from ``url``, as far as it names a page: no fragment, scheme or trailing
    slash, host in lower case; None for an address that can't be read ("http://[oops") or
    names no web page (``javascript:``, ``mailto:``)."""
    try:
        parts = urlsplit(urljoin(url, href.strip()))
    except ValueError:
        return None
    if parts.scheme not in ("http", "https", "file", ""):
        return None
    page = parts.netloc.lower() + parts.path.rstrip("/")
    return f"{page}?{parts.query}" if parts.query else page
