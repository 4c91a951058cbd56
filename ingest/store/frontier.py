"""The frontier's writes: how each fact about a URL meets the ``urls`` row it has.

A URL is listed, fetched and aliased many times over crawls; ``Store.add_url`` buffers
each fact and its batch writes it with the SQL here.
"""

from __future__ import annotations

from typing import Any

#: Each fact's write, keeping what an earlier row knew that the new fact doesn't replace.
URL_SQL = {
    # A URL a page, feed or sitemap listed: new rows as given; known rows keep their state
    # unless the crawl queues them again or skips them as old. A decision older than the
    # row's fetch is news no more: a seed planned, fetched, and its plan written with a
    # later item would go back to queued, without a reason, for good. So is one about a URL
    # this crawl already ended (``:crawl_id``): a request that failed has no fetch time,
    # and its plan, carried by the page that listed it after the failure came in, had put
    # a 404 back to queued, its reason gone.
    "found": """
insert into urls (url, outlet, state, reason, found_via, found_at, depth, lastmod, published,
  fetches)
values (:url, :outlet, :state, :reason, :found_via, :found_at, :depth, :lastmod, :published, 0)
on conflict(url) do update set
  state = case when :set_state is null or urls.fetched_at >= excluded.found_at
            or urls.crawl_id = :crawl_id then urls.state else :set_state end,
  reason = case when :set_state is null or urls.fetched_at >= excluded.found_at
             or urls.crawl_id = :crawl_id then urls.reason else excluded.reason end,
  outlet = coalesce(urls.outlet, excluded.outlet),
  lastmod = case when excluded.lastmod > coalesce(urls.lastmod, '') then excluded.lastmod
            else urls.lastmod end,
  published = coalesce(urls.published, excluded.published)""",
    # A request that got an answer or failed.
    "fetched": """
insert into urls (url, outlet, state, reason, kind, status, found_via, found_at, depth,
  fetched_at, fetches, etag, last_modified, article_id, published, crawl_id)
values (:url, :outlet, :state, :reason, :kind, :status, :found_via, :found_at, :depth,
  :fetched_at, 1, :etag, :last_modified, :article_id, :published, :crawl_id)
on conflict(url) do update set
  state = excluded.state, reason = excluded.reason, status = excluded.status,
  outlet = coalesce(excluded.outlet, urls.outlet),
  kind = coalesce(excluded.kind, urls.kind),
  fetched_at = coalesce(excluded.fetched_at, urls.fetched_at),
  fetches = coalesce(urls.fetches, 0) + 1,
  etag = case when :validators then excluded.etag else urls.etag end,
  last_modified = case when :validators then excluded.last_modified else urls.last_modified end,
  article_id = coalesce(excluded.article_id, urls.article_id),
  published = coalesce(excluded.published, urls.published),
  crawl_id = excluded.crawl_id""",
    # The later fetch of an article's page, once the article is met (an archive's older
    # capture): it said what its page was, it says now what became of the article's.
    "kept": "update urls set reason = :reason where url = :url",
    # A stored page that reextract read an article from: whatever its fetch ended as then
    # (too_large, timeout, not_article), it is that article's page now.
    "extracted": """
update urls set reason = 'article', article_id = :article_id
where url = :url and state = 'fetched'""",
    # The canonical URL of an article fetched under another URL (an AMP page, an alias).
    "alias": """
insert into urls (url, outlet, state, reason, found_via, found_at, article_id, fetches)
values (:url, :outlet, 'alias', 'canonical', :found_via, :found_at, :article_id, 0)
on conflict(url) do update set article_id = excluded.article_id""",
}
#: A ``fetched`` fact dated by when its page was fetched, which may be before the URL's row
#: was (an archive's capture): the later fetch is the row's, as ``fetched`` writes it; an
#: older one leaves the row, but for when the URL was first found and what it does not know
#: yet (the shard merge's rule). Run in this order over a batch, the row comes out as from
#: its captures one by one, in any order. Either way the capture is written down as read
#: (``warc_captures``): an older one leaves no row dated by it, nor does one a later took
#: the place of, and its file read again would store it again.
CAPTURED_SQL = (
    URL_SQL["fetched"] + "\nwhere excluded.fetched_at > coalesce(urls.fetched_at, '')",
    """
update urls set found_at = min(coalesce(found_at, :found_at), :found_at),
  outlet = coalesce(outlet, :outlet), kind = coalesce(kind, :kind),
  article_id = coalesce(article_id, :article_id), published = coalesce(published, :published)
where url = :url and fetched_at > :fetched_at""",
    """
insert into warc_captures (url, fetched_at, crawl_id) values (:url, :fetched_at, :crawl_id)
on conflict do nothing""",
)
URL_COLUMNS = "outlet state set_state reason kind status found_via found_at depth lastmod"
URL_COLUMNS += " published fetched_at etag last_modified article_id crawl_id"
URL_DEFAULTS: dict[str, Any] = {**dict.fromkeys(URL_COLUMNS.split()), "validators": 0}
