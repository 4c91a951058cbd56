"""Canned queries: the questions people ask of a news crawl, as Datasette pages and JSON.

``fts_words``, ``title_key`` and ``page_html`` are SQL functions the ingest Datasette plugin
adds (see ``ingest.query.datasette.plugin``); a column of the results named ``article_id`` links to
the article, and ``<mark>`` in a result marks matched words.
"""

from __future__ import annotations

import copy
from typing import Any

from ingest.query.matching import HOLDS_SHORT, INDEXED, TRIGRAM_TABLE
from ingest.store.runs import LATEST_RUNS, LATEST_SHARED_RUNS

#: What the search description adds when the database has the trigram index.
UNSPACED_NOTE = (
    " Words in Chinese, Japanese or Thai are found anywhere in a title or text, case "
    "ignored; a match by words of one or two such characters alone is not ranked. With OR, "
    "NOT or NEAR such a search needs terms of three characters, and finds no article "
    "without such characters."
)
#: What it adds while the trigram index is still being filled with older articles.
UNFILLED_NOTE = (
    " When this server started, the index of these scripts was still being filled: "
    "{count:,} articles stored before it were not searched yet (restart ingest serve once "
    "a crawl or reextract has filled it)."
)
#: Texts shorter than this many words count as short in the extraction-quality query.
SHORT_TEXT = 50


def quality_sql(exclude_duplicates: bool, latest: str = LATEST_RUNS) -> str:
    """The extraction-quality query; an exact duplicate (a database whose articles have
    ``duplicate_of``) keeps no text of its own, so it is left out."""
    duplicates = "\n  where duplicate_of is null" if exclude_duplicates else ""
    return f"""\
with latest as ({latest}),
stored as (
  select coalesce(articles.outlet, urls.outlet, '') as outlet,
    articles.crawl_id in (select id from latest) as in_latest,
    coalesce(word_count, 0) as words
  from articles left join urls on urls.url = articles.url{duplicates}
  union all  -- pages of articles that came out empty: no_text errors, no article row
  select coalesce(urls.outlet, ''), 1, 0
  from errors left join urls on urls.url = errors.url
  where errors.crawl_id in (select id from latest) and errors.kind = 'no_text'
),
per_outlet as (
  select outlet,
    sum(in_latest) as latest_articles,
    sum(in_latest and words = 0) as empty_texts,
    sum(in_latest and words < {SHORT_TEXT}) as short_texts,
    cast(round(avg(case when in_latest then words end)) as integer) as latest_avg_words,
    sum(not in_latest) as earlier_articles,
    cast(round(avg(case when not in_latest then words end)) as integer) as earlier_avg_words
  from stored
  group by outlet
)
select outlet, latest_articles, empty_texts, short_texts,
  round(100.0 * short_texts / latest_articles, 1) as short_percent,
  latest_avg_words, earlier_articles, earlier_avg_words
from per_outlet
where latest_articles > 0
  and (short_texts * 5 >= latest_articles or latest_avg_words * 2 < earlier_avg_words)
order by short_percent desc, outlet"""


#: The articles a full-text search matches, with the optional outlet and language filters.
_MATCHING = """\
from articles_fts
join articles on articles.rowid = articles_fts.rowid
where articles_fts match fts_words(:q)
  and (:outlet = '' or articles.outlet = :outlet)
  and (:language = '' or articles.language = :language)
"""
#: The same from the word index or the trigram index (``ingest.query.matching``): the
#: branches' conditions exclude each other, so one answers each query.
_HITS = f"""\
with hits as (
  select rowid, rank, highlight(articles_fts, 0, '<mark>', '</mark>') as title,
    snippet(articles_fts, 1, '<mark>', '</mark>', ' … ', 24) as snippet
  from articles_fts where articles_fts match spaced_words(:q)
  union all
  select rowid, rank, highlight({TRIGRAM_TABLE}, 0, '<mark>', '</mark>'),
    snippet({TRIGRAM_TABLE}, 1, '<mark>', '</mark>', ' … ', 24)
  from {TRIGRAM_TABLE} where {TRIGRAM_TABLE} match trigram_words(:q)
  union all
  select rowid, null, marked(title, short_words(:q), '<mark>', '</mark>'),
    unspaced_excerpt(text, short_words(:q), '<mark>', '</mark>')
  from articles where short_only(:q) and {INDEXED.format(table="articles")}
)
"""
_HITS_MATCHING = f"""\
from hits
join articles on articles.rowid = hits.rowid
where (:outlet = '' or articles.outlet = :outlet)
  and (:language = '' or articles.language = :language)
  and {HOLDS_SHORT.format(short="short_words(:q)", table="articles")}
"""
#: Where each canned search takes its matches from: the word index alone (a database
#: without the trigram index), or both.
_SOURCES = {
    False: {
        "with": "",
        "title": "highlight(articles_fts, 0, '<mark>', '</mark>')",
        "snippet": "snippet(articles_fts, 1, '<mark>', '</mark>', ' … ', 24)",
        "rank": "articles_fts.rank",
        "matching": _MATCHING,
        "order": "rank",
    },
    True: {
        "with": _HITS,
        "title": "hits.title",
        "snippet": "hits.snippet",
        "rank": "hits.rank",
        "matching": _HITS_MATCHING,
        "order": "rank, articles.published_day desc",  # a match without FTS5 has no rank
    },
}


