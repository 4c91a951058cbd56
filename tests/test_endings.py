"""Every URL a crawl meets ends in a final state with its reason; every failure is a row.

One real crawl of a loopback site whose links end every way a URL can end:
stored, not an article, redirected off the site, in a loop, to a URL fetched on its
own, to file:/ftp:/data:, too long, and pages that can't be read (empty, binary,
nested past the parser's limit). The crawl's errors match what `ingest extract`
says of the same pages.
"""

import gzip
import json
import random

import pytest

from ingest.crawl.partial import zstd  # the module Scrapy unpacks zstd answers with

from conftest import FAST, rows, run_ingest
from sites import LocalSite, Resource, article_page, index_page, story

LONG = "/news/" + "x" * 2100
DEEP = (
    "<html><body>"
    + "<div>" * 300
    + "<p>"
    + "word " * 200
    + "</p>"
    + "</div>" * 300
    + "</body></html>"
)
BINARY = random.Random(7).randbytes(20_000)  # the same bytes every run
PAGE = article_page("Packed", story(5)).encode()
GZIPPED = gzip.compress(PAGE, mtime=0)
ZSTD_PAGE = zstd.compress(article_page("Packed smaller", story(6)).encode())

ENDINGS = {  # path -> (state, reason)
    "/": ("fetched", "not_article"),
    "/news/2024/03/ok": ("fetched", "article"),
    "/r-offsite": ("offsite", "redirect_offsite"),
    "/loop1": ("failed", "redirect_loop"),
    # a loop whose two pages are both linked: each ended "redirect_seen", no page, no error
    "/loop-a": ("failed", "redirect_loop"),
    "/loop-b": ("failed", "redirect_loop"),
    "/refresh-a": ("failed", "redirect_loop"),
    "/refresh-b": ("failed", "redirect_loop"),
    "/r-seen": ("redirected", "redirect_seen"),
    "/r-file": ("failed", "redirect_not_followed"),
    "/r-ftp": ("failed", "redirect_not_followed"),
    "/r-data": ("failed", "redirect_not_followed"),
    "/r-mail": ("failed", "redirect_not_followed"),
    # a Location no request can be made of: a bare ValueError had said neither
    "/r-bad-port": ("failed", "bad_redirect"),
    "/r-bad-host": ("failed", "bad_redirect"),
    # a meta refresh Scrapy does not follow: the page stays, and says it led elsewhere
    "/refresh-file": ("fetched", "redirect_not_followed"),
    "/refresh-slow": ("fetched", "not_article"),  # the page's own reload in 10 minutes
    "/refresh-js": ("fetched", "redirect_not_followed"),  # Scrapy could not build its request
    LONG: ("skipped", "too_long"),
    "/news/2024/03/empty": ("fetched", "empty"),
    "/news/2024/03/no-content": ("failed", "empty"),  # a 204, untyped: not "other" content
    "/news/2024/03/binary": ("fetched", "unparseable"),
    "/news/2024/03/deep": ("fetched", "too_deep"),
    "/missing": ("failed", "http_404"),
    # half a page is no page: a gzip stream cut off, a part no Range asked for
    "/news/2024/03/gzip": ("fetched", "article"),
    "/news/2024/03/cut-gzip": ("failed", "bad_gzip"),
    "/news/2024/03/zstd": ("fetched", "article"),
    "/news/2024/03/cut-zstd": ("failed", "bad_gzip"),  # Scrapy took its first part for a page
    "/news/2024/03/part": ("failed", "partial_content"),
    "/news/2024/03/whole-part": ("fetched", "article"),
    "/news/2024/03/dropped": ("failed", "ResponseDataLossError"),
    "/news/2024/03/two-lengths": ("failed", "DownloadFailedError"),
    # followed redirects: the URL asked for ends as its target does, and the target too
    "/r-ok": ("fetched", "article"),
    "/news/2024/03/moved": ("fetched", "article"),
    "/refresh": ("fetched", "article"),
    "/news/2024/03/refreshed": ("fetched", "article"),
    "/r-404": ("failed", "http_404"),
    "/gone-too": ("failed", "http_404"),
    # a feed naming another site's page: met, and not reached
    "/feed.xml": ("fetched", "feed"),
    "http://elsewhere.example/listed": ("offsite", "listed_offsite"),
    # a sitemap robots.txt names on another host: met, and not reached (it had no row)
    "http://elsewhere.example/robots-sitemap.xml": ("offsite", "listed_offsite"),
}
#: Reached only through a redirect: not listed on the home page.
TARGETS = ("/", "/loop2", "/news/2024/03/moved", "/news/2024/03/refreshed", "/gone-too")
TARGETS += ("http://elsewhere.example/listed", "http://elsewhere.example/robots-sitemap.xml")


