"""The Nation (thenation.com): US politics and culture, a WordPress site.

The dek under the headline opens the text; the story is the paragraphs of
``article.blocks-wrapper``, between ads, "Current Issue" boxes and sign-up forms.
One of those forms (``div.cta``) lacks a closing tag, so a browser, like lxml, puts
every paragraph after it inside the form: those paragraphs are read there too,
while the "Popular" and "More from The Nation" lists that follow are not.
"""

from __future__ import annotations

from ingest import Outlet, hookimpl

BODY = "article.blocks-wrapper"
PARAGRAPHS = (
    ", ".join(
        f"{body} > p, {body} > h2, {body} > h3, {body} > blockquote, {body} > ul > li"
        for body in (BODY, f"{BODY} > div.cta")
    )
    + ", div.article-title__dek > p"
)

THE_NATION = Outlet(
    name="the-nation",
    title="The Nation",
    domains=["thenation.com"],
    language="en",
    seeds=["https://www.thenation.com/"],
    feeds=["https://www.thenation.com/feed/"],  # the feed every page links to
    sitemaps=["https://www.thenation.com/news-sitemap.xml"],
    articles=r"thenation\.com/article/[\w-]+/[\w-]+/?(?:$|[?#])",
    body=BODY,  # the story's container
    paragraphs=PARAGRAPHS,  # the story's, those the unclosed form swallowed, and the dek
    drop=["aside", "section.popular-articles", "section.collections"],
)


@hookimpl
def register_outlets(register):
    register(THE_NATION)
