"""Publication and modification dates, reconciled from what a page says of itself.

Sources in order of trust: JSON-LD, meta tags, ``<time>`` elements, the URL;
htmldate's markup search only when none of them speaks. Every date is checked
(never after the fetch, never a bare copyright year read as 1 January) and
stored with the name of its source.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import lxml.html

PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.date",
    "dcterms.created",
    "parsely-pub-date",
    "sailthru.date",
    "article.published",
    "published_time",
    "cxenseparse:recs:publishtime",
)
MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "last-modified",
    "dcterms.modified",
    "article.updated",
    "modified_time",
)
ISO_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
URL_DATE_RES = (
    re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})(?:/|$)"),
    re.compile(r"[/_-]((?:19|20)\d{2})(\d{2})(\d{2})(?:[/_.-]|$)"),
    re.compile(r"/((?:19|20)\d{2})-(\d{2})-(\d{2})(?:[/_-]|$)"),
)
ARTICLE_TYPES_RE = re.compile(r"article|posting|report", re.IGNORECASE)


@dataclass
class Dates:
    published: str | None = None
    published_source: str | None = None
    modified: str | None = None


def page_dates(
    tree: lxml.html.HtmlElement,
    url: str,
    fetched: date | None = None,
    listed: tuple[str, str] | None = None,
) -> Dates:
    """The page's publication and modification dates (ISO dates) and where they came from.

    ``listed`` is the date the feed or sitemap entry that listed the page gave, and
    which of the two: the publisher's word, after the page's own structured data.
    """
    latest = (fetched or datetime.now(UTC).date()) + timedelta(days=1)  # time zones
    found = Dates()
    for source, published, modified in _candidates(tree, url, found, listed):
        published, modified = _plausible(published, latest), _plausible(modified, latest)
        if published and not found.published:
            found.published, found.published_source = published, source
        if modified and not found.modified:
            found.modified = modified
        if found.published and found.modified:
            break
    if found.modified and found.published and found.modified < found.published:
        found.modified = None
    return found


def _candidates(
    tree: lxml.html.HtmlElement, url: str, found: Dates, listed: tuple[str, str] | None
):
    """(source, published, modified) by trust, each source read only when still needed."""
    yield "json-ld", *json_ld_dates(tree)
    meta = _meta_contents(tree)
    yield "meta", _first(meta, PUBLISHED_META), _first(meta, MODIFIED_META)
    if listed:
        yield listed[1], listed[0], None
    # The rest name a publication date only: once one is found, htmldate's
    # search (2.5 ms a page) would be thrown away.
    published_only = (
        ("time", lambda: _time_element(tree)),
        ("url", lambda: url_date(url)),
        ("htmldate", lambda: _htmldate(tree)),
    )
    for source, read in published_only:
        if found.published:
            return
        yield source, read(), None


def _plausible(value: str | None, latest: date) -> str | None:
    if not value:
        return None
    match = ISO_RE.search(value)
    if not match:
        return None
    try:
        day = date(*(int(x) for x in match.groups()))
    except ValueError:
        return None
    if not date(1990, 1, 1) <= day <= latest:
        return None
    return day.isoformat()


def json_ld_dates(tree: lxml.html.HtmlElement) -> tuple[str | None, str | None]:
    """datePublished and dateModified of the page's article object in JSON-LD."""
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        for node in _walk(data):
            kind = node.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and ARTICLE_TYPES_RE.search(k) for k in kinds) and (
                node.get("datePublished") or node.get("dateCreated")
            ):
                published = node.get("datePublished") or node.get("dateCreated")
                return str(published), str(node.get("dateModified") or "") or None
    return None, None


def _walk(node: object):
    if isinstance(node, list):
        for child in node:
            yield from _walk(child)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if isinstance(node.get(key), list | dict):
                yield from _walk(node[key])


def _meta_contents(tree: lxml.html.HtmlElement) -> dict[str, str]:
    """Each meta tag's first content by its lowercased name, property or itemprop."""
    values: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = meta.get("content")
        if content and key not in values:
            values[key] = content
    return values


def _first(values: dict[str, str], names: tuple[str, ...]) -> str | None:
    return next((values[n] for n in names if n in values), None)


def _time_element(tree: lxml.html.HtmlElement) -> str | None:
    preferred = tree.xpath(
        "//time[@itemprop='datePublished' or @pubdate or contains(@class,'publish')]/@datetime"
    )
    anywhere = tree.xpath("//article//time/@datetime | //main//time/@datetime")
    return next(iter(preferred or anywhere), None)


def url_date(url: str) -> str | None:
    for pattern in URL_DATE_RES:
        match = pattern.search(url)
        if match:
            year, month, day = match.groups()
            return f"{year}-{int(month):02d}-{int(day):02d}"
    return None


def _htmldate(tree: lxml.html.HtmlElement) -> str | None:
    """htmldate's markup search; a bare year (read as 1 January) is not a date."""
    from htmldate import find_date

    found = find_date(tree, extensive_search=False, original_date=True)
    return None if found and found.endswith("-01-01") else found
