"""Outlets: what a plugin declares about one news site, mostly as data."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from ingest.urls import on_sites


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

    @property
    def start_urls(self) -> list[str]:
        return [*self.seeds, *self.feeds, *self.sitemaps]
