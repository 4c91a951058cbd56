"""Crawl health: per outlet and crawl, what was fetched, stored, skipped, blocked or failed.

The store counts as it writes and keeps one ``crawl_health`` row per outlet of
the running crawl up to date at every commit, so a killed crawl keeps its
figures up to the last batch. ``rules_missed`` is a quality alarm: articles whose
outlet's body/paragraphs rules read much less than the generic path found (the
generic text was stored instead, see ``ingest.extract.generic.chosen_text``), or
whose outlet's URL pattern turned their page away (``ingest.extract.classify``);
``rules_partial`` its quieter sibling: articles whose rules read part of the story,
the rest added from the generic path (``ingest.extract.union``).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from typing import Any

#: The ``crawl_health`` counters, in the order the summary shows them.
COUNTERS = (
    "pages",
    "not_modified",
    "new",
    "updated",
    "unchanged",
    "duplicates",
    "skipped_unchanged",
    "skipped_old",
    "errors",
    "blocked",
    "robots_disallowed",
    "rules_missed",
    "rules_partial",
)

#: Statuses a site answers when it refuses a crawler rather than a page being missing.
BLOCK_STATUSES = frozenset({401, 403, 429, 451})
#: Error kinds counted as blocked: refusals and challenge pages.
BLOCK_KINDS = frozenset({f"http_{s}" for s in BLOCK_STATUSES} | {"captcha"})

# What challenge pages (Cloudflare, DataDome, PerimeterX, Imperva, reCAPTCHA walls) carry,
# in lower case: the body is lowered first, as searching it case-blind took seven times as long
# (1.4 ms of the crawl process's time on every page of 100 KB). Not what the same services put
# on the pages they let through: Cloudflare's bot check (/cdn-cgi/challenge-platform/scripts/
# or /h/b/scripts/) and Imperva's script (/_Incapsula_Resource?SWJIYLWA=) are on ordinary
# articles, which were taken for challenges; only the interstitial's own (its options,
# cf_chl_, and its orchestrate script) and Imperva's refusal (its frame, its incident ID)
# are the challenge's.
_CHALLENGE = re.compile(
    rb"cf-challenge|cf_chl_|challenge-platform/(?:h/[a-z]/)?orchestrate|captcha-delivery|px-captcha"
    rb"|_incapsula_resource\?cwudnsai|incapsula incident id"
    rb"|are you a robot|are you human|verify you are human|verifying you are human"
    rb"|unusual traffic from your computer|checking your browser before accessing"
    rb"|attention required! \| cloudflare|please complete the security check"
)
#: Challenge pages are small; a long page mentioning a captcha is an article about one.
CHALLENGE_MAX_BYTES = 100_000


def looks_like_challenge(body: bytes) -> bool:
    """A captcha or bot-check page instead of the content (cheap: a bounded byte search)."""
    if not body or len(body) > CHALLENGE_MAX_BYTES:
        return False
    return _CHALLENGE.search(body.lower()) is not None


class Health:
    """Counters per outlet for one crawl; ``rows()`` gives the ``crawl_health`` rows."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter[str]] = defaultdict(Counter)
        self.error_kinds: dict[str, Counter[str]] = defaultdict(Counter)
        self.dirty = False

    def add(self, outlet: str, counter: str, n: int = 1) -> None:
        self.counts[outlet][counter] += n
        self.dirty = True

    def error(self, outlet: str, kind: str) -> None:
        self.add(outlet, "errors")
        self.error_kinds[outlet][kind] += 1
        if kind in BLOCK_KINDS:
            self.add(outlet, "blocked")
        elif kind == "robots_disallowed":
            self.add(outlet, "robots_disallowed")

    def snapshot(self) -> tuple[dict, dict, bool]:
        """The counters as they are, to go back to if the batch counted since is not written."""
        return (
            {k: Counter(v) for k, v in self.counts.items()},
            {k: Counter(v) for k, v in self.error_kinds.items()},
            self.dirty,
        )

    def restore(self, snapshot: tuple[dict, dict, bool]) -> None:
        counts, error_kinds, self.dirty = snapshot
        self.counts = defaultdict(Counter, counts)
        self.error_kinds = defaultdict(Counter, error_kinds)

    def rows(self, crawl_id: int) -> list[dict[str, Any]]:
        return [
            {
                "crawl_id": crawl_id,
                "outlet": outlet,
                **{name: counts[name] for name in COUNTERS},
                "error_kinds": json.dumps(dict(self.error_kinds[outlet].most_common())),
            }
            for outlet, counts in sorted(self.counts.items())
        ]


def rules_missed(provenance: dict[str, Any]) -> bool:
    """The outlet's rules missed the article: its selectors read too little (the generic
    text was stored), or its URL pattern turned away a page that is an article."""
    return "missed" in (provenance.get("outlet_rules"), provenance.get("outlet_articles"))


def rules_partial(provenance: dict[str, Any]) -> bool:
    """The outlet's rules read part of the story; paragraphs they passed over were added."""
    return provenance.get("outlet_rules") == "partial"
