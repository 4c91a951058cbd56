"""What feeds, sitemaps and robots.txt list, with the dates they give for each URL.

Feeds (RSS 1/2, Atom, JSON Feed) and sitemaps (plain, index, Google News; gzipped ones
arrive unpacked) are small and parsed in the crawl's own process. Their dates
let a crawl skip URLs before fetching them: older than ``--since``, or an
article already stored and unchanged since.

Dates are kept as UTC ISO 8601 strings, comparable as text:
``2024-03-01T08:00:00+00:00``, or ``2024-03-01`` when the source gives a day only.
The publication date is also kept as the source wrote it, its offset with it
(``2024-03-01T03:00:00-05:00``), for the page's date: in UTC an evening story
of the US East Coast is on the next day.

Why our own reader rather than feedparser or Scrapy's ``Sitemap`` (measured by
``benchmarks/listings.py`` on the demo's feeds and sitemaps, listings shaped like
the test sites' and malformed ones; medians on a shared 2-core machine):

- feedparser 6.0 finds the same URLs and dates on all of them, and takes 60 to
  110 ms for a 500-item RSS feed where this reader takes 6 to 11. Its word on a
  broken feed is a ``bozo`` flag; a crawl needs an errors row and the entries
  read before the damage.
- Scrapy 2.19's ``Sitemap`` streams as this does (the same memory on a 60 MB
  sitemap) and is 10 to 15% quicker with its dates parsed (0.79 s against 0.93 s
  for 50,000 URLs: 3 µs a URL, nothing beside fetching them), but keeps only
  an entry's direct children, so a Google News sitemap's publication dates are
  lost (0 of 4), and it ends silently where libxml2 stops: a truncated sitemap
  gives its half entry, an entity payload loses every entry after it.

How broken and hostile XML is read, and what each damage costs, is
``ingest.crawl.xmlstream``'s.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urljoin

from ingest.crawl import jsonfeed
from ingest.crawl.kinds import URL_LIST_HEAD, is_url_line, is_url_list
from ingest.crawl.xmlstream import based, count, elements, local, unreadable
from ingest.extract.stamps import rfc2822
from ingest.urls import canonical

#: Entries planned from one feed or sitemap: the sitemap protocol's own maximum.
MAX_ENTRIES = 50_000
#: Feeds and sitemaps one is read through at most: the protocol's index of sitemaps is one,
#: a site's index of yearly indexes two; one more spare, and a chain of indexes ends there.
MAX_NESTING = 3

_FEED_DATES = {"pubdate": "published", "published": "published", "issued": "published"}
#: dc:date says when the item last changed; in a feed that gives no other date (RSS 1.0,
#: many RSS 2.0 feeds) it is also the only word on when it was published.
_FEED_MODIFIED = {"updated", "modified", "date"}
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](0?[1-9]|1[0-2])(?:[/-](0?[1-9]|[12]\d|3[01]))?(?=/)")
_ROBOTS_SITEMAP = re.compile(rb"^[ \t]*sitemap[ \t]*:[ \t]*(\S+)", re.I | re.M)
_RELATIVE = re.compile(r"^\s*(\d+)\s*([hdwmy])\s*$", re.I)


@dataclass(frozen=True)
class Entry:
    """One URL a feed or sitemap lists, with the dates it gives (UTC ISO strings)."""

    url: str
    published: str | None = None
    modified: str | None = None
    #: The publication date as the source wrote it (ISO 8601, its offset kept), for the page.
    written: str | None = field(default=None, compare=False)
    #: The change date so written: ``--since`` a day reads the publisher's day from it.
    written_modified: str | None = field(default=None, compare=False)

    @property
    def date(self) -> str | None:
        """The latest date given: when the entry last changed, as far as the source says."""
        dates = [d for d in (self.published, self.modified) if d]
        return max(dates, key=_sort_key) if dates else None


class Listing(list[Entry]):
    """A feed's or sitemap's entries, at most the bound; ``more`` if it listed more.

    Read one entry at a time, each freed when read: a 30 MB sitemap of tiny
    entries would cost hundreds of MB as one tree. ``problem`` says why the
    read stopped early or what had to be repaired; the entries read are kept.
    """

    index: bool = False
    more: bool = False
    problem: tuple[str, str] | None = None  # (kind, message) for an errors row

    def add(self, entry: Entry, limit: int) -> bool:
        """Keep the entry unless ``limit`` entries are kept already (0: no bound); False
        then, and ``more`` says entries were left out."""
        if limit and len(self) >= limit:
            self.more = True
            return False
        self.append(entry)
        return True

    def too_many(self, limit: int) -> str | None:
        """The errors row's message when entries were left out, else None."""
        if not self.more:
            return None
        return (
            f"lists more than {limit:,} entries; the first {limit:,} were planned "
            "(INGEST_MAX_LISTING_ENTRIES)"
        )

    def errors(self, limit: int) -> list[tuple[str, str]]:
        """(kind, message) of each errors row the listing calls for: none if it read well."""
        found = [self.problem] if self.problem else []
        if message := self.too_many(limit):
            found.append(("too_many_entries", message))
        return found


