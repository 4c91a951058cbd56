"""HTML -> Article: the built-in extraction, trafilatura with metadata.

Registered as a default plugin with ``trylast``, so an outlet plugin's own
``extract_article`` or ``is_article`` wins. Runs in worker processes.

trafilatura, and the metadata readers built on it, are imported where they are first
used: every command registers this plugin, but only the processes that extract call it,
and the import cost the crawl process and every command about 0.3 s of CPU.
"""

from __future__ import annotations

import unicodedata
from functools import cache

import lxml.html
from cssselect import GenericTranslator, SelectorError
from lxml import etree
from lxml.etree import ParserError

from ingest import hookimpl
from ingest.article import Article, Page
from ingest.extract.blocks import dropped, lines, matched_blocks
from ingest.extract.blocks import selector as block_selector
from ingest.extract.classify import json_ld_types
from ingest.extract.clean import is_boilerplate
from ingest.extract.dates import page_dates
from ingest.extract.first_paragraph import missed_first
from ingest.extract.lead import standfirst
from ingest.extract.normalize import byline_authors
from ingest.extract.structured import fuller_text
from ingest.extract.tail import trimmed_tail
from ingest.extract.union import common_ancestor, is_prose, key, with_missing
from ingest.plugins.outlet import Outlet
from ingest.words import count_words, unspaced_share

# trafilatura silently returns None past these (its own limits); we say why instead.
MAX_DEPTH = 256
MAX_TEXT_NODE = 10_000_000
HUGE_PARSER = lxml.html.HTMLParser(huge_tree=True)


class ExtractionError(Exception):
    """A page that should have held an article but yielded none, with the reason."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


#: An outlet's rules that give fewer words than this share of what the generic path finds
#: in the same page have missed it (a redesign renamed the container, moved the paragraphs).
#: Measured by ``benchmarks/outlet_rules.py``: right rules give 0.80 or more on the 40
#: outlet pages that are no live blog; rules left matching only a story's first block give
#: 0.03 (median) and are caught on 40 of 41 pages, its first third 0.31 and 39 of 41; a
#: concise right extraction (trafilatura's precision mode) falls below 0.5 of the main
#: pass on 6 of the 818 pages (of as many sites) where it is right.
RULES_MISSED = 0.5


@hookimpl(trylast=True)
def extract_article(page: Page, outlet: Outlet | None) -> Article:
    """trafilatura over the page, comments off, the outlet's ``drop`` blocks pruned."""
    from ingest.extract.metadata import page_metadata

    meta = page_metadata(page.tree, page.url, read_author=False)
    text, rules = chosen_text(page, outlet, meta.title)
    provenance = {"outlet_rules": rules} if rules else {}
    if fuller := fuller_text(page.tree, text):
        text, provenance["text_source"] = fuller, "json_ld"
    authors = [a.strip() for a in (meta.author or "").split(";") if a.strip()]
    # The visible byline is cheap to read; trafilatura's body search only without one.
    authors = authors or byline_authors(page) or page_authors(page)
    dates = page_dates(page.tree, page.url, page.fetched, page.listed)
    # Pages mix composed and decomposed accents; stored text is NFC, as trafilatura prints it.
    return Article(
        url=page.url,
        title=unicodedata.normalize("NFC", meta.title or ""),
        text=unicodedata.normalize("NFC", text),
        authors=authors,
        published=dates.published,
        published_day=dates.published_day,
        published_source=dates.published_source,
        modified=dates.modified,
        sitename=meta.sitename,
        description=meta.description,
        canonical_url=meta.url if meta.url and meta.url.startswith("http") else None,
        image=meta.image,
        tags=meta.tags,
        extractor=extractor(),
        provenance=provenance,
    )


def page_authors(page: Page) -> list[str]:
    """The authors trafilatura's search of the page body finds, for pages without a byline."""
    from ingest.extract.metadata import body_author

    found = body_author(page.tree) or ""
    return [a.strip() for a in found.split(";") if a.strip()]


def chosen_text(page: Page, outlet: Outlet | None, title: str | None) -> tuple[str, str | None]:
    """The text, and what became of the outlet's rules: ``None`` when they were taken as
    they are (or there are none), ``"partial"`` when story paragraphs they passed over were
    added (``ingest.extract.union``), ``"missed"`` when the generic text replaced theirs.

    Where an outlet names its body or paragraphs, their text wins unless it holds
    much less than the generic path finds (``RULES_MISSED``): rules written for
    one design match little or nothing of the next, and a crawl storing a line of
    an 80-paragraph story would fail silently. The generic text is then stored,
    and the article says the rules missed.
    """
    if outlet is None or not (outlet.body or outlet.paragraphs):
        text = with_lead(page, main_text(page, outlet), title)
        return trimmed_tail(text, lambda: precise_text(page, outlet)), None
    skip = dropped(page.tree, outlet.drop)
    blocks = own_blocks(page, outlet, skip)
    own = own_text(page, outlet, blocks, skip)
    if own.strip():
        found = judged_by(page, outlet)
        if found is None or rules_share(own, found) >= RULES_MISSED:
            if not (blocks and found):
                return own, None
            containers = own_containers(page, outlet, blocks)
            phrases = [p.casefold() for p in outlet.boilerplate]
            text, added = with_missing(page.tree, blocks, containers, skip, found, phrases)
            if first := missed_first(blocks, skip, text, found, phrases):
                text, added = [first, *text], added + 1
            return "\n".join(text), "partial" if added else None
    try:
        return with_lead(page, main_text(page, outlet), title), "missed"
    except ExtractionError:
        if not own.strip():
            raise
        return own, None


