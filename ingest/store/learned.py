"""Boilerplate learned across pages: a line that recurs on many articles of one site.

A newsletter box, a standing disclaimer or a "follow us" line that the generic
rules do not know comes out of extraction on every article of its site. Each
short line of a newly stored article is counted per site (``site_lines``); once
the same line has been seen on ``MIN_ARTICLES`` different articles it is that
site's boilerplate and is left out of every article stored afterwards, in this
crawl, later crawls and ``ingest reextract`` alike.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import sqlite_utils

from ingest.article import content_hash
from ingest.words import count_words

#: Articles of one site a line must recur on before it counts as the site's boilerplate.
MIN_ARTICLES = 3
#: Longer lines are prose: a quote or a paragraph syndicated across stories is not boilerplate.
MAX_WORDS = 40
PLUGIN = "ingest.store.learned"


def line_key(line: str) -> str:
    folded = " ".join(re.findall(r"\w+", line.casefold()))
    return hashlib.sha1(folded.encode()).hexdigest()[:16]


class SiteBoilerplate:
    """Counts lines per site in the database and removes the ones that recur."""

    def __init__(self, db: sqlite_utils.Database, min_articles: int = MIN_ARTICLES):
        self.db = db
        self.min_articles = min_articles

    def clean(self, row: dict[str, Any], learn: bool) -> dict[str, Any]:
        """The article row without its site's boilerplate lines; ``learn`` counts its lines.

        Learn only from articles stored for the first time, so a re-crawl of the
        same article does not count twice. The row's JSON fields are strings.
        """
        site, text = row.get("site"), row.get("text")
        if not site or not text:
            return row
        lines = text.split("\n")
        keys = {line_key(x): x for x in lines if 0 < count_words(x) <= MAX_WORDS}
        if learn:
            self._count(site, keys, row.get("last_seen"))
        known = self._boilerplate(site, list(keys))
        if not known:
            return row
        kept = [x for x in lines if not (count_words(x) <= MAX_WORDS and line_key(x) in known)]
        if not kept:  # everything recurs: a listing page, not a text to empty
            return row
        return self._rewrite(row, "\n".join(kept))

    def _count(self, site: str, keys: dict[str, str], seen: str | None) -> None:
        self.db.conn.executemany(
            "insert into site_lines (site, line_hash, line, articles, first_seen)"
            " values (?, ?, ?, 1, ?) on conflict (site, line_hash)"
            " do update set articles = articles + 1",
            [(site, key, line, seen) for key, line in keys.items()],
        )

    def _boilerplate(self, site: str, keys: list[str]) -> set[str]:
        if not keys:
            return set()
        marks = ",".join("?" * len(keys))
        rows = self.db.execute(
            f"select line_hash from site_lines where site = ? and articles >= ?"
            f" and line_hash in ({marks})",
            [site, self.min_articles, *keys],
        ).fetchall()
        return {key for (key,) in rows}

    @staticmethod
    def _rewrite(row: dict[str, Any], text: str) -> dict[str, Any]:
        row = dict(row)
        row["text"] = text
        row["word_count"] = count_words(text)
        row["content_hash"] = content_hash(row.get("title") or "", text)
        provenance = json.loads(row.get("provenance") or "{}")
        provenance["text"] = PLUGIN
        row["provenance"] = json.dumps(provenance)
        plugins = json.loads(row.get("plugins") or "[]")
        row["plugins"] = json.dumps([*plugins, PLUGIN] if PLUGIN not in plugins else plugins)
        return row
