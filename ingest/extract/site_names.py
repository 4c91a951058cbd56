"""How a page names its site, and the title without it.

A page names its site in its ``og:site_name``, its ``application-name``, the short
parts of its ``<title>`` around the headline ("Budget vote | Test Daily") and its
outlet's title. Cleaning strips those names from the title's ends and drops lines
that are only one of them. A short part of the ``<title>`` that the headline
itself holds ("Covid-19 - what we know so far", as its ``<h1>`` reads) is the
headline's, not a site's: taking it for one cut real headlines at their dash.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ingest.article import Article, Page
from ingest.plugins.outlet import Outlet
from ingest.words import count_words, fold

TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " • ", " : ")


def site_names(article: Article, page: Page, outlet: Outlet | None) -> list[str]:
    """Every way the page names its site: og:site_name, the title's suffix, the outlet."""
    found = [article.sitename or "", *declared_names(page, outlet)]
    titles = page.tree.xpath("//title/text()")
    if titles:
        headlines = [" ".join(h.text_content().split()) for h in page.tree.iter("h1")]
        found += [
            a
            for a in title_affixes(titles[0])
            if not in_headline(a, headlines) or names_host(a, page.url)
        ]
    return short_names(found)


def own_names(article: Article, page: Page, outlet: Outlet | None) -> list[str]:
    """The names a page surely gives its site: its outlet's title, its ``og:site_name`` or
    ``application-name``, and a name (trafilatura's, or a part of its ``<title>``) that
    spells its host. A ``<title>``'s other parts may be a section ("... | Ukraine |
    Daily Example"), which a story's sentence may name too. Only names with a word in
    them: one of punctuation alone would open any line."""
    titles = page.tree.xpath("//title/text()")
    guessed = [article.sitename or "", *(title_affixes(titles[0]) if titles else [])]
    spelled = [name for name in guessed if name and names_host(name, page.url)]
    return [n for n in short_names([*declared_names(page, outlet), *spelled]) if fold(n)]


def declared_names(page: Page, outlet: Outlet | None) -> list[str]:
    """The names the outlet and the page's metadata declare: the outlet's title,
    ``og:site_name``, ``application-name``."""
    tree = page.tree
    found = [outlet.title if outlet else ""]
    found += tree.xpath("//meta[@property='og:site_name']/@content")
    found += tree.xpath("//meta[@name='application-name']/@content")
    return found


def short_names(found: list[str]) -> list[str]:
    """The names given, once each, stripped; a "site name" as long as a headline would
    strip real text, so only short ones."""
    unique = dict.fromkeys(n.strip() for n in found if n and n.strip())
    return [n for n in unique if count_words(n) <= 6]


def title_affixes(title: str) -> list[str]:
    """The short parts of a <title> around its headline ("Headline | Site" -> ["Site"])."""
    for sep in TITLE_SEPARATORS:
        if sep in title:
            parts = [p.strip() for p in title.split(sep)]
            headline = max(parts, key=len)
            return [p for p in parts if p is not headline and count_words(p) <= 5]
    return []


def in_headline(part: str, headlines: list[str]) -> bool:
    """Whether a short part of the <title> is the headline's own, set off by a separator in
    the headline too ("Covid-19 - what we know so far"): a site name is not in the h1.
    ``og:title`` is no witness: many sites repeat their whole ``<title>`` there."""
    part = part.casefold()
    folded = [h.casefold() for h in headlines]
    return any(part + sep in h or sep + part in h for h in folded for sep in TITLE_SEPARATORS)


def names_host(part: str, url: str) -> bool:
    """Whether a part of the title spells the site's host name ("Test Daily" on
    testdaily.example, "PSL" on psl.eu): a site name, even where a template prints the
    whole <title> as the h1 too."""
    letters = "".join(c for c in part.casefold() if c.isalnum())
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    name = "".join(c for c in "".join(host.split(".")[:-1]) if c.isalnum())
    return len(name) >= 3 and name in letters


def strip_site_name(title: str, names: list[str]) -> str:
    """Drop a site name glued to the headline's start or end by a separator."""
    changed = True
    while changed:
        changed = False
        for name in names:
            for sep in TITLE_SEPARATORS:
                if title.casefold().endswith((sep + name).casefold()):
                    title, changed = title[: -len(sep + name)].rstrip(), True
                elif title.casefold().startswith((name + sep).casefold()):
                    title, changed = title[len(name + sep) :].lstrip(), True
    return title.strip()
