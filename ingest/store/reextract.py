"""Re-run extraction over stored raw pages: no fetching, same path as a crawl.

Each article is stored as seen when its page was fetched; a 304 since may have seen
it later, and that later last_seen stays (``ArticleMerge`` never lowers it), so a
merge still knows the re-extracted text for the newest. A stored article whose page gives
none now stays as stored, counted by an errors row (``ingest.store.kept``).
"""

from __future__ import annotations

from datetime import date

from ingest.extract.limits import Limits
from ingest.extract.process import Job, plugin_records
from ingest.extract.workers import DEFAULT_TIMEOUT, ExtractionPool
from ingest.plugins.manager import PluginConfig, load_plugins
from ingest.store import runs
from ingest.store.kept import article_from, no_longer_article
from ingest.store.schema import now
from ingest.store.stops import stop_reason
from ingest.store.writer import Store


def reextract_database(
    db_path: str,
    config: PluginConfig,
    workers: int | None = None,
    limits: Limits | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> tuple[int, Store]:
    """Extract every stored HTML page again, each within ``limits`` and ``timeout``
    seconds; returns the run's id and the open store."""
    store = Store(db_path, load_plugins(config))
    crawl_id = None
    try:
        crawl_id = store.start_crawl("reextract", [], {"workers": workers})
        for error in plugin_records(store.plugins.load_errors):  # as a crawl records them
            store.add_error(None, error, crawl_id)
        fetched_at: dict[str, str | None] = {}  # pages in flight: when each was fetched
        listed = store.listed_dates()

        def jobs():
            for row in store.stored_pages(unpack=False):  # unpacked in the workers
                fetched_at[row["url"]] = row["fetched_at"]
                when = row["fetched_at"]
                yield Job(
                    url=row["url"],
                    body=row["body"] or b"",
                    packed=True,
                    content_type=row["content_type"],
                    fetched=date.fromisoformat(when[:10]) if when else None,
                    listed=listed.get(row["url"]),
                    signature=True,
                    limits=limits or Limits(),
                )

        with ExtractionPool(config, workers, timeout) as pool:
            for outcome in pool.map(jobs()):
                seen = fetched_at.pop(outcome.url, None) or now()  # no fetch happened now
                if outcome.article is not None:
                    store.add_article(outcome.article, crawl_id, seen, outcome.signature)
                    store.add_url(
                        "extracted", {"url": outcome.url, "article_id": outcome.article["id"]}
                    )
                elif not outcome.errors:  # no error says why: said, if an article is lost
                    _no_longer_article(store, outcome.url, crawl_id)
                for error in outcome.errors:
                    store.add_error(outcome.url, error, crawl_id)
        store.finish_crawl(crawl_id, {})  # with the store's counts, the last batch's too
    except KeyboardInterrupt as exc:  # what was read again is kept, and the run says why
        try:
            if crawl_id is not None:
                store.finish_crawl(crawl_id, {}, runs.INTERRUPTED, stop_reason(exc))
        finally:
            store.close()
        raise
    except BaseException:
        store.close()
        raise
    return crawl_id, store


def _no_longer_article(store: Store, url: str, crawl_id: int) -> None:
    """The stored page of an article gives none now (a plugin that recognised it removed):
    the article stays as stored, and an errors row counts it, else it would pass unseen."""
    held = article_from(store.db, url)
    if held is not None:
        store.add_error(url, no_longer_article(held, "not_article", refetched=False), crawl_id)
