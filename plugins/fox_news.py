"""Fox News (foxnews.com): US news and opinion.

The page opens with a subheadline and, on many stories, a bulleted summary; the
story's paragraphs follow in ``div.article-body``, inside ``div.paywall`` on gated
stories. Between them, one-line paragraphs that are only a bold link in capitals
("ANDY KIM SEES 3RD STRAIGHT WIN ...", "CLICK HERE TO GET THE FOX NEWS APP") point
to other stories; the author's bio after the story is not part of it either.
"""

from __future__ import annotations

from ingest import Outlet, hookimpl

BODY = "div.article-body"
PARAGRAPHS = (
    ", ".join(
        f"{body} > p:not(:has(> a:only-child > strong)), {body} > h2, {body} > ul > li"
        for body in (BODY, f"{BODY} > div.paywall")
    )
    + ", header.article-header h2.sub-headline"
)

FOX_NEWS = Outlet(
    name="fox-news",
    title="Fox News",
    domains=["foxnews.com"],
    language="en",
    seeds=["https://www.foxnews.com/"],
    feeds=[
        "https://moxie.foxnews.com/google-publisher/latest.xml",
        "https://moxie.foxnews.com/google-publisher/politics.xml",
        "https://moxie.foxnews.com/google-publisher/us.xml",
        "https://moxie.foxnews.com/google-publisher/world.xml",
    ],
    sitemaps=["https://www.foxnews.com/sitemap.xml?type=news"],
    # /section/slug-of-at-least-four-words; videos and section pages are not articles
    articles=(
        r"foxnews\.com/(?!video/|category/|shows/)[\w-]+/[a-z0-9]+(?:-[a-z0-9]+){3,}/?(?:$|[?#])"
    ),
    body=BODY,  # the story's container
    paragraphs=PARAGRAPHS,  # the story's, and the paywalled part's, but not the link lines
    drop=["div.ad-container", "div.image-ct", "div.featured-video", "div.author-bio"],
)


@hookimpl
def register_outlets(register):
    register(FOX_NEWS)
