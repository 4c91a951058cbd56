"""What a fetched body is (an HTML page, a feed, a sitemap or something else), by its
content first: servers mislabel XML often, and send pages with no type at all.
"""

from __future__ import annotations

import re

from ingest.crawl import jsonfeed

#: What a server calls a feed or sitemap: an HTML page served so is an errors row.
_LISTING_TYPES = {
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
}


#: How an HTML page may open, as browsers tell one a server gave no type (the WHATWG MIME
#: sniffing standard's HTML signatures): a page opening with a PHP warning (``<br />``), a
#: ``<style>`` or a ``<script>`` may hold its ``<html>`` tag far past its first bytes.
_HTML_OPENING = re.compile(
    rb"<(?:!doctype html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|!--)"
    rb"[ >]"
)
#: Types that say nothing of what a body is: a browser looks at the body instead.
_UNTYPED = {"", "*/*", "application/octet-stream", "binary/octet-stream", "application/unknown"}


#: How far into a body its first element is looked for (past a long comment).
_ROOT_WITHIN = 1 << 16
_ROOT_KINDS = {
    b"urlset": "sitemap",
    b"sitemapindex": "sitemap",
    b"rss": "feed",
    b"feed": "feed",
    b"rdf:rdf": "feed",
    b"html": "html",
}


_NAME = re.compile(rb"<([a-z][\w:.-]*)", re.I)


def first_element(head: bytes) -> bytes:
    """The lower-cased name of the first element in ``head``, past an XML declaration,
    processing instructions, comments and a DOCTYPE (its internal subset too); b"" when
    text or nothing comes first. One pass with ``find``: a pattern for the same prolog
    backtracks exponentially over a run of comments that ends in no element."""
    at = 0
    while True:
        while at < len(head) and head[at] in b" \t\r\n":
            at += 1
        if head.startswith(b"<?", at):
            end, skip = head.find(b"?>", at), 2
        elif head.startswith(b"<!--", at):
            end, skip = head.find(b"-->", at + 4), 3
        elif head[at : at + 9].lower() == b"<!doctype":
            close, subset = head.find(b">", at), head.find(b"[", at)
            if 0 <= subset < close:  # <!DOCTYPE rss [ <!ENTITY x "y"> ]>
                close = head.find(b">", head.find(b"]", subset))
            end, skip = close, 1
        else:
            name = _NAME.match(head, at)
            return name[1].lower() if name else b""
        if end < 0:
            return b""
        at = end + skip


def page_kind(body: bytes, content_type: str | None) -> str:
    """html, feed, sitemap or other, from the content: servers mislabel XML often. A body
    in UTF-16 (its byte order mark first) is looked at as text: its tags are no bytes."""
    start = body[:_ROOT_WITHIN]
    if start[:2] in (b"\xff\xfe", b"\xfe\xff"):
        start = start.decode("utf-16", "ignore").encode()
    head = start[:2048].lstrip().lower()
    content_type = (content_type or "").lower()
    if jsonfeed.is_json_feed(head, content_type):
        return "feed"
    # the document's own first element decides, whatever its items quote (an RSS
    # item's CDATA holding "<html>") and however long the comment before it
    if kind := _ROOT_KINDS.get(first_element(start.removeprefix(b"\xef\xbb\xbf"))):
        return kind
    if b"<html" not in head:
        if b"<urlset" in head or b"<sitemapindex" in head:
            return "sitemap"
        if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
            return "feed"
    if "html" in content_type or b"<html" in head or head.startswith(b"<!doctype html"):
        return "html"
    opening = head.removeprefix(b"\xef\xbb\xbf").lstrip()  # a UTF-8 byte order mark first
    served = content_type.split(";")[0].strip()
    if served in _UNTYPED and _HTML_OPENING.match(opening):
        return "html"
    if served in _TEXT_TYPES and is_url_list(start, whole=len(body) <= len(start)):
        return "sitemap"
    return "other"


#: Types a sitemap in the protocol's text format is served as.
_TEXT_TYPES = {"text/plain", *_UNTYPED}
_URL_LINE = re.compile(rb"https?://\S+", re.I)
#: How much of a body decides whether it is a list of URLs.
URL_LIST_HEAD = _ROOT_WITHIN


def is_url_list(start: bytes, whole: bool) -> bool:
    """A sitemap in the sitemaps protocol's text format: one URL a line, nothing else (its
    last line, unless ``whole``, may be cut where ``start`` ends)."""
    lines = start.removeprefix(b"\xef\xbb\xbf").splitlines()
    if not whole and len(lines) > 1:
        lines = lines[:-1]
    found = [line.strip() for line in lines if line.strip()]
    return bool(found) and all(map(is_url_line, found))


def is_url_line(line: bytes) -> bool:
    """A line of a text sitemap: one http(s) URL, surrounding space stripped."""
    return _URL_LINE.fullmatch(line) is not None


def unread_seed(content_type: str | None) -> str:
    """The errors row's message for a seed that is no page, feed or sitemap: a crawl of it
    read nothing, and had said nothing."""
    served = (content_type or "").split(";")[0].strip() or "no type"
    return f"a seed that is no HTML page, feed or sitemap (served as {served}): nothing read"


def mislabelled(kind: str, content_type: str | None) -> str | None:
    """The errors row's message when what is served as a feed or sitemap is not one."""
    served = (content_type or "").split(";")[0].strip().lower()
    if kind in ("feed", "sitemap") or served not in _LISTING_TYPES:
        return None
    if kind == "html":
        return f"served as {served} but is an HTML page: read as one, its links followed"
    return f"served as {served} but is no feed or sitemap: not read"
