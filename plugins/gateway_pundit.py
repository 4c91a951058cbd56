"""The Gateway Pundit (thegatewaypundit.com): US politics, a WordPress site.

The generic path reads the story's text exactly; only the title needs the page's
headline: ``og:title`` carries " | The Gateway Pundit | by AUTHOR" and straight
quotes where the headline shown (``h1``) has typographic ones.
"""

from ingest import Outlet, hookimpl

GATEWAY_PUNDIT = Outlet(
    name="gateway-pundit",
    title="The Gateway Pundit",
    domains=["thegatewaypundit.com"],
    language="en",
    seeds=["https://www.thegatewaypundit.com/"],
    feeds=["https://www.thegatewaypundit.com/feed/"],  # the feed every page links to
    sitemaps=["https://www.thegatewaypundit.com/news-sitemap.xml"],
    articles=r"thegatewaypundit\.com/\d{4}/\d{2}/[\w-]+/?(?:$|[?#])",
    headline="h1.entry-title, article h1",
)


@hookimpl
def register_outlets(register):
    register(GATEWAY_PUNDIT)
