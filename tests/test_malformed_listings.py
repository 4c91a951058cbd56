"""Malformed and hostile feeds and sitemaps: each is an errors row, and every entry that
could be read is planned with its dates.

One real crawl against a site on 127.0.0.1 that serves them all: a feed in
Windows-1252 declaring UTF-8, a sitemap cut mid-entry, a sitemap carrying an
entity-expansion payload (billion laughs), a 60 MB sitemap plain and gzipped, a
feed URL answering with an HTML page, a sitemap with one URL urljoin rejects.
"""

import gzip
import zlib

from ingest.crawl.discovery import feed_entries, sitemap_entries

from conftest import FAST, rows, run_ingest
from sites import LocalSite, Resource, article_page, story

NS = "xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'"
LAUGHS = "<!ENTITY a0 'lol'>" + "".join(
    f"<!ENTITY a{i} '{f'&a{i - 1};' * 10}'>" for i in range(1, 10)
)


def urls(base: str, paths: range, lastmod: str = "2024-03-0{}") -> str:
    return "".join(
        f"<url><loc>{base}/s/{i}</loc><lastmod>{lastmod.format(i + 1)}</lastmod></url>"
        for i in paths
    )


def hostile_listings(base: str) -> dict[str, Resource]:
    items = "".join(
        f"<item><title>Caf\xe9 {i}</title><link>{base}/f/{i}</link>"
        f"<pubDate>Tue, 0{i + 1} Apr 2024 10:00:00 GMT</pubDate></item>"
        for i in range(3)
    )
    cp1252 = f"<?xml version='1.0' encoding='utf-8'?><rss><channel>{items}</channel></rss>"
    cut = f"<urlset {NS}>{urls(base, range(3))}<url><loc>{base}/s/3</loc><lastmo"
    bomb = (
        f"<?xml version='1.0'?><!DOCTYPE urlset [{LAUGHS}]><urlset {NS}>{urls(base, range(4, 6))}"
        f"<url><loc>&a9;</loc></url>{urls(base, range(6, 8))}</urlset>"
    )
    one = f"<url><loc>{base}/s/9</loc></url>"
    huge = f"<urlset {NS}>{one * 1_250_000}</urlset>".encode()  # 60 MB: past DOWNLOAD_MAXSIZE
    html = (
        "<!doctype html><html><head><title>Moved</title></head><body><h1>Our feeds moved</h1>"
        f"<ul><li><a href='{base}/h/0'>One</a></li><li><a href='{base}/h/1'>Two</a></li></ul>"
        "</body></html>"
    )
    bad_url = f"<urlset {NS}><url><loc>http://n.c[o.test/</loc></url>{urls(base, range(8, 9))}"
    return {
        "/cp1252.rss": Resource(cp1252.encode("cp1252"), "application/rss+xml"),
        "/cut.xml": Resource(cut, "application/xml"),
        "/laughs.xml": Resource(bomb, "application/xml"),
        "/huge.xml": Resource(huge, "application/xml"),
        "/huge.xml.gz": Resource(gzip.compress(huge, 1), "application/gzip"),
        "/moved.rss": Resource(html, "application/rss+xml; charset=utf-8"),
        "/bad-url.xml": Resource(bad_url + "</urlset>", "application/xml"),
    }


