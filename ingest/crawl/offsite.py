"""The crawl's sites, one rule for every request, however it was made.

Scrapy's offsite filter lets through any request marked ``dont_filter``, and its
redirect middleware hands that mark to the next hop. ingest marks a few requests
so (a page asked again without conditions after a 304 found nothing stored, the
robots.txt it reads for sitemaps), and a redirect of one of them reached another
site: its page fetched and stored, while the errors table said the redirect was
refused. The filter also judged hosts by a pattern of its own, which an empty
domain turned into "any host written with a final dot".

Here the filter asks only the crawl's own rule (``ingest.urls.on_sites``, the one
links and listings are judged by) and ignores ``dont_filter``. A request may
leave the sites only when it says so itself (``allow_offsite``), or when it is a
robots.txt redirected to another host (``ingest.crawl.robots.robots_redirect``).
A redirect is a link the server gives, so one outside the seeds file's
``allow``/``deny`` patterns is refused too, as the link would be;
``ingest.crawl.redirects.offsite`` says how the URL asked for ends.
"""

from __future__ import annotations

from typing import Any

from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached

from ingest.crawl.robots import robots_redirect


class SitesOnly(OffsiteMiddleware):
    """Scrapy's offsite filter, deaf to ``dont_filter``, judging by the crawl's sites."""

    def process_request(self, request: Any, spider: Any = None) -> None:
        spider = self.crawler.spider
        if request.meta.get("allow_offsite") or robots_redirect(request):
            return
        if not self.should_follow(request, spider):
            host = urlparse_cached(request).hostname or ""
            self.stats.inc_value("offsite/filtered")
            raise IgnoreRequest(f"Filtered offsite request to {host!r}")
        if unwanted_redirect(request, spider):
            self.stats.inc_value("offsite/unwanted")
            raise IgnoreRequest(f"Filtered redirect outside the allow/deny patterns: {request.url}")

    def should_follow(self, request: Any, spider: Any) -> bool:
        on_site = getattr(spider, "on_site", None)
        if on_site is None or not getattr(spider, "allowed_domains", None):
            return super().should_follow(request, spider)  # another spider: Scrapy's rule
        return bool(on_site(request.url))


def unwanted_redirect(request: Any, spider: Any) -> bool:
    """A redirect, of a URL the seeds file's patterns were asked of (a link, a listing's
    page), to one they exclude. A seed, a feed or a sitemap moved (to https, to a new
    name) goes where it moved: the patterns never applied to it."""
    within = getattr(spider, "within_patterns", None)
    if not (request.meta.get("redirect_urls") and request.meta.get("patterned")):
        return False
    return within is not None and not within(request.url)