def absolute(entry: Entry, base: str) -> Entry:
    """The entry with its URL made absolute against the listing's and canonical."""
    url = canonical(urljoin(base, entry.url))
    return replace(entry, url=url)


def listed(kind: str, body: bytes, base: str, limit: int) -> tuple[Listing, list[tuple[str, str]]]:
    """A feed's or sitemap's entries made absolute, and (kind, message) of each errors
    row it calls for. An entry whose URL cannot be read is left out, not the listing."""
    read = (feed_entries if kind == "feed" else sitemap_entries)(body, limit)
    entries, unreadable = Listing(), []
    entries.index = read.index
    for entry in read:
        try:
            entries.append(absolute(entry, base))
        except ValueError:  # urljoin: "Invalid IPv6 URL" and the like
            unreadable.append(entry.url)
    errors = read.errors(limit)
    if unreadable:
        example = unreadable[0][:200]
        message = f"{count(len(unreadable))} with a URL that cannot be read, left out: {example}"
        errors.append(("bad_url", message))
    return entries, errors


def too_nested(kind: str, nested: int, limit: int) -> str | None:
    """The errors row's message when a feed or sitemap was reached through more than
    ``limit`` others (0: no bound): it is not read, so a chain of indexes ends there."""
    if not limit or nested <= limit:
        return None
    return (
        f"a {kind} reached through {nested} feeds and sitemaps (limit {limit:,}, "
        "INGEST_MAX_LISTING_DEPTH): not read"
    )


def feed_entries(body: bytes, limit: int = MAX_ENTRIES) -> Listing:
    """The entries of an RSS 1/2, Atom or JSON feed, in feed order, with their dates."""
    if jsonfeed.opens_as_json(body):
        return json_feed_entries(body, limit)
    entries = Listing()
    for item, _ in elements(body, ("item", "entry"), entries):
        link = guid = original = published = modified = written = dc_date = None
        for child in item:
            name = local(child.tag)
            text = (child.text or "").strip()
            if name == "origlink" and text.startswith(("http://", "https://")):
                original = text  # FeedBurner's: its link is a feed proxy's, off the site
            elif name == "link":
                if child.get("href") is not None:  # Atom
                    if link is None and child.get("rel", "alternate") == "alternate":
                        link = based(child, child.get("href", "").strip())
                elif text and link is None:
                    link = based(child, text)
            elif name in ("guid", "id") and child.get("isPermaLink", "true") != "false":
                # a permalink guid, an Atom id that is a URL: the link when there is none
                guid = guid or (text if text.startswith(("http://", "https://")) else None)
            elif name in _FEED_DATES and published is None:
                published, written = parse_date(text), written_date(text)
            elif name in _FEED_MODIFIED:
                modified = modified or parse_date(text)
                dc_date = dc_date or (text if name == "date" else None)
        if published is None and dc_date:
            published, written = parse_date(dc_date), written_date(dc_date)
        link = original or link or guid
        if link and not entries.add(Entry(link, published, modified, written), limit):
            break
    return entries


