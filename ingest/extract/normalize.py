"""Generic normalization: authors as a clean list, ISO language, outlet and URL fields.

A built-in plugin that runs first among ``normalize_article`` implementations,
so an outlet plugin's own normalization has the last word.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree

from ingest import hookimpl
from ingest.article import Article, Page, language_code
from ingest.extract import language
from ingest.extract.blocks import selector
from ingest.extract.classify import looks_like_article_url
from ingest.plugins.outlet import Outlet
from ingest.urls import amp_canonical, canonical, site_of
from ingest.words import count_words

AUTHOR_PREFIX_RE = re.compile(r"^(by|von|par|por|de|yazan|text|author)\s*:?\s+", re.IGNORECASE)
#: "|" too: "Jane Doe | Reuters" names a writer and her agency, two entries, not one name.
AUTHOR_SPLIT_RE = re.compile(r"\s*(?:;|,|\||\band\b|\bund\b|\bet\b|\by\b|\bve\b|&)\s*")
#: "Jane Doe | jdoe@paper.com": a way to write to her, not a second author.
EMAIL_RE = re.compile(r"(?:mailto:)?[^@\s]+@[^@\s]+\.\w+", re.IGNORECASE)
#: The words of a job title: "By Jane Doe, Staff Writer" names one author, not two.
ROLE_WORDS = frozenset(
    """
    staff writer writers reporter correspondent editor contributor contributing columnist
    senior chief deputy associate managing executive political business sports science
    health foreign national digital investigative special producer journalist photographer
    redakteur redakteurin korrespondent korrespondentin reporterin journalistin autorin
    rédacteur rédactrice journaliste correspondant correspondante envoyé envoyée spécial
    spéciale redactor redactora periodista corresponsal muhabir editörü
    """.split()
)


@hookimpl(tryfirst=True)
def normalize_article(article: Article, page: Page, outlet: Outlet | None) -> None:
    article.authors = reconcile_authors(clean_authors(article.authors), byline_authors(page))
    article.language = page_language(page, article, outlet)
    if outlet:
        article.outlet = outlet.name
        article.sitename = article.sitename or outlet.title or None
        declared_fields(article, page, outlet)
    if article.canonical_url and not trusted_canonical(article.canonical_url, page.url):
        article.canonical_url = None
    article.canonical_url = canonical(article.canonical_url or page.url)


def declared_fields(article: Article, page: Page, outlet: Outlet) -> None:
    """The title and authors as the page shows them, where the outlet says where to look."""
    if outlet.headline:
        for headline in selector(outlet.headline)(page.tree)[:1]:
            article.title = " ".join(headline.text_content().split()) or article.title
    if outlet.byline:
        found = [" ".join(e.text_content().split()) for e in selector(outlet.byline)(page.tree)]
        article.authors = clean_authors(found) or article.authors


def clean_authors(authors: list[str]) -> list[str]:
    """One name per entry, without "By" and without duplicates, in page order."""
    names: list[str] = []
    for entry in authors:
        parts = [
            p.strip(" .") for p in AUTHOR_SPLIT_RE.split(AUTHOR_PREFIX_RE.sub("", entry.strip()))
        ]
        parts = [p for p in parts if p and count_words(p) <= 5 and not EMAIL_RE.fullmatch(p)]
        if not all(map(is_role, parts)):  # "Jane Doe, Staff Writer": a name and her title
            parts = [p for p in parts if not is_role(p)]
        names += [p for p in dict.fromkeys(parts) if p not in names]
    return names


def is_role(name: str) -> bool:
    """Whether an author entry is a job title alone ("Senior Political Correspondent")."""
    return all(word in ROLE_WORDS for word in name.casefold().split())


# From each matching attribute up to its element: libxml2 tests only the attributes
# there are, twice as fast as testing every element for each attribute.
BYLINE_XPATH = etree.XPath(
    "(//@class[contains(.,'byline') or contains(.,'author') or contains(.,'autor')]"
    " | //@rel[.='author'] | //@itemprop[.='author'])"
    "/parent::*[not(self::meta)][not(self::script)]"
)
#: No byline runs longer; a longer text is a bio, a list or the article itself.
BYLINE_MAX_WORDS = 12


def byline_authors(page: Page) -> list[str]:
    """The names in the page's visible byline ("By A and B"), first byline found."""
    return page.shared("byline", lambda: _read_byline(page))


def _read_byline(page: Page) -> list[str]:
    for element in BYLINE_XPATH(page.tree)[:5]:
        text = short_text(element)
        if text and AUTHOR_PREFIX_RE.match(text):
            return clean_authors([text])
    return []


def short_text(element: etree._Element) -> str | None:
    """The element's text, spaces collapsed, or None past ``BYLINE_MAX_WORDS`` words.

    Reads no further than that, so a byline class on the whole article costs nothing.
    """
    text = ""
    for piece in element.itertext():
        text += piece
        if count_words(text) > BYLINE_MAX_WORDS:
            return None
    return " ".join(text.split())


def reconcile_authors(metadata: list[str], byline: list[str]) -> list[str]:
    """Metadata often names only the first author where the byline names them all."""
    if not metadata:
        return byline
    folded = {m.casefold() for m in metadata}
    if folded < {b.casefold() for b in byline}:
        return byline
    return metadata


def page_language(page: Page, article: Article, outlet: Outlet | None) -> str | None:
    """An ISO 639-1 code: the page's declaration unless its text plainly says otherwise
    (``ingest.extract.language``), the outlet's, else detected from the text."""
    declared = page.tree.xpath("/html/@lang") or page.tree.xpath(
        "//meta[@http-equiv='content-language']/@content"
    )
    if code := next(filter(None, map(iso_code, [*declared, article.language or ""])), None):
        found, overruled = language.checked(code, article.text)
        if overruled:
            article.provenance["language_declared"] = code
        return found
    if code := iso_code((outlet.language if outlet else None) or ""):
        return code  # a plugin's word on its outlet is taken as given
    return language.detect(article.text)


def iso_code(declared: str) -> str | None:
    """The ISO 639-1 code a declaration names ("pt_BR" -> "pt"), or None."""
    code = language_code(declared.strip())
    return code if code and re.fullmatch(r"[a-z]{2}", code) else None


def trusted_canonical(link: str, url: str) -> bool:
    """A canonical link names this article: on its own site, and not the site's home page
    nor a listing above it.

    A link to another site is a syndication hint, and one to the home page a
    misconfigured template; either would merge different articles into one row. So
    would a template that names the story's section (``/news/`` for every story under
    it), or its script without the story's number (``news.php`` for ``news.php?id=123``).
    """
    if not same_site(link, url):
        return False
    if urlsplit(link).path in ("", "/"):  # the home page: only the home page's own
        return urlsplit(url).path in ("", "/") and not looks_like_article_url(url)
    return not names_a_listing_above(link, url)


def names_a_listing_above(link: str, url: str) -> bool:
    """``link`` is no article's address, while ``url`` is one under it (its path, or a
    folder of its path)."""
    if looks_like_article_url(link) or not looks_like_article_url(url):
        return False
    above = urlsplit(link).path.rstrip("/")
    path = urlsplit(amp_canonical(url)).path.rstrip("/")
    return path == above or path.startswith(above + "/")


def same_site(a: str, b: str) -> bool:
    """The same host, give or take the www., m. or amp. of its mobile and AMP editions."""

    def site(u: str) -> str:
        host = site_of(u)
        for prefix in ("amp.", "m.", "mobile."):
            host = host.removeprefix(prefix)
        return host

    return site(a) == site(b)
