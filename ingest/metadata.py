"""Article metadata: trafilatura's own readers, minus its slow date search.

trafilatura's ``extract_metadata`` spends half its time in htmldate's text
search for a date; ``ingest.dates`` reads dates from the page's markup first
and stores their source. Everything else is trafilatura's, field for field.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

import lxml.html
from trafilatura import metadata as tm
from trafilatura.settings import Document


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

    ``read_author=False`` skips trafilatura's search of the page body for an author
    when the meta tags name none (a deep copy of the tree, the slowest reader), for
    callers that read the visible byline first.
    """
    doc: Document = tm.examine_meta(tree)
    if doc.author and " " not in doc.author:
        doc.author = None  # a single word is a handle or a section, not a name
    # trafilatura's JSON-LD reader trips on odd markup; the meta tags then remain.
    with contextlib.suppress(Exception):
        doc = tm.extract_meta_json(tree, doc)
    doc.title = doc.title or tm.extract_title(tree)
    if read_author:
        doc.author = doc.author or tm.extract_author(tree)
    doc.url = doc.url or tm.extract_url(tree, url)
    doc.sitename = doc.sitename or tm.extract_sitename(tree)
    if doc.sitename:
        doc.sitename = doc.sitename.lstrip("@")
        if "." not in doc.sitename and not doc.sitename[0].isupper():
            doc.sitename = doc.sitename.title()
    tags = (doc.tags or tm.extract_catstags("tag", tree)) + (doc.categories or [])
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