def json_feed_entries(body: bytes, limit: int) -> Listing:
    """A JSON Feed's entries; one that cannot be read is a ``malformed`` problem."""
    entries, linkless = Listing(), 0
    try:
        for link, published, modified in jsonfeed.items(body):
            if link is None:
                linkless += 1
                continue
            entry = Entry(
                link, parse_date(published), parse_date(modified), written_date(published)
            )
            if not entries.add(entry, limit):
                break
    except ValueError as exc:
        entries.problem = ("malformed", unreadable(len(entries), str(exc)))
    if linkless and entries.problem is None:
        items = "1 item" if linkless == 1 else f"{linkless:,} items"
        entries.problem = ("bad_url", f"{items} with no URL (url, or an id that is one), left out")
    return entries


def sitemap_entries(body: bytes, limit: int = MAX_ENTRIES) -> Listing:
    """A sitemap's entries (page or child-sitemap URLs); ``index`` tells which.

    ``lastmod`` is the entry's modification date; a Google News sitemap's
    ``news:publication_date`` its publication date. A sitemap in the protocol's text
    format (``ingest.crawl.kinds.is_url_list``) lists pages, one URL a line.
    """
    if is_url_list(body[:URL_LIST_HEAD], whole=len(body) <= URL_LIST_HEAD):
        return text_sitemap_entries(body, limit)  # else XML, even after a PHP notice
    entries = Listing()
    for element, root in elements(body, ("url", "sitemap"), entries):
        if root not in ("urlset", "sitemapindex"):
            break
        entries.index = root == "sitemapindex"
        loc = published = modified = written = written_modified = None
        for child in element:
            name = local(child.tag)
            if name == "loc":
                loc = (child.text or "").strip()
            elif name == "lastmod":
                modified = parse_date(child.text or "")
                written_modified = written_date(child.text or "")
            elif name == "news":
                for news in child:
                    if local(news.tag) == "publication_date":
                        published = parse_date(news.text or "")
                        written = written_date(news.text or "")
        entry = Entry(loc or "", published, modified, written, written_modified)
        if loc and not entries.add(entry, limit):
            break
    return entries


def text_sitemap_entries(body: bytes, limit: int) -> Listing:
    """The URLs of a sitemap in text format, one a line; lines that are none are counted
    and the first said, each freed when read (a 16 MB body of them held 184 MB)."""
    entries, other, first = Listing(), 0, ""
    for raw in io.BytesIO(body.removeprefix(b"\xef\xbb\xbf")):
        if not (line := raw.decode("utf-8", "replace").strip()):
            continue
        if not is_url_line(line.encode()):
            other, first = other + 1, first or line[:200]
        elif not entries.add(Entry(line), limit):
            break
    if other:
        lines = "1 line" if other == 1 else f"{other:,} lines"
        entries.problem = ("bad_url", f"{lines} with no URL, left out: {first}")
    return entries


