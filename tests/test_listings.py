"""Feeds, sitemaps and their dates, piece by piece at each rule's edge (no crawl, no server)."""

import json
from datetime import UTC, datetime

import pytest

from ingest.crawl.discovery import (
    Entry,
    Listing,
    absolute,
    feed_entries,
    listed,
    newer_than,
    older_than,
    parse_date,
    parse_since,
    robots_sitemaps,
    sitemap_entries,
    url_date,
    written_date,
)
from ingest.crawl.kinds import page_kind
from ingest.crawl.planning import listed_date


@pytest.mark.parametrize(
    ("body", "content_type", "kind"),
    [
        (b"<?xml version='1.0'?><urlset>", None, "sitemap"),
        (b"<SITEMAPINDEX>", "text/html", "sitemap"),
        (b"<rss version='2.0'>", "text/html", "feed"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom">', None, "feed"),
        (b"<rdf:RDF>", None, "feed"),
        (b"<html><body><rss>", "application/xml", "html"),
        (b"  \n<!DOCTYPE HTML><p>x</p>", None, "html"),
        (b"  \n<!DOCTYPE HTML><p>x</p>", "text/plain", "html"),  # mislabelled, as XML is
        (b"plain words", "TEXT/HTML; charset=utf-8", "html"),
        (b"plain words", None, "other"),
        (b"x" * 2048 + b"<urlset><html>", None, "other"),
        (b" " * 10 + b"x" * 2038 + b"<rss>", None, "other"),
        # no type, or one that says nothing: the page's opening tells, as a browser's sniffing
        (b"<br />\n<b>Deprecated</b>: " + b"x" * 3000 + b"<html>", None, "html"),
        (b"\n\t<script type='text/javascript'>var a;</script>", "application/octet-stream", "html"),
        (b"<style>\n.a {}</style>", "Application/Octet-Stream; charset=binary", "html"),
        (b"<!-- generated --><div>", "*/*", "html"),
        (b"\xef\xbb\xbf\n<br />\n<b>Warning</b>", "binary/octet-stream", "html"),
        (b"<p>Hello", "application/octet-stream ; charset=binary", "html"),
        # UTF-16, its byte order mark first: its tags are read as text, not bytes
        (
            "<?xml version='1.0' encoding='utf-16'?><rss version='2.0'>".encode("utf-16"),
            None,
            "feed",
        ),
        (
            "<urlset xmlns='x'><url/></urlset>".encode("utf-16-be").join([b"\xfe\xff", b""]),
            None,
            "sitemap",
        ),
        ("<!DOCTYPE html><p>x</p>".encode("utf-16"), "text/html", "html"),
        (b"<style>\n.a {}</style>", "text/plain", "other"),  # a type that says something
        (b"<brand>", None, "other"),  # a tag's name ends at a space or ">"
        (b"x <p>", None, "other"),  # and opens the body
        # the first element decides: what an item quotes, a long comment before it
        (
            b"<?xml version='1.0'?>\n<rss version='2.0'><channel><item><content:encoded>"
            b"<![CDATA[<html><body><p>Story</p></body></html>]]></content:encoded>",
            "application/xml",
            "feed",
        ),
        (b"<!-- " + b"generated " * 300 + b"-->\n<urlset>", "application/octet-stream", "sitemap"),
        (b'<!DOCTYPE rss [<!ENTITY nbsp "&#160;">]>\n<rss>', None, "feed"),
        (b"<?xml version='1.0'?><html><body><rss>", "text/xml", "html"),
        (b"<!--a-->" * 5000 + b"x", None, "other"),  # read once: no backtracking over them
        # JSON Feed: an object naming the format, or served as one
        (
            b'\xef\xbb\xbf {"version": "https://jsonfeed.org/version/1.1"',
            "application/json",
            "feed",
        ),
        (b'{"version": "https:\\/\\/jsonfeed.org\\/version\\/1"', None, "feed"),
        (b'{"items": []}', "Application/Feed+JSON; charset=utf-8", "feed"),
        (b'{"items": []}', "application/json", "other"),  # any JSON is no feed
        (b'["jsonfeed.org"]', None, "other"),
        (b"<p>jsonfeed.org</p>", "text/html", "html"),
    ],
)
def test_page_kind_at_its_edges(body, content_type, kind):
    assert page_kind(body, content_type) == kind


def test_absolute_keeps_the_dates_and_canonicalizes():
    entry = Entry("../a?utm_source=x#f", "2024-03-01", "2024-03-02")
    assert absolute(entry, "https://n.example/feeds/main.xml") == Entry(
        "https://n.example/a", "2024-03-01", "2024-03-02"
    )


def test_listing_bounds_and_what_it_says_when_it_left_entries_out():
    listing = Listing()
    assert listing.add(Entry("a"), 2) and listing.add(Entry("b"), 2)
    assert listing.too_many(2) is None
    assert listing.add(Entry("c"), 2) is False
    assert [e.url for e in listing] == ["a", "b"] and listing.more is True
    assert listing.too_many(2) == (
        "lists more than 2 entries; the first 2 were planned (INGEST_MAX_LISTING_ENTRIES)"
    )
    unbounded = Listing()
    assert all(unbounded.add(Entry(str(i)), 0) for i in range(3)) and not unbounded.more


def items(*inner: str) -> bytes:
    return f"<rss><channel>{''.join(f'<item>{i}</item>' for i in inner)}</channel></rss>".encode()


def test_feed_entries_stop_at_the_limit_and_sitemaps_read_only_sitemaps():
    feed = feed_entries(items(*(f"<link>https://n.example/{i}</link>" for i in range(3))), limit=2)
    assert [e.url for e in feed] == ["https://n.example/0", "https://n.example/1"] and feed.more
    urls = "".join(f"<url><loc>https://n.example/{i}</loc></url>" for i in range(3))
    sitemap = sitemap_entries(f"<urlset>{urls}</urlset>".encode(), limit=2)
    assert [e.url for e in sitemap] == ["https://n.example/0", "https://n.example/1"]
    assert sitemap.more and not sitemap.index
    assert sitemap_entries(b"<rss><url><loc>https://n.example/x</loc></url></rss>") == []
    index = sitemap_entries(b"<sitemapindex><sitemap><loc>/s.xml</loc></sitemap></sitemapindex>")
    assert index == [Entry("/s.xml")] and index.index


def test_which_link_an_item_gives():
    def links(*inner: str) -> list[str]:
        return [e.url for e in feed_entries(items(*inner))]

    assert links(
        "<link>https://n.example/1</link><link>https://n.example/2</link>",
        '<guid isPermaLink="false">https://n.example/3</guid>',
        "<guid>urn:uuid:4</guid>",
        "<guid>http://n.example/5</guid>",
        "<link/>",
    ) == ["https://n.example/1", "http://n.example/5"]
    atom = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="enclosure" href="/a.mp3"/>'
        '<link href=" /story "/><link rel="alternate" href="/other"/></entry></feed>'
    )
    assert [e.url for e in feed_entries(atom.encode())] == ["/story"]


