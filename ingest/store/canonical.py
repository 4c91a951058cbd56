"""One canonical address, two stories: the second is kept apart, under its own address.

A template that writes one canonical link on every page (its section, ``/politics/``,
or one story's address) makes different stories one article: the second replaced the
first as its "update", which then lived on only in ``article_versions``, found by no
search. Pages of one story under two addresses (AMP, print, tracking parameters) carry
the same headline or most of the shorter text's words, and stay one article; so does a
story that grew or changed its headline, whose first text is most of its later one.
"""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from ingest.urls import article_id, canonical
from ingest.words import unspaced_share

#: Below this share of the shorter text's words (or, in Chinese, Japanese or Thai, of its
#: three-character runs) found in the other, two texts are two stories: an edited or longer
#: version holds most of the first, another story on the same beat few of its words.
SAME_STORY = 0.5


def _pieces(text: str) -> set[str]:
    """Words; in a text of unspaced script, runs of three characters (its words unsplit)."""
    if unspaced_share(text) > 0.5:
        squeezed = "".join(text.split())
        return {squeezed[i : i + 3] for i in range(max(len(squeezed) - 2, 1))}
    return set(text.lower().split())


def another_story(held: dict[str, Any] | None, article: dict[str, Any]) -> bool:
    """Whether ``held`` (the article stored under ``article``'s id) was read from another
    page and tells another story: another headline and few words in common."""
    if held is None or held.get("url") in (None, article.get("url")) or not held.get("text"):
        return False
    if (held.get("title") or "").strip() == (article.get("title") or "").strip():
        return False
    before, now = _pieces(held["text"]), _pieces(article.get("text") or "")
    return len(before & now) < SAME_STORY * max(min(len(before), len(now)), 1)


def is_own_address(article: dict[str, Any]) -> bool:
    """The page is the address its canonical link names: it can't be keyed anew."""
    return article_id(canonical(article["url"])) == article["id"]


def keep_apart(article: dict[str, Any], held_url: str) -> dict[str, Any]:
    """Key ``article`` by its own page's address; the ``errors`` row that says why."""
    claimed = article.get("canonical_url")
    own = canonical(article["url"])
    article.update(id=article_id(own), canonical_url=own)
    said = article.get("provenance") or {}
    if isinstance(said, str):  # a stored row's (a shard's, merged): JSON text
        article["provenance"] = json.dumps(
            {**json.loads(said), "canonical_url": f"shared: {claimed}"}
        )
    else:
        article["provenance"] = {**said, "canonical_url": f"shared: {claimed}"}
    message = (
        f"its canonical link names {claimed}, as {held_url}'s does, with another story: "
        "stored under its own address"
    )
    return {"stage": "store", "kind": "canonical_shared", "message": message[:500]}


def claimed_by_another(article: dict[str, Any], held_url: str) -> dict[str, Any]:
    """The ``errors`` row of a page at the very address another page's canonical link
    claimed for another story: that story gives way, kept in ``article_versions``."""
    message = (
        f"{held_url} named this page's address as its canonical with another story, stored "
        "here before: that story is now a version in article_versions"
    )
    return {"stage": "store", "kind": "canonical_shared", "message": message[:500]}


def stories_apart(
    db: sqlite_utils.Database, pending: list[dict[str, Any]], article: dict[str, Any]
) -> dict[str, Any] | None:
    """The ``errors`` row when ``article``'s canonical link names an article read from
    another page with another story, ``article`` keyed anew by its own address where it can
    be; None when it is the same story or no other. ``pending``: rows not yet committed."""
    held = held_article(db, pending, article["id"])
    if held is None or not another_story(held, article):
        return None
    if is_own_address(article):
        return claimed_by_another(article, held["url"])
    return keep_apart(article, held["url"])


def held_article(
    db: sqlite_utils.Database, pending: list[dict[str, Any]], article_id: str
) -> dict[str, Any] | None:
    """The page URL, title and text of the article under ``article_id``, uncommitted or
    stored (the uncommitted first: it is the later); a copy's text is its original's."""
    for row in reversed(pending):
        if row["id"] == article_id:
            return {k: row.get(k) for k in ("url", "title", "text")}
    sql = (
        "select a.url, a.title, coalesce(a.text, o.text) as text from articles a"
        " left join articles o on o.id = a.duplicate_of where a.id = ?"
    )
    return next(db.query(sql, [article_id]), None)
