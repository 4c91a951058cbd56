"""What becomes of a fetched page: whether its raw page is stored, and its ``urls`` reason.

Shared by the crawl's pipeline and ``ingest import-warc``, so a page read from an
archive ends as a fetched one does. A page that is no article does not replace the
raw page an article was stored from (``ingest.store.kept``): the article keeps its
page, and the run says what came instead.
"""

from __future__ import annotations

from ingest.crawl.items import PageItem
from ingest.extract.process import EMPTIED
from ingest.store.kept import NO_LONGER_ARTICLE, article_from, no_article_said, no_longer_article
from ingest.store.writer import Store


def store_page(store: Store, item: PageItem, crawl_id: int | None) -> bool:
    """Add the page's row, unless it keeps the article stored from its URL's page
    (``keeps_article``). Returns whether the stored page was kept."""
    if keeps_article(store, item.url, item, crawl_id) is not None:
        return True
    store.add_page(item.page_row(crawl_id))
    return False


def keeps_article(store: Store, url: str, item: PageItem, crawl_id: int | None) -> str | None:
    """The ``urls`` reason of ``url`` when ``item``, fetched for it (itself, or a redirect's
    target), is no article where an article was stored from ``url``'s page: that page
    stays, and an ``errors`` row says what came instead (unless the page's own errors say
    why, or ``item`` came before the stored page). None when there is no such article to
    keep."""
    held = article_from(store.db, url) if is_no_article(item) else None
    if held is None:
        return None
    reason = page_reason(item, kept=True)
    if reason == NO_LONGER_ARTICLE and not is_older(store, url, item):
        store.add_error(url, no_longer_article(held, page_reason(item), refetched=True), crawl_id)
    return reason


def takes_article_page(store: Store, item: PageItem, crawl_id: int | None) -> None:
    """``item``, an article fetched before the page stored from its URL (an archive's older
    capture), where that later page gave none: the article's page takes its place (the
    store's ``later_pages``), and the later fetch is told as a crawl that met it after the
    article tells it (``keeps_article``): ``no_longer_article`` and its errors row, unless
    its own error says why."""
    article = item.outcome.article if item.outcome is not None else None
    if article is None or article_from(store.db, item.url) is not None:
        return
    if not is_older(store, item.url, item):
        return
    said = no_article_said(store.db, [item.url])
    if said is None:
        return
    store.add_url("kept", {"url": item.url, "reason": NO_LONGER_ARTICLE})
    store.add_error(item.url, no_longer_article(article["id"], said, refetched=True), crawl_id)


def is_older(store: Store, url: str, item: PageItem) -> bool:
    """``item`` was fetched before the page stored from ``url`` (an archive's older capture;
    a crawl's page is fetched now): it says what the page was before, not that it is no
    article now."""
    later = "select 1 from pages where url = ? and fetched_at > ?"
    return bool(item.fetched_at and store.db.execute(later, [url, item.fetched_at]).fetchone())


def is_no_article(item: PageItem) -> bool:
    """The page was read and is no article: a feed, a sitemap, other content, HTML its
    classifier turned away, or one whose every line the cleanup took (a promotion where a
    story was). Not a page whose extraction failed or could not run: that one is stored,
    for ``ingest reextract`` to try again."""
    if item.kind != "html":
        return True
    outcome = item.outcome
    if outcome is None:
        return False
    emptied = outcome.article is None and outcome.errors[:1] == [EMPTIED]
    return not outcome.is_article or emptied


def page_reason(item: PageItem, kept: bool = False) -> str:
    """What came of a fetched page, for its ``urls`` row: the final word on the URL.
    ``kept``: the page is no article, and the one an article was read from stays."""
    outcome = item.outcome
    if outcome is not None and outcome.article is None and outcome.errors:
        return outcome.errors[0]["kind"]  # empty, too_large, timeout, no_text, internal_error...
    if kept:
        return NO_LONGER_ARTICLE
    if item.kind != "html":
        return item.kind  # feed, sitemap, other
    if outcome is None:
        return "not_extracted"
    if outcome.article is not None:
        return "article"
    return "not_article"
