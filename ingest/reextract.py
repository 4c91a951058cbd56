"""Re-run extraction over stored raw pages: no fetching, same path as a crawl."""

from __future__ import annotations

from datetime import date

from ingest.plugins import PluginConfig, load_plugins
from ingest.process import Job
from ingest.store import Store, now
from ingest.workers import ExtractionPool


def reextract_database(
    db_path: str, config: PluginConfig, workers: int | None = None
) -> tuple[int, Store]:
    """Extract every stored HTML page again; returns the run's id and the open store."""
    store = Store(db_path, load_plugins(config))
    crawl_id = store.start_crawl("reextract", [], {"workers": workers})
    jobs = (
        Job(
            url=row["url"],
            body=row["body"],
            content_type=row["content_type"],
            fetched=date.fromisoformat(row["fetched_at"][:10]) if row["fetched_at"] else None,
        )
        for row in store.stored_pages()
    )
    with ExtractionPool(config, workers) as pool:
        for outcome in pool.map(jobs):
            if outcome.article is not None:
                store.add_article(outcome.article, crawl_id, now())
            for error in outcome.errors:
                store.add_error(outcome.url, error, crawl_id)
    store.finish_crawl(crawl_id, {f"store/{k}": v for k, v in store.counts.items()})
    return crawl_id, store
