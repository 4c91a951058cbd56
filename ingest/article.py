"""The Article record that flows through every stage, and the Page it came from.

Stages hand one Article along and each makes it richer; the record is a plain
dataclass so that it pickles cheaply between worker processes and the crawl.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from functools import cached_property
from typing import Any

import lxml.html
from lxml import etree

from ingest.urls import article_id
from ingest.words import count_words


def compress(body: bytes) -> bytes:
    """Raw pages are kept compressed: news HTML shrinks almost five times."""
    return zlib.compress(body, 3)  # 4.7x on news pages, twice as fast as the default


class CorruptBody(ValueError):
    """A stored page whose compressed body no longer unpacks (a damaged file, a hand edit)."""

    kind = "corrupt_body"


def decompress(blob: bytes | None) -> bytes:
    try:
        return zlib.decompress(blob) if blob else b""
    except zlib.error as exc:
        raise CorruptBody(f"the stored page is corrupt: {exc}") from None


def content_hash(title: str, text: str) -> str:
    """Changes when the title or text changes, to spot new versions of an article."""
    return hashlib.sha1(f"{title}\n{text}".encode()).hexdigest()[:16]


#: Control characters no text file holds: WHATWG MIME sniffing's "binary data bytes".
_BINARY = re.compile("[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
#: More of them than this in the first kilobyte is binary data (random bytes hold about a
#: hundred); a few are a page's typo, a stray character in a title, and the page is read.
_BINARY_MAX = 8


#: The characters XML forbids below U+0020, which trafilatura strips before parsing.
_FORBIDDEN = bytes([*range(0, 9), 11, 12, *range(14, 32)])


def _parser() -> lxml.html.HTMLParser:
    """trafilatura's parser options, with lxml's element classes chosen in C.

    lxml.html picks each element's Python class in Python, to give forms and
    inputs classes of their own, and that call runs for every element any code
    touches: 5 % of extraction's time. Nothing here uses forms; every element
    is a plain ``HtmlElement``, the tree and every result the same.
    """
    parser = lxml.html.HTMLParser(
        collect_ids=False,
        default_doctype=False,
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
    )
    parser.set_element_class_lookup(
        etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        )
    )
    return parser


HTML_PARSER = _parser()


def load_html(html: str) -> lxml.html.HtmlElement | None:
    """The tree trafilatura's ``load_html`` makes of a decoded page, cheaper to make and use.

    That function, step for step (``tests/test_parse.py`` holds the two to the
    same trees), but for two costs. It strips the characters XML forbids with a
    regular expression over the whole page, a third of the parse of a 150 KB
    page though hardly a page holds one: counting bytes finds out first in a
    third of that time. And its parser's element classes are chosen in Python
    (see ``_parser``).
    """
    from trafilatura import utils  # here: `import ingest` stays light

    beginning = html[:50].lower()
    if _forbidden(html):
        html = utils.INVALID_XML_CHARS.sub("", html)
    if "doctype" in beginning:  # libxml2 trips on a self-closed doctype
        first, _, rest = html.partition("\n")
        html = utils.DOCTYPE_TAG.sub("", first, count=1) + "\n" + rest
    for line in html[:4096].splitlines()[:4]:  # and on a self-closed <html/>
        if "<html" in line and line.endswith("/>"):
            html = utils.FAULTY_HTML.sub(r"\1>", html, count=1)
            break
    tree = _parse(html)  # a string that declares its encoding, or parses empty, goes as bytes
    if tree is None or len(tree) < 1:
        tree = _parse(html.encode("utf8", "surrogatepass"))
    if tree is not None and "html" not in beginning and len(tree) < 2:
        return None  # not HTML after all
    return tree


def _parse(html: str | bytes) -> lxml.html.HtmlElement | None:
    try:
        return lxml.html.fromstring(html, parser=HTML_PARSER)
    except Exception:  # as trafilatura: whatever the parser raises, the next try or no tree
        return None


def _forbidden(html: str) -> bool:
    encoded = html.encode("utf-8", "surrogatepass")
    if len(encoded.translate(None, _FORBIDDEN)) < len(encoded):
        return True
    return "\ufffe" in html or "\uffff" in html


@dataclass
class Page:
    """A fetched HTML page as the extraction stages see it."""

    url: str
    html: str
    status: int = 200
    outlet: Any = None  # the Outlet the URL belongs to, if any plugin declared one
    fetched: date | None = None  # when it was fetched; no date can be later
    listed: tuple[str, str] | None = None  # (date, "feed" or "sitemap") of the entry listing it
    pattern_missed: bool = False  # an article though its outlet's URL pattern said not

    def shared(self, key: str, compute: Callable[[], Any]) -> Any:
        """A result several stages need from this page (a byline, say), computed once."""
        memo = self.__dict__.setdefault("_shared", {})
        if key not in memo:
            memo[key] = compute()
        return memo[key]

    @cached_property
    def tree(self) -> lxml.html.HtmlElement:
        """The parsed document, parsed once and shared by every hook and by trafilatura.

        Parsed as trafilatura parses (comments and processing instructions
        dropped), so handing it this tree gives the same result as the HTML.
        """
        tree = load_html(self.html) if self.html.strip() else None
        if not self.html.strip():
            self.problem = ("empty", "the page is empty")
        elif tree is None or len(_BINARY.findall(self.html, 0, 1024)) > _BINARY_MAX:
            # The parser makes a tree of almost anything: bytes no text has (the WHATWG
            # sniffing rule for binary data) say it is not HTML.
            self.problem = ("unparseable", "not HTML: the body could not be parsed")
        else:  # libxml2 stops at its limits and says so only in the parser's log
            log = HTML_PARSER.error_log
            limit = next((e.message for e in log if e.type_name == "ERR_RESOURCE_LIMIT"), None)
            if limit:
                kind = "too_deep" if "depth" in limit.lower() else "too_large"
                self.problem = (kind, f"the HTML parser stopped: {limit}")
        return tree if tree is not None else lxml.html.document_fromstring("<html></html>")

    #: (kind, message) when the page could not be read whole: empty, not HTML, past the
    #: parser's limits. Set by parsing (``tree``); extraction records it as an error.
    problem: tuple[str, str] | None = None


@dataclass
class Article:
    """One news article: what a crawl stores and what `ingest extract` prints."""

    url: str
    title: str = ""
    text: str = ""
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # ISO 8601: with the time and offset the page gave, if it did
    published_day: str | None = None  # YYYY-MM-DD in the publisher's time zone
    published_source: str | None = (
        None  # json-ld, meta, feed, sitemap, headline, time, dateline, url, htmldate
    )
    modified: str | None = None
    language: str | None = None
    sitename: str | None = None
    description: str | None = None
    canonical_url: str | None = None
    image: str | None = None
    tags: list[str] = field(default_factory=list)
    outlet: str | None = None
    outlet_version: str | None = None
    extractor: str | None = None
    plugins: list[str] = field(default_factory=list)
    provenance: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return article_id(self.canonical_url or self.url)

    @property
    def word_count(self) -> int:
        return count_words(self.text)

    @property
    def content_hash(self) -> str:
        return content_hash(self.title, self.text)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(id=self.id, word_count=self.word_count, content_hash=self.content_hash)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def snapshot(self) -> dict[str, Any]:
        """The fields' current values, to see afterwards which ones a plugin changed."""
        return {f.name: _frozen(getattr(self, f.name)) for f in fields(self)}

    def misfit(self, name: str) -> str | None:
        """What field ``name`` should hold, when it holds something else (a plugin's slip:
        ``None`` for the text, a string for the authors, a lone surrogate no database can
        store), else None."""
        kind, value = _FIELD_KINDS[name], getattr(self, name)
        if name == "published_day":
            return (
                None
                if value is None or _iso_date(value, day=True)
                else "a day (YYYY-MM-DD) or None"
            )
        if name in DATE_FIELDS:
            return None if value is None or _iso_date(value) else "an ISO 8601 date or None"
        if name == "language":  # a code, stored as its language alone: "English" found nothing
            fits = value is None or (isinstance(value, str) and bool(_LANGUAGE.fullmatch(value)))
            return None if fits else "an ISO 639 code (en, pt-BR) or None"
        if kind == "str":
            fits = _text(value)
        elif kind == "str | None":
            fits = value is None or _text(value)
        elif kind == "list[str]":
            fits = isinstance(value, list) and all(_text(v) for v in value)
        else:
            fits = isinstance(value, dict) and all(_text(k) and _text(v) for k, v in value.items())
        return None if fits else f"{kind} (of UTF-8 text, no NUL)"

    def restore(self, name: str, frozen: Any) -> None:
        """Put back a field's value from a ``snapshot``."""
        kind = _FIELD_KINDS[name]
        if kind == "list[str]":
            frozen = list(frozen)
        elif kind == "dict[str, str]":
            frozen = dict(frozen)
        setattr(self, name, frozen)


