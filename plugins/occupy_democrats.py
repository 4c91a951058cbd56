"""Occupy Democrats (occupydemocrats.com): US progressive politics, a WordPress site.

The story is the paragraphs and embedded posts (``blockquote``) of
``div[itemprop=articleBody]``; the author's bio box after it is not part of it. Pages
state their publication time in UTC, which after 7 pm on the US East Coast is the
next day; the URL names the day the site shows, and the generic date path takes
it (with the time in the offset the page's local timestamps give), so nothing
here overrides the date.
"""

from __future__ import annotations

from ingest import Outlet, hookimpl

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


@hookimpl
def register_outlets(register):
    register(OCCUPY_DEMOCRATS)
