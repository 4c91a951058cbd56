"""Feeds and sitemaps: ingest's own reader against feedparser and Scrapy's ``Sitemap``.

The same inputs through each parser: the demo's feeds and sitemaps (4 outlets,
RSS and Atom), listings shaped like the test sites' (Google News sitemap,
sitemap index, guid-only RSS, Atom, dc:date), the hand-made cases the peers'
corpora showed to differ (text before ``<?xml``, a bare ``&``, ``<guid>``
before ``<link>``), and the malformed and hostile ones: a feed in Windows-1252
declaring UTF-8, a sitemap cut mid-entry, an entity-expansion sitemap, a
feed that is an HTML page, an entry URL urljoin rejects. For each it prints the
URLs and dates found (and whether they are the expected ones), the errors rows
ingest records, then milliseconds per listing (median of ``--runs``) on a
500-item feed and a 50,000-URL sitemap, and peak memory reading a 60 MB sitemap.

``--ref REV`` runs ingest's reader as it is at a git revision too (the "before"
column), read with ``git show``. feedparser is measured when installed; it is
not a dependency of ingest.

    python benchmarks/listings.py --ref main --runs 5
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urljoin

from ingest.crawl import discovery

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://n.example/"
NS = "xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'"
NEWS = "xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'"


def urlset(n: int, start: int = 0, dated: bool = True) -> str:
    lastmod = "<lastmod>2024-03-01T08:00:00+00:00</lastmod>" if dated else ""
    return "".join(f"<url><loc>{BASE}s/{i}</loc>{lastmod}</url>" for i in range(start, n))


def rss(n: int, date: bool = True) -> str:
    when = "<pubDate>Fri, 01 Mar 2024 08:00:00 GMT</pubDate>" if date else ""
    items = "".join(
        f"<item><title>Story {i}</title><link>{BASE}f/{i}</link>{when}"
        f"<description>One line about story {i}.</description></item>"
        for i in range(n)
    )
    return (
        f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>{items}</channel></rss>"
    )


def bomb() -> str:
    levels = "".join(f"<!ENTITY a{i} '{f'&a{i - 1};' * 10}'>" for i in range(1, 10))
    return (
        f"<?xml version='1.0'?><!DOCTYPE urlset [<!ENTITY a0 'lol'>{levels}]>"
        f"<urlset {NS}>{urlset(3)}<url><loc>&a9;</loc></url>{urlset(6, 3)}</urlset>"
    )


def cases() -> list[tuple[str, str, bytes, int, int]]:
    """(name, kind, body, URLs expected, dates expected)."""
    from ingest.demo.site import build_site

    site = build_site()
    found = []
    for url, kind in sorted(site.kinds.items()):
        if kind in ("feed", "sitemap"):
            body = site.get(url)[1]
            chunks = re.split(rb"<(?:item|entry|url)>", body)[1:]
            dated = sum(
                bool(re.search(rb"<(?:lastmod|pubDate|updated|published)>", c)) for c in chunks
            )
            found.append((f"demo {url.split('//')[1]}", kind, body, len(chunks), dated))
    atom = (
        "<feed xmlns='http://www.w3.org/2005/Atom'>"
        + "".join(
            f"<entry><link rel='alternate' href='{BASE}a/{i}'/><link rel='enclosure' "
            f"href='{BASE}a/{i}.mp3'/><updated>2024-03-0{i + 1}T08:00:00Z</updated></entry>"
            for i in range(4)
        )
        + "</feed>"
    )
    news = "".join(
        f"<url><loc>{BASE}n/{i}</loc><news:news><news:publication_date>2024-03-01T0{i}:00:00Z"
        "</news:publication_date></news:news></url>"
        for i in range(4)
    )
    guid = "".join(
        f"<item><guid>{BASE}g/{i}</guid><dc:date>2024-03-01</dc:date></item>" for i in range(3)
    )
    dc = "xmlns:dc='http://purl.org/dc/elements/1.1/'"
    index = "".join(f"<sitemap><loc>{BASE}m/{i}.xml</loc></sitemap>" for i in range(3))
    cp1252 = rss(4).replace("Story", "Caf\xe9 story").encode("cp1252")
    cut = f"<urlset {NS}>{urlset(5)}<url><loc>{BASE}s/5</lo".encode()
    html = b"<!doctype html><html><body><a href='/f/1'>One</a></body></html>"
    news = f"<urlset {NS} {NEWS}>{news}</urlset>".encode()
    index = f"<sitemapindex {NS}>{index}</sitemapindex>".encode()
    guid = f"<rss {dc}><channel>{guid}</channel></rss>".encode()
    bad_url = f"<urlset {NS}><url><loc>http://n.c[o.test/</loc></url>{urlset(3)}</urlset>"
    return found + [
        ("test-site Google News sitemap", "sitemap", news, 4, 4),
        ("test-site sitemap index", "sitemap", index, 3, 0),
        ("test-site RSS, guid and dc:date", "feed", guid, 3, 3),
        ("test-site Atom, enclosures", "feed", atom.encode(), 4, 4),
        ("text before <?xml", "feed", b"\n<b>Warning</b>: x\n" + rss(3).encode(), 3, 3),
        ("bare & in a link", "feed", rss(2).replace("f/1<", "f/1?a=1&b=2<").encode(), 2, 2),
        ("Windows-1252 declared UTF-8", "feed", cp1252, 4, 4),
        ("sitemap cut mid-entry", "sitemap", cut, 5, 5),
        ("entity-expansion sitemap", "sitemap", bomb().encode(), 6, 6),
        ("feed that is HTML", "feed", html, 0, 0),
        ("unreadable entry URL", "sitemap", bad_url.encode(), 3, 3),
    ]  # fmt: skip


# -- the parsers, each (kind, body) -> (URLs, dates, errors rows) -----------------------


def ours(module, limit: int = discovery.MAX_ENTRIES):
    def read(kind: str, body: bytes) -> tuple[list[str], int, list[str]]:
        if hasattr(module, "listed"):
            listing, errors = module.listed(kind, body, BASE, limit)
            return (
                [e.url for e in listing],
                sum(bool(e.date) for e in listing),
                [k for k, _ in errors],
            )
        read = module.feed_entries if kind == "feed" else module.sitemap_entries
        listing = read(body, limit)
        try:
            urls = [module.absolute(e, BASE).url for e in listing]
        except ValueError:  # one bad URL: the listing is lost
            return [], 0, ["(exception)"]
        return urls, sum(bool(e.date) for e in listing), []

    return read


def library(kind: str, body: bytes) -> tuple[list[str], int, list[str]]:
    if kind == "feed":
        import feedparser

        parsed = feedparser.parse(body)
        urls, dates = [], 0
        for entry in parsed.entries:
            link = entry.get("link") or (
                entry.get("id") if str(entry.get("id", "")).startswith("http") else None
            )
            if link:
                urls.append(urljoin(BASE, link))
                dates += bool(entry.get("published_parsed") or entry.get("updated_parsed"))
        return urls, dates, ["bozo"] if parsed.get("bozo") else []
    from scrapy.utils.sitemap import Sitemap

    try:
        entries = list(Sitemap(body))
    except Exception as exc:  # noqa: BLE001 - whatever the library raises is a figure here
        return [], 0, [type(exc).__name__]
    urls, dates = [], 0
    for entry in entries:
        try:  # as ingest does it: one bad URL is left out, not the listing
            urls.append(urljoin(BASE, entry["loc"]))
            dates += bool(entry.get("lastmod"))
        except (KeyError, ValueError):
            continue
    return urls, dates, []


def at_revision(ref: str):
    source = subprocess.run(
        ["git", "show", f"{ref}:ingest/crawl/discovery.py"],
        capture_output=True,
        check=True,
        cwd=ROOT,
    ).stdout
    path = Path(tempfile.mkdtemp()) / "discovery_at_ref.py"
    path.write_bytes(source)
    spec = importlib.util.spec_from_file_location("discovery_at_ref", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def parse_only(module, limit: int = discovery.MAX_ENTRIES):
    """The parse alone, entries as the parser gives them: the time a crawl pays per listing
    whichever parser reads it, before the same canonical() of each URL."""
    if module is None:
        import feedparser
        from scrapy.utils.sitemap import Sitemap

        def read(kind: str, body: bytes) -> object:
            if kind == "feed":
                return feedparser.parse(body)  # dates parsed, as ingest's are
            return [(e.get("loc"), discovery.parse_date(e.get("lastmod"))) for e in Sitemap(body)]

        return read
    return lambda kind, body: (module.feed_entries if kind == "feed" else module.sitemap_entries)(
        body, limit
    )


def timed(read, kind: str, body: bytes, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        read(kind, body)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def peak_memory(parser: str, ref: str | None, path: Path) -> str:
    """Peak RSS of a fresh process reading a 60 MB sitemap, MB; and the URLs it read."""
    code = f"""