def site_pages() -> dict:
    def redirect(to: str, status: int = 302) -> Resource:
        return Resource("", status=status, headers={"Location": to})

    return {
        "/": index_page([p for p in ENDINGS if p not in TARGETS]),
        "/robots.txt": Resource(
            "User-agent: *\nSitemap: http://elsewhere.example/robots-sitemap.xml\n", "text/plain"
        ),
        "/r-ok": redirect("/news/2024/03/moved", 301),
        "/r-404": redirect("/gone-too"),
        "/feed.xml": Resource(
            "<?xml version='1.0'?><rss version='2.0'><channel><item>"
            "<link>http://elsewhere.example/listed</link></item></channel></rss>",
            "application/rss+xml",
        ),
        "/news/2024/03/moved": article_page("Moved", story(3)),
        "/refresh": '<html><head><meta http-equiv="refresh" content="0; url=/news/2024/03/'
        'refreshed"></head><body></body></html>',
        "/news/2024/03/refreshed": article_page("Refreshed", story(4)),
        "/news/2024/03/ok": article_page("OK", story(1)),
        "/r-offsite": redirect("http://elsewhere.example/story", 301),
        "/loop1": redirect("/loop2"),
        "/loop2": redirect("/loop1"),
        "/loop-a": redirect("/loop-b"),
        "/loop-b": redirect("/loop-a"),
        "/refresh-a": '<html><head><meta http-equiv="refresh" content="0; url=/refresh-b">'
        "</head><body></body></html>",
        "/refresh-b": '<html><head><meta http-equiv="refresh" content="0; url=/refresh-a">'
        "</head><body></body></html>",
        "/r-seen": redirect("/"),
        "/r-file": redirect("file:///etc/passwd"),
        "/r-ftp": redirect("ftp://127.0.0.1/x"),
        "/r-data": redirect("data:text/html,hello"),
        "/r-mail": redirect("mailto:editor@example.org"),
        "/r-bad-port": redirect("http://127.0.0.1:99999/x"),
        "/r-bad-host": redirect("http://[::1/x"),
        "/refresh-file": '<html><head><meta http-equiv="refresh" content="0;URL=\'file:///etc/'
        "passwd'\"></head><body></body></html>",
        "/refresh-slow": '<html><head><meta http-equiv="refresh" content="600; url=ftp://'
        '127.0.0.1/x"></head><body></body></html>',
        "/refresh-js": '<html><head><meta http-equiv="refresh" content="0; url=javascript:'
        'void(0)"></head><body></body></html>',
        "/news/2024/03/dropped": Resource(PAGE, cut=300),  # the connection closes early
        "/news/2024/03/two-lengths": Resource(PAGE, headers={"Content-Length": "99"}),
        LONG: article_page("Never fetched", story(2)),
        "/news/2024/03/empty": Resource(""),
        "/news/2024/03/no-content": Resource("", content_type=None, status=204),
        "/news/2024/03/binary": Resource(BINARY),
        "/news/2024/03/deep": DEEP,
        "/news/2024/03/gzip": Resource(GZIPPED, headers={"Content-Encoding": "gzip"}),
        "/news/2024/03/cut-gzip": Resource(GZIPPED[:400], headers={"Content-Encoding": "gzip"}),
        "/news/2024/03/zstd": Resource(ZSTD_PAGE, headers={"Content-Encoding": "zstd"}),
        "/news/2024/03/cut-zstd": Resource(ZSTD_PAGE[:400], headers={"Content-Encoding": "zstd"}),
        "/news/2024/03/part": Resource(
            PAGE[:600], status=206, headers={"Content-Range": f"bytes 0-599/{len(PAGE)}"}
        ),
        "/news/2024/03/whole-part": Resource(
            PAGE, status=206, headers={"Content-Range": f"bytes 0-{len(PAGE) - 1}/{len(PAGE)}"}
        ),
    }


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("endings")
    with LocalSite(site_pages()) as site:
        db = tmp / "news.db"
        done = run_ingest("crawl", site.url + "/", "--db", str(db), *FAST, cwd=tmp)
    return site.url, db, done, tmp


def test_every_url_met_ends_in_a_final_state_with_its_reason(crawled):
    base, db, _, _ = crawled
    found = {
        url.removeprefix(base): (s, r)
        for url, s, r in rows(db, "select url, state, reason from urls")
    }
    assert found == ENDINGS
    assert rows(db, "select count(*) from urls where state = 'queued' or reason is null") == [(0,)]