def test_each_malformed_listing_is_an_error_and_keeps_what_it_could_read(tmp_path):
    db = tmp_path / "listings.db"
    with LocalSite({}) as site:
        listings = hostile_listings(site.url)
        site.resources.update(listings)
        for path in [
            *(f"/f/{i}" for i in range(3)),
            *(f"/s/{i}" for i in range(10)),
            "/h/0",
            "/h/1",
        ]:
            site.resources[path] = Resource(article_page(path, story(len(path)), published=None))
        seeds = [site.url + path for path in listings]
        run_ingest("crawl", *seeds, "--db", str(db), "--max-depth", "1", *FAST, cwd=tmp_path)
    errors = rows(
        db,
        "select replace(url, ?1, ''), stage, kind, replace(message, ?1, '') from errors"
        " order by url",
        site.url,
    )
    assert errors == [
        ("/bad-url.xml", "discover", "bad_url",
         "1 entry with a URL that cannot be read, left out: http://n.c[o.test/"),
        ("/cp1252.rss", "discover", "bad_encoding",
         "not the UTF-8 it declares (byte 68): read as Windows-1252"),
        ("/cut.xml", "discover", "malformed",
         "read no further than 3 entries, kept: "
         "Premature end of data in tag url line 1"),
        ("/huge.xml", "fetch", "too_large",
         "Expected to receive 60000069 bytes which is larger than download max size "
         "(16777216) in request <GET /huge.xml>."),
        ("/huge.xml.gz", "fetch", "too_large",
         "The number of bytes decompressed so far (16842752 B) exceeded the specified "
         "maximum (16777216 B)."),
        ("/laughs.xml", "discover", "entities", "declares XML entities of its own: not expanded"),
        ("/moved.rss", "discover", "not_a_feed",
         "served as application/rss+xml but is an HTML page: read as one, its links followed"),
    ]  # fmt: skip
    planned = rows(
        db,
        "select replace(url, ?, ''), replace(found_via, ?, ''), published, lastmod"
        " from urls where found_via not like 'seed%' order by found_via, url",
        site.url,
        site.url,
    )
    feed_day = "2024-04-0{}T10:00:00+00:00"  # lastmod: the latest date the entry gives
    assert planned == [
        *((f"/f/{i}", "feed /cp1252.rss", feed_day.format(i + 1), feed_day.format(i + 1))
          for i in range(3)),
        ("/h/0", "link /moved.rss", None, None),
        ("/h/1", "link /moved.rss", None, None),
        ("/s/8", "sitemap /bad-url.xml", None, "2024-03-09"),
        ("/s/0", "sitemap /cut.xml", None, "2024-03-01"),  # /s/3 was cut mid-entry: dropped
        ("/s/1", "sitemap /cut.xml", None, "2024-03-02"),
        ("/s/2", "sitemap /cut.xml", None, "2024-03-03"),
        ("/s/4", "sitemap /laughs.xml", None, "2024-03-05"),  # before the payload
        ("/s/5", "sitemap /laughs.xml", None, "2024-03-06"),
        ("/s/6", "sitemap /laughs.xml", None, "2024-03-07"),  # and after it
        ("/s/7", "sitemap /laughs.xml", None, "2024-03-08"),
    ]  # fmt: skip
    stored = rows(db, "select count(*) from articles")
    assert stored == [(len(planned),)]


def test_the_readers_keep_what_precedes_the_damage():
    """Without a crawl: the entry a truncation cuts is dropped, a bare & kept as a URL."""
    cut = sitemap_entries(
        f"<urlset {NS}><url><loc>https://n.example/0</loc></url><url><loc>h".encode()
    )
    assert [e.url for e in cut] == ["https://n.example/0"]
    assert cut.problem == (
        "malformed",
        "read no further than 1 entry, kept: Premature end of data in tag loc line 1",
    )
    between = sitemap_entries(f"<urlset {NS}><url><loc>https://n.example/0</loc></url>".encode())
    assert [e.url for e in between] == ["https://n.example/0"] and between.problem[0] == "malformed"
    feed = b"\n<b>Warning</b>: x\n<?xml version='1.0'?><rss><channel><item><link>https://n.example/?a=1&b=2</link></item></channel></rss>"
    read = feed_entries(feed)
    assert [e.url for e in read] == ["https://n.example/?a=1&b=2"] and read.problem is None


def test_the_feed_reader_reads_what_feeds_get_wrong():
    """Cases where ingest differed from feedparser on its own test feeds, now read alike."""
    items = (
        # a <guid> before the <link>: the link is the entry's URL
        "<item><guid>https://n.example/guid</guid><link>https://n.example/link</link></item>"
        # an Atom id that is a URL, and no alternate link: the id
        "<entry><id>https://n.example/id</id><link rel='enclosure' href='https://n.example/a.mp3'/>"
        "</entry>"
        # a dc: prefix the feed never declared keeps its date
        "<item><link>https://n.example/dc</link><dc:date>2024-03-05</dc:date></item>"
        # a link in CDATA keeps its ampersand as it is; a bare one outside is escaped
        "<item><link><![CDATA[https://n.example/c?a=1&b=2]]></link></item>"
        "<item><link>https://n.example/b?a=1&b=2&amp;c=3</link></item>"
    )
    read = feed_entries(f"<rss><channel>{items}</channel></rss>".encode())
    assert [(e.url, e.date) for e in read] == [
        ("https://n.example/link", None),
        ("https://n.example/id", None),
        ("https://n.example/dc", "2024-03-05"),
        ("https://n.example/c?a=1&b=2", None),
        ("https://n.example/b?a=1&b=2&c=3", None),
    ]
    assert read.problem is None


