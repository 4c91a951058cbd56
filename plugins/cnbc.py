"""CNBC (cnbc.com): US business and markets news.

A story opens with "Key Points", a bulleted summary (``div.RenderKeyPoints-list``)
that the generic path leaves out; its paragraphs are in the ``div.group`` blocks of
``div.ArticleBody-articleBody``, between photo embeds. Bylines name people
or "CNBC.com staff", which the generic metadata reader turns into "CNBC com staff":
the visible byline is read instead.
"""

from __future__ import annotations

from ingest import Outlet, hookimpl

BODY = "div.ArticleBody-articleBody"

CNBC = Outlet(
    name="cnbc",
    title="CNBC",
    domains=["cnbc.com"],
    language="en",
    seeds=["https://www.cnbc.com/"],
    feeds=[
        "https://www.cnbc.com/id/100003114/device/rss/rss.html",  # top news
        "https://www.cnbc.com/id/10000664/device/rss/rss.html",  # finance
    ],
    sitemaps=["https://www.cnbc.com/sitemap_news.xml"],
    articles=r"cnbc\.com/\d{4}/\d{2}/\d{2}/[\w-]+\.html",
    body=BODY,  # the story's container
    paragraphs=(
        f"div.RenderKeyPoints-list li, {BODY} > div.group > p, {BODY} > div.group > ul > li,"
        f" {BODY} > h2, {BODY} > div.group > h2"
    ),
    drop=["div.InlineImage-imageEmbed"],  # photos and their credits
    byline="div.ArticleHeader-authorContainer a.Author-authorName",
)


@hookimpl
def register_outlets(register):
    register(CNBC)
