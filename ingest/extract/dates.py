"""Publication and modification dates, weighed from everything a page says of itself.

Each source names a day and weighs by how often it is right: a full day in the
URL most (the path is minted on the day), then the date printed beside the
headline (what readers see, see ``headline``), JSON-LD, meta tags (microdata
too) and the feed or sitemap entry, then a ``<time>`` (its ``datetime``, or its
text) or a visible dateline in the article; one in a related-posts list, a
sidebar or a footer, or outside the article, counts for little. Sources that
name the same day add up, so agreement beats any single source; but one
instant that JSON-LD and a meta tag both give is one witness, the same field of
the publishing system printed twice. A modification date backs a visible date
of its day: a reworked article shows its new day, and that is the day its
readers (and annotators) call its date.

The visible dateline is read when no source speaks with weight, or when the
page states a modification day no source names; and only when that is silent
too does htmldate's extensive search of the page run: it costs more than all the
rest, and most pages never need it. With nothing but slight witnesses, the page
has no date rather than another page's.

A timestamp in UTC names an instant, not the publisher's day: when the page's
local-time sources put it one day off, the local day wins, and the timestamp is
kept whole (with its offset) for those who want the instant. Every date is
checked: never after the fetch, never a bare year (a copyright line read as
1 January).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

import lxml.html
from lxml import etree

from ingest.extract.headline import headline_date
from ingest.extract.placement import DATELINES, dateline, marked, placed, time_stamp
from ingest.extract.stamps import Stamp, day_of, read_stamp

__all__ = ["Dates", "Stamp", "day_of", "json_ld_dates", "page_dates", "read_stamp", "url_date"]

PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.date",
    "dcterms.created",
    "parsely-pub-date",
    "sailthru.date",
    "article.published",
    "published_time",
    "cxenseparse:recs:publishtime",
)
MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "last-modified",
    "dcterms.modified",
    "article.updated",
    "modified_time",
)
URL_DATE_RES = (
    re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})(?:/|$)"),
    re.compile(r"[/_-]((?:19|20)\d{2})(\d{2})(\d{2})(?:[/_.-]|$)"),
    re.compile(r"/((?:19|20)\d{2})-(\d{2})-(\d{2})(?:[/_-]|$)"),
)
ARTICLE_TYPES_RE = re.compile(r"article|posting|report", re.IGNORECASE)

#: How much each source's word counts: roughly how often it names the right day.
WEIGHTS = {
    "url": 4.0,
    "json-ld": 2.0,
    "meta": 2.0,
    "feed": 2.0,
    "sitemap": 2.0,
    "headline": 2.5,
    "time": 1.5,
    "dateline": 1.5,
    "htmldate": 1.0,
    "modified": 1.0,
}
#: Sources that print the publishing system's own fields: the same instant twice is one witness.
RECORDS = {"json-ld", "meta"}
#: A second meta tag naming another value, a <time> in a teaser or outside the article.
MINOR = 0.5
ASIDE = 0.25
#: Below this, no source has spoken for the page itself: time for the extensive search,
#: and if it finds nothing, no date rather than one from a teaser or a sidebar.
SPOKEN = 1.0

#: Microdata values (``<p itemprop="datePublished" content="...">``), for pages whose meta
#: tags and JSON-LD give no publication date. From the attributes up: libxml2 tests only the
#: attributes there are.
MICRODATA = etree.XPath("//@content/parent::*[@itemprop and not(self::meta)]")


@dataclass
class Dates:
    """What a page says of its dates; ``published`` whole, ``published_day`` the local day."""

    published: str | None = None
    published_day: str | None = None
    published_source: str | None = None
    modified: str | None = None


@dataclass(frozen=True)
class Witness:
    source: str
    stamp: Stamp
    weight: float


def page_dates(
    tree: lxml.html.HtmlElement,
    url: str,
    fetched: date | None = None,
    listed: tuple[str, str] | None = None,
) -> Dates:
    """The page's publication and modification dates and where the publication date came from.

    ``listed`` is the date the feed or sitemap entry that listed the page gave, and
    which of the two.
    """
    latest = (fetched or datetime.now(UTC).date()) + timedelta(days=1)  # time zones
    ld, meta, times = _markup(tree)
    witnesses = [
        w for w in _witnesses(tree, url, ld[0], meta, listed, times) if _plausible(w.stamp, latest)
    ]
    if printed := headline_date(tree, meta.get("og:title"), lambda s: _plausible(s, latest)):
        witnesses.append(Witness("headline", printed, WEIGHTS["headline"]))
    modified = read_stamp(ld[1]) or read_stamp(_first(meta, MODIFIED_META))
    modified = modified if modified and _plausible(modified, latest) else None
    if _silent(witnesses) or (modified and not _named(modified, witnesses)):
        datelines = _placed(tree, DATELINES(tree), "dateline", dateline)
        witnesses += [w for w in datelines if _plausible(w.stamp, latest)]
    visible = [w for w in witnesses if w.source in ("headline", "time", "dateline")]
    if modified and _named(modified, visible):
        witnesses.append(Witness("modified", modified, WEIGHTS["modified"]))
    if _silent(witnesses):
        found = _htmldate(tree, latest)
        if found:
            witnesses.append(Witness("htmldate", found, WEIGHTS["htmldate"]))
    found = Dates()
    if not _silent(witnesses):
        day, group = _verdict(witnesses)
        group = [w for w in group if w.source != "modified"]
        found.published = _whole(group).text
        best = max(group, key=lambda w: w.weight)
        found.published_day, found.published_source = day.isoformat(), best.source
    if modified and modified.day.isoformat() >= (found.published_day or ""):
        found.modified = modified.text
    return found


def _markup(tree: lxml.html.HtmlElement) -> tuple[tuple, dict[str, str], list]:
    """JSON-LD's dates, the meta tags' contents by name and the ``<time>`` elements.

    One walk over the page's elements of those three tags (in C, cheaper than
    an XPath union); the microdata search only on pages where neither meta
    tags nor JSON-LD date the publication.
    """
    scripts, metas, times = [], [], []
    for element in tree.iter("meta", "script", "time"):
        if element.tag == "time":
            times.append(element)
        elif element.tag == "meta":
            metas.append(element)
        elif element.get("type") == "application/ld+json":
            scripts.append(element.text or "")
    ld, meta = _json_ld(scripts), _meta_contents(metas)
    if not ld[0] and not any(name in meta for name in PUBLISHED_META):
        for name, value in _meta_contents(MICRODATA(tree)).items():
            meta.setdefault(name, value)
    return ld, meta, times


def _silent(witnesses: list[Witness]) -> bool:
    return max((w.weight for w in witnesses), default=0.0) < SPOKEN


def _named(stamp: Stamp, witnesses: list[Witness]) -> bool:
    """Whether a witness that speaks for the page names the stamp's day."""
    return any(w.stamp.day == stamp.day and w.weight >= SPOKEN for w in witnesses)


