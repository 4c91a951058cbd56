"""Occupy Democrats (occupydemocrats.com): US progressive politics, a WordPress site.

The story is the paragraphs and embedded posts (``blockquote``) of
``div[itemprop=articleBody]``; the author's bio box after it is not part of it. Pages
state their publication time in UTC, which after 7 pm on the US East Coast is the
next day: the date the site shows, and puts in the URL, is the one kept.
"""

from __future__ import annotations

import re

from ingest import Article, Outlet, Page, hookimpl

BODY = "div[itemprop=articleBody]"

OCCUPY_DEMOCRATS = Outlet(
    name="occupy-democrats",
    title="Occupy Democrats",
    domains=["occupydemocrats.com"],
    language="en",
    seeds=["https://occupydemocrats.com/"],
    feeds=["https://occupydemocrats.com/feed/"],  # the feed every page links to
    sitemaps=["https://occupydemocrats.com/sitemap.xml"],
    articles=r"occupydemocrats\.com/\d{4}/\d{2}/\d{2}/[\w-]+/?(?:$|[?#])",
    body=BODY,  # the story's container
    paragraphs=f"{BODY} > p, {BODY} > blockquote, {BODY} > h2, {BODY} > h3, {BODY} > ul > li",
    drop=["div.nnr-ab-wrap"],  # the author box
)

URL_DATE = re.compile(r"/(\d{4})/(\d{2})/(\d{2})/")


@hookimpl
def register_outlets(register):
    register(OCCUPY_DEMOCRATS)


@hookimpl
def normalize_article(article: Article, page: Page, outlet: Outlet | None) -> None:
    """The publication date the site shows (US Eastern), which its URLs carry."""
    if outlet is None or outlet.name != OCCUPY_DEMOCRATS.name:
        return
    match = URL_DATE.search(page.url)
    if match:
        article.published, article.published_source = "-".join(match.groups()), "url"
