"""Finding articles: robots.txt, sitemap indexes, gzipped and Google News sitemaps, feeds,
``--since``, canonical and AMP URLs, the page budget, and pages no plugin describes.

Real crawls against sites served on 127.0.0.1; the servers' request logs say what was
fetched and what was skipped before fetching.
"""

import gzip
import json

import pytest

from ingest.crawl.discovery import Entry, absolute
from ingest.crawl.kinds import page_kind

from conftest import FAST, rows, run_ingest
from sites import LocalSite, Resource, article_page, index_page, prose, story

SITEMAP_NS = (
    "xmlns='http://www.sitemaps.org/schemas/sitemap/0.9' "
    "xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'"
)


def xml(body: str, content_type: str = "application/xml") -> Resource:
    return Resource(f"<?xml version='1.0' encoding='UTF-8'?>{body}", content_type)


def urlset(base: str, entries: list[tuple[str, str]]) -> str:
    """A Google News sitemap: (path, publication date) pairs."""
    urls = "".join(
        f"<url><loc>{base}{path}</loc><news:news><news:publication>"
        "<news:name>Test Daily</news:name><news:language>en</news:language>"
        f"</news:publication><news:publication_date>{when}</news:publication_date>"
        "<news:title>t</news:title></news:news></url>"
        for path, when in entries
    )
    return f"<urlset {SITEMAP_NS}>{urls}</urlset>"


def test_robots_sitemap_index_gzipped_and_news_sitemaps(tmp_path):
    db = tmp_path / "robots.db"
    with LocalSite({}) as site:
        base = site.url
        plain = "".join(f"<url><loc>{base}/news/{i}</loc></url>" for i in range(4))
        site.resources.update(
            {
                "/": Resource(index_page([])),
                "/robots.txt": Resource(
                    f"User-agent: *\nDisallow: /private/\nSitemap: {base}/sitemap_index.xml\n",
                    "text/plain",
                ),
                "/sitemap_index.xml": xml(
                    f"<sitemapindex {SITEMAP_NS}>"
                    f"<sitemap><loc>{base}/sitemaps/pages.xml.gz</loc></sitemap>"
                    f"<sitemap><loc>{base}/sitemaps/news.xml</loc></sitemap></sitemapindex>"
                ),
                "/sitemaps/pages.xml.gz": Resource(
                    gzip.compress(
                        f"<?xml version='1.0'?><urlset {SITEMAP_NS}>{plain}</urlset>".encode()
                    ),
                    "application/gzip",
                ),
                "/sitemaps/news.xml": xml(
                    urlset(
                        base, [("/news/4", "2024-03-02T10:00:00+01:00"), ("/news/5", "2024-03-03")]
                    )
                ),
            }
        )
        for i in range(6):
            site.resources[f"/news/{i}"] = Resource(article_page(f"Headline {i}", prose(i)))
        run_ingest("crawl", base + "/", "--no-follow", "--db", str(db), *FAST)

    assert site.hits.count("/robots.txt") == 1
    assert rows(db, "select count(*) from articles") == [(6,)]
    kinds = dict(rows(db, "select kind, count(*) from pages group by kind"))
    assert kinds == {"html": 7, "sitemap": 3}
    found = dict(rows(db, "select url, found_via from urls"))
    assert found[f"{base}/sitemap_index.xml"] == f"robots {base}/robots.txt"
    assert found[f"{base}/news/4"] == f"sitemap {base}/sitemaps/news.xml"
    assert found[f"{base}/news/0"] == f"sitemap {base}/sitemaps/pages.xml.gz"
    published = dict(rows(db, "select url, published from urls where url like '%/news/%'"))
    # the sitemap's publication date (2024-03-02T09:00Z) until the article's own replaced it
    assert published[f"{base}/news/4"] == "2024-03-01T08:00:00+00:00"