def _witnesses(
    tree: lxml.html.HtmlElement,
    url: str,
    ld_published: str | None,
    meta: dict[str, str],
    listed: tuple[str, str] | None,
    times: list[lxml.html.HtmlElement],
):
    day = url_date(url)
    if day:
        yield Witness("url", Stamp(date.fromisoformat(day), day), WEIGHTS["url"])
    if stamp := read_stamp(ld_published):
        yield Witness("json-ld", stamp, WEIGHTS["json-ld"])
    values = dict.fromkeys(meta[name] for name in PUBLISHED_META if name in meta)
    for rank, value in enumerate(values):
        if stamp := read_stamp(value):
            yield Witness("meta", stamp, WEIGHTS["meta"] if rank == 0 else MINOR)
    if listed and (stamp := read_stamp(listed[0])):
        yield Witness(listed[1], stamp, WEIGHTS.get(listed[1], MINOR))
    if times:
        yield from _placed(tree, times, "time", time_stamp, marked)


def _placed(tree: lxml.html.HtmlElement, elements: list, source: str, read, needs_mark=None):
    """A full-weight witness for the article's own date, a slight one for any other."""
    for stamp, own in placed(tree, elements, read, needs_mark):
        yield Witness(source, stamp, WEIGHTS[source] if own else ASIDE)


def _verdict(witnesses: list[Witness]) -> tuple[date, list[Witness]]:
    """The day with most weight, and the witnesses that named it.

    A modification date alone names no publication day: it only adds to a day
    another witness names.

    A UTC timestamp votes for the publisher's day: its own day in the offset
    the page's local timestamps carry; without one, the day the page's
    local-time sources (the URL, a local time) name, when a time zone can
    reach it from the instant; otherwise its own day.
    """
    offset = next(
        (w.stamp.offset for w in witnesses if w.stamp.offset and w.weight >= SPOKEN), None
    )
    local: dict[date, float] = {}
    for w in witnesses:
        if w.weight >= SPOKEN and (w.source == "url" or (w.stamp.moment and not w.stamp.utc)):
            local[w.stamp.day] = local.get(w.stamp.day, 0.0) + w.weight
    groups: dict[date, list[Witness]] = {}
    for w in witnesses:
        day = w.stamp.day
        if w.stamp.utc and offset is not None:
            day = (w.stamp.moment + offset).date()
        elif w.stamp.utc and day not in local:
            near = [d for d in _reach(w.stamp) if d in local]
            day = max(near, key=local.__getitem__, default=day)
        groups.setdefault(day, []).append(w)
    order = {w: i for i, w in enumerate(witnesses)}

    def strength(item: tuple[date, list[Witness]]) -> tuple[float, float, int]:
        _, group = item
        heaviest = max(w.weight for w in group)
        return _weight(group), heaviest, -min(order[w] for w in group)

    published = [item for item in groups.items() if any(w.source != "modified" for w in item[1])]
    return max(published, key=strength)