def test_every_failure_is_an_errors_row(crawled):
    base, db, _, _ = crawled
    errors = rows(db, "select replace(url, ?, ''), stage, kind from errors order by 1", base)
    assert errors == sorted(
        [
            ("/r-offsite", "fetch", "redirect_offsite"),
            ("/loop1", "fetch", "redirect_loop"),
            ("/loop-a", "fetch", "redirect_loop"),
            ("/loop-b", "fetch", "redirect_loop"),
            ("/refresh-a", "fetch", "redirect_loop"),
            ("/refresh-b", "fetch", "redirect_loop"),
            ("/r-file", "fetch", "redirect_not_followed"),
            ("/r-ftp", "fetch", "redirect_not_followed"),
            ("/r-data", "fetch", "redirect_not_followed"),
            ("/r-mail", "fetch", "redirect_not_followed"),
            ("/r-bad-port", "fetch", "bad_redirect"),
            ("/r-bad-host", "fetch", "bad_redirect"),
            ("/refresh-file", "fetch", "redirect_not_followed"),
            ("/refresh-js", "fetch", "redirect_not_followed"),
            ("/news/2024/03/dropped", "fetch", "ResponseDataLossError"),
            ("/news/2024/03/two-lengths", "fetch", "DownloadFailedError"),
            ("/news/2024/03/empty", "extract", "empty"),
            ("/news/2024/03/no-content", "fetch", "empty"),
            ("/news/2024/03/binary", "extract", "unparseable"),
            ("/news/2024/03/deep", "extract", "too_deep"),
            ("/missing", "fetch", "http_404"),
            ("/gone-too", "fetch", "http_404"),  # one row, under the URL that answered
            ("/news/2024/03/cut-gzip", "fetch", "bad_gzip"),
            ("/news/2024/03/cut-zstd", "fetch", "bad_gzip"),
            ("/news/2024/03/part", "fetch", "partial_content"),
        ]
    )
    said = (
        "select replace(url, ?, '') as path, message from errors where path in (?, ?, ?, ?, ?, ?)"
    )
    paths = (
        "/r-bad-port",
        "/refresh-file",
        "/news/2024/03/dropped",
        "/news/2024/03/two-lengths",
        "/r-mail",
        "/news/2024/03/no-content",
    )
    assert sorted(rows(db, said, base, *paths)) == [
        ("/news/2024/03/dropped", "the connection closed before the length the answer "
         "announced: part of a page"),
        ("/news/2024/03/no-content", "HTTP 204: the answer has no body"),
        ("/news/2024/03/two-lengths", "the answer could not be read: Invalid response: "
         f"conflicting Content-Length headers: b'{len(PAGE)},99'"),
        ("/r-bad-port", "HTTP 302 to 'http://127.0.0.1:99999/x', which is no URL to follow: "
         "Port out of range 0-65535"),
        ("/r-mail", "redirects to mailto:editor@example.org: only http and https are followed"),
        ("/refresh-file", "a meta refresh to file:///etc/passwd: only http and https are "
         "followed"),
    ]  # fmt: skip
    partial = "select kind, message from errors where kind in ('bad_gzip', 'partial_content')"
    assert sorted(rows(db, partial)) == [
        ("bad_gzip", "the gzip-encoded body is cut off after 400 bytes: only part of the page "
         "would be read"),
        ("bad_gzip", "the zstd-encoded body is cut off after 400 bytes: only part of the page "
         "would be read"),
        ("partial_content", f"HTTP 206 with part of the page (bytes 0-599/{len(PAGE)}), "
         "unasked for"),
    ]  # fmt: skip
    offsite = rows(db, "select message from errors where kind = 'redirect_offsite'")
    assert offsite == [
        (
            "redirects to http://elsewhere.example/story, a site this crawl does not reach "
            "(--allow-domain adds it)",
        )
    ]
    loops = dict(rows(db, "select url, message from errors where kind = 'redirect_loop'"))
    assert loops[f"{base}/loop1"] == f"redirect loop: {base}/loop1 -> {base}/loop2 -> {base}/loop1"
    # both pages linked: the loop is told when its second redirect is dropped, for both
    ab = {loops[f"{base}/loop-a"], loops[f"{base}/loop-b"]}
    assert len(ab) == 1 and ab <= {
        f"redirect loop: {base}/loop-a -> {base}/loop-b -> {base}/loop-a",
        f"redirect loop: {base}/loop-b -> {base}/loop-a -> {base}/loop-b",
    }
    refresh = loops[f"{base}/refresh-a"]
    assert refresh == loops[f"{base}/refresh-b"] and "refresh-a" in refresh


