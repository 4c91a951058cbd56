"""Headlines of the site's other stories, left in the text: a "more from" rail after the
story, a "related" box, a linked headline set between paragraphs ("READ MORE: ...").

Told apart by the page's own links, not by phrases: a line made wholly of the text of
links to other pages of the same site is a teaser, whatever its language. A headline
linking to the page itself (its own headline, in WordPress-style themes, or a table of
contents' entry) stays, and so do links to other sites (a source) and to documents (a
report as PDF), which a story may list as its content. A text that would lose most of
its words is left whole: a roundup of the site's stories is its list.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import defaultdict
from urllib.parse import urlsplit

from ingest.article import Page
from ingest.extract.classify import own_addresses, same_page_key
from ingest.urls import site_host
from ingest.words import count_words, has_sentence

#: A teaser line has at least this many words: shorter linked lines are menu items and
#: tags, which other rules or none concern.
TEASER_MIN_WORDS = 4
#: A headline has at most this many: a longer link is a paragraph set as a link (a
#: slideshow's captions), the story itself...
HEADLINE_MAX_WORDS = 25
#: ...and a teaser line at most this many: a card may show its headline twice.
TEASER_MAX_WORDS = 2 * HEADLINE_MAX_WORDS
#: Teasers take at most this share of the text's words; past it the links are the text.
MAX_SHARE = 0.5
#: A rail's heading ("More from ...", "Related", "Lesen Sie auch") is this short...
RAIL_HEADING_WORDS = 6
#: ...and a teaser's summary under it this short; a rail with summaries has three or
#: more teasers (two linked lines around a paragraph are the story's).
RAIL_SUMMARY_WORDS = 40
RAIL_WITH_SUMMARIES = 3
#: Past this many link texts found in it, a text is a wiki's or an index's, densely
#: linked: its lines are left as they are (and the page's cost bounded).
MAX_LINK_TEXTS = 300
#: Links to documents name a report or a form: content a story may list.
DOCUMENTS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".csv", ".zip")

_WORD = re.compile(r"\w+")
#: Where a link's text stood in a line.
_LINK = "\x00"
#: "Read more: ...", "LEE MÁS | ...", "Lesetipp: ...": a label of one to three words (of
#: letters: a date before a linked title is an item of a list) closing with a colon, a bar
#: or a chevron, then the links.
_LABELLED = re.compile(r"[^\w\x00]*(?:[^\W\d_]+[^\w\x00:：|»>]*){1,3}[:：|»>]\s*(?:\x00\W*)+")


def drop_teasers(lines: list[str], page: Page) -> list[str]:
    """The lines without those made only of links to the site's other pages, and without
    a rail of teasers closing the text (headlines with their summaries, and its heading)."""
    lines = [line for line in lines if line]
    candidates = {folded(line) for line in lines if is_teaser_sized(line)}
    links = site_links(page, candidates) if candidates else {}
    if not links:
        return lines
    teasers = [is_teaser(line, links) for line in lines]
    end = rail_start(lines, teasers)
    kept = [line for line, teaser in zip(lines[:end], teasers[:end], strict=True) if not teaser]
    if len(kept) < len(lines):
        words = sum(map(count_words, lines))
        if words - sum(map(count_words, kept)) > MAX_SHARE * words:
            return lines
    return kept


def rail_start(lines: list[str], teasers: list[bool]) -> int:
    """Where a rail of teasers closing the text starts, or the end: two or more teasers
    in a row, or three or more under a heading ("More from ...", "Lesen Sie auch:"), each
    followed by at most one short line, its summary. The heading goes with the rail."""
    start, count, gaps, since = len(lines), 0, 0, 0
    for i in range(len(lines) - 1, -1, -1):
        if teasers[i]:
            start, count, gaps, since = i, count + 1, gaps + (since > 0), 0
        else:
            since += 1
            if since > 1 or count_words(lines[i]) > RAIL_SUMMARY_WORDS:
                break
    if count < 2:
        return len(lines)
    headed = start > 0 and is_heading(lines[start - 1])
    if gaps and not (headed and count >= RAIL_WITH_SUMMARIES):
        return len(lines)  # a list of the story's own (an item, then a link), or its text
    return start - 1 if headed else start


def is_heading(line: str) -> bool:
    return count_words(line) <= RAIL_HEADING_WORDS and not has_sentence(line)


def is_teaser_sized(line: str) -> bool:
    # Table rows ("| Debian | ... |") are a table's cells: a table of links is content.
    return not line.startswith("|") and TEASER_MIN_WORDS <= count_words(line) <= TEASER_MAX_WORDS


def is_teaser(line: str, links: dict[str, re.Pattern[str]]) -> bool:
    """Made of links to the site's other pages, or a label ("Read more:") and such links."""
    text = folded(line)
    pattern = links.get(text) if is_teaser_sized(line) else None
    if pattern is None:
        return False
    rest = pattern.sub(_LINK, text)
    unlinked = rest.replace(_LINK, " ")
    if not _WORD.search(unlinked):
        return True
    linked = count_words(line) - count_words(unlinked)
    return linked >= TEASER_MIN_WORDS and _LABELLED.fullmatch(rest) is not None


def folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def site_links(page: Page, candidates: set[str]) -> dict[str, re.Pattern[str]]:
    """For each candidate line holding the text of links to other pages of the site, one
    pattern of those texts as whole words (a link "a" takes no letter of a word), longest
    first (a headline is not eaten by a shorter link in it).

    A link's text is looked for only where its first word starts a word of the lines, so
    a page of thousands of links costs a lookup each; its address is read only when its
    text shows."""
    texts = sorted(candidates)
    joined = "\n".join(texts)
    starts = [0]
    for text in texts[:-1]:
        starts.append(starts[-1] + len(text) + 1)
    words: dict[str, list[int]] = defaultdict(list)
    for word in _WORD.finditer(joined):
        words[word.group()].append(word.start())
    shown: dict[str, tuple[set[str], set[int]]] = {}
    for link in page.tree.iterfind(".//a[@href]"):
        raw = link.text_content()
        first = _WORD.search(raw)
        if first is None or first.group().casefold() not in words:  # most links: a cheap no
            continue
        text = folded(raw)
        first = _WORD.search(text)
        at = [p - first.start() for p in words.get(first.group(), ())]
        # where it stands, as whole words or not: each line's pattern asks for whole words
        found = {bisect.bisect(starts, p) - 1 for p in at if p >= 0 and joined.startswith(text, p)}
        if found and count_words(text) <= HEADLINE_MAX_WORDS:
            hrefs, where = shown.setdefault(text, (set(), set()))
            hrefs.add(link.get("href"))
            where.update(found)
            if len(shown) > MAX_LINK_TEXTS:
                return {}
    if not shown:
        return {}
    own = own_addresses(page.tree, page.url)
    own_paths = {page_path(key) for key in own}
    hosts = {key_site(key) for key in own}
    by_line: dict[str, list[str]] = defaultdict(list)
    for text, (hrefs, where) in shown.items():
        if any(is_other_page(page.url, href, own_paths, hosts) for href in hrefs):
            for index in where:
                by_line[texts[index]].append(text)
    return {line: whole_words(found) for line, found in by_line.items()}


def whole_words(texts: list[str]) -> re.Pattern[str]:
    texts = sorted(set(texts), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, texts)) + r")(?!\w)")


def is_other_page(url: str, href: str, own_paths: set[str], hosts: set[str]) -> bool:
    """``href`` leads to another page of the site: not the page itself (whatever its
    query or fragment: a table of contents, a tracking parameter), not a document."""
    key = same_page_key(url, href)
    if key is None or key_site(key) not in hosts:
        return False
    path = page_path(key)
    return path not in own_paths and not path.lower().endswith(DOCUMENTS)


def page_path(key: str | None) -> str:
    """A ``same_page_key`` without its query."""
    return (key or "").split("?", 1)[0]


def key_site(key: str | None) -> str:
    """The site of a ``same_page_key``: its host without its port, and ``www.`` as
    ``urls.site_host`` reads it."""
    try:
        return site_host(urlsplit("//" + (key or "").split("/", 1)[0]).hostname or "")
    except ValueError:  # brackets that hold no IPv6 address ("//a[b]")
        return ""
