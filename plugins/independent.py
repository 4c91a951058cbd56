"""The Independent (independent.co.uk): British and international news.

The standfirst is the ``p`` (or ``h2``) under the headline in ``header#articleHeader``;
the story is the paragraphs of ``div#main`` (one ``div`` deeper on pages from 2020) and
the subheadings its ``div``s wrap (``div > h2``, ``div > h3``: the winners of a list,
the sections of a guide). Live blogs keep their posts out of ``div#main``: only the
introduction is the article. Newsletter boxes, bookmark prompts and "Join our
commenting forum" blocks sit around it. The headline shown (``h1``) often differs
from ``og:title``.
"""

from __future__ import annotations

from ingest import Outlet, hookimpl

MAIN = "div#main"  # inside <article>, or after it on older pages

INDEPENDENT = Outlet(
    name="independent",
    title="The Independent",
    domains=["independent.co.uk"],
    language="en",
    seeds=["https://www.independent.co.uk/"],
    feeds=["https://www.independent.co.uk/rss", "https://www.independent.co.uk/news/uk/rss"],
    sitemaps=["https://www.independent.co.uk/sitemaps/googlenews"],
    articles=r"independent\.co\.uk/(?:[\w-]+/)+[\w-]+-b\d+\.html",  # slug-b2506015.html
    body=MAIN,  # the story's container
    paragraphs=(
        "header#articleHeader > div > div > p, header#articleHeader > div > div > h2,"
        f" {MAIN} > p, {MAIN} > div > h2, {MAIN} > div > h3, {MAIN} > ul > li,"
        f" {MAIN} > div > p"  # older pages wrap the paragraphs in one more div
    ),
    drop=["div.newsletter-component", "figure"],
    headline="header#articleHeader h1",
)


@hookimpl
def register_outlets(register):
    register(INDEPENDENT)
