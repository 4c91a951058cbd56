"""The New Yorker (newyorker.com): reporting, criticism and commentary.

The dek under the headline opens the text; the story is the paragraphs of the
``div.body__inner-container`` blocks (one per screenful, between ads and "read
more" cards), and a magazine piece closes with its print-edition line ("Published in
the print edition of the March 11, 2024, issue"). ``meta name=author`` is the
publisher, "Condé Nast": authors come from the byline instead.
"""

from __future__ import annotations

from ingest import Outlet, hookimpl

BODY = "div.body__inner-container"

NEW_YORKER = Outlet(
    name="new-yorker",
    title="The New Yorker",
    domains=["newyorker.com"],
    language="en",
    seeds=["https://www.newyorker.com/"],
    feeds=["https://www.newyorker.com/feed/rss"],  # the feed every page links to
    sitemaps=["https://www.newyorker.com/feed/google-news-sitemap-feed/sitemap-google-news"],
    # /magazine/2024/03/11/slug, /news/daily-comment/slug, /culture/cultural-comment/slug
    articles=(
        r"newyorker\.com/(?:magazine/\d{4}/\d{2}/\d{2}|(?!feed/|tag/|contributors/|video/"
        r"|newsletters?/|about/|account/)[\w-]+/[\w-]+)/[\w-]+/?(?:$|[?#])"
    ),
    body=BODY,  # the story's container
    paragraphs=(
        f"header div[class*=ContentHeaderDek], {BODY} > p, {BODY} > h2, {BODY} > blockquote,"
        f" {BODY} > ul > li, footer[data-testid=MagazineDisclaimerWrapper]"
    ),
    drop=["div[data-testid=GenericCallout]", "figure"],
    byline="article header a.byline__name-link",
)


@hookimpl
def register_outlets(register):
    register(NEW_YORKER)
