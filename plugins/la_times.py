"""Los Angeles Times (latimes.com): Californian and US news.

A story is the paragraphs of ``div[data-element=story-body]``; voter guides,
"More to Read" lists and ads sit between them in ``div.enhancement`` blocks. Some
stories (letters pages, poll write-ups) are a "story stack" instead: numbered
items, each with a title (``h3.story-stack-story-title``) and paragraphs of its own.
Letter writers sign with name and town on two lines of one paragraph (a ``<br>``).
"""

from __future__ import annotations

from ingest import Outlet, hookimpl

STORY = "div[data-element=story-body]"
STACK = "div.story-stack-story"

LA_TIMES = Outlet(
    name="la-times",
    title="Los Angeles Times",
    domains=["latimes.com"],
    language="en",
    seeds=["https://www.latimes.com/"],
    feeds=[
        "https://www.latimes.com/california/rss2.0.xml",
        "https://www.latimes.com/world-nation/rss2.0.xml",
    ],
    sitemaps=["https://www.latimes.com/news-sitemap.xml"],
    articles=r"latimes\.com/(?:[\w-]+/)*story/\d{4}-\d{2}-\d{2}/[\w-]+",
    body=f"{STORY}, {STACK}",  # the story's container, or the stack's items
    paragraphs=(
        f"{STORY} > p, {STORY} > h2, {STORY} > h3, {STORY} > ul > li, {STORY} > blockquote,"
        f" {STACK} > h3.story-stack-story-title, {STACK} > div[data-element$=story-body] > p"
    ),
    drop=["div.enhancement"],
)


@hookimpl
def register_outlets(register):
    register(LA_TIMES)
