"""One page through the stages: classify -> extract -> clean -> normalize.

The same function serves a crawl, ``ingest extract`` and ``ingest reextract``,
in a worker process or in the calling one, so all three give the same Article.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin

from lxml.etree import ParserError

from ingest.article import Article, Page, compress, decompress, language_code
from ingest.extract.classify import OUTLET_VERDICT
from ingest.extract.dates import day_of, page_dates
from ingest.extract.decoding import Decoded, decode, is_misread
from ingest.extract.limits import Limits, TooLarge, check_elements, check_size, read_file
from ingest.extract.minhash import signature as minhash
from ingest.plugins.manager import DEFAULT_PLUGINS, PluginError, Plugins, url_verdict
from ingest.urls import canonical, on_sites, page_base

STAGES = {
    "is_article": "classify",
    "is_article_url": "classify",
    "extract_article": "extract",
    "clean_article": "clean",
    "normalize_article": "normalize",
    "register_outlets": "load",
}


@dataclass
class Job:
    """What a worker needs to process one page; small enough to pickle quickly."""

    url: str
    body: bytes
    content_type: str | None = None
    classify: bool = True
    fetched: date | None = None  # picks the outlet rules valid when the page was fetched
    listed: tuple[str, str] | None = None  # (date, "feed" or "sitemap") of the entry listing it
    source: str | None = None  # a file path, for `ingest extract`
    follow: bool = False  # also list the page's links, for the crawl to follow
    sites: frozenset[str] = frozenset()  # ...only those within these domains (empty: all)
    keep_body: bool = False  # also return the body compressed, for storage
    signature: bool = False  # also the article text's MinHash, for the store's near-duplicates
    limits: Limits = field(default_factory=Limits)
    path: str | None = None  # read the body from this file (bounded), in the worker
    packed: bool = False  # the body as the database keeps it (zlib): unpacked in the worker
    links_only: bool = False  # only the page's links: its extraction did not finish


@dataclass
class Outcome:
    """What came of one page: an article (as a dict) or not, and every error on the way."""

    url: str
    is_article: bool = False
    article: dict[str, Any] | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    source: str | None = None
    links: list[str] = field(default_factory=list)
    body_z: bytes | None = None
    # The page's own date when it yields no article: the page is still dated.
    published: str | None = None
    published_day: str | None = None
    signature: bytes | None = None  # the article text's MinHash, when the job asked for it


def error_record(stage: str, kind: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"stage": stage, "kind": kind, "message": message, **extra}


def error_line(error: dict[str, Any]) -> str:
    """An errors row as a line on stderr, naming the plugin that raised when one did."""
    by = f" (plugin {error['plugin']})" if error.get("plugin") else ""
    return f"{error['stage']} {error['kind']}{by}: {error['message']}"


#: The kind of every exception no rule expected: a bug in ingest, or a plugin's odd value.
BUG = "internal_error"
_FRAME_RE = re.compile(r'File "([^"]+)", line (\d+), in (\S+)')


def bug_record(stage: str, exc: BaseException, trace: str) -> dict[str, Any]:
    """The row of a bug: one kind wherever it was met, a message naming the exception and
    the line that raised it (the traceback's last frame), and the traceback kept."""
    message = f"{type(exc).__name__}: {exc}"
    frames = _FRAME_RE.findall(trace)
    if frames:
        path, line, function = frames[-1]
        message += f" (in {function}, {path}:{line})"
    return error_record(stage, BUG, message[:1000], traceback=trace[-20_000:])


def plugin_records(errors: list[PluginError]) -> list[dict[str, Any]]:
    """The ``errors`` rows of plugins' errors: on a page, or when plugins load."""
    return [
        error_record(
            STAGES.get(e.hook, e.hook), e.error, e.message, plugin=e.plugin, traceback=e.traceback
        )
        for e in errors
    ]


def refused(job: Job, exc: Exception) -> Outcome:
    """The outcome of a page turned away before extraction: one error, no article."""
    kind = getattr(exc, "kind", "unreadable")
    error = error_record("extract", kind, str(exc))
    return Outcome(url=job.url, is_article=True, errors=[error], source=job.source)


def job_body(job: Job) -> bytes:
    """The job's HTML bytes, read from its file if it has one, within the size bound."""
    body = job.body if job.path is None else read_file(job.path, job.limits.html_bytes)
    if job.packed:
        body = decompress(body)  # a corrupt one is refused: CorruptBody is a ValueError
    check_size(len(body), job.limits)
    return body


def process_job(plugins: Plugins, job: Job) -> Outcome:
    """Everything CPU-heavy about one fetched page, so the crawl's own process stays light."""
    try:
        body = job_body(job)
    except (TooLarge, OSError, ValueError) as exc:
        return refused(job, exc)  # not kept raw either: the error says what it was
    decoded = decode(body, job.content_type)
    page = Page(url=job.url, html=decoded.text)
    if job.links_only:
        return Outcome(url=job.url, links=page_links(page, job.sites))
    outcome = process_page(
        plugins,
        page.url,
        page.html,
        classify=job.classify,
        when=job.fetched,
        listed=job.listed,
        source=job.source,
        page=page,
        limits=job.limits,
    )
    note_charset(outcome, decoded)
    if job.follow:
        outcome.links = page_links(page, job.sites)
    if job.keep_body:
        outcome.body_z = compress(body)
    if job.signature and outcome.article is not None:
        found = minhash(outcome.article.get("text"))
        outcome.signature = found.tobytes() if found is not None else None
    return outcome


#: Kinds of an extraction that did not run to its end, the page's links with it.
UNFINISHED = frozenset({"timeout", "worker_died", BUG})


def links_alone(job: Job, outcome: Outcome) -> Job | None:
    """A job reading only the page's links, for a page to follow whose extraction did not
    finish (a hook that hung, a worker that died, a bug): its links went with it, and the
    pages linked from it alone were never fetched, without a word."""
    unfinished = any(e["kind"] in UNFINISHED for e in outcome.errors)
    if not (job.follow and unfinished) or outcome.links:
        return None
    return replace(job, links_only=True, keep_body=False, signature=False, classify=False)


#: Characters no charset tried could read, in an article's text, that make it garbled: a
#: stray byte or two is a page's typo, not its charset.
UNREADABLE = 3


def note_charset(outcome: Outcome, decoded: Decoded) -> None:
    """Say where the page's label was overruled or its charset guessed (the article's
    provenance), and where the text still reads as garble (an errors row): the article is
    stored either way, its raw page too."""
    if outcome.article is None:  # a page of garble, cleaned away whole, is said as garble
        unread = decoded.text.count("\ufffd")
        if unread >= UNREADABLE and any(e["kind"] == "no_text" for e in outcome.errors):
            message = f"{unread} characters of the page could not be read as {decoded.encoding}"
            outcome.errors.append(error_record("extract", "garbled_text", message))
        return
    if noted := decoded.provenance():
        outcome.article["provenance"]["charset"] = noted
    text = outcome.article["text"]
    if (unread := text.count("\ufffd")) >= UNREADABLE:
        message = f"{unread} characters of the text could not be read as {decoded.encoding}"
    elif not decoded.overruled and is_misread(text):
        message = (
            f"the text reads as another script decoded as {decoded.encoding}, and the page "
            "names no other charset: stored as read"
        )
    else:
        return
    outcome.errors.append(error_record("extract", "garbled_text", message))


def page_links(page: Page, sites: Collection[str] = ()) -> list[str]:
    """Every link and feed of a page, absolute and canonical, in page order; only those
    within ``sites`` (domains) when given: the crawl follows no other, and canonicalizing
    was a fifth of a worker's time on a crawl that follows links.

    A link no URL parser can read (a port of words, a broken IPv6 host) is left out,
    not allowed to cost the page its article.
    """
    try:
        tree = page.tree
    except (ParserError, ValueError):
        return []
    base = page_base(tree, page.url)
    hrefs = tree.xpath(
        "//a/@href | //link[@rel='alternate'][contains(@type,'rss') or "
        "contains(@type,'atom') or contains(@type,'feed+json')]/@href"
    )
    links: dict[str, None] = {}
    for href in dict.fromkeys(h.strip() for h in hrefs):  # pages repeat their menus
        if not href or href.startswith(("#", "mailto:", "javascript:", "tel:", "data:")):
            continue
        try:
            absolute = href if href.startswith(("http://", "https://")) else urljoin(base, href)
            if absolute.startswith(("http://", "https://")) and (
                not sites or on_sites(absolute, sites)
            ):
                links.setdefault(canonical_link(absolute), None)
        except ValueError:
            continue
    return list(links)


@lru_cache(maxsize=4096)
def canonical_link(url: str) -> str:
    """``canonical``, remembered: a site's pages repeat their menus."""
    return canonical(url)


def process_page(
    plugins: Plugins,
    url: str,
    html: str,
    *,
    classify: bool = True,
    when: date | None = None,
    listed: tuple[str, str] | None = None,
    source: str | None = None,
    page: Page | None = None,
    limits: Limits | None = None,
) -> Outcome:
    """Classify, extract, clean and normalize one page; ``page`` reuses a parse."""
    outlet = plugins.outlet_for(url, when)
    page = page or Page(url=url, html=html)
    page.outlet, page.fetched, page.listed = outlet, when, listed
    outcome = Outcome(url=url, source=source)
    limits = limits or Limits()
    try:
        check_size(len(html), limits)  # characters here: the caller decoded already
        check_elements(page.tree, limits)
    except TooLarge as exc:
        outcome.is_article = True
        outcome.errors.append(error_record("extract", exc.kind, str(exc)))
        return outcome
    if page.problem:  # empty, not HTML, or past the parser's limits: said, not skipped
        outcome.errors.append(error_record("extract", *page.problem))
        return outcome
    if classify:
        if outlet:  # once, safely: the outlet's own override may raise (url_verdict)
            said, fault = url_verdict(outlet, url)
            page.shared(OUTLET_VERDICT, lambda: said)
            outcome.errors += plugin_records([fault] if fault else [])
        verdict, _, errors = plugins.call_first("is_article", bool, page=page, outlet=outlet)
        outcome.errors += plugin_records(errors)
        if not verdict:
            return outcome
    outcome.is_article = True
    article, by, errors = plugins.call_first("extract_article", Article, page=page, outlet=outlet)
    outcome.errors += plugin_records(errors)
    if article is None:
        if not errors:
            outcome.errors.append(error_record("extract", "no_text", "no plugin extracted it"))
        found = page_dates(page.tree, url, when, listed)
        outcome.published, outcome.published_day = found.published, found.published_day
        return outcome
    article.url = url
    if page.pattern_missed:  # the outlet's URL pattern went stale: said, as its selectors
        article.provenance["outlet_articles"] = "missed"
    if by and by not in article.plugins:
        article.plugins.append(by)
    if outlet:
        article.outlet, article.outlet_version = outlet.name, outlet.version
        rules_used = article.provenance.get("outlet_rules") != "missed" and outlet.shapes_text
        if rules_used and outlet.plugin and outlet.plugin not in article.plugins:
            article.plugins.append(outlet.plugin)  # its data shaped the text, hook or not
    extracted = (article.published, article.published_day)
    for hook in ("clean_article", "normalize_article"):
        outcome.errors += plugin_records(plugins.call_each(hook, article, page=page, outlet=outlet))
    if article.published != extracted[0] and article.published_day == extracted[1]:
        article.published_day = None  # a plugin re-dated the article: the day follows it
    article.published_day = article.published_day or day_of(article.published)
    article.language = language_code(article.language)  # a plugin's "en-US" is stored "en"
    if not article.text.strip():  # an article row without a word would say nothing went wrong
        outcome.errors.append(emptied_by(article.provenance.get("text")))
        outcome.published, outcome.published_day = article.published, article.published_day
        return outcome
    outcome.article = article.to_dict()
    return outcome


def emptied_by(plugin: str | None) -> dict[str, Any]:
    """The error of a text left empty: the cleanup's (``EMPTIED``), or the plugin's that set
    the text last, named, so its author finds it (the page stays for reextract)."""
    if plugin is None or plugin in DEFAULT_PLUGINS:
        return dict(EMPTIED)
    message = f"the plugin {plugin} left the text empty"
    return {**error_record("clean", "no_text", message), "plugin": plugin}


#: The error of a page whose text the cleanup took whole: no article, and the page stays
#: for reextract (``ingest.crawl.fates`` tells it from a failed extraction by it).
EMPTIED = error_record(
    "clean",
    "no_text",
    "every line of the text extracted is boilerplate (site names, datelines, calls to action, "
    "credits): no article text is left",
)