def search_sql(trigram: bool) -> str:
    return """\
{with}select
  articles.id as article_id,
  articles.outlet,
  articles.language,
  articles.published,
  {title} as title,
  {snippet} as snippet,
  round({rank}, 3) as rank,
  articles.url
{matching}order by {order}
limit 100""".format(**_SOURCES[trigram])


def follow_search_sql(trigram: bool) -> str:
    # datasette-atom turns the atom_* columns into entries; an entry's time needs an
    # offset, so a publication date without one gives way to when it was first stored.
    return """\
{with}select
  articles.url as atom_id,
  articles.title as atom_title,
  case
    when articles.published glob '????-??-??T*[+-]??:??' or articles.published glob '*Z'
      then articles.published
    else articles.first_seen
  end as atom_updated,
  articles.url as atom_link,
  coalesce(articles.outlet, articles.site) as atom_author_name,
  substr(articles.text, 1, 500) as atom_content,
  articles.outlet,
  articles.published
{matching}order by articles.published_day desc, articles.published desc
limit 50""".format(**_SOURCES[trigram])


QUERIES: dict[str, dict[str, Any]] = {
    "search": {
        "title": "Search articles, best matches first",
        "description": (
            "Full-text search over titles and texts (SQLite FTS5, porter stemming, accents "
            "ignored), ranked by bm25: the lower the rank, the better the match. Plain words "
            'must all appear; FTS5 syntax works too: "exact phrase", vaccin*, gas OR oil, '
            "NOT. Outlet and language are optional."
        ),
        "params": ["q", "outlet", "language"],
        "sql": search_sql(trigram=False),
    },
    "follow_search": {
        "title": "Follow a search as an Atom feed",
        "description": (
            "The 50 newest articles matching a search, newest first, as a feed reader reads "
            "them: subscribe to this page's .atom link (follow_search.atom?q=WORDS). Words as "
            "in search; outlet and language are optional."
        ),
        "params": ["q", "outlet", "language"],
        "sql": follow_search_sql(trigram=False),
    },
    "latest_per_outlet": {
        "title": "Latest articles per outlet",
        "description": "The five most recently published articles of each outlet.",
        "sql": """\
select outlet, published, title, language, authors, word_count, id as article_id, url
from (
  select *, row_number() over (
    partition by outlet order by published desc, first_seen desc
  ) as n
  from articles
)
where n <= 5
order by outlet, published desc""",
    },
    "articles_per_day": {
        "title": "Articles per day per outlet",
        "description": (
            "How many articles each outlet published each day, newest day first "
            "(articles without a publication date are left out). Outlet is optional."
        ),
        "params": ["outlet"],
        "sql": """\
select published_day as day, outlet, count(*) as articles,
  sum(word_count) as words
from articles
where published_day is not null and (:outlet = '' or outlet = :outlet)
group by day, outlet
order by day desc, outlet""",
    },
    "same_story": {
        "title": "The same story in several outlets",
        "description": (
            "Articles of different outlets whose headlines are the same once case, accents, "
            "punctuation and spacing are ignored; 'same text' when their titles and texts are "
            "identical too (one content hash), as with wire copy or syndication. Stories "
            "retold in other words or languages are not found: this is exact matching, "
            "nothing fuzzier."
        ),
        "sql": """\
with keyed as (
  select id, outlet, published, title, url, content_hash, title_key(title) as story
  from articles
  where title_key(title) != ''
),
stories as (
  select story, count(distinct outlet) as outlets,
    case when count(distinct content_hash) = 1 then 'same text' else 'same headline' end
      as match
  from keyed
  group by story
  having count(distinct outlet) > 1
)
select stories.story, stories.outlets, stories.match, keyed.outlet, keyed.published,
  keyed.title, keyed.id as article_id, keyed.url
from keyed join stories on stories.story = keyed.story
order by stories.outlets desc, stories.story, keyed.published, keyed.outlet""",
    },
    "changed_articles": {
        "title": "Articles that changed after publication",
        "description": (
            "Articles whose title or text changed between two fetches, newest change first, "
            "with the earlier title; each earlier version is a row of article_versions."
        ),
        "sql": """\
select
  articles.id as article_id,
  articles.outlet,
  articles.published,
  article_versions.replaced_at as changed_at,
  article_versions.title as earlier_title,
  articles.title as current_title,
  length(article_versions.text) as earlier_chars,
  length(articles.text) as current_chars,
  (select count(*) from article_versions v where v.article_id = articles.id) as versions,
  article_versions.id as version_id
from article_versions
join articles on articles.id = article_versions.article_id
order by article_versions.replaced_at desc, article_versions.id desc""",
    },
    "last_crawl_errors": {
        "title": "Errors of the last crawl",
        "description": (
            "What failed in the most recent run (crawl, demo or reextract), by stage and kind."
        ),
        "sql": """\
select errors.id, errors.crawl_id, errors.stage, errors.kind, errors.plugin, errors.url,
  errors.message, errors.at
from errors
where errors.crawl_id in (LATEST)
order by errors.stage, errors.kind, errors.url""",
    },
    "extraction_quality": {
        "title": "Outlets whose extraction quality dropped",
        "description": (
            f"Per outlet, the articles the latest run stored: how many came out empty (a "
            f"no_text error) or have fewer than {SHORT_TEXT} words, and their average length "
            f"against the outlet's "
            f"articles from earlier runs. Listed when at least a fifth are short or the "
            f"average halved: a sign that a layout changed and a plugin needs a fix."
        ),
        "sql": quality_sql(exclude_duplicates=False),
    },
    "outlet_rules_missed": {
        "title": "Outlets whose rules stopped matching, or read part of the story",
        "description": (
            "Per outlet, the articles the latest run stored whose outlet's body/paragraphs "
            "rules read much less than the generic path found in the same page (the generic "
            "text was stored instead; provenance says outlet_rules: missed), or whose URL "
            "its articles pattern turned away though the page is an article (provenance "
            "says outlet_articles: missed). crawl_health counts both as rules_missed. "
            "rules_partial counts the articles whose rules read part of the story, the "
            "paragraphs they passed over added from the generic text (provenance says "
            "outlet_rules: partial). Usually a redesign: the plugin needs new selectors or "
            "a new pattern."
        ),
        "sql": """\
with latest as (LATEST),
stored as (
  select coalesce(outlet, site, '') as outlet, url,
    'missed' in (coalesce(json_extract(provenance, '$.outlet_rules'), ''),
                 coalesce(json_extract(provenance, '$.outlet_articles'), '')) as missed,
    coalesce(json_extract(provenance, '$.outlet_rules'), '') = 'partial' as partial
  from articles
  where crawl_id in (select id from latest)
)
select outlet, sum(missed) as rules_missed, sum(partial) as rules_partial,
  count(*) as articles, round(100.0 * sum(missed) / count(*), 1) as missed_percent,
  coalesce(min(case when missed then url end), min(case when partial then url end))
    as example_url
from stored
group by outlet
having sum(missed) + sum(partial) > 0
order by missed_percent desc, rules_partial desc, outlet""",
    },
    "page_source": {
        "title": "The HTML of a stored page, as text",
        "description": (
            "The raw body of one page, decompressed and shown as text (never rendered), "
            "to see what extraction was given."
        ),
        "params": ["url"],
        "sql": """\
select url, kind, status, fetched_at, size, page_html(body) as source_html
from pages
where url = :url""",
    },
}


def canned_queries(
    article_columns: set[str], trigram: bool = False, unfilled: int = 0, shards: bool = True
) -> dict[str, dict[str, Any]]:
    """The canned queries for a database whose articles table has ``article_columns``,
    with the trigram index of ``ingest.store.unspaced`` if ``trigram``, ``unfilled``
    articles stored before it not yet in it; ``shards``: its runs say where they ran (a
    database from before ``crawls.shard`` does not)."""
    queries = copy.deepcopy(QUERIES)
    latest = LATEST_SHARED_RUNS if shards else LATEST_RUNS
    for name in ("last_crawl_errors", "outlet_rules_missed"):
        queries[name]["sql"] = queries[name]["sql"].replace("LATEST", latest)
    queries["extraction_quality"]["sql"] = quality_sql("duplicate_of" in article_columns, latest)
    if trigram:
        queries["search"]["sql"] = search_sql(trigram=True)
        queries["follow_search"]["sql"] = follow_search_sql(trigram=True)
        queries["search"]["description"] += UNSPACED_NOTE
        if unfilled:
            for name in ("search", "follow_search"):
                queries[name]["description"] += UNFILLED_NOTE.format(count=unfilled)
    return queries