#: Each field's type as written above: what ``misfit`` checks a plugin left there.
_FIELD_KINDS = {f.name: str(f.type) for f in fields(Article)}


#: A language tag: ISO 639-1 (639-3 where the detector knows no other), and a region or
#: script if any (en-US, pt_BR); stored as the language alone, in lower case (``language_code``).
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")


def language_code(tag: str | None) -> str | None:
    """The language a tag names, as stored and searched: "en-US" and "EN" are "en"."""
    return tag.lower().replace("_", "-").split("-")[0] if tag else tag


#: Fields a date goes in: searched, grouped and compared as ISO 8601 text.
DATE_FIELDS = frozenset({"published", "published_day", "modified"})


#: The forms the database sorts and compares by: a day, or a day and a time. Python also
#: reads week dates (2024-W10-1) and basic forms (20240301T0800), which sorted wrongly.
_EXTENDED_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}.*)?")


def _iso_date(value: Any, day: bool = False) -> bool:
    if not isinstance(value, str) or not _EXTENDED_DATE.fullmatch(value):
        return False
    if day and len(value) != 10:
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _text(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: half of a character, badly decoded
        return False
    return "\x00" not in value  # SQLite keeps it; most readers of the text stop there


def _frozen(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, dict):  # keys of any type a plugin gave: compared, never sorted
        return tuple(sorted(value.items(), key=repr))
    return value
