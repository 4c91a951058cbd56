"""The Washington Free Beacon (freebeacon.com): US politics, a WordPress site.

The generic path reads its stories exactly as they are: this plugin only declares
the outlet, its feed and sitemap, and which URLs are stories.
"""

from ingest import Outlet, hookimpl

FREE_BEACON = Outlet(
    name="free-beacon",
    title="Washington Free Beacon",
    domains=["freebeacon.com"],
    language="en",
    seeds=["https://freebeacon.com/"],
    feeds=["https://freebeacon.com/feed/"],  # the feed every page links to
    sitemaps=["https://freebeacon.com/wp-sitemap.xml"],
    # /category/slug-of-the-headline/; author, tag and paged listings are not stories
    articles=(
        r"freebeacon\.com/(?!author/|category/|tag/|page/)[\w-]+"
        r"/[a-z0-9]+(?:-[a-z0-9]+){2,}/?(?:$|[?#])"
    ),
)


@hookimpl
def register_outlets(register):
    register(FREE_BEACON)
