"""The Washington Times (washingtontimes.com): US politics.

The subheadline under the headline (``p.page-subheadline``) opens the text; the
story is the paragraphs of ``div.bigtext``, and a reporter's contact line ("• Stephen
Dinan can be reached at ...") closes it in a ``div`` of its own. ``meta name=author``
is the site's name and address, which the generic cleanup splits into "authors":
authors come from the byline instead.
"""

from __future__ import annotations

from ingest import Outlet, hookimpl

BODY = "div.bigtext"

WASHINGTON_TIMES = Outlet(
    name="washington-times",
    title="The Washington Times",
    domains=["washingtontimes.com"],
    language="en",
    seeds=["https://www.washingtontimes.com/"],
    feeds=[
        "https://www.washingtontimes.com/rss/headlines/news/politics/",
        "https://www.washingtontimes.com/rss/headlines/news/world/",
    ],
    sitemaps=["https://www.washingtontimes.com/sitemap-stories.xml"],
    articles=r"washingtontimes\.com/news/\d{4}/[a-z]{3}/\d{1,2}/[\w-]+",  # /news/2024/feb/29/slug
    body=BODY,  # the story's container
    paragraphs=(
        f"p.page-subheadline, {BODY} > p, {BODY} > h2, {BODY} > h3, {BODY} > ul > li,"
        f" {BODY} > blockquote, {BODY} > div[style] > p"
    ),
    drop=["div.piano-newsletter-inline-in-article", "div.outbrain-unit-desktop", "div.permission"],
    byline="span.byline a",
)


@hookimpl
def register_outlets(register):
    register(WASHINGTON_TIMES)
