"""Article metadata: trafilatura's own readers, minus its slow date search.

trafilatura's ``extract_metadata`` spends half its time in htmldate's text
search for a date; ``ingest.extract.dates`` reads dates from the page's markup first
and stores their source. Everything else is trafilatura's, field for field; its
search of the page body for an author runs only on the elements it could match.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Iterable
from copy import deepcopy
from dataclasses import dataclass, field
from urllib.parse import urljoin

import lxml.html
from lxml import etree
from trafilatura import metadata as tm
from trafilatura.htmlprocessing import prune_unwanted_nodes
from trafilatura.json_metadata import normalize_authors
from trafilatura.settings import Document
from trafilatura.utils import trim
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

from ingest.urls import page_base


@dataclass
class Metadata:
    title: str | None = None
    author: str | None = None
    url: str | None = None
    sitename: str | None = None
    description: str | None = None
    image: str | None = None
    tags: list[str] = field(default_factory=list)


def page_metadata(
    tree: lxml.html.HtmlElement, url: str | None = None, read_author: bool = True
) -> Metadata:
    """Title, author, canonical URL, site name, description, image and tags of a page.

    ``read_author=False`` skips the search of the page body for an author when the
    meta tags name none, for callers that read the visible byline first.
    """
    doc: Document = tm.examine_meta(tree)
    if doc.author and " " not in doc.author:
        doc.author = None  # a single word is a handle or a section, not a name
    # trafilatura's JSON-LD reader trips on odd markup; the meta tags then remain.
    with contextlib.suppress(Exception):
        doc = tm.extract_meta_json(tree, doc)
    doc.title = doc.title or tm.extract_title(tree)
    if read_author:
        doc.author = doc.author or body_author(tree)
    doc.url = doc.url or relative_canonical(tree, url) or tm.extract_url(tree, url)
    doc.sitename = doc.sitename or tm.extract_sitename(tree)
    if doc.sitename:
        doc.sitename = doc.sitename.lstrip("@")
        if "." not in doc.sitename and not doc.sitename[0].isupper():
            doc.sitename = doc.sitename.title()
    tags = (doc.tags or tag_links(tree)) + (doc.categories or [])
    doc.clean_and_trim()
    return Metadata(
        title=doc.title,
        author=doc.author,
        url=doc.url,
        sitename=doc.sitename,
        description=doc.description,
        image=doc.image,
        tags=list(dict.fromkeys(t.strip() for tag in tags for t in tag.split(",") if t.strip())),
    )


def relative_canonical(tree: lxml.html.HtmlElement, url: str | None) -> str | None:
    """A canonical link written relative to the page (``href="/news/story"``), resolved
    against the page's address or its ``<base>``: trafilatura takes the page's own address
    for it unless an ``og:`` or ``twitter:`` tag names the site, and one story found under
    two addresses became two articles. An absolute link is left to trafilatura."""
    hrefs = [h.strip() for h in CANONICAL_HREFS(tree) if h.strip()]
    if not (url and hrefs) or hrefs[0].lower().startswith(("http://", "https://")):
        return None
    try:
        resolved = urljoin(page_base(tree, url), hrefs[0])
    except ValueError:  # a link no URL parser reads ("http://[broken")
        return None
    return resolved if resolved.startswith(("http://", "https://")) else None


CANONICAL_HREFS = etree.XPath("//head//link[@rel='canonical']/@href")

#: Links to a tag page: "/tag" begins every address trafilatura takes a tag from.
TAG_HREFS = etree.XPath("//@href[contains(., '/tag')]")


def tag_links(tree: lxml.html.HtmlElement) -> list[str]:
    """trafilatura's tags read off links in tag lists, on pages that link to a tag page.

    Its four XPaths take 1 ms, then it keeps only links to /tag/ or /tags/
    pages; two pages in three have none, which one attribute search tells.
    """
    return tm.extract_catstags("tag", tree) if TAG_HREFS(tree) else []


# trafilatura's author search prunes a copy of the whole page, then runs five XPaths
# over every element: 7 ms a page, for a search that finds nothing on most pages.
# Its XPaths test only an element's tag and these attributes, and every element
# they match holds one of these strings in one of them (read off the XPaths below).
AUTHOR_ATTRIBUTES = ("class", "id", "rel", "itemprop", "data-testid", "data-component")
AUTHOR_HINT = re.compile(
    "uthor|byl|BBL|username|screenname|writer|yline|zuozhe|bianji|xiaobian|channel-name"
    "|submitted-by|posted-by|journalist-name"
)
AUTHOR_VALUES = etree.XPath("|".join(f"//@{name}" for name in AUTHOR_ATTRIBUTES))
#: A digest of the XPaths the hints were read from; other XPaths get the library's search.
AUTHOR_XPATHS_READ = "8cea8abb3ec3f7d9"


def xpaths_digest() -> str:
    paths = "\n".join(x.path for x in AUTHOR_XPATHS + AUTHOR_DISCARD_XPATHS)
    return hashlib.sha1(paths.encode()).hexdigest()[:16]


FAST_AUTHOR_SEARCH = xpaths_digest() == AUTHOR_XPATHS_READ


def body_author(tree: lxml.html.HtmlElement) -> str | None:
    """trafilatura's ``extract_author``, run on the few elements it could match.

    Same answer as the library: each of its XPaths in turn, on elements not
    inside a discarded block (comments, dates, figures), the first whose text
    (discarded blocks left out) has 3 to 119 characters.
    """
    if not FAST_AUTHOR_SEARCH or tree.getparent() is not None or matched_by_tag(tree):
        return tm.extract_author(tree)
    try:
        return search_author(author_candidates(tree))
    except ValueError:  # a name lxml will not copy, such as Word's <o:p>: the library's way
        return tm.extract_author(tree)


def search_author(candidates: list[etree._Element]) -> str | None:
    for expression in AUTHOR_XPATHS:
        for element in matching(expression, candidates):
            content = "" if discarded(element) else pruned_text(element)
            if content and 2 < len(content) < 120:
                return normalize_authors(None, content)
    return None


def author_candidates(tree: lxml.html.HtmlElement) -> list[etree._Element]:
    """Elements with an author hint in an attribute the XPaths read, in page order."""
    hinted = (value.getparent() for value in AUTHOR_VALUES(tree) if AUTHOR_HINT.search(value))
    return list(dict.fromkeys(hinted))


def discarded(element: etree._Element) -> bool:
    """In (or itself) a block the library prunes before its search; the root never is."""
    return matching_any(AUTHOR_DISCARD_XPATHS, [element, *element.iterancestors()][:-1])


def pruned_text(element: etree._Element) -> str:
    """The element's text as the library reads it off its pruned copy of the page."""
    pruned = prune_unwanted_nodes(deepcopy(element), AUTHOR_DISCARD_XPATHS)
    return trim(" ".join(pruned.itertext()))


def matched_by_tag(tree: lxml.html.HtmlElement) -> bool:
    """``<author>`` and ``<rel>`` (read as text) are the XPaths' rare tests beyond attributes."""
    return tree.find(".//author") is not None or tree.find(".//rel") is not None


def matching(expression: etree.XPath, elements: list[etree._Element]) -> list[etree._Element]:
    """The elements an XPath of tag and attribute tests matches, in their order.

    The XPath runs on bare copies of just these elements (tag and the attributes
    it reads), so it costs microseconds instead of a walk over the whole page.
    """
    root = bare_copies(elements)
    found = set(expression(root))  # kept alive, so lxml hands out these same proxies again
    return [element for element, copy in zip(elements, root, strict=True) if copy in found]


def matching_any(expressions: Iterable[etree.XPath], elements: list[etree._Element]) -> bool:
    root = bare_copies(elements)
    return any(expression(root) for expression in expressions)


def bare_copies(elements: list[etree._Element]) -> etree._Element:
    root = etree.Element("html")
    for element in elements:
        attributes = {a: element.get(a) for a in AUTHOR_ATTRIBUTES if element.get(a) is not None}
        etree.SubElement(root, element.tag, attributes)
    return root