def test_an_atom_link_is_read_under_the_xml_base_in_force_where_it_stands():
    feed = b"""<feed xmlns="http://www.w3.org/2005/Atom" xml:base="/blog/">
      <entry xml:base="2024/"><link href="first.html"/></entry>
      <entry><link href="second.html"/></entry>
      <entry><link xml:base="https://cdn.n.example/a/" href="third"/></entry>
      <entry><link href="https://n.example/fourth"/></entry>
    </feed>"""
    read, errors = listed("feed", feed, "https://n.example/feeds/atom.xml", 100)
    assert [e.url for e in read] == [
        "https://n.example/blog/2024/first.html",
        "https://n.example/blog/second.html",
        "https://cdn.n.example/a/third",
        "https://n.example/fourth",
    ]
    assert errors == []
    rss = b'<rss xml:base="https://n.example/news/"><channel><item><link>7</link></item></channel></rss>'
    assert [e.url for e in listed("feed", rss, "https://n.example/rss", 100)[0]] == [
        "https://n.example/news/7"
    ]
    broken = b'<feed xml:base="http://[::1"><entry><link href="/x"/></entry></feed>'
    assert [e.url for e in listed("feed", broken, "https://n.example/f", 100)[0]] == [
        "https://n.example/x"
    ]


def test_a_json_feeds_items_give_their_links_and_dates_and_its_damage_is_said():
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "items": [
            {"id": "a", "url": " /a ", "date_published": "2024-05-01T10:00:00-05:00"},
            {"id": "https://n.example/b", "date_modified": "2024-05-02"},
            {"id": "c"},  # no link: an id that is no web address
            {"id": "d", "url": 7, "external_url": "https://elsewhere.example/"},
            "e",
        ],
    }
    read = feed_entries(b"\n" * 100 + json.dumps(feed).encode())  # PHP's blank lines first
    assert read == [
        Entry("/a", "2024-05-01T15:00:00+00:00", None),
        Entry("https://n.example/b", None, "2024-05-02"),
    ]
    assert read[0].written == "2024-05-01T10:00:00-05:00"
    # those with no link at all are said, not passed over in silence; a link post is not
    assert read.problem == (
        "bad_url",
        "2 items with no URL (url, or an id that is one), left out",
    )
    assert feed_entries(json.dumps({"items": feed["items"][:2]}).encode()).problem is None
    assert feed_entries(json.dumps(feed).encode(), limit=1).more
    for body, why in [
        (b'{"items": {"url": "/a"}}', "a JSON document with no list of items"),
        (b'["/a"]', "a JSON document with no list of items"),
        (b"{" * 100_000, "not JSON: "),
        (b'{"items": [\xff]}', "not JSON: "),
    ]:
        broken = feed_entries(body)
        assert broken == [] and broken.problem[0] == "malformed"
        assert broken.problem[1].startswith("read no further than 0 entries, kept: " + why)


