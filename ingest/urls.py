"""URLs: one spelling per article, so ids stay stable whatever link found it."""

from __future__ import annotations

import hashlib

from w3lib.url import canonicalize_url, url_query_cleaner

# Query parameters that only track who clicked; they never name a different article.
TRACKING_PARAMS = (
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "fbclid",
    "gclid",
    "mc_cid",
    "mc_eid",
    "ocid",
    "cmpid",
)


def canonical(url: str) -> str:
    """One spelling per article URL, so ids stay stable whatever link found it."""
    cleaned = url_query_cleaner(url, TRACKING_PARAMS, remove=True, keep_fragments=False)
    return canonicalize_url(cleaned)


def article_id(url: str) -> str:
    """A stable key from the canonical URL: merges and retries never duplicate rows."""
    return hashlib.sha1(canonical(url).encode("utf-8")).hexdigest()[:16]
