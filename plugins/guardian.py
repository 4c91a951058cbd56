"""The Guardian (theguardian.com): British and international news.

The standfirst under the headline (``div[data-gu-name=standfirst]``) opens the
text; the story is the paragraphs, subheadings and pull quotes (``aside >
blockquote``) of ``div.article-body-viewer-selector``, closed by an optional
footnote (``footer``). Newsletter sign-ups and "related" cards are ``figure``s
between them. The headline shown (``h1``) often differs from ``og:title``, and the
JSON-LD names "Guardian staff reporter" where the byline names the writer.
"""

from __future__ import annotations

from lxml.cssselect import CSSSelector

from ingest import Article, Outlet, Page, hookimpl
from ingest.normalize import clean_authors

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
)

HEADLINE = CSSSelector("h1")  # in the article, or above it on "immersive" pages
BYLINE = CSSSelector("[data-component=meta-byline] a[rel=author], div[data-gu-name=byline]")


@hookimpl
def register_outlets(register):
    register(GUARDIAN)


@hookimpl
def normalize_article(article: Article, page: Page, outlet: Outlet | None) -> None:
    """The title as the headline shows it, the authors as the byline names them."""
    if outlet is None or outlet.name != GUARDIAN.name:
        return
    for headline in HEADLINE(page.tree)[:1]:
        article.title = " ".join(headline.text_content().split()) or article.title
    names = clean_authors([" ".join(e.text_content().split()) for e in BYLINE(page.tree)])
    if names:
        article.authors = names
