"""i (inews.co.uk): British national news, a WordPress site.

The standfirst is the ``h2.excerpt`` under the headline; the story is the paragraphs
and subheadings of ``div.article-content``, where "Read Next" teasers, adverts and
image captions sit between them in blocks of their own. Titles are the headline
shown (``h1``): ``og:title`` is sometimes a longer search-engine version.
"""

from __future__ import annotations

from ingest import Outlet, hookimpl

BODY = "div.article-content"

INEWS = Outlet(
    name="inews",
    title="i",
    domains=["inews.co.uk"],
    language="en",
    seeds=["https://inews.co.uk/"],
    feeds=["https://inews.co.uk/feed"],
    sitemaps=["https://inews.co.uk/sitemap.xml"],
    articles=r"inews\.co\.uk/[\w-]+/(?:[\w-]+/)*[\w-]+-\d{6,}/?(?:$|[?#])",
    body=BODY,  # the story's container
    paragraphs=(
        f"article h2.excerpt, {BODY} > p, {BODY} > h2, {BODY} > h3, {BODY} > ul > li,"
        f" {BODY} > blockquote"
    ),
    drop=["div.inews__shortcode-relatedarticleinline", "div.inews__advert", "figure"],
    headline="article h1",
)


@hookimpl
def register_outlets(register):
    register(INEWS)
