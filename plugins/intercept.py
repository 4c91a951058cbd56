"""The Intercept (theintercept.com): US investigative journalism, a WordPress site.

The excerpt under the headline (``p.post__excerpt``) opens the text; the story is
the paragraphs and subheadings of ``div.entry-content__content`` and the quotes
inside it. A story's first words, and a section's, are a lead-in (``span.has-underline``)
that the stylesheet sets in capitals: they are kept in capitals, as readers see them.
Newsletter and "most read" blocks sit between the paragraphs.
"""

from __future__ import annotations

import unicodedata

from lxml.cssselect import CSSSelector

from ingest import Article, Outlet, Page, hookimpl

BODY = "div.entry-content > div.entry-content__content"

INTERCEPT = Outlet(
    name="intercept",
    title="The Intercept",
    domains=["theintercept.com"],
    language="en",
    seeds=["https://theintercept.com/"],
    feeds=["https://theintercept.com/feed/?lang=en"],
    sitemaps=["https://theintercept.com/sitemap_index.xml"],
    articles=r"theintercept\.com/\d{4}/\d{2}/\d{2}/[\w-]+/?(?:$|[?#])",
    body=BODY,  # the story's container
    paragraphs=(
        f"p.post__excerpt, {BODY} > p, {BODY} > h2, {BODY} > h3, {BODY} > ul > li,"
        f" {BODY} blockquote > p"
    ),
    drop=["div.most-read", "div.newsletter-embed", "figure"],
)

LEAD_INS = CSSSelector(f"{BODY} span.has-underline")


@hookimpl
def register_outlets(register):
    register(INTERCEPT)


@hookimpl
def clean_article(article: Article, page: Page, outlet: Outlet | None) -> None:
    """The lead-ins in capitals, as the stylesheet sets them: each opens a line of the
    text (its paragraph's first words), in page order."""
    if outlet is None or outlet.name != INTERCEPT.name:
        return
    lines = article.text.split("\n")
    start = 0
    for lead_in in LEAD_INS(page.tree):
        words = unicodedata.normalize("NFC", " ".join(lead_in.text_content().split()))
        found = (i for i in range(start, len(lines)) if words and lines[i].startswith(words))
        if (i := next(found, None)) is not None:
            lines[i] = words.upper() + lines[i][len(words) :]
            start = i + 1
    article.text = "\n".join(lines)