def test_a_gz_listing_that_does_not_unpack_is_a_bad_gzip_error(tmp_path):
    """Plain text named .gz or served as gzip was a page of kind other, and a cut gzip was
    read as a whole listing ("0 entries, kept"): neither said the listing went unread."""
    db = tmp_path / "gz.db"
    with LocalSite({}) as site:
        base = site.url
        sitemap = f"<urlset {NS}>{urls(base, range(40))}</urlset>".encode()
        items = "".join(f"<item><link>{base}/f/{i}</link></item>" for i in range(40))
        feed = f"<rss><channel>{items}</channel></rss>".encode()
        packed = [gzip.compress(b) for b in (sitemap, feed)]
        cut_sitemap, cut_feed = (z[: len(z) * 3 // 4] for z in packed)  # a quarter missing
        text = b"this is plain text, not gzip\n" * 5
        unpacked = f"<urlset {NS}>{urls(base, range(40, 42))}</urlset>"
        site.resources.update({
            "/text.xml.gz": Resource(text, "application/octet-stream"),
            "/text.xml": Resource(text, "application/x-gzip"),
            "/cut.xml.gz": Resource(cut_sitemap, "application/x-gzip"),
            "/cut.rss.gz": Resource(cut_feed, "application/gzip"),
            "/unpacked.xml.gz": Resource(unpacked, "application/x-gzip"),  # served unpacked
            "/s/40": Resource(article_page("/s/40", story(40), published=None)),
            "/s/41": Resource(article_page("/s/41", story(41), published=None)),
        })  # fmt: skip
        seeds = [base + p for p in ("/text.xml.gz", "/text.xml", "/cut.xml.gz", "/cut.rss.gz")]
        run_ingest(
            "crawl", *seeds, base + "/unpacked.xml.gz", "--db", str(db), "--max-depth", "1",
            *FAST,
        )  # fmt: skip
    kept = [len(zlib.decompressobj(31).decompress(cut)) for cut in (cut_sitemap, cut_feed)]
    assert 0 < kept[0] < len(sitemap) and 0 < kept[1] < len(feed)
    errors = rows(
        db, "select replace(url, ?, ''), stage, kind, message from errors order by url", base
    )
    begins = "but not gzip: it begins b'this is plain text, '"
    assert errors == [
        ("/cut.rss.gz", "fetch", "bad_gzip", f"cut off: it ends after {kept[1]:,} bytes unpacked"),
        ("/cut.xml.gz", "fetch", "bad_gzip", f"cut off: it ends after {kept[0]:,} bytes unpacked"),
        ("/text.xml", "fetch", "bad_gzip", f"served as application/x-gzip {begins}"),
        ("/text.xml.gz", "fetch", "bad_gzip", f"named .gz {begins}"),
    ]  # fmt: skip
    states = rows(
        db, "select replace(url, ?, ''), state, reason from urls where url not like ? order by url",
        base, f"{base}/s/%",
    )  # fmt: skip
    assert states == [
        ("/cut.rss.gz", "failed", "bad_gzip"),
        ("/cut.xml.gz", "failed", "bad_gzip"),
        ("/text.xml", "failed", "bad_gzip"),
        ("/text.xml.gz", "failed", "bad_gzip"),
        ("/unpacked.xml.gz", "fetched", "sitemap"),
    ]
    assert rows(db, "select replace(url, ?, ''), kind from pages order by url", base) == [
        ("/s/40", "html"), ("/s/41", "html"), ("/unpacked.xml.gz", "sitemap"),
    ]  # fmt: skip


def test_a_sitemap_in_text_format_is_read_and_a_seed_that_is_nothing_is_said(tmp_path):
    """The sitemaps protocol's text format (one URL a line) was taken for "other", and so
    was any seed that is no page, feed or sitemap: nothing read, no errors row, exit 0."""
    db = tmp_path / "text.db"
    with LocalSite({}) as site:
        listed = "\n".join(f"{site.url}/t/{i}" for i in range(3))
        site.resources.update(
            {
                "/sitemap.txt": Resource(f"\ufeff{listed}\n\n", "text/plain; charset=utf-8"),
                "/more.txt": Resource(f"{site.url}/t/3\r\n", None),  # no type at all
                "/data.json": Resource('{"version": "1.0", "items": []}', "application/json"),
                "/notes.txt": Resource(f"Our sitemap: {site.url}/t/0\n", "text/plain"),
                **{f"/t/{i}": Resource(article_page(f"T{i}", story(i))) for i in range(4)},
            }
        )
        (tmp_path / "seeds.toml").write_text(f'sitemaps = ["{site.url}/more.txt"]\n')
        seeds = [f"{site.url}{p}" for p in ("/sitemap.txt", "/data.json", "/notes.txt")]
        seeds.append(str(tmp_path / "seeds.toml"))
        done = run_ingest("crawl", *seeds, "--db", str(db), "--max-depth", "1", *FAST)
    assert done.returncode == 0
    fates = "select replace(url, ?, ''), state, reason from urls order by url"
    assert rows(db, fates, site.url) == [
        ("/data.json", "fetched", "not_a_page"),
        ("/more.txt", "fetched", "sitemap"),
        ("/notes.txt", "fetched", "not_a_page"),
        ("/sitemap.txt", "fetched", "sitemap"),
        *((f"/t/{i}", "fetched", "article") for i in range(4)),
    ]
    said = "select replace(url, ?, ''), stage, kind, message from errors order by url"
    assert rows(db, said, site.url) == [
        ("/data.json", "discover", "not_a_page",
         "a seed that is no HTML page, feed or sitemap (served as application/json): nothing "
         "read"),
        ("/notes.txt", "discover", "not_a_page",
         "a seed that is no HTML page, feed or sitemap (served as text/plain): nothing read"),
    ]  # fmt: skip


def test_a_text_sitemaps_lines_that_are_no_url_are_left_out_and_said():
    from ingest.crawl.kinds import page_kind

    body = b"http://a.example/1\n\nhttps://b.example/2\r\n"
    assert page_kind(body, "text/plain") == "sitemap"
    assert page_kind(body, "text/html") == "html"
    assert page_kind(b"User-agent: *\nDisallow: /\n", "text/plain") == "other"
    assert page_kind(b"http://a.example/1 and more\n", "text/plain") == "other"
    # past the head looked at, a line may be anything: read, the rest is kept and said
    long = b"http://a.example/1\n" * 4000 + b"Disallow: /\nhttp://a.example/2\n"
    assert page_kind(long, "text/plain") == "sitemap"
    entries = sitemap_entries(long)
    assert [e.url for e in entries][-2:] == ["http://a.example/1", "http://a.example/2"]
    assert len(entries) == 4001
    assert entries.problem == ("bad_url", "1 line with no URL, left out: Disallow: /")


def test_an_xml_sitemap_after_a_notice_or_in_utf16_is_no_text_sitemap():
    """Only a list of URLs is a text sitemap: one opening with a PHP notice, or in UTF-16,
    had every entry taken for a line that is no URL, and lost."""
    urlset = (
        f'<?xml version="1.0"?><urlset {NS}><url><loc>http://a.example/1</loc></url>'
        "<url><loc>http://a.example/2</loc></url></urlset>"
    )
    notice = f"Warning: Cannot modify header information in functions.php line 3\n{urlset}"
    for body in (
        notice.encode(),
        urlset.replace('"1.0"?', '"1.0" encoding="UTF-16"?').encode("utf-16"),
    ):
        entries = sitemap_entries(body)
        assert [e.url for e in entries] == ["http://a.example/1", "http://a.example/2"]
        assert entries.problem is None