def test_since_skips_old_urls_before_fetching_them(tmp_path):
    db = tmp_path / "since.db"
    new, old = "2024-06-02", "2020-02-01"
    with LocalSite({}) as site:
        base = site.url
        links = ["/2020/01/05/old-story", "/2024/06/01/new-story", "/undated-old", "/undated-new"]
        site.resources.update(
            {
                "/": Resource(index_page(links)),
                "/2024/06/01/new-story": Resource(
                    article_page("New story", prose(1), published=new)
                ),
                "/undated-old": Resource(article_page("Old undated", prose(2), published=old)),
                "/undated-new": Resource(article_page("New undated", prose(3), published=new)),
                "/feed-new": Resource(article_page("Feed new", prose(4), published=new)),
                "/news-new": Resource(article_page("News new", prose(5), published=new)),
                "/rss.xml": xml(
                    "<rss version='2.0'><channel>"
                    f"<item><link>{base}/feed-old</link><pubDate>Sat, 01 Feb 2020 08:00:00 GMT"
                    "</pubDate></item>"
                    f"<item><link>{base}/feed-new</link><pubDate>Sun, 02 Jun 2024 08:00:00 GMT"
                    "</pubDate></item></channel></rss>",
                    "application/rss+xml",
                ),
                "/sitemap_index.xml": xml(
                    f"<sitemapindex {SITEMAP_NS}>"
                    f"<sitemap><loc>{base}/sitemap-2019.xml</loc><lastmod>2019-12-31</lastmod>"
                    f"</sitemap><sitemap><loc>{base}/news.xml</loc><lastmod>2024-06-02</lastmod>"
                    "</sitemap></sitemapindex>"
                ),
                # an old article, edited lately: its publication date decides
                "/news.xml": xml(urlset(base, [("/news-old", "2020-02-01"), ("/news-new", new)])),
            }
        )
        site.resources["/news.xml"] = xml(
            site.resources["/news.xml"]
            .body[len("<?xml version='1.0' encoding='UTF-8'?>") :]
            .replace("</loc>", "</loc><lastmod>2024-06-03</lastmod>", 1)
        )
        seeds = [base + "/", base + "/rss.xml", base + "/sitemap_index.xml"]
        out = run_ingest("crawl", *seeds, "--since", "2024-01-01", "--db", str(db), *FAST)

    for never in ("/2020/01/05/old-story", "/feed-old", "/news-old", "/sitemap-2019.xml"):
        assert never not in site.hits, never
    assert "/undated-old" in site.hits  # only its page could tell
    titles = {t for (t,) in rows(db, "select title from articles")}
    assert titles == {"New story", "New undated", "Feed new", "News new"}
    skipped = dict(rows(db, "select url, state from urls where reason = 'old'"))
    assert skipped == {
        f"{base}/2020/01/05/old-story": "skipped",
        f"{base}/feed-old": "skipped",
        f"{base}/news-old": "skipped",
        f"{base}/sitemap-2019.xml": "skipped",
        f"{base}/undated-old": "fetched",
    }
    [(old_skipped,)] = rows(db, "select skipped_old from crawl_health")
    assert old_skipped == 5
    assert "too old" in out.stdout
    assert json.loads(rows(db, "select settings from crawls")[0][0])["since"].startswith(
        "2024-01-01"
    )
    # a bad date is refused before crawling
    bad = run_ingest("crawl", base + "/", "--since", "last year", "--db", str(db), check=False)
    assert bad.returncode != 0 and "--since" in bad.stderr


def with_head(page: str, tags: str) -> str:
    return page.replace("</head>", tags + "</head>", 1)


def test_one_row_per_article_whatever_url_found_it(tmp_path):
    db = tmp_path / "canonical.db"
    with LocalSite({}) as site:
        base = site.url
        links = [
            "/news/a",
            "/news/a/amp",
            "/amp-b",
            "/news/b",
            "/news/c?utm_source=newsletter&utm_medium=email",
            "/news/c",
            "/p/123",
        ]
        b_page = article_page("Story B", prose(2))
        site.resources.update(
            {
                "/": Resource(index_page(links)),
                "/news/a": Resource(article_page("Story A", prose(1))),
                "/news/a/amp": Resource(article_page("Story A (AMP)", prose(1))),
                "/amp-b": Resource(
                    with_head(b_page, f'<link rel="canonical" href="{base}/news/b">')
                ),
                "/news/b": Resource(b_page),
                "/news/c": Resource(article_page("Story C", prose(3))),
                "/p/123": Resource(
                    with_head(
                        article_page("Story D", prose(4)),
                        f'<meta property="og:url" content="{base}/news/d">',
                    )
                ),
            }
        )
        run_ingest("crawl", base + "/", "--db", str(db), *FAST)
        site.hits.clear()
        run_ingest("crawl", base + "/", "--db", str(db), *FAST)
        second = list(site.hits)

    canonicals = sorted(c for (c,) in rows(db, "select canonical_url from articles"))
    assert canonicals == [f"{base}/news/{x}" for x in "abcd"]
    assert rows(db, "select count(*) from article_versions") == [(0,)]
    [(title_b,)] = rows(db, "select title from articles where canonical_url like '%/news/b'")
    assert title_b == "Story B"
    assert "/news/a/amp" not in site.hits  # mapped to /news/a before fetching
    assert not [h for h in site.hits if "utm_" in h]
    # the article found under /p/123 is known under its canonical URL too
    [(state, article)] = rows(
        db, "select state, article_id from urls where url = ?", f"{base}/news/d"
    )
    assert state == "alias"
    assert rows(db, "select id from articles where url like '%/p/123'") == [(article,)]
    assert second == ["/robots.txt", "/"]  # every article held: none fetched again


