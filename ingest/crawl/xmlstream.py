"""Reading a feed's or sitemap's XML as it arrives: streamed, repaired, and told where it broke.

Listings come from any server, so their XML is often broken and sometimes
hostile. libxml2 reads them in recover mode, one element at a time, each freed
once read (a 30 MB sitemap would cost hundreds of MB as one tree); what it
cannot recover from stops the read, silently in recover mode, so the error log
is read afterwards and the stop becomes an errors row with the entries read so
far kept. What is cheap to repair before parsing (text before the XML
declaration, bare ampersands, a wrong encoding, entity declarations) is
repaired, so that nothing after it is lost.
"""

from __future__ import annotations

import codecs
import functools
import io
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from lxml import etree

if TYPE_CHECKING:
    from ingest.crawl.discovery import Listing

_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)["']""")
_SUBSET = re.compile(rb"<!DOCTYPE[^\[>]*\[.*?\]\s*>", re.S | re.I)
_BARE = rb"&(?!#\d+;|#x[0-9a-fA-F]+;|[A-Za-z_][\w.-]*;)"
_BARE_AMPERSAND = re.compile(_BARE)  # found fast: it starts with a literal
_BARE_OUTSIDE_CDATA = re.compile(rb"<!\[CDATA\[.*?\]\]>|" + _BARE, re.S)
_TRUNCATED_IN = re.compile(r"Premature end of data in tag (?:[\w.-]+:)?([\w.-]+)")
#: libxml2 errors after which it reads no further, recover mode or not.
_STOPS = {
    "ERR_DOCUMENT_EMPTY",
    "ERR_DOCUMENT_END",  # a second root: what follows is never read
    "ERR_ENTITY_AMPLIFICATION",
    "ERR_ENTITY_LOOP",
    "ERR_RESOURCE_LIMIT",
    "ERR_TAG_NOT_FINISHED",  # the document ends before its root does: truncated
}
#: Elements that hold entries rather than sit in one.
_CONTAINERS = {"urlset", "sitemapindex", "rss", "channel", "feed", "rdf"}


@functools.lru_cache(maxsize=256)  # a listing repeats a handful of names, 50,000 times
def local(tag: object) -> str:
    """An element's name without namespace or prefix, lower-cased; "" for a comment or PI."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()  # dc:date, its prefix undeclared


def elements(
    body: bytes, tags: tuple[str, ...], listing: Listing
) -> Iterator[tuple[etree._Element, str]]:
    """Each element named in ``tags`` (any namespace) once parsed, with the root's name.

    Elements are cleared after use. In recover mode libxml2 stops without raising
    at a truncated document, a second root or an entity-expansion limit: the
    entries read before are kept (an entry cut short is not) and
    ``listing.problem`` tells it.
    """
    body, repaired = repair(body)
    root = ""
    events = etree.iterparse(
        io.BytesIO(body),
        events=("start", "end"),
        recover=True,
        resolve_entities=False,
        no_network=True,
        remove_comments=True,
        huge_tree=True,
    )
    before = 0  # entries kept before the last element handed out
    try:
        for event, element in events:
            if event == "start":
                root = root or local(element.tag)
                continue
            if local(element.tag) in tags:
                before = len(listing)
                yield element, root
                element.clear(keep_tail=False)
                parent = element.getparent()
                while parent is not None and element.getprevious() is not None:
                    del parent[0]
    except (etree.XMLSyntaxError, ValueError) as exc:
        listing.problem = ("malformed", unreadable(len(listing), str(exc)))
        return
    for error in events.error_log:
        if error.type_name not in _STOPS:
            continue  # recovered: nothing after it was lost
        cut = _TRUNCATED_IN.match(error.message)
        if cut and cut[1].lower() not in _CONTAINERS and len(listing) > before:
            listing.pop()  # the last entry was cut short: its URL may be too
        why = error.message.strip()
        why = why if " line " in why else f"{why}, line {error.line}"
        listing.problem = ("malformed", unreadable(len(listing), why))
        return
    listing.problem = repaired


def based(element: etree._Element, link: str) -> str:
    """``link`` resolved against the ``xml:base`` in force where it stands: Atom feeds
    set one on the feed, an entry or the link, and a relative link means the page
    under that base, not under the feed's address. The listing's own URL resolves
    what is still relative after that."""
    base = element.base  # the chain of xml:base attributes, joined by libxml2
    try:
        return urljoin(base, link) if base else link
    except ValueError:  # an xml:base that is no URL: the link as written
        return link


def _escape(match: re.Match[bytes]) -> bytes:
    return b"&amp;" if match[0] == b"&" else match[0]  # CDATA stays as it is


def unreadable(read: int, why: str) -> str:
    return f"read no further than {count(read)}, kept: {why}"[:500]


def count(n: int) -> str:
    return f"{n:,} entry" if n == 1 else f"{n:,} entries"


def repair(body: bytes) -> tuple[bytes, tuple[str, str] | None]:
    """The body as libxml2 can read it, and the errors row saying what was repaired.

    - Text before the XML declaration (a CMS's warning) is cut: libxml2 reads
      nothing after it.
    - A DOCTYPE's internal subset is dropped: no feed or sitemap needs entities of
      its own, and an expansion payload would stop the read at libxml2's limit,
      losing every entry after it. Its references are then read as empty.
    - A bare ``&`` (``?a=1&b=2``) is escaped: libxml2 would drop ``&b``.
    - Bytes that are not the UTF-8 the document declares are read as
      Windows-1252, what such a feed's CMS nearly always meant, and said so:
      libxml2 would read on as Latin-1 without a word.
    """
    problem = None
    start = body.find(b"<?xml", 0, 1024)
    if start > 0:
        body = body[start:]
    head = body[:65536]
    if b"<!ENTITY" in head or b"<!entity" in head:
        subset = _SUBSET.search(head)
        if subset:
            body = body[: subset.start()] + body[subset.end() :]
            problem = ("entities", "declares XML entities of its own: not expanded")
    if _BARE_AMPERSAND.search(body):
        body = _BARE_OUTSIDE_CDATA.sub(_escape, body)
    declared = _DECLARED.match(body)
    encoding = declared[1].decode("ascii").lower() if declared else "utf-8"
    if encoding not in ("utf-8", "utf8") or body[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return body, problem
    bad = _not_utf8(body)
    if bad is not None:
        body = body.decode("cp1252", errors="replace").encode("utf-8")
        message = f"not the UTF-8 it declares (byte {bad:,}): read as Windows-1252"
        return body, ("bad_encoding", message)
    return body, problem


def _not_utf8(body: bytes, chunk: int = 1 << 20) -> int | None:
    """Where the body stops being UTF-8, or None; checked a megabyte at a time, so a
    60 MB sitemap is not copied whole into a string to find out."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(body)
    for start in range(0, len(body), chunk):
        pending = len(decoder.getstate()[0])  # a character's first bytes, from the last chunk
        try:
            decoder.decode(view[start : start + chunk], final=start + chunk >= len(body))
        except UnicodeDecodeError as exc:
            return start - pending + exc.start
    return None