def precise_text(page: Page, outlet: Outlet | None) -> str:
    """trafilatura's precision-favouring reading, empty where it finds nothing."""
    try:
        return generic_text(page, outlet, precision=True)
    except ExtractionError:
        return ""


def judged_by(page: Page, outlet: Outlet) -> str | None:
    """The text of trafilatura's main pass, which the rules' text is judged by (its
    fallbacks skipped: half the cost, and the same words on all but one of the outlet
    pages measured); ``None`` on a live blog, or when the generic path finds nothing."""
    if is_live_blog(page):
        return None
    try:
        return generic_text(page, outlet, fast=True)
    except ExtractionError:
        return None


def rules_share(own: str, generic: str) -> float:
    """Words of the rules' text over words of the generic text."""
    words = count_words(generic)
    return count_words(own) / words if words else float("inf")


def is_live_blog(page: Page) -> bool:
    """A live blog (schema.org LiveBlogPosting): an outlet may mean to keep its introduction
    only, so its rules are judged by matching at all, not by how much they read."""
    return "liveblogposting" in {t.lower() for t in json_ld_types(page.tree)}


def rules_text(page: Page, outlet: Outlet) -> str:
    """What the outlet's rules give: its ``paragraphs`` blocks, else its ``body`` read by
    trafilatura; empty when the page has neither (another layout, a redesign)."""
    skip = dropped(page.tree, outlet.drop)
    return own_text(page, outlet, own_blocks(page, outlet, skip), skip)


def own_text(page: Page, outlet: Outlet, blocks: list[lxml.html.HtmlElement], skip: set) -> str:
    """The matched ``blocks``' lines, else the outlet's ``body`` read by trafilatura."""
    if blocks:
        return "\n".join(line for block in blocks for line in lines(block, skip))
    return body_text(page, outlet) or ""


def own_blocks(page: Page, outlet: Outlet, skip: set) -> list[lxml.html.HtmlElement]:
    """The outlet's ``paragraphs`` blocks, when its ``body`` container (if named) is there."""
    if not outlet.paragraphs:
        return []
    if outlet.body and not block_selector(outlet.body)(page.tree):
        return []
    return matched_blocks(page.tree, outlet.paragraphs, skip)


def own_containers(
    page: Page, outlet: Outlet, blocks: list[lxml.html.HtmlElement]
) -> list[lxml.html.HtmlElement]:
    """Where the story is: the outlet's ``body`` containers, else the element that holds
    all its matched paragraphs."""
    if outlet.body:
        return block_selector(outlet.body)(page.tree)
    return [common_ancestor(blocks)]


#: A main text shorter than this (in characters) is read again, favouring recall. Measured
#: on the "tune" half of the sites of ``benchmarks/extraction_quality.py``: below 1,000
#: characters no page of that half changes; from 1,000 a short post the first reading
#: passed over for the server warnings beside it gets its text, from 1,500 a list of
#: advice left out of a story comes back; past it the second reading brought a recipe
#: site's comment box with it.
SHORT_TEXT = 1500


def main_text(page: Page, outlet: Outlet | None) -> str:
    """The generic text; when it is short, trafilatura's recall-favouring reading instead,
    if that adds prose the first lacks.

    A page whose story trafilatura's precision passes over (a tagline read as the text,
    the story in markup it scores low) comes out as a line or two. Read again favouring
    recall, such a page may give its story, or only more labels around the same line
    (a blog's tagline, a like button's count): the second reading is taken only when it
    holds a new line of prose (a sentence of a few words, ended as sentences end) that
    the cleanup would keep."""
    text = generic_text(page, outlet)
    if len(text.strip()) >= SHORT_TEXT:
        return text
    try:
        more = generic_text(page, outlet, recall=True)
    except ExtractionError:
        return text
    have = key(text)
    added = (
        line
        for line in more.split("\n")
        if is_prose(line) and key(line) not in have and not is_boilerplate(line, [], [], [])
    )
    return more if next(added, None) is not None else text