def test_page_budget_leaves_the_rest_queued_for_the_next_crawl(tmp_path):
    db = tmp_path / "budget.db"
    pages = {f"/news/{i}": article_page(f"Headline {i}", prose(i)) for i in range(10)}
    pages["/"] = index_page(list(pages))
    with LocalSite(pages) as site:
        run_ingest("crawl", site.url + "/", "--max-pages", "4", "--db", str(db), *FAST)
        assert rows(db, "select count(*) from articles") == [(3,)]
        assert rows(db, "select reason, count(*) from urls where state = 'queued' group by 1") == [
            ("max_pages", 7)
        ]
        run_ingest("crawl", site.url + "/", "--db", str(db), *FAST)
    assert rows(db, "select count(*) from articles") == [(10,)]
    assert all(site.hits.count(f"/news/{i}") == 1 for i in range(10))
    assert rows(db, "select count(*) from urls where state = 'queued'") == [(0,)]


def test_a_large_sitemap_is_read_off_the_event_loop_and_every_entry_planned(tmp_path):
    """3,000 entries (over 256 KB: parsed in a thread, planned 500 at a time): each one is
    in the frontier, three fetched within the budget, the rest queued for the next crawl."""
    db = tmp_path / "large.db"
    with LocalSite({}) as site:
        paths = [f"/news/2024/03/01/story-number-{i}" for i in range(3000)]
        body = urlset(site.url, [(p, "2024-03-01T08:00:00Z") for p in paths])
        assert len(body) > 256 * 1024
        site.resources["/sitemap.xml"] = xml(body)
        site.resources.update({p: Resource(article_page(p, prose(1))) for p in paths[:10]})
        run_ingest("crawl", site.url + "/sitemap.xml", "--max-pages", "4", "--db", str(db), *FAST)
    via = f"sitemap {site.url}/sitemap.xml"
    assert rows(
        db, "select state, reason, count(*) from urls where found_via = ? group by 1, 2", via
    ) == [("fetched", "article", 3), ("queued", "max_pages", 2997)]
    assert len([h for h in site.hits if h.startswith("/news/")]) == 3


def test_pages_without_a_plugin_are_classified_by_what_they_say(tmp_path):
    """No plugin: JSON-LD and text density decide, and a listing of teasers is no article."""
    db = tmp_path / "generic.db"
    teasers = "".join(
        f'<p><a href="/story/{i}">{" ".join(prose(i)[0].split()[:16])}</a> '
        f"{' '.join(prose(i)[1].split()[:6])}</p>"
        for i in range(12)
    )
    listing = (
        '<html><head><title>World</title><script type="application/ld+json">'
        '{"@context": "https://schema.org", "@type": "CollectionPage"}</script></head>'
        f"<body><h1>World</h1>{''.join(f'<p>{p}</p>' for p in prose(20, 10))}</body></html>"
    )
    story = (
        "<html><head><title>{t}</title><script type='application/ld+json'>"
        '{{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "{t}"}}'
        "</script></head><body><article><h1>{t}</h1>{ps}</article></body></html>"
    )
    pages = {
        "/": f"<html><head><title>Home</title></head><body>{teasers}"
        '<a href="/world">World</a></body></html>',
        "/world": listing,
    }
    for i in range(12):
        paragraphs = "".join(f"<p>{p}</p>" for p in prose(i))
        pages[f"/story/{i}"] = story.format(t=f"Story {i}", ps=paragraphs)
    with LocalSite(pages) as site:
        run_ingest("crawl", site.url + "/", "--db", str(db), *FAST)
    stored = {
        u.rsplit("/", 2)[-2] + "/" + u.rsplit("/", 1)[1]
        for (u,) in rows(db, "select url from articles")
    }
    assert stored == {f"story/{i}" for i in range(12)}


