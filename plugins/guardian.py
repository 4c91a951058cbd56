"""The Guardian (theguardian.com): British and international news.

The standfirst under the headline (``div[data-gu-name=standfirst]``) opens the
text; the story is the paragraphs, subheadings and pull quotes (``aside >
blockquote``) of ``div.article-body-viewer-selector``, closed by an optional
footnote (``footer``). Newsletter sign-ups and "related" cards are ``figure``s
between them. The headline shown (``h1``) often differs from ``og:title``, and the
JSON-LD names "Guardian staff reporter" where the byline names the writer.
"""

from __future__ import annotations

from ingest import Outlet, hookimpl

BODY = "div.article-body-viewer-selector"

GUARDIAN = Outlet(
    name="guardian",
    title="The Guardian",
    domains=["theguardian.com"],
    language="en",
    seeds=["https://www.theguardian.com/international"],
    feeds=[
        "https://www.theguardian.com/world/rss",
        "https://www.theguardian.com/uk-news/rss",
        "https://www.theguardian.com/us-news/rss",
    ],
    sitemaps=["https://www.theguardian.com/sitemaps/news.xml"],
    # /section/2024/mar/02/slug; /section/2024/mar/02/all lists the day's stories
    articles=r"theguardian\.com/(?:[\w-]+/)+\d{4}/[a-z]{3}/\d{2}/(?!all(?:$|[?#]))[\w-]+(?:$|[?#])",
    body=BODY,  # the story's container
    paragraphs=(
        f"div[data-gu-name=standfirst] p, {BODY} > p, {BODY} > h2, {BODY} > ul > li,"
        f" {BODY} > aside > blockquote, {BODY} > footer"
    ),
    drop=["figure", "div#sign-in-gate"],
    headline="h1",  # in the article, or above it on "immersive" pages
    byline="[data-component=meta-byline] a[rel=author], div[data-gu-name=byline]",
)


@hookimpl
def register_outlets(register):
    register(GUARDIAN)
