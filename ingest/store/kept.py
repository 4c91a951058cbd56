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
keep the later fetch's page, but for an article's (``later_pages``).
"""

from __future__ import annotations

import sqlite3
from typing import Any

import sqlite_utils

NO_LONGER_ARTICLE = "no_longer_article"
#: What a page read is said to be when it is no article and has no error of its own.
NO_ARTICLE = ("not_article", "feed", "sitemap", "other")


def article_from(db: sqlite_utils.Database | sqlite3.Connection, url: str) -> str | None:
    """The id of the article stored from the page at ``url``, if one is."""
    row = db.execute("select id from articles where url = ? limit 1", [url]).fetchone()
    return row[0] if row else None


def no_article_said(db: sqlite_utils.Database | sqlite3.Connection, urls: list[str]) -> str | None:
    """What the ``urls`` row of one of ``urls`` says of its page, when that is no article
    (``NO_ARTICLE``: not_article, feed...); None for anything else, or no row.

    A page that answered 304 (``not_modified``) is the one read before: no article when
    none was read from it, and what its kind says (HTML: ``not_article``)."""
    marks = ", ".join("?" * len(urls))
    found = db.execute(f"select reason, kind from urls where url in ({marks}) limit 1", urls)
    reason, kind = found.fetchone() or (None, None)
    if reason == "not_modified" and not any(article_from(db, url) for url in urls):
        reason = "not_article" if kind == "html" else kind
    return reason if reason in NO_ARTICLE else None


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


def later_pages(
    db: sqlite_utils.Database, pages: list[dict[str, Any]], articles: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Of pages fetched in any order (``articles``, those read from them in the same batch),
    the ones that take the place of their URL's page: the page an article was read from
    stays whichever fetch came later (``article_page_stays``), else the later fetch does. An
    older capture does not take a later page's place (nor, through it, its text at ``ingest
    reextract``), unless the later one gave no article and it did."""
    read = {(row.get("url"), row.get("last_seen")) for row in articles}
    latest: dict[str, tuple[dict[str, Any], bool]] = {}
    for row in pages:
        article = (row["url"], row["fetched_at"]) in read
        kept = latest.get(row["url"])
        if kept is None or _takes_place(kept[1], kept[0]["fetched_at"], article, row):
            latest[row["url"]] = (row, article)
    taking = []
    for row, article in latest.values():
        stored = db.execute("select fetched_at from pages where url = ?", [row["url"]]).fetchone()
        if stored is None or _takes_place(
            article_from(db, row["url"]) is not None, stored[0], article, row
        ):
            taking.append(row)
    return taking


def _takes_place(stored: bool, fetched_at: str | None, article: bool, row: dict[str, Any]) -> bool:
    """Whether ``row`` (``article``: an article was read from it) takes the place of a page
    of its URL fetched at ``fetched_at`` (``stored``: one was read from that one)."""
    stays = article_page_stays(stored, article)
    if stays is None:
        return (row["fetched_at"] or "") > (fetched_at or "")
    return not stays