def test_a_feed_or_sitemap_dates_an_article_its_page_does_not(tmp_path):
    """The entry's date is evidence for the article's, with its source, and reextract keeps it."""
    pages = {f"/news/{i}": article_page(f"Undated {i}", story(i), published=None) for i in (0, 1)}
    db = tmp_path / "listed.db"
    with LocalSite(pages) as site:
        item = (
            f"<item><title>t</title><link>{site.url}/news/0</link>"
            "<pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate></item>"
        )
        site.resources["/rss.xml"] = xml(
            f"<rss version='2.0'><channel>{item}</channel></rss>", "application/rss+xml"
        )
        site.resources["/news.xml"] = xml(urlset(site.url, [("/news/1", "2024-03-06")]))
        run_ingest(
            "crawl", f"{site.url}/rss.xml", f"{site.url}/news.xml", "--no-follow",
            "--db", str(db), *FAST,
        )  # fmt: skip
    query = "select title, published, published_day, published_source from articles order by 1"
    expected = [  # the feed's full timestamp; the sitemap's day alone
        ("Undated 0", "2024-03-05T10:00:00+00:00", "2024-03-05", "feed"),
        ("Undated 1", "2024-03-06", "2024-03-06", "sitemap"),
    ]
    assert rows(db, query) == expected
    run_ingest("reextract", "--db", str(db))
    assert rows(db, query) == expected


def test_a_page_without_article_text_still_dates_its_url(tmp_path):
    """A page only its script fills in yields no article, but its date is known all the same."""
    page = (
        '<html><head><meta property="og:type" content="article">'
        '<meta property="article:published_time" content="2024-03-01T08:00:00-05:00">'
        '</head><body><div id="player"></div></body></html>'
    )
    db = tmp_path / "video.db"
    with LocalSite({"/news/video": page}) as site:
        url = f"{site.url}/news/video"
        run_ingest("crawl", url, "--no-follow", "--db", str(db), *FAST, check=False)
    assert rows(db, "select kind from errors") == [("no_text",)]
    assert rows(db, "select published from urls where url = ?", url) == [
        ("2024-03-01T13:00:00+00:00",)  # urls keeps its dates in UTC, to compare them
    ]


def test_a_page_left_queued_keeps_its_feed_date_when_a_later_crawl_fetches_it(tmp_path):
    pages = {f"/news/{i}": article_page(f"Undated {i}", story(i), published=None) for i in (0, 1)}
    db = tmp_path / "resumed.db"
    with LocalSite(pages) as site:
        items = "".join(
            f"<item><title>t</title><link>{site.url}/news/{i}</link>"
            f"<pubDate>Tue, 0{5 + i} Mar 2024 10:00:00 GMT</pubDate></item>"
            for i in (0, 1)
        )
        site.resources["/rss.xml"] = xml(
            f"<rss version='2.0'><channel>{items}</channel></rss>", "application/rss+xml"
        )
        crawl = ("crawl", f"{site.url}/rss.xml", "--no-follow", "--db", str(db), *FAST)
        run_ingest(*crawl, "--max-pages", "2")  # the feed and one story; one left queued
        assert rows(db, "select count(*) from urls where state = 'queued'") == [(1,)]
        run_ingest(*crawl)
    query = "select title, published, published_day, published_source from articles order by 1"
    assert rows(db, query) == [
        ("Undated 0", "2024-03-05T10:00:00+00:00", "2024-03-05", "feed"),
        ("Undated 1", "2024-03-06T10:00:00+00:00", "2024-03-06", "feed"),
    ]