import resource
import sys
sys.path.insert(0, {str(ROOT / "benchmarks")!r})
import listings
with open({str(path)!r}, "rb") as file:
    body = file.read()  # read whole, no larger copy made on the way
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
module = None if {parser!r} == "library" else (
    listings.at_revision({ref!r}) if {ref!r} else listings.discovery
)
read = listings.parse_only(module, limit=0)  # every entry read
urls = read("sitemap", body)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(len(body) // 1_000_000, (peak - base) // 1024, len(urls))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        return f"failed: {out.stderr.strip().splitlines()[-1]}"
    size, grew, urls = out.stdout.split()
    return f"{size} MB sitemap: +{grew} MB peak, {int(urls):,} URLs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ref", help="also ingest's reader at this git revision (before)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    readers, parsers = {}, {}
    if args.ref:
        before = at_revision(args.ref)
        readers[f"ingest@{args.ref}"], parsers[f"ingest@{args.ref}"] = (
            ours(before),
            parse_only(before),
        )
    readers["ingest"], parsers["ingest"] = ours(discovery), parse_only(discovery)
    readers["library"], parsers["library"] = library, parse_only(None)
    print("library: feedparser for feeds, scrapy.utils.sitemap.Sitemap for sitemaps")
    print(f"{'input':<46}{'expect':>9}  " + "  ".join(f"{n:>24}" for n in readers))
    totals = {n: [0, 0, 0] for n in readers}
    for name, kind, body, urls, dates in cases():
        cells = []
        for reader_name, read in readers.items():
            found, dated, errors = read(kind, body)
            exact = len(found) == urls and dated == dates
            totals[reader_name][0] += len(found)
            totals[reader_name][1] += dated
            totals[reader_name][2] += exact
            mark = "" if exact else "*"
            cells.append(f"{len(found)}/{dated}{mark} {','.join(errors)[:14]}".rjust(24))
        print(f"{name[:45]:<46}{f'{urls}/{dates}':>9}  " + "  ".join(cells))
    print(f"{'total URLs/dates, inputs as expected':<46}{'':>9}  " + "  ".join(
        f"{t[0]}/{t[1]} ({t[2]} ok)".rjust(24) for t in totals.values()
    ))  # fmt: skip
    print("\n* = not the expected URLs/dates; after it, the errors rows (feedparser: bozo)")
    feed, sitemap = rss(500).encode(), f"<urlset {NS}>{urlset(50_000)}</urlset>".encode()
    print(f"\nms per listing, the parse alone, median of {args.runs} interleaved runs:")
    times = {name: {"feed": [], "sitemap": []} for name in parsers}
    for _ in range(args.runs):
        for reader_name, read in parsers.items():
            times[reader_name]["feed"].append(timed(read, "feed", feed, 1))
            times[reader_name]["sitemap"].append(timed(read, "sitemap", sitemap, 1))
    for reader_name, measured in times.items():
        f_ms, s_ms = (statistics.median(measured[k]) for k in ("feed", "sitemap"))
        print(
            f"  {reader_name:<20} 500-item RSS {f_ms:7.1f} ms   50,000-URL sitemap {s_ms:7.1f} ms"
        )
    print("\npeak memory reading a 60 MB sitemap (fresh process each):")
    path = Path(tempfile.mkdtemp()) / "huge.xml"
    path.write_bytes(f"<urlset {NS}>{urlset(650_000)}</urlset>".encode())
    if args.ref:
        print(f"  ingest@{args.ref:<13} {peak_memory('ours', args.ref, path)}")
    print(f"  {'ingest':<20} {peak_memory('ours', None, path)}")
    print(f"  {'library':<20} {peak_memory('library', None, path)}")


if __name__ == "__main__":
    main()
