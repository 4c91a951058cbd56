"""Where on a page a date sits: in the article itself, or in a block about other pages.

A ``<time>`` or a visible dateline inside the article dates it; one in a
related-posts list, a teaser, a sidebar, comments or the footer, or outside the
article on a page that marks one, dates something else more often than not.
Read from the markup alone (tags, classes, ids), in any language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import lxml.html
from lxml import etree

from ingest.extract.stamps import Stamp, read_dateline, read_stamp

#: Blocks that list other pages (related posts, teasers, sidebars, comments) or close the page.
ASIDE_TAGS = {"aside", "nav", "footer"}
ASIDE_RE = re.compile(
    r"related|teaser|sidebar|widget|recommend|popular|trending|comment|footer|promo"
    r"|readmore|read-more|more-|also",
    re.IGNORECASE,
)
MAIN_TAGS = {"article", "main"}
ARTICLE_BODY = etree.XPath("boolean(//@itemprop[. = 'articleBody'])")
PREFERRED_TIME = re.compile(r"publish|datePublished", re.IGNORECASE)
MARKS = ("class", "itemprop", "id")
#: Elements whose class or id says they hold a date: visible datelines. From the attributes
#: up to their elements: libxml2 tests only the attributes there are.
DATELINES = etree.XPath(
    "(//@class[contains(., 'date') or contains(., 'Date') or contains(., 'datum')"
    " or contains(., 'publish') or contains(., 'posted')] | //@id[contains(., 'date')])"
    "/parent::*[not(self::time or self::meta or self::script or self::body or self::html)]"
)
NOT_DATELINE = re.compile(r"update|modif", re.IGNORECASE)
#: No dateline runs longer; a longer text is a block that holds one among other things.
DATELINE_MAX = 120


def placed(
    tree: lxml.html.HtmlElement,
    elements: list[lxml.html.HtmlElement],
    read: Callable[[lxml.html.HtmlElement], Stamp | None],
    needs_mark: Callable[[lxml.html.HtmlElement], bool] | None = None,
) -> Iterator[tuple[Stamp, bool]]:
    """The first date of the article itself (``True``), and the first of anywhere else.

    A date in a block listing other pages, or outside the article when the
    page marks one, dates something else more often than the page. On a page
    that marks no article, ``needs_mark`` says which elements still count.
    """
    has_main = None
    strong = weak = False
    for element in elements:
        stamp = read(element)
        if stamp is None:
            continue
        ancestors = list(element.iterancestors())
        inside = any(a.tag in MAIN_TAGS or a.get("itemprop") == "articleBody" for a in ancestors)
        if not inside:
            has_main = _has_main(tree) if has_main is None else has_main
            inside = not has_main and (needs_mark is None or needs_mark(element))
        if not strong and inside and not _aside(ancestors):
            strong = True
            yield stamp, True
        elif not weak:
            weak = True
            yield stamp, False
        if strong and weak:
            return


def _has_main(tree: lxml.html.HtmlElement) -> bool:
    """Whether the page marks its article: the walk stops at the first <article> or <main>."""
    return next(tree.iter(*MAIN_TAGS), None) is not None or ARTICLE_BODY(tree)


def dateline(element: lxml.html.HtmlElement) -> Stamp | None:
    """The date a short element names, unless it is an update's or holds a <time>."""
    if NOT_DATELINE.search(names_of(element)):
        return None
    text = _short_text(element)
    if text is None or element.find(".//time") is not None:
        return None  # a block holding a dateline among other things, or read as a <time>
    return read_dateline(text)


def _short_text(element: lxml.html.HtmlElement) -> str | None:
    """An element's text if a dateline's length; a longer one holds a date among other things."""
    text = ""
    for piece in element.itertext():
        text += piece
        if len(text) > DATELINE_MAX:
            return None
    return text


def time_stamp(element: lxml.html.HtmlElement) -> Stamp | None:
    """A ``<time>``'s ``datetime``, or without one the date its short text names."""
    if element.get("datetime") is not None:
        return read_stamp(element.get("datetime"))
    text = _short_text(element)
    return read_dateline(text) if text is not None else None


def marked(element: lxml.html.HtmlElement) -> bool:
    """Marked as the publication time: ``pubdate``, or "publish" in a class, id or itemprop.

    The mark may sit on the element holding the ``<time>`` instead
    (``<span class="publish-date"><time>``).
    """
    if element.get("pubdate") is not None:
        return True
    holders = (element, element.getparent())
    names = " ".join(e.get(a) or "" for e in holders if e is not None for a in MARKS)
    return bool(PREFERRED_TIME.search(names))


def _aside(ancestors: list[lxml.html.HtmlElement]) -> bool:
    """Inside a block that lists other pages or closes the page, nearer than the article."""
    for ancestor in ancestors:
        if ancestor.tag in MAIN_TAGS or ancestor.tag == "body":
            return False
        if aside_block(ancestor):
            return True
    return False


def aside_block(element: lxml.html.HtmlElement) -> bool:
    """A block that lists other pages or closes the page, by its tag, class or id."""
    return element.tag in ASIDE_TAGS or bool(ASIDE_RE.search(names_of(element)))


def names_of(element: lxml.html.HtmlElement) -> str:
    """The names a template gives an element: its class and id."""
    return f"{element.get('class') or ''} {element.get('id') or ''}"