def test_a_sitemap_entry_without_dates_has_none():
    assert sitemap_entries(b"<urlset><url><loc> /a </loc><lastmod/></url></urlset>") == [
        Entry("/a", None, None)
    ]


def test_feeds_are_parsed_forgivingly_and_without_entities_or_comments():
    broken = items("<title>AT&T</title><link>https://n.example/1</link>", "<link>/2</link>")
    assert [e.url for e in feed_entries(broken)] == ["https://n.example/1", "/2"]
    entity = b'<!DOCTYPE rss [<!ENTITY e "https://n.example/e">]>' + items("<link>&e;</link>")
    assert feed_entries(entity) == []
    assert [e.url for e in feed_entries(items("<link>/a<!-- c -->b</link>"))] == ["/ab"]


def test_dates_in_utc_and_a_year_and_month_as_the_months_last_day():
    assert parse_date("2024-03-01T08:00:00z") == "2024-03-01T08:00:00+00:00"
    assert parse_date("2024-03-01T08:00:00+01:00") == "2024-03-01T07:00:00+00:00"
    assert url_date("https://n.example/2024/12/story") == "2024-12-31"


def test_a_feed_whose_items_say_dc_date_alone_dates_their_publication():
    """RSS 1.0 has no pubDate: its dc:date counted as a change alone, and an article its
    page left undated had no date from the feed either."""
    rdf = (
        "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#' "
        "xmlns='http://purl.org/rss/1.0/' xmlns:dc='http://purl.org/dc/elements/1.1/'>"
        "<item><link>https://n.example/a</link><dc:date>2024-03-05T00:30:00+01:00</dc:date>"
        "</item></rdf:RDF>"
    )
    (entry,) = feed_entries(rdf.encode())
    assert (entry.published, entry.written, entry.modified) == (
        "2024-03-04T23:30:00+00:00", "2024-03-05T00:30:00+01:00", "2024-03-04T23:30:00+00:00"
    )  # fmt: skip
    (entry,) = feed_entries(
        items(
            "<link>https://n.example/b</link><pubDate>Mon, 04 Mar 2024 08:00:00 GMT</pubDate>"
            "<dc:date xmlns:dc='http://purl.org/dc/elements/1.1/'>2024-03-06T10:00:00Z</dc:date>"
        )
    )
    assert (entry.published, entry.modified) == (
        "2024-03-04T08:00:00+00:00", "2024-03-06T10:00:00+00:00"
    )  # fmt: skip


def test_a_feedburner_item_names_the_publishers_url_not_the_feed_proxys():
    """Its link leads through the proxy, off the crawl's sites: each item ended offsite,
    and the feed's articles were never fetched."""
    burner = "xmlns:feedburner='http://rssnamespace.org/feedburner/ext/1.0'"
    (entry,) = feed_entries(
        items(
            "<link>https://feedproxy.google.com/~r/news/~3/x1/</link>"
            f"<feedburner:origLink {burner}>https://n.example/2024/story</feedburner:origLink>"
        )
    )
    assert entry.url == "https://n.example/2024/story"


def test_a_zone_named_in_an_rfc_822_date_is_its_offset_where_the_name_means_one_zone():
    """Python's parser knows the North American names alone: "00:30 CET" was 00:30 UTC, and
    a Berlin story of the 5th a story of the 4th for whoever compares moments."""
    assert parse_date("Tue, 05 Mar 2024 00:30:00 CET") == "2024-03-04T23:30:00+00:00"
    assert parse_date("Tue, 05 Mar 2024 09:00:00 JST") == "2024-03-05T00:00:00+00:00"
    assert parse_date("Sun, 31 Mar 2024 12:00:00 CEST") == "2024-03-31T10:00:00+00:00"
    assert written_date("Sun, 31 Mar 2024 12:00:00 west") == "2024-03-31T12:00:00"  # a word
    assert parse_date("Tue, 05 Mar 2024 00:30:00 EST") == "2024-03-05T05:30:00+00:00"
    assert written_date("Tue, 05 Mar 2024 00:30 AEDT") == "2024-03-05T00:30:00+11:00"
    # IST is India's, Ireland's or Israel's: the time stays as written, no zone guessed
    assert written_date("Tue, 05 Mar 2024 00:30:00 IST") == "2024-03-05T00:30:00"
    assert written_date("Tue, 05 Mar 2024 00:30:00 BST") == "2024-03-05T00:30:00"
    assert url_date("https://n.example/2024/02/story") == "2024-02-29"