@pytest.mark.parametrize(
    ("body", "content_type", "kind"),
    [
        (b'<?xml version="1.0"?><urlset xmlns="x"><url/></urlset>', "text/html", "sitemap"),
        (b"<sitemapindex><sitemap/></sitemapindex>", None, "sitemap"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>', "text/html", "feed"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom"/>', "application/xml", "feed"),
        (b"<rdf:RDF><channel/></rdf:RDF>", None, "feed"),
        (b"<!DOCTYPE html><title>x</title>", None, "html"),
        (b"<html><body>a <rss> tag named in text</body></html>", None, "html"),
        (b"plain words", "text/html; charset=utf-8", "html"),
        (b"%PDF-1.7", "application/pdf", "other"),
    ],
)
def test_page_kind_reads_the_content_before_the_label(body, content_type, kind):
    assert page_kind(body, content_type) == kind


def test_absolute_resolves_an_entry_against_its_listing():
    entry = absolute(Entry("../news/a?utm_source=x", "2024-03-01"), "https://ex.org/feeds/rss.xml")
    assert entry == Entry("https://ex.org/news/a", "2024-03-01")


def test_only_a_large_listing_is_parsed_in_a_thread(monkeypatch):
    import asyncio
    import threading

    from ingest.crawl import spider
    from ingest.crawl.items import PageItem

    threads = []

    def spy(*args):
        threads.append(threading.get_ident())
        return spider_listed(*args)

    spider_listed = spider.listed
    monkeypatch.setattr(spider, "listed", spy)
    small = urlset("https://n.example", [("/a", "2024-03-01")]).encode()
    large = small + b" " * spider.THREAD_LISTINGS_FROM
    for body in (small, large):
        item = PageItem(url="https://n.example/s.xml", kind="sitemap", status=200, body=body)
        listing, errors = asyncio.run(spider.read_listing(item, 10))
        assert [e.url for e in listing] == ["https://n.example/a"] and errors == []
    assert threads[0] == threading.get_ident() != threads[1]


def test_listings_planned_at_once_keep_their_own_records():
    """Two large listings planned together, turn by turn: each page's item carries the
    records of the URLs it listed, and only those (they are written with that page)."""
    import asyncio

    from scrapy.utils.test import get_crawler

    from ingest.crawl.planning import PLAN_BATCH
    from ingest.crawl.spider import NewsSpider

    spider = NewsSpider.from_crawler(get_crawler(NewsSpider), seeds="https://n.example/")
    count = 2 * PLAN_BATCH + 7

    def entries(section: str) -> list[Entry]:
        return [Entry(f"https://n.example/{section}/{i}") for i in range(count)]

    async def both():
        return await asyncio.gather(
            spider.plan_listed(entries("a"), "sitemap https://n.example/a.xml", 1, 6, False),
            spider.plan_listed(entries("b"), "sitemap https://n.example/b.xml", 1, 6, False),
        )

    (requests_a, found_a), (requests_b, found_b) = asyncio.run(both())
    assert len(requests_a) == len(requests_b) == count
    assert [r["url"] for r in found_a] == [e.url for e in entries("a")]
    assert [r["url"] for r in found_b] == [e.url for e in entries("b")]


def test_a_json_feed_is_read_as_a_feed_its_items_dated_and_a_broken_one_said(tmp_path):
    db = tmp_path / "jsonfeed.db"
    with LocalSite({}) as site:
        base = site.url
        feed = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "Test Daily",
            "items": [
                {"id": "1", "url": "/news/new", "date_published": "2024-06-02T08:00:00-04:00"},
                {"id": "2", "url": f"{base}/news/old", "date_published": "2020-02-01T08:00:00Z"},
                {"id": f"{base}/news/by-id", "date_modified": "2024-06-03T00:00:00Z"},
                {"id": "4", "external_url": "https://elsewhere.example/story"},
            ],
        }
        # as PHP writes it: slashes escaped
        body = json.dumps(feed).replace("/", "\\/")
        site.resources.update(
            {
                "/feed.json": Resource(body, "application/feed+json"),
                "/broken.json": Resource(
                    '{"version": "https://jsonfeed.org/version/1", "items": [', "application/json"
                ),
                "/news/new": Resource(article_page("New", prose(1), published="2024-06-02")),
                "/news/old": Resource(article_page("Old", prose(2), published="2020-02-01")),
                "/news/by-id": Resource(article_page("By id", prose(3), published="2024-06-01")),
            }
        )
        seeds = [base + "/feed.json", base + "/broken.json"]
        run_ingest("crawl", *seeds, "--since", "2024-01-01", "--no-follow", "--db", str(db), *FAST)

    assert "/news/old" not in site.hits
    assert {t for (t,) in rows(db, "select title from articles")} == {"New", "By id"}
    reasons = dict(rows(db, "select url, reason from urls"))
    assert reasons[f"{base}/feed.json"] == "feed"
    assert reasons[f"{base}/news/old"] == "old"
    found = dict(rows(db, "select url, found_via from urls"))
    assert found[f"{base}/news/new"] == f"feed {base}/feed.json"
    published = dict(rows(db, "select url, published from urls"))
    assert published[f"{base}/news/old"] == "2020-02-01T08:00:00+00:00"
    assert not any("elsewhere" in url for url in reasons)
    [(kind, message)] = rows(
        db, f"select kind, message from errors where url = '{base}/broken.json'"
    )
    assert kind == "malformed" and message.startswith(
        "read no further than 0 entries, kept: not JSON"
    )