def robots_sitemaps(body: bytes) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt."""
    return [m.decode("utf-8", "replace") for m in _ROBOTS_SITEMAP.findall(body)]


# -- dates ---------------------------------------------------------------------


def parse_date(value: str | None) -> str | None:
    """A feed or sitemap date as a UTC ISO string (a day alone stays a day); None if unreadable.

    Reads ISO 8601 and W3C datetime (``2024-03-01``, ``2024-03-01T08:00+01:00``,
    ``2024-03-01T08:00:00Z``, ``2024-03``) and RFC 822 (``Fri, 01 Mar 2024 08:00:00 GMT``).
    """
    moment = _read_date(value)
    if not isinstance(moment, datetime):
        return moment
    try:
        return iso(moment)
    except OverflowError:  # year 1 or 9999 moved to UTC: past the calendar's edge
        return None


def written_date(value: str | None) -> str | None:
    """A feed or sitemap date in ISO 8601 as written: its offset kept, none added to a time
    without one (a day alone stays a day); None if unreadable."""
    moment = _read_date(value)
    return moment.isoformat(timespec="seconds") if isinstance(moment, datetime) else moment


def _read_date(value: str | None) -> datetime | str | None:
    """The moment a date names, or the ISO day when it names a day (or a month) only."""
    value = (value or "").strip()
    if not value:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            return None
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return f"{value}-01"
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return rfc2822(value)


def iso(moment: datetime) -> str:
    """A datetime as the UTC ISO string everything here compares (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _sort_key(value: str) -> str:
    return value if len(value) > 10 else value + "T00:00:00+00:00"


def newer_than(changed: str | None, fetched: str | None) -> bool:
    """Whether a source's date says the URL changed after we fetched it.

    A day alone (``2024-03-05``) counts as changed on the day of the fetch too:
    a change later that day would otherwise never show.
    """
    if not changed or not fetched:
        return False
    if len(changed) <= 10:
        return changed >= fetched[:10]
    return changed > fetched


#: How far ahead of UTC a day may begin (Kiribati's UTC+14).
EARLIEST_ZONE = timedelta(hours=14)


def older_than(when: str | None, since: str | None, listed: bool = False) -> bool:
    """Whether a date is before ``since``.

    ``since`` a day (``--since 2024-03-05``) means the publisher's day, as the date was
    written with its offset: a story of 00:30 on the 5th in Berlin is 23:30 on the 4th in
    UTC, and the stored article's ``published_day`` (what ``search --since`` reads) is the
    5th. ``since`` a moment (an age, ``36h``) compares moments. A day alone compares as
    that day.
    """
    if not when or not since:
        return False
    if listed and len(since) <= 10 and when.endswith(("+00:00", "Z")) and len(when) > 10:
        # A feed's or sitemap's moment in UTC (GMT, Z) says no publisher's day: up to 14
        # hours later it is already the next day somewhere. Fetched, the page says (its own
        # date, ``listed`` false, compared by its day as written).
        starts = datetime.fromisoformat(since).replace(tzinfo=UTC) - EARLIEST_ZONE
        return (parse_date(when) or when) < iso(starts)
    if len(since) <= 10:
        return when[:10] < since
    if len(when) <= 10:
        return when < since[:10]
    return (parse_date(when) or when) < since


def url_date(url: str) -> str | None:
    """The date a URL's path carries (``/2024/03/05/slug``), as a day; None without one.

    A year and month alone give the month's last day, so ``--since`` skips a
    URL only when the whole month is before it.
    """
    match = _URL_DATE.search(url)
    if not match:
        return None
    year, month, day = int(match[1]), int(match[2]), match[3]
    try:
        if day:
            return date(year, month, int(day)).isoformat()
        following = date(year + month // 12, month % 12 + 1, 1)
        return (following - timedelta(days=1)).isoformat()
    except ValueError:
        return None


def parse_since(value: str, now: datetime | None = None) -> str:
    """``--since``: a date or datetime (ISO 8601), or an age: ``36h``, ``7d``, ``2w``, ``1y``.

    Raises ValueError for anything else.
    """
    match = _RELATIVE.match(value)
    if match:
        n, unit = int(match[1]), match[2].lower()
        days = {"h": 1 / 24, "d": 1, "w": 7, "m": 30, "y": 365}[unit] * n
        return iso((now or datetime.now(UTC)) - timedelta(days=days))
    parsed = parse_date(value)
    if parsed is None or not re.match(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise ValueError(f"not a date (YYYY-MM-DD) or an age (7d, 2w): {value!r}")
    return parsed  # a day stays a day: the publisher's (older_than)