def _weight(group: list[Witness]) -> float:
    """The witnesses' weights added up, an instant JSON-LD and a meta tag both give once."""
    records: dict[datetime, float] = {}
    total = 0.0
    for w in group:
        if w.source in RECORDS and w.stamp.moment is not None:
            records[w.stamp.moment] = max(records.get(w.stamp.moment, 0.0), w.weight)
        else:
            total += w.weight
    return total + sum(records.values())


def _reach(stamp: Stamp) -> list[date]:
    """The days next to a UTC instant's that some time zone (UTC-12 to UTC+14) calls its day."""
    hour = stamp.moment.hour if stamp.moment else 12
    return [
        stamp.day + timedelta(days=step) for step, ok in ((1, hour >= 10), (-1, hour < 12)) if ok
    ]


def _whole(group: list[Witness]) -> Stamp:
    """The fullest stamp for the day: a local time with its offset, a UTC instant, a day.

    A local time without offset beside the same moment in UTC gives its offset.
    """
    stamps = [w.stamp for w in sorted(group, key=lambda w: -w.weight)]
    for stamp in stamps:
        if stamp.offset is not None and not stamp.utc:
            return stamp
    naive = next((s for s in stamps if s.moment is not None and s.offset is None), None)
    instant = next((s for s in stamps if s.utc and s.moment is not None), None)
    if naive and instant:
        shift = naive.moment - instant.moment.replace(tzinfo=None)
        if timedelta(hours=-12) <= shift <= timedelta(hours=14) and not shift % timedelta(
            minutes=15
        ):
            moment = naive.moment.replace(tzinfo=timezone(shift))
            return Stamp(naive.day, moment.isoformat(timespec="seconds"), moment=moment)
    return instant or naive or stamps[0]


def _plausible(stamp: Stamp, latest: date) -> bool:
    return date(1990, 1, 1) <= stamp.day <= latest


def json_ld_dates(tree: lxml.html.HtmlElement) -> tuple[str | None, str | None]:
    """datePublished and dateModified of the page's article object in JSON-LD."""
    return _json_ld(tree.xpath("//script[@type='application/ld+json']/text()"))


def _json_ld(scripts: list[str]) -> tuple[str | None, str | None]:
    """(published, modified) of the first article object that dates its publication; an
    article object that gives its last change alone gives that as modified only: taken
    for nothing, it left the date search to read the change as the publication."""
    modified_only = None
    for script in scripts:
        try:
            data = json.loads(script)
        except ValueError:
            continue
        for node in _walk(data):
            kind = node.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if not any(isinstance(k, str) and ARTICLE_TYPES_RE.search(k) for k in kinds):
                continue
            modified = str(node.get("dateModified") or "") or None
            if published := node.get("datePublished") or node.get("dateCreated"):
                return str(published), modified
            modified_only = modified_only or modified
    return None, modified_only


def _walk(node: object):
    if isinstance(node, list):
        for child in node:
            yield from _walk(child)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if isinstance(node.get(key), list | dict):
                yield from _walk(node[key])


def _meta_contents(metas: list[lxml.html.HtmlElement]) -> dict[str, str]:
    """Each meta tag's first content by its lowercased name, property or itemprop."""
    values: dict[str, str] = {}
    for meta in metas:
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = meta.get("content")
        if content and key not in values:
            values[key] = content
    return values


def _first(values: dict[str, str], names: tuple[str, ...]) -> str | None:
    return next((values[n] for n in names if n in values), None)


def url_date(url: str) -> str | None:
    """The full day a URL's path names, if it names one."""
    for pattern in URL_DATE_RES:
        match = pattern.search(url)
        if match:
            year, month, day = (int(x) for x in match.groups())
            try:
                return date(year, month, day).isoformat()
            except ValueError:
                return None
    return None


def _htmldate(tree: lxml.html.HtmlElement, latest: date) -> Stamp | None:
    """htmldate's search: fast first, extensive only when that finds nothing.

    The fast search reads the elements that mark a date; the extensive one
    asks every other element and the free text too, and costs more. Where the
    fast one finds a date the two mostly agree, and where not, the marked date
    is the likelier publication's. A bare year (read as 1 January) is not a date.
    """
    from htmldate import find_date

    for extensive in (False, True):
        found = find_date(
            tree, extensive_search=extensive, original_date=True, max_date=latest.isoformat()
        )
        if found and not found.endswith("-01-01"):
            return Stamp(date.fromisoformat(found), found)
    return None
