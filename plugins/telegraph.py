"""The Telegraph (telegraph.co.uk): British national news.

The standfirst is ``p[itemprop=description]``; the story is the paragraphs,
subheadings and list items of ``div.articleBodyText``. A live blog has one such
block per post, each under its title (``h3.live-post__title``); the photos between
posts, and their captions and credits, are not text. Live blogs and evergreen pages
("brit-awards-winners-list") carry no date in their URLs, dated stories do. The
headline shown (``h1``) of a live blog changes as it runs, and can differ from
``og:title``.
"""

from __future__ import annotations

from ingest import Outlet, hookimpl

BODY = "div.articleBodyText"

TELEGRAPH = Outlet(
    name="telegraph",
    title="The Telegraph",
    domains=["telegraph.co.uk"],
    language="en",
    seeds=["https://www.telegraph.co.uk/"],
    feeds=["https://www.telegraph.co.uk/rss.xml"],
    sitemaps=["https://www.telegraph.co.uk/custom/daily-news/sitemap.xml"],
    # /section/2024/03/02/slug/, undated /section/slug-of-four-words-or-more/ (section
    # names are shorter), and before 2015 /news/uknews/9209302/Slug.html
    articles=(
        r"telegraph\.co\.uk/(?:[\w-]+/)+(?:\d{4}/\d{2}/\d{2}/[\w-]+/"
        r"|[a-z0-9]+(?:-[a-z0-9]+){3,}/|\d{5,}/[\w-]+\.html)(?:$|[?#])"
    ),
    body=BODY,  # the story's container, one per post on a live blog
    paragraphs=f"p[itemprop=description], h3.live-post__title, {BODY} p, {BODY} h2, {BODY} li",
    drop=["figure"],  # photos, captions and credits
    headline="h1",
)


@hookimpl
def register_outlets(register):
    register(TELEGRAPH)
