"""One canonical address, two stories: the second is kept apart, under its own address.

A template that writes one canonical link on every page (its section, ``/politics/``,
or one story's address) makes different stories one article: the second replaced the
first as its "update", which then lived on only in ``article_versions``, found by no
search. Pages of one story under two addresses (AMP, print, tracking parameters) carry
the same headline or most of the same words, and stay one article.
"""

from __future__ import annotations

from typing import Any

from ingest.urls import article_id, canonical

#: Below this share of words in common (Jaccard, word sets), two texts are two stories: an
#: edited version keeps most of its words, a different story on the same beat a few.
SAME_STORY = 0.5


def another_story(held: dict[str, Any] | None, article: dict[str, Any]) -> bool:
    """Whether ``held`` (the article stored under ``article``'s id) was read from another
    page and tells another story: another headline and few words in common."""
    if held is None or held.get("url") in (None, article.get("url")) or not held.get("text"):
        return False  # a copy's text is its original's: not read here
    if (held.get("title") or "").strip() == (article.get("title") or "").strip():
        return False
    before = set((held.get("text") or "").lower().split())
    now = set((article.get("text") or "").lower().split())
    shared = len(before & now) / max(len(before | now), 1)
    return shared < SAME_STORY


def keep_apart(article: dict[str, Any], held_url: str) -> dict[str, Any]:
    """Key ``article`` by its own page's address; the ``errors`` row that says why."""
    claimed = article.get("canonical_url")
    own = canonical(article["url"])
    article.update(id=article_id(own), canonical_url=own)
    article.setdefault("provenance", {})["canonical_url"] = f"shared: {claimed}"
    message = (
        f"its canonical link names {claimed}, as {held_url}'s does, with another story: "
        "stored under its own address"
    )
    return {"stage": "store", "kind": "canonical_shared", "message": message[:500]}