def test_the_publication_date_is_also_kept_as_written_with_its_offset():
    assert written_date("Fri, 01 Mar 2024 20:00:00 -0500") == "2024-03-01T20:00:00-05:00"
    assert written_date("2024-03-01T20:00:00-05:00") == "2024-03-01T20:00:00-05:00"
    assert written_date("2024-03-01T20:00:00") == "2024-03-01T20:00:00"  # no offset guessed
    assert written_date("2024-03-01") == "2024-03-01" and written_date("nope") is None
    date = "<pubDate>Fri, 01 Mar 2024 20:00:00 -0500</pubDate>"
    (entry,) = feed_entries(items(f"<link>https://n.example/a</link>{date}"))
    assert (entry.published, entry.written) == (
        "2024-03-02T01:00:00+00:00",
        "2024-03-01T20:00:00-05:00",
    )
    news = "<news:news><news:publication_date>2024-03-01T20:00:00-05:00</news:publication_date>"
    sitemap = f"<urlset><url><loc>https://n.example/b</loc>{news}</news:news></url></urlset>"
    (entry,) = sitemap_entries(sitemap.encode())
    assert (entry.published, entry.written) == (
        "2024-03-02T01:00:00+00:00",
        "2024-03-01T20:00:00-05:00",
    )
    # the page's date is read from the written one; an entry back from the frontier has UTC only
    assert absolute(entry, "https://n.example/").written == entry.written
    assert listed_date(entry, "sitemap https://n.example/s.xml") == (entry.written, "sitemap")
    resumed = Entry(entry.url, entry.published)
    assert listed_date(resumed, "feed https://n.example/f.xml") == (entry.published, "feed")


def test_since_a_day_is_the_publishers_day_and_a_moment_a_moment():
    # --since 2024-03-05 took 00:30 on the 5th in Berlin (23:30 on the 4th in UTC) for old,
    # though the stored article's published_day, which search --since reads, is the 5th
    day = parse_since("2024-03-05", NOW)
    assert not older_than("2024-03-05T00:30:00+01:00", day)
    assert not older_than("2024-03-05T08:00:00+09:00", day)
    assert older_than("2024-03-04T23:30:00-05:00", day)  # the 5th in UTC, the 4th there
    assert not older_than("2024-03-05", day) and older_than("2024-03-04", day)
    # a feed's date in UTC (GMT, Z): the 5th may have begun where it was published (UTC+14)
    assert not older_than("2024-03-04T23:30:00+00:00", day, listed=True)  # 00:30 in Berlin
    assert not older_than("2024-03-04T10:00:00+00:00", day, listed=True)  # Kiritimati's 0:00
    assert older_than("2024-03-04T09:59:59+00:00", day, listed=True)  # the 4th everywhere
    assert older_than("2024-03-04T23:30:00+00:00", day)  # a page's own date: its day, as written
    moment = parse_since("2024-03-05T00:00+00:00", NOW)
    assert older_than("2024-03-05T00:30:00+01:00", moment)
    assert not older_than("2024-03-04T23:30:00-05:00", moment)
    assert not older_than("2024-03-05", moment) and older_than("2024-03-04", moment)


def test_comparisons_of_equal_instants():
    instant = "2024-03-05T10:00:00+00:00"
    assert not newer_than(instant, instant) and not older_than(instant, instant)
    assert newer_than("2024-03-05", instant) and not older_than("2024-03-05", instant)


NOW = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "since"),
    [
        ("36h", "2024-03-09T00:00:00+00:00"),
        ("3H", "2024-03-10T09:00:00+00:00"),
        (" 7d ", "2024-03-03T12:00:00+00:00"),
        ("2w", "2024-02-25T12:00:00+00:00"),
        ("1M", "2024-02-09T12:00:00+00:00"),
        ("1Y", "2023-03-11T12:00:00+00:00"),
        ("2024-03-01", "2024-03-01"),  # a day stays a day: the publisher's
        ("2024-03-01T08:00+01:00", "2024-03-01T07:00:00+00:00"),
    ],
)
def test_since_as_an_age_or_a_date(value, since):
    assert parse_since(value, NOW) == since


@pytest.mark.parametrize("value", ["yesterday", "2024-03", "2024-02-30"])
def test_since_refuses_anything_else(value):
    with pytest.raises(ValueError, match=f"not a date .*{value!r}"):
        parse_since(value, NOW)


def test_robots_sitemaps_survive_bytes_that_are_not_utf8():
    body = b"User-agent: *\nSitemap: https://n.example/\xff.xml\n  sitemap:/s2.xml"
    assert robots_sitemaps(body) == ["https://n.example/\ufffd.xml", "/s2.xml"]
