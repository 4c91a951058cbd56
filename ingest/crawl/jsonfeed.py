"""JSON Feed (jsonfeed.org, versions 1 and 1.1): the feed some blogs and news sites
publish beside RSS, or instead of it.

A seed or link to one was an answer of kind ``other``: fetched, and its items never
planned, with nothing to say why. Its items give what an RSS item gives (a link and
the dates of publication and change), so they are read into the same entries, and
the crawl plans, dates and skips them as it does an RSS feed's.

A JSON Feed is one small document (its items are a site's latest few dozen), so it
is parsed whole; there is no stream to repair as an XML listing's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

#: How a JSON Feed names itself (``"version": "https://jsonfeed.org/version/1.1"``); PHP
#: writes its slashes escaped, so the host alone is looked for.
_MARK = b"jsonfeed.org"
_BOM = b"\xef\xbb\xbf"


def is_json_feed(head: bytes, content_type: str) -> bool:
    """Whether a body opening with ``head`` is a JSON Feed: a JSON object that names the
    format, or one served as ``application/feed+json``."""
    if not head.removeprefix(_BOM).lstrip().startswith(b"{"):
        return False
    return _MARK in head or content_type.split(";")[0].strip() == "application/feed+json"


def opens_as_json(body: bytes) -> bool:
    """Whether a listing's body is JSON rather than XML: the reader to hand it to."""
    return body[:2048].removeprefix(_BOM).lstrip().startswith((b"{", b"["))  # as page_kind


def items(body: bytes) -> Iterator[tuple[str | None, str | None, str | None]]:
    """(link, date_published, date_modified) of each item, in feed order; the link None
    for an item that has none and is no link post (no object, no URL at all: told, not
    passed over in silence).

    The link is the item's ``url``, else its ``id`` when that is a web address (the
    spec lets an item have only an id). ``external_url`` is the page a link post
    points at, another site's, and is not followed. Raises ValueError when the body
    is no JSON object with a list of items, saying what it is instead.
    """
    try:
        feed = json.loads(body.removeprefix(_BOM))
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, undecodable bytes
        raise ValueError(f"not JSON: {exc}") from None
    found = feed.get("items") if isinstance(feed, dict) else None
    if not isinstance(found, list):
        raise ValueError("a JSON document with no list of items")
    for item in found:
        if not isinstance(item, dict):
            yield None, None, None
            continue
        link = _text(item.get("url")) or _web_address(_text(item.get("id")))
        if link is None and _text(item.get("external_url")):
            continue  # a link post: the page it points at is another site's
        yield link, _text(item.get("date_published")), _text(item.get("date_modified"))


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _web_address(value: str | None) -> str | None:
    return value if value and value.startswith(("http://", "https://")) else None