def generic_text(
    page: Page,
    outlet: Outlet | None,
    fast: bool = False,
    recall: bool = False,
    precision: bool = False,
) -> str:
    """trafilatura's choice of the main text of the whole page, the outlet's ``drop`` pruned;
    ``fast`` skips its fallback extractors, ``recall`` favours recall, ``precision``
    precision.

    Raises ExtractionError, with the reason, when it finds nothing.
    """
    import trafilatura

    prune = [css_to_xpath(s) for s in outlet.drop] if outlet else []
    doc = trafilatura.bare_extraction(
        page.tree,  # trafilatura works on a copy
        url=page.url,
        include_comments=False,
        prune_xpath=prune or None,
        fast=fast,
        favor_recall=recall,
        favor_precision=precision,
        config=trafilatura_config(is_unspaced(page)),
    )
    text = (doc.text or "") if doc is not None else ""
    if not text.strip():
        raise ExtractionError(*why_empty(page))
    return text


#: trafilatura weighs a text by its characters: below 250 its main pass is taken for a
#: failure, and its fallbacks run, down to a baseline that joins headline, byline and
#: story into one line. 250 characters are some 40 words in a spaced script, but twice
#: as many in Chinese or Japanese (two characters a word): a 200-character brief came out
#: as one line. Pages in those scripts are held to the same 40 words: 100 characters.
MIN_UNSPACED_SIZE = 100


@cache
def trafilatura_config(unspaced: bool):
    """trafilatura's settings, with the shorter minimum for pages in unspaced scripts."""
    from trafilatura.settings import use_config

    config = use_config()
    if unspaced:
        config.set("DEFAULT", "MIN_EXTRACTED_SIZE", str(MIN_UNSPACED_SIZE))
    return config


@cache
def extractor() -> str:
    """What extracted the article, as stored with it: trafilatura and its version."""
    import trafilatura

    return f"trafilatura {trafilatura.__version__}"


#: The page's own words about itself: its title, description and first headline.
HEAD_TEXT = (
    "/html/head/title/text() | /html/head/meta[@name='description'"
    " or @property='og:description']/@content | (//h1)[1]//text()"
)


#: Languages written without spaces between words, as a page may declare them.
UNSPACED_LANGUAGES = frozenset({"zh", "ja", "th", "lo", "km", "my"})
#: Share of the words of its title, description and headline that makes a page one in
#: such a script: "Nvidia H100 GPU供应紧张 | Reuters" is 2 words of 6 (0.33).
UNSPACED_SHARE = 0.3


def is_unspaced(page: Page) -> bool:
    """The page declares a language written without spaces, or its title, description and
    headline are largely in such a script (whatever language its template declares)."""
    declared = (page.tree.get("lang") or "").strip().lower().split("-")[0]
    if declared in UNSPACED_LANGUAGES:
        return True
    return unspaced_share(" ".join(page.tree.xpath(HEAD_TEXT))) >= UNSPACED_SHARE


def with_lead(page: Page, text: str, title: str | None) -> str:
    """The text with the page's standfirst before it, when trafilatura left it out."""
    lead = standfirst(page.tree, text, title)
    return f"{lead}\n{text}" if lead else text


def body_text(page: Page, outlet: Outlet) -> str | None:
    """The text inside the outlet's body selector, for sites the generic path misreads."""
    found = page.tree.cssselect(outlet.body) if outlet.body else []
    if not found:
        return None
    import trafilatura

    prune = [css_to_xpath(s) for s in outlet.drop]
    fragment = lxml.html.tostring(found[0], encoding="unicode")
    return trafilatura.extract(
        f"<html><body>{fragment}</body></html>",
        include_comments=False,
        prune_xpath=prune or None,
        favor_recall=True,
    )


def why_empty(page: Page) -> tuple[str, str]:
    """Name the reason trafilatura gave nothing, since it does not say."""
    try:
        # The default parser stops at trafilatura's limits; this one sees past them.
        tree = lxml.html.document_fromstring(page.html, parser=HUGE_PARSER)
    except (ParserError, ValueError) as exc:
        return "unparseable", f"HTML could not be parsed: {exc}"
    depth = max_depth(tree)
    if depth > MAX_DEPTH:
        return "too_deep", f"HTML nests {depth} levels deep (limit {MAX_DEPTH})"
    longest = max((len(t) for t in tree.itertext()), default=0)
    if longest > MAX_TEXT_NODE:
        return "too_large", f"a text node holds {longest:,} characters (limit {MAX_TEXT_NODE:,})"
    return "no_text", "no article text found"


def max_depth(tree: lxml.html.HtmlElement) -> int:
    deepest = depth = 0
    for event, _ in etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


@cache
def css_to_xpath(selector: str) -> str:
    try:
        return GenericTranslator().css_to_xpath(selector, prefix="descendant-or-self::")
    except SelectorError as exc:
        raise ValueError(f"bad CSS selector {selector!r}: {exc}") from exc
