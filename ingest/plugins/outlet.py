"""Outlets: what a plugin declares about one news site, mostly as data."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from ingest.urls import not_a_host_name, on_sites

#: Fields holding lists of strings (a string there would be read letter by letter).
LIST_FIELDS = ("domains", "seeds", "feeds", "sitemaps", "drop", "boilerplate")
#: Fields holding a string or None.
TEXT_FIELDS = ("title", "version", "language", "articles")
#: Fields holding a CSS selector or None.
SELECTOR_FIELDS = ("body", "paragraphs", "headline", "byline")


@dataclass(frozen=True, eq=False)
class Outlet:
    """One news site, declared by a plugin.

    Most outlets need nothing but these fields; hooks exist for what data
    can't say. ``valid_until`` lets a plugin keep the rules for pages saved
    before a redesign next to the rules for the current site.
    """

    name: str
    domains: list[str]
    title: str = ""
    language: str | None = None
    seeds: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    articles: str | None = None  # regex searched in the URL of article pages
    body: str | None = None  # CSS selector of the article body, when the generic path misses
    # CSS selector of the text's blocks, read one line each (only where ``body`` is found)
    paragraphs: str | None = None
    headline: str | None = None  # CSS selector of the visible headline, when it beats metadata
    byline: str | None = None  # CSS selector of the author names in the visible byline
    drop: list[str] = field(default_factory=list)  # CSS selectors of blocks that are never text
    boilerplate: list[str] = field(default_factory=list)  # phrases whose lines are never text
    version: str = "1"
    valid_until: date | None = None
    plugin: str | None = None  # filled in by the plugin manager: which plugin declared it

    @cached_property
    def _articles_re(self) -> re.Pattern[str] | None:
        return re.compile(self.articles) if self.articles else None

    def owns(self, url: str) -> bool:
        """True when the URL's host is one of the outlet's domains or a subdomain of one."""
        return on_sites(url, self.domains)

    def is_article_url(self, url: str) -> bool | None:
        """True/False when the outlet says which URLs are articles, None when it doesn't."""
        if self._articles_re is None:
            return None
        return bool(self._articles_re.search(url))

    @property
    def shapes_text(self) -> bool:
        """Whether the outlet declares rules for its pages' text (not only where to crawl):
        an article they shaped lists the outlet's plugin, data-only as it may be."""
        return bool(
            self.body or self.paragraphs or self.headline or self.byline
            or self.drop or self.boilerplate
        )  # fmt: skip

    def problem(self) -> str | None:
        """What would make the outlet fail on every page, naming the field; None if nothing.

        Checked once, when a plugin registers it: a pattern that is no regular expression,
        a selector that is no CSS, a string where a list goes, no name.
        """
        if not isinstance(self.name, str) or not self.name.strip():
            return f"name must be a non-empty string, not {self.name!r}"
        for name in LIST_FIELDS:
            value = getattr(self, name)
            if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
                return f"{name} must be a list of strings, not {value!r:.80}"
        for name in TEXT_FIELDS + SELECTOR_FIELDS:
            value = getattr(self, name)
            if not (value is None or isinstance(value, str)):
                return f"{name} must be a string, not {value!r:.80}"
        for domain in self.domains:  # "http://site/" or "site/news" owns no page, silently
            if not_a_host_name(domain):
                return f"domains holds {domain!r:.80}: a host name (news.example) goes there"
        if not (self.valid_until is None or isinstance(self.valid_until, date)):
            return f"valid_until must be a date, not {self.valid_until!r:.80}"
        try:
            self._articles_re  # noqa: B018 (compiled here, once)
        except re.error as exc:
            return f"articles is not a regular expression: {exc}"
        selectors = [(name, getattr(self, name)) for name in SELECTOR_FIELDS]
        for name, css in selectors + [("drop", css) for css in self.drop]:
            if css and (error := _css_error(css, strict=name == "drop")):
                return f"{name} is not a CSS selector ({css!r:.80}: {error})"
        return None

    @property
    def start_urls(self) -> list[str]:
        return [*self.seeds, *self.feeds, *self.sitemaps]


def _css_error(css: str, strict: bool = False) -> str | None:
    """Why ``css`` is no selector lxml can run, as extraction runs it (``strict``: without
    lxml's own pseudo-classes, as trafilatura's pruning runs ``drop``); None if it is one."""
    from cssselect import GenericTranslator, SelectorError
    from lxml.cssselect import CSSSelector

    try:
        for translator in ("xml", "html"):
            CSSSelector(css, translator=translator)
        if strict:
            GenericTranslator().css_to_xpath(css)
    except SelectorError as exc:
        return str(exc)
    return None
