"""Headlines of the site's other stories, left in the text: a "more from" rail after the
story, a "related" box, a linked headline set between paragraphs ("READ MORE: ...").

Told apart by the page's own links, not by phrases: a line made wholly of the text of
links to other pages of the same site is a teaser, whatever its language. A headline
linking to the page itself (its own headline, in WordPress-style themes) stays, and so
do links to other sites (a source, a document), which a story may list as its content.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from ingest.article import Page
from ingest.extract.classify import own_addresses, same_page_key
from ingest.words import count_words, has_sentence

#: A teaser line has at least this many words: shorter linked lines are menu items and
#: tags, which other rules or none concern.
TEASER_MIN_WORDS = 4
#: A headline has at most this many: a longer link is a paragraph set as a link (a
#: slideshow's captions), the story itself.
HEADLINE_MAX_WORDS = 25

_WORD = re.compile(r"\w")
#: Where a link's text stood in a line.
_LINK = "\x00"
#: "Read more: ...", "LEE MÁS | ...", "Lesetipp: ...": a label of one to three words (of
#: letters: a date before a linked title is an item of a list) closing with a colon, a bar
#: or a chevron, then the links.
_LABELLED = re.compile(r"\W*(?:[^\W\d_]+[^\w:|»>]*){1,3}[:|»>]\s*(?:\x00\W*)+")


def drop_teasers(lines: list[str], page: Page) -> list[str]:
    """The lines without those made only of links to the site's other pages, and without
    a rail of teasers closing the text (headlines with their summaries, and its heading)."""
    lines = [line for line in lines if line]
    candidates = {folded(line) for line in lines if is_headline_sized(line)}
    if not candidates:
        return lines
    links = site_links(page, candidates)
    if links is None:
        return lines
    teasers = [is_teaser(line, links) for line in lines]
    end = rail_start(lines, teasers)
    return [line for line, teaser in zip(lines[:end], teasers[:end], strict=True) if not teaser]


#: A rail's heading ("More from ...", "Related", "Lesen Sie auch") is this short.
RAIL_HEADING_WORDS = 6


def rail_start(lines: list[str], teasers: list[bool]) -> int:
    """Where a rail of teasers closing the text starts, or the end: two or more teasers
    in a row, or under a heading ("More from ...", "Lesen Sie auch:"), each teaser
    followed by at most one line, its summary. The heading goes with the rail."""
    start, count, gaps, since = len(lines), 0, 0, 0
    for i in range(len(lines) - 1, -1, -1):
        if teasers[i]:
            start, count, gaps, since = i, count + 1, gaps + (since > 0), 0
        else:
            since += 1
            if since > 1:
                break
    if count < 2:
        return len(lines)
    if start > 0 and is_heading(lines[start - 1]):
        return start - 1
    if gaps:  # summaries and no heading: a list of the story's own (an item, then a link)
        return len(lines)
    return start


def is_heading(line: str) -> bool:
    return count_words(line) <= RAIL_HEADING_WORDS and not has_sentence(line)


def is_headline_sized(line: str) -> bool:
    # Table rows ("| Debian | ... |") are a table's cells: a table of links is content.
    return not line.startswith("|") and count_words(line) >= TEASER_MIN_WORDS


def is_teaser(line: str, links: re.Pattern[str]) -> bool:
    """Made of links to the site's other pages, or a label ("Read more:") and such links."""
    if not is_headline_sized(line):
        return False
    rest = links.sub(_LINK, folded(line))
    if not _WORD.search(rest):
        return True
    linked = count_words(line) - count_words(rest.replace(_LINK, " "))
    return linked >= TEASER_MIN_WORDS and _LABELLED.fullmatch(rest) is not None


def folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def site_links(page: Page, candidates: set[str]) -> re.Pattern[str] | None:
    """The texts of links to other pages of the site that show in a candidate line, as
    one pattern of whole words (a link "a" takes no letter of a word), longest first (a
    headline is not eaten by a shorter link in it); None when there are none. The
    addresses are read only for links whose text shows: most of a page's links are not
    in its text at all."""
    joined = "\n".join(candidates)
    words = set(joined.split())
    shown: dict[str, list[str]] = {}
    for link in page.tree.iterfind(".//a[@href]"):
        text = folded(link.text_content())
        if not text or text.split(" ", 1)[0] not in words:  # most links: a cheap no
            continue
        if text in joined and count_words(text) <= HEADLINE_MAX_WORDS:
            shown.setdefault(text, []).append(link.get("href"))
    if not shown:
        return None
    own = own_addresses(page.tree, page.url)
    hosts = {site_host(key) for key in own}
    found = [
        text
        for text, hrefs in shown.items()
        if any(is_other_page(page.url, href, own, hosts) for href in hrefs)
    ]
    if not found:
        return None
    found.sort(key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, found)) + r")(?!\w)")


def is_other_page(url: str, href: str, own: set[str | None], hosts: set[str]) -> bool:
    key = same_page_key(url, href)
    return key is not None and key not in own and site_host(key) in hosts


def site_host(key: str | None) -> str:
    """The host of a ``same_page_key``, without its port and a leading ``www.``."""
    host = urlsplit("//" + (key or "").split("/", 1)[0]).hostname or ""
    return host.removeprefix("www.")
