"""What every table and column of the database holds, in words.

The one description of the schema: the docs, Datasette's metadata and a test
read it, so a new column is described where the schema creates it (a test
checks that each table and column has its entry).
"""

from __future__ import annotations

from typing import Any

#: What every table and column holds: the one source for docs and Datasette metadata.
#: A table added to the schema gets its entry here (a test checks).
DESCRIPTIONS: dict[str, dict[str, Any]] = {
    "crawls": {
        "description": (
            "One row per run of `ingest crawl`, `demo`, `worker`, `reextract` or `import-warc`."
        ),
        "columns": {
            "id": "Run number",
            "command": "What ran: crawl news, reextract",
            "started_at": "When it started (UTC, ISO 8601)",
            "finished_at": "When it finished; empty if it was killed",
            "seeds": "The seeds it was given (JSON list)",
            "settings": "The crawl settings that matter (JSON)",
            "stats": "Final Scrapy and storage statistics (JSON)",
            "resumed_from": "The interrupted run this one resumed (`crawl --resume`), if any",
            "status": "running, finished, interrupted (a signal, or its process killed) or failed",
            "stop_reason": "Why it stopped: finished, a limit it reached, the signal, or the error",
            "pid": "The process that ran it: a second run waits while that process lives",
            "host": "The machine it ran on",
            "shard": "Merged from a worker's shard (`ingest merge`): that run, as "
            "host/pid/started_at/id; empty for runs on this file",
        },
    },
    "pages": {
        "description": (
            "One row per fetched URL, with the raw body kept for re-extraction; an "
            "article's page is not replaced by a later fetch that is no article."
        ),
        "columns": {
            "url": "The URL fetched (after redirects)",
            "kind": "html, feed, sitemap, other, or error (an HTTP error status)",
            "status": "HTTP status",
            "content_type": "Content-Type header",
            "headers": "Headers that matter: ETag, Last-Modified, Date, Content-Language (JSON)",
            "fetched_at": "When it was fetched (UTC)",
            "body": "The raw body, zlib-compressed",
            "size": "Size of the raw body in bytes",
            "found_via": "How the crawl found it: seed, feed URL, sitemap URL or linking page",
            "depth": "Links followed from a seed to reach it",
            "crawl_id": "The run that fetched it last",
        },
    },
    "articles": {
        "description": "One row per article, keyed by a stable id from its canonical URL.",
        "columns": {
            "id": "Stable id: a hash of the canonical URL",
            "url": "The page the article was extracted from",
            "canonical_url": "The article's canonical URL (tracking parameters removed)",
            "outlet": "The outlet a plugin declared for the URL's domain",
            "site": "The site's host name (without www., with the port if not the default)",
            "title": "Headline, without the site's name",
            "authors": "Author names (JSON list)",
            "published": (
                "Publication date as the page gives it (ISO 8601): with its time and UTC offset "
                "when the page gives them, a day alone when that is all it gives"
            ),
            "published_day": (
                "The day of publication in the publisher's own time zone (YYYY-MM-DD): the "
                "column to group and filter by days (a UTC timestamp may name the next day)"
            ),
            "published_source": (
                "Which source of the publication date weighed most: json-ld, meta, feed or sitemap "
                "(the entry that listed the page), headline (the date printed beside the "
                "headline), time, dateline (a visible date in the article), url or htmldate"
            ),
            "modified": "Last modification date (ISO 8601, with its UTC offset when given)",
            "language": "ISO 639-1 language code (639-3 where a language has none)",
            "sitename": "The site's name",
            "description": "The page's summary (meta description)",
            "image": "The lead image URL",
            "tags": "Tags and categories (JSON list)",
            "text": "The article's text, one paragraph per line; empty for an exact duplicate",
            "word_count": "Words in the text",
            "content_hash": "Changes when title or text change",
            "duplicate_of": "The article with the very same title and text, stored first",
            "cluster_id": "The same story elsewhere: id of the cluster's first article",
            "outlet_version": "Version of the outlet rules that applied",
            "extractor": "The extraction library and its version",
            "plugins": "Plugins that produced or changed the article (JSON list)",
            "provenance": (
                "Which plugin last set each field (JSON object); charset: the charset the "
                "text was read in where the page's label was proved wrong; text_source: "
                "json_ld where the story came from the page's JSON-LD, its HTML holding "
                "little of it; language_declared: the language the page declared where its "
                "text plainly reads as another"
            ),
            "first_seen": "When the article was first stored",
            "last_seen": "When the article was last fetched (or confirmed unchanged by a 304)",
            "crawl_id": "The run that stored it last",
        },
    },
    "article_versions": {
        "description": "Earlier title and text of articles whose content changed.",
        "columns": {
            "id": "Row number",
            "article_id": "The article",
            "title": "The earlier title",
            "text": "The earlier text",
            "content_hash": "The earlier content hash",
            "first_seen": "When this version was first stored",
            "last_seen": "When this version was last seen",
            "replaced_at": "When a newer version replaced it",
            "diff": "What the newer version changed: title, then the text's lines (unified diff)",
            "crawl_id": "The run that found the newer version",
        },
    },
    "warc_files": {
        "description": "WARC files `ingest import-warc` read to the end; a new import skips them.",
        "columns": {
            "source": "The file's path or URL",
            "records": "Records read from it",
            "finished_at": "When its last record was read (UTC)",
            "crawl_id": "The import run that read it",
            "bytes": "Its size when read (a local file larger now is read again); none for a URL",
        },
    },
    "warc_captures": {
        "description": (
            "Each capture `ingest import-warc` stored: read again (its file cut off, stopped "
            "by --max), it is skipped, though a later fetch of its URL holds the page."
        ),
        "columns": {
            "url": "The capture's URL (its WARC-Target-URI)",
            "fetched_at": "When it was fetched: its WARC-Date (UTC)",
            "crawl_id": "The import run that stored it",
        },
    },
    "errors": {
        "description": "Everything that failed, where and why; the crawl went on.",
        "columns": {
            "id": "Row number",
            "crawl_id": "The run",
            "url": "The page concerned",
            "stage": (
                "fetch, discover (a feed or sitemap), load (a plugin), classify, extract, clean, "
                "normalize, store (an article the database refused) or crawl (a bug met mid-crawl)"
            ),
            "plugin": "The plugin that raised, if one did",
            "kind": (
                "Error kind: http_404, timeout, too_deep, robots_disallowed, captcha "
                "(a challenge page), internal_error (a bug), no_longer_article (a stored article's "
                "page gives none now; the article is kept), garbled_text (the text reads as "
                "another script decoded in the wrong charset; the article is kept as read), "
                "canonical_shared (its canonical link names an article another story was read "
                "from: stored under its own address), an exception"
            ),
            "message": "What went wrong",
            "traceback": "Python traceback, for plugin errors and internal errors",
            "at": "When (UTC)",
        },
    },
    "urls": {
        "description": (
            "The crawl frontier: every URL a crawl found, how and when, and what became of it."
        ),
        "columns": {
            "url": "The URL (canonical: tracking parameters and AMP spellings removed)",
            "outlet": "Its outlet (a plugin's name) or site (host name)",
            "state": (
                "queued (found, to fetch), fetched, failed, blocked, robots (disallowed), "
                "refused (an address the crawl may not reach), skipped (before --since, or "
                "too long), offsite (redirected off the crawl's sites), redirected (to a URL "
                "fetched on its own), alias (an article's canonical URL)"
            ),
            "reason": (
                "Why: for a fetched page article, not_article, no_longer_article (no article where "
                "one was stored, or a redirect from it to a page that is none: that article and "
                "its page are kept), feed, sitemap, other, or the "
                "extraction error (empty, unparseable, too_deep, too_large, timeout, no_text); "
                "else changed (a feed or sitemap date is newer), refresh, max_pages, "
                "closespider_timeout (and _itemcount, _pagecount, _errorcount: a Scrapy bound "
                "stopped the crawl first), old, max_depth (a feed or sitemap entry past "
                "--max-depth), unwanted (one outside the seeds file's allow/deny patterns, or "
                "a file), known (held unchanged in a --known database), too_long, not_modified, "
                "captcha, http_404, redirect_loop, redirect_offsite, redirect_seen, "
                "redirect_not_followed, bad_redirect, not_a_page, "
                "redirect_unwanted, blocked_address, canonical..."
            ),
            "kind": "html, feed, sitemap or other, as last fetched",
            "status": "Last HTTP status (304: not modified)",
            "found_via": "How it was first found: seed, feed URL, sitemap URL, robots or page",
            "found_at": "When it was first found (UTC)",
            "depth": "Links followed from a seed to reach it",
            "lastmod": "The latest date a feed or sitemap gave for it",
            "published": "Its publication date, from a feed, sitemap or the article",
            "fetched_at": "When it was last fetched with an answer (200 or 304)",
            "fetches": "How many times it was requested",
            "etag": "ETag of the last full answer, for If-None-Match",
            "last_modified": "Last-Modified of the last full answer, for If-Modified-Since",
            "article_id": "The article stored from it",
            "crawl_id": "The run that fetched or tried it last",
        },
    },
    "crawl_health": {
        "description": "Per crawl and outlet: fetched, stored, skipped, blocked, failed.",
        "columns": {
            "crawl_id": "The run",
            "outlet": "The outlet (a plugin's name) or site (host name)",
            "pages": "Pages fetched and stored (status 200)",
            "not_modified": "Conditional requests answered 304 Not Modified: nothing extracted",
            "new": "Articles stored for the first time",
            "updated": "Articles whose text or title changed (the old one is in article_versions)",
            "unchanged": "Articles fetched again (or answered 304) with the same content",
            "duplicates": "New articles identical to one stored under another URL",
            "skipped_unchanged": (
                "URLs not fetched again: articles held and unchanged per feeds and sitemaps, "
                "child sitemaps not modified since their last fetch"
            ),
            "skipped_old": "URLs not fetched or not stored: dated before --since",
            "errors": "Errors of every kind",
            "blocked": "Refusals: HTTP 401, 403, 429, 451, and captcha or bot-check pages",
            "robots_disallowed": "Requests robots.txt forbade",
            "rules_missed": (
                "Articles the outlet's rules missed: its body/paragraphs rules read much "
                "less than the generic path, whose text was stored, or its articles pattern "
                "turned away the page of an article: the rules need a fix"
            ),
            "rules_partial": (
                "Articles whose outlet's paragraphs rule read part of the story: paragraphs "
                "it passed over, placed in the story by the page, were added from the "
                "generic path (provenance outlet_rules: partial): the rules need a look"
            ),
            "error_kinds": "Errors by kind (JSON object)",
        },
    },
    "site_lines": {
        "description": "Short text lines counted per site: those on many articles are boilerplate.",
        "columns": {
            "site": "The site (host name without www.)",
            "line_hash": "Hash of the line, case and punctuation ignored",
            "line": "The line as first seen",
            "articles": "Articles of the site whose text had the line when first stored",
            "first_seen": "When it was first seen",
        },
    },
    "article_minhash": {
        "description": "MinHash signature of each article's text, to find near-duplicates.",
        "columns": {
            "article_id": "The article",
            "signature": "128 32-bit minimum hashes of the text's word 3-shingles",
        },
    },
    "article_lsh": {
        "description": "LSH buckets of MinHash signatures: articles sharing a key are compared.",
        "columns": {
            "key": "One band of the signature, hashed",
            "article_id": "The article",
        },
    },
    "article_changes": {
        "description": "View: each earlier version of an article beside the version after it.",
        "columns": {
            "article_id": "The article",
            "outlet": "Its outlet",
            "site": "Its site (host name without www.)",
            "url": "Its URL",
            "version_first_seen": "When the earlier version was first seen",
            "version_last_seen": "When the earlier version was last seen",
            "changed_at": "When the earlier version was replaced",
            "crawl_id": "The run that replaced it",
            "old_title": "The earlier title",
            "new_title": "The title after it",
            "title_changed": "1 when the title changed",
            "old_text": "The earlier text",
            "new_text": "The text after it",
            "diff": "What changed, as a unified diff",
        },
    },
    "duplicates": {
        "description": "View: articles stored twice, each exact copy beside its original.",
        "columns": {
            "id": "The copy",
            "url": "The copy's URL",
            "outlet": "The copy's outlet (its site when no outlet)",
            "title": "The copy's title",
            "first_seen": "When the copy was first seen",
            "original_id": "The original, whose text the copy shares",
            "original_url": "The original's URL",
            "original_outlet": "The original's outlet (its site when no outlet)",
        },
    },
    "story_clusters": {
        "description": "View: near-duplicate clusters, the same story in one or more outlets.",
        "columns": {
            "cluster_id": "The cluster: the id of its first article",
            "title": "That article's title",
            "articles": "Articles in the cluster",
            "outlets": "Distinct outlets (or sites) among them",
            "outlet_names": "Those outlets, comma-separated",
            "first_published": "The earliest publication date among them",
            "first_seen": "When the first of them was first seen",
            "last_seen": "When the last of them was last seen",
        },
    },
}
