"""AP News (apnews.com): the Associated Press's own site.

The story is the paragraphs and subheadings of ``div.RichTextStoryBody``; ads,
"READ MORE" teasers and embeds sit between them in ``div``s of their own. A rule
of underscores (``___``) divides the story from its trailers (a fact-check
disclaimer, a link to a hub), sometimes as an ``h2``, sometimes inside the last
paragraph after a ``<br>``: the rule goes, the trailers stay (but for hub links,
"AP NFL: https://apnews.com/hub/nfl", which the generic cleanup drops as credits).
"""

from __future__ import annotations

from ingest import Outlet, hookimpl

BODY = "div.RichTextStoryBody"

AP_NEWS = Outlet(
    name="ap-news",
    title="AP News",
    domains=["apnews.com"],
    language="en",
    seeds=["https://apnews.com/"],
    # AP publishes no RSS feeds; its Google News sitemap lists the last two days.
    sitemaps=["https://apnews.com/news-sitemap-content.xml"],
    articles=r"apnews\.com/(?:article|sports)/[\w-]+-[0-9a-f]{12,32}/?(?:$|[?#])",
    body=BODY,  # the story's container
    paragraphs=f"{BODY} > p, {BODY} > h2, {BODY} > h3, {BODY} > ul > li",
    drop=["div.Enhancement", "div.Advertisement"],
    boilerplate=["___"],
)


@hookimpl
def register_outlets(register):
    register(AP_NEWS)