def test_the_crawl_reports_pages_as_ingest_extract_does(crawled):
    base, db, _, tmp = crawled
    for name, body in [("empty", b""), ("binary", BINARY), ("deep", DEEP.encode())]:
        path = tmp / f"{name}.html"
        path.write_bytes(body)
        said = run_ingest("extract", str(path), "--jsonl", check=False)
        assert said.returncode == 1
        [error] = json.loads(said.stdout)["errors"]
        stored = rows(
            db,
            "select stage, kind, message from errors where url = ?",
            f"{base}/news/2024/03/{name}",
        )
        assert stored == [(error["stage"], error["kind"], error["message"])]


def test_a_seed_that_redirects_away_is_a_failure_not_silence(tmp_path):
    pages = {"/": Resource("", status=301, headers={"Location": "http://elsewhere.example/"})}
    with LocalSite(pages) as site:
        db = tmp_path / "news.db"
        done = run_ingest("crawl", site.url + "/", "--db", str(db), *FAST, check=False)
    assert done.returncode == 3
    assert "Traceback" not in done.stderr
    assert rows(db, "select state, reason from urls") == [("offsite", "redirect_offsite")]
    assert rows(db, "select kind from errors") == [("redirect_offsite",)]


def test_a_seed_on_www_that_moves_to_the_bare_host_is_followed_there(tmp_path):
    """Sites move between www.x and x, and link both: a crawl seeded at www.x whose home
    page redirected to x ended at its seed, redirect_offsite, with nothing stored."""
    site_pages = {  # served as a proxy: the request line names the host
        "http://www.coast.example/": Resource("", status=301, headers={
            "Location": "http://coast.example/"}),
        "http://coast.example/": Resource(index_page([
            "http://coast.example/news/harbour-quay-closed-after-cracks",
            "http://www.coast.example/news/fish-market-fears-a-quiet-summer",
            "http://elsewhere.example/news/one-more-story-from-another-site",
        ])),
        "http://coast.example/news/harbour-quay-closed-after-cracks": Resource(
            article_page("Harbour quay closed", story(1))),
        "http://www.coast.example/news/fish-market-fears-a-quiet-summer": Resource(
            article_page("Fish market fears a quiet summer", story(2))),
    }  # fmt: skip
    with LocalSite(site_pages) as site:
        db = tmp_path / "news.db"
        done = run_ingest(
            "crawl", "http://www.coast.example/", "--db", str(db), *FAST,
            "-s", f"INGEST_PROXY={site.url}",
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert rows(db, "select title from articles order by title") == [
        ("Fish market fears a quiet summer",), ("Harbour quay closed",),
    ]  # fmt: skip
    assert "http://elsewhere.example/news/one-more-story-from-another-site" not in site.hits


def test_redirects_past_the_bound_are_too_many_not_a_loop(tmp_path):
    # Twenty distinct redirects one after the other were called a redirect_loop.
    pages = {
        f"/r{i}": Resource("", status=302, headers={"Location": f"/r{i + 1}"}) for i in range(6)
    }
    db = tmp_path / "chain.db"
    with LocalSite(pages) as site:
        url = site.url + "/r0"
        run_ingest("crawl", url, "--db", str(db), "-s", "REDIRECT_MAX_TIMES=3", *FAST, check=False)
    assert rows(db, "select state, reason from urls where url = ?", url) == [
        ("failed", "too_many_redirects")
    ]
    assert rows(db, "select kind, message from errors") == [
        (
            "too_many_redirects",
            f"3 redirects followed, and {site.url}/r3 redirects again: past REDIRECT_MAX_TIMES",
        )
    ]


def test_a_meta_refresh_is_no_redirect_where_the_crawl_follows_none(tmp_path):
    # with METAREFRESH_ENABLED=0 no refresh is followed: the page is the page, said as nothing
    with LocalSite(site_pages()) as site:
        db = tmp_path / "news.db"
        args = ["--no-follow", "-s", "METAREFRESH_ENABLED=0", "--db", str(db), *FAST]
        run_ingest("crawl", site.url + "/refresh-file", site.url + "/refresh", *args)
    said = "select replace(url, ?, ''), state, reason from urls where url like ? order by 1"
    ended = rows(db, said, site.url, site.url + "%")
    assert ended == [
        ("/refresh", "fetched", "not_article"),
        ("/refresh-file", "fetched", "not_article"),
    ]
    assert rows(db, "select count(*) from errors where kind = 'redirect_not_followed'") == [(0,)]
