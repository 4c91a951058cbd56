"""Articles whose page no longer gives one: kept, with the raw page they came from.

An article was published; a later fetch of its URL that is no article (the page
turned into a list of links, a feed, an empty answer) or a re-extraction that
finds none (a plugin that recognised it removed) does not unpublish it, and must
not cost the page it was read from. So the article row stays as it was stored
(its ``last_seen`` says when it was last seen as one), the ``pages`` row keeps
its raw page (``ingest reextract`` and a WARC export still have it), and the run
records what came instead: an ``errors`` row of kind ``no_longer_article``
unless another error of the page says why already. The crawl's ``urls`` row says
``no_longer_article`` too. Pages that come in any order (an archive's captures)
keep the later fetch's page (``later_pages``).
"""

from __future__ import annotations

import sqlite3
from typing import Any

import sqlite_utils

NO_LONGER_ARTICLE = "no_longer_article"


def article_from(db: sqlite_utils.Database | sqlite3.Connection, url: str) -> str | None:
    """The id of the article stored from the page at ``url``, if one is."""
    row = db.execute("select id from articles where url = ? limit 1", [url]).fetchone()
    return row[0] if row else None


def no_longer_article(article_id: str, what: str, refetched: bool) -> dict[str, Any]:
    """The ``errors`` row of a stored article that its page no longer gives.

    ``what`` says what the page is now (not_article, feed...); ``refetched``, whether a
    crawl fetched it again (the new page is not kept) or a re-extraction read the stored one.
    """
    if refetched:
        message = (
            f"the page is no article now ({what}): article {article_id} and the page it "
            "was read from are kept as stored"
        )
    else:
        message = (
            f"the stored page gives no article now ({what}): article {article_id} is kept as stored"
        )
    return {"stage": "extract", "kind": NO_LONGER_ARTICLE, "message": message}


def article_page_stays(stored: bool, incoming: bool) -> bool | None:
    """Whether the stored page of a URL stays (True) or an incoming one takes its place
    (False), whichever was fetched later, given whether an article was read from each: when
    only one was, its page stays, as in a crawl (``ingest.crawl.fates``), for a page that
    gave no article does not replace it. None when both or neither were: the later fetch
    stays."""
    return None if stored == incoming else stored


def later_pages(db: sqlite_utils.Database, pages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Of pages fetched in any order, the latest of each URL, if fetched later than the one
    stored: an older capture does not take the stored page's place (nor, through it, its
    text at ``ingest reextract``), as in a shard merge."""
    latest: dict[str, dict[str, Any]] = {}
    for row in pages:
        kept = latest.get(row["url"])
        if kept is None or (row["fetched_at"] or "") > (kept["fetched_at"] or ""):
            latest[row["url"]] = row
    stored = "select 1 from pages where url = ? and fetched_at >= ?"
    return [
        row
        for row in latest.values()
        if not db.execute(stored, [row["url"], row["fetched_at"] or ""]).fetchone()
    ]