def test_since_a_day_keeps_what_was_published_that_day_where_it_was_published(tmp_path):
    # 00:30 in Berlin and 08:00 in Tokyo on the 5th are the 4th in UTC: both were skipped as
    # old, though their published_day (what search --since reads) is the 5th.
    db = tmp_path / "since-day.db"
    berlin = article_page("Berlin", prose(1), published=None).replace(
        "</head>",
        '<meta property="article:published_time" content="2024-03-05T00:30:00+01:00"></head>',
    )
    with LocalSite({}) as site:
        base = site.url
        site.resources.update(
            {
                "/": Resource(index_page(["/berlin"])),
                "/berlin": Resource(berlin),
                "/tokyo": Resource(article_page("Tokyo", prose(2), published="2024-03-05")),
                "/rss.xml": xml(
                    "<rss version='2.0'><channel>"
                    f"<item><link>{base}/tokyo</link><pubDate>Tue, 05 Mar 2024 08:00:00 +0900"
                    "</pubDate></item>"
                    f"<item><link>{base}/ny</link><pubDate>Mon, 04 Mar 2024 20:00:00 -0500"
                    f"</pubDate></item><item><link>{base}/gmt</link><pubDate>Mon, 04 Mar 2024 "
                    f"23:30:00 GMT</pubDate></item><item><link>{base}/london</link><pubDate>"
                    "Mon, 04 Mar 2024 20:00:00 GMT</pubDate></item></channel></rss>",
                    "application/rss+xml",
                ),
                "/lastmod": Resource(article_page("Lastmod", prose(3), published=None)),
                "/gmt": Resource(berlin.replace(">Berlin<", ">Berlin in GMT<")),
                # its feed's GMT may be the 5th somewhere: fetched, its page says the 4th
                "/london": Resource(article_page("London", prose(4), published="2024-03-04")),
                "/sitemap.xml": xml(  # a sitemap's lastmod alone, read as the publisher's day
                    "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                    f"<url><loc>{base}/lastmod</loc><lastmod>2024-03-05T00:30:00+01:00</lastmod>"
                    f"</url><url><loc>{base}/ny-lastmod</loc><lastmod>2024-03-04T20:00:00-05:00"
                    "</lastmod></url></urlset>",
                    "application/xml",
                ),
            }
        )
        seeds = [base + "/", base + "/rss.xml", base + "/sitemap.xml"]
        run_ingest("crawl", *seeds, "--since", "2024-03-05", "--db", str(db), *FAST)
    assert "/ny" not in site.hits and "/ny-lastmod" not in site.hits  # the 5th in UTC
    titles = {t for (t,) in rows(db, "select title from articles")}
    assert titles == {"Berlin", "Tokyo", "Lastmod", "Berlin in GMT"}  # its feed wrote UTC
    assert "/london" in site.hits
    assert rows(db, "select reason from urls where url = ?", base + "/london") == [("old",)]
    assert rows(db, "select published_day from articles where title = 'Berlin'") == [
        ("2024-03-05",)
    ]
    assert rows(db, "select state, reason from urls where url = ?", base + "/ny") == [
        ("skipped", "old")
    ]
