"""URLs and what feeds, sitemaps and robots.txt say about them: the small pieces, directly."""

import gzip
import hashlib

import pytest
import scrapy

from ingest.crawl.discovery import (
    feed_entries,
    newer_than,
    older_than,
    parse_date,
    parse_since,
    robots_sitemaps,
    sitemap_entries,
    url_date,
)
from ingest.extract.classify import looks_like_article_url
from ingest.store.health import looks_like_challenge
from ingest.urls import (
    amp_canonical,
    article_id,
    canonical,
    seed_url_problem,
    site_of,
    spellings,
    strip_tracking,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://n.example/a?utm_source=x&utm_medium=y&utm_xyz=1&id=3#top",
            "https://n.example/a?id=3",
        ),
        ("https://n.example/a?fbclid=1&gclid=2&mc_cid=3", "https://n.example/a"),
        ("https://n.example/a?b=2&a=1", "https://n.example/a?a=1&b=2"),
        ("https://n.example/2024/03/story/amp/", "https://n.example/2024/03/story/"),
        ("https://n.example/news/story-123/amp", "https://n.example/news/story-123"),
        ("https://n.example/amp/news/story", "https://n.example/news/story"),
        ("https://n.example/news/story.amp.html", "https://n.example/news/story.html"),
        ("https://n.example/news/story.amp", "https://n.example/news/story"),
        ("https://n.example/story?amp", "https://n.example/story"),
        ("https://n.example/story?amp=1&page=2", "https://n.example/story?page=2"),
        ("https://n.example/story?outputType=amp", "https://n.example/story"),
        ("https://n.example/camp/amplifier-review", "https://n.example/camp/amplifier-review"),
        ("https://n.example/sport/ramp", "https://n.example/sport/ramp"),
    ],
)
def test_canonical(url, expected):
    assert canonical(url) == expected


def test_article_id_is_the_same_for_every_spelling():
    spellings = [
        "https://n.example/news/story",
        "https://n.example/news/story?utm_campaign=rss",
        "https://n.example/news/story#comments",
        "https://n.example/news/story/amp",
        "https://n.example/news/story?amp=1",
    ]
    assert len({article_id(u) for u in spellings}) == 1


def test_site_of():
    assert site_of("https://www.News.example/a") == "news.example"
    assert site_of("http://127.0.0.1:8080/a") == "127.0.0.1:8080"
    assert site_of("https://n.example:443/a") == "n.example"
    assert site_of("http://n.example:80/a") == "n.example"
    assert site_of("http://n.example:81/a") == "n.example:81"
    assert site_of("https://n.example:80/a") == "n.example:80"
    assert site_of("http://n.example:99999/a") == "n.example"  # no port at all
    assert site_of("/news/a") == site_of("") == site_of(None) == ""


def test_the_id_is_sixteen_hex_digits_of_the_canonical_urls_sha1():
    assert article_id("https://n.example/a?utm_source=x") == "d6b4e6d1bf813077"


@pytest.mark.parametrize(
    "url",
    [
        "https://n.example/news-artikel tx_news[action]=detail&tx_news[news]=2236",
        "https://n.example/a|b/c^d?e=f|g",
        "https://n.example/p[1]?q[a]=1&b=[x]",
    ],
)
def test_the_canonical_spelling_is_the_one_scrapy_requests(url):
    # Else a seed's planned row and its fetched page's row are two, the seed's left queued.
    spelled = canonical(url)
    assert scrapy.Request(spelled).url == spelled
    assert canonical(spelled) == spelled


def test_a_lookup_of_a_stored_row_tries_the_spelling_rows_held_before_the_escapes():
    assert spellings("https://n.example/p[1]/a|b?utm_source=x") == [
        "https://n.example/p%5B1%5D/a%7Cb",
        "https://n.example/p[1]/a|b",
    ]
    assert spellings("https://n.example/news/story?b=2&a=1#top") == [
        "https://n.example/news/story?a=1&b=2"
    ]


def test_an_id_is_hashed_from_the_spelling_ids_were_made_from_before_escapes():
    # Articles stored before the canonical spelling took Scrapy's escapes keep their id.
    made = hashlib.sha1(b"https://n.example/p[1]/a|b").hexdigest()[:16]
    assert article_id("https://n.example/p[1]/a|b") == made
    assert article_id("https://n.example/p%5B1%5D/a%7Cb") == made
    assert canonical("https://n.example/p[1]/a|b") == "https://n.example/p%5B1%5D/a%7Cb"


def test_tracking_goes_and_blank_parameters_stay():
    assert (
        strip_tracking("https://n.example/a?flag&utm_source=x#top") == "https://n.example/a?flag="
    )
    assert strip_tracking("https://n.example/a?flag&b=1#top") == "https://n.example/a?flag&b=1"


def test_amp_spellings_of_a_path_alone_and_of_the_root():
    assert amp_canonical("/amp/news/story") == "/news/story"
    assert canonical("https://n.example/amp") == "https://n.example/"
    assert amp_canonical("https://n.example/news/story") == "https://n.example/news/story"


RSS = b"""<?xml version="1.0"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<atom:link href="https://n.example/rss.xml" rel="self"/>
<item><title>A</title><link> https://n.example/a </link>
  <pubDate>Fri, 01 Mar 2024 08:00:00 +0100</pubDate></item>
<item><title>B</title><guid isPermaLink="true">https://n.example/b</guid>
  <dc:date>2024-03-02T10:00:00Z</dc:date></item>
<item><title>C</title><guid isPermaLink="false">c-123</guid></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">
<link rel="self" href="https://n.example/atom.xml"/>
<entry><link rel="alternate" href="https://n.example/c"/><link rel="edit" href="https://n.example/e"/>
<published>2024-03-01T00:00:00Z</published><updated>2024-03-04T12:00:00+02:00</updated></entry>
<entry><link href="https://n.example/d"/></entry>
</feed>"""


def test_feed_entries_and_dates():
    a, b = feed_entries(RSS)
    assert (a.url, a.published, a.modified) == (
        "https://n.example/a",
        "2024-03-01T07:00:00+00:00",
        None,
    )
    assert (b.url, b.date) == ("https://n.example/b", "2024-03-02T10:00:00+00:00")
    c, d = feed_entries(ATOM)
    assert (c.url, c.published, c.date) == (
        "https://n.example/c",
        "2024-03-01T00:00:00+00:00",
        "2024-03-04T10:00:00+00:00",
    )
    assert (d.url, d.date) == ("https://n.example/d", None)
    assert feed_entries(b"not xml at all") == []
    utf16 = RSS.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert [e.url for e in feed_entries(utf16)] == [e.url for e in feed_entries(RSS)]


def test_sitemap_entries_index_news_and_gzip():
    news = b"""<?xml version="1.0"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://n.example/a</loc><lastmod>2024-03-05</lastmod>
  <news:news><news:publication_date>2024-03-01T09:00:00+01:00</news:publication_date>
  </news:news></url>
<url><loc>https://n.example/b</loc></url>
</urlset>"""
    entries = sitemap_entries(news)
    assert not entries.index and not entries.more
    a, b = entries
    assert (a.url, a.published, a.modified, a.date) == (
        "https://n.example/a",
        "2024-03-01T08:00:00+00:00",
        "2024-03-05",
        "2024-03-05",
    )
    assert (b.url, b.date) == ("https://n.example/b", None)
    entries = sitemap_entries(
        b"<sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
        b"<sitemap><loc>https://n.example/s1.xml.gz</loc><lastmod>2023-12</lastmod></sitemap>"
        b"</sitemapindex>"
    )
    assert entries.index and [(e.url, e.modified) for e in entries] == [
        ("https://n.example/s1.xml.gz", "2023-12-01")
    ]
    assert gzip.decompress(gzip.compress(news)) == news  # the spider unpacks before parsing


def test_robots_sitemaps():
    body = b"User-agent: *\nDisallow: /x\n\nSitemap: https://n.example/s.xml\n sitemap:/t.xml.gz\n"
    assert robots_sitemaps(body) == ["https://n.example/s.xml", "/t.xml.gz"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-01", "2024-03-01"),
        ("2024-03", "2024-03-01"),
        ("2024-03-01T08:00Z", "2024-03-01T08:00:00+00:00"),
        ("2024-03-01T08:00:00+02:00", "2024-03-01T06:00:00+00:00"),
        ("2024-03-01T08:00:00", "2024-03-01T08:00:00+00:00"),
        ("Fri, 01 Mar 2024 08:00:00 GMT", "2024-03-01T08:00:00+00:00"),
        ("yesterday", None),
        ("", None),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


def test_date_comparisons():
    fetched = "2024-03-05T10:00:00+00:00"
    assert newer_than("2024-03-05T11:00:00+00:00", fetched)
    assert not newer_than("2024-03-05T09:00:00+00:00", fetched)
    assert newer_than("2024-03-05", fetched)  # a day alone: changed later that day, maybe
    assert not newer_than("2024-03-04", fetched)
    assert not newer_than(None, fetched) and not newer_than("2024-03-06", None)
    since = parse_since("2024-03-01")
    assert since == "2024-03-01"
    assert older_than("2024-02-29T23:59:59+00:00", since)
    assert not older_than("2024-02-29T23:59:59+00:00", since, listed=True)  # March 1 east of it
    assert not older_than("2024-03-01", since)
    assert older_than("2024-02-29", since)
    assert not older_than(None, since)
    assert parse_since("7d") > parse_since("2w")
    with pytest.raises(ValueError):
        parse_since("last tuesday")


def test_url_date():
    assert url_date("https://n.example/news/2024/03/05/story") == "2024-03-05"
    assert url_date("https://n.example/2024/02/story") == "2024-02-29"  # the month's last day
    assert url_date("https://n.example/2024/13/story") is None
    assert url_date("https://n.example/story-2024") is None


@pytest.mark.parametrize(
    ("url", "article"),
    [
        ("https://n.example/", False),
        ("https://n.example/politics/", False),
        ("https://n.example/news/2024/03/05/council-vote", True),
        ("https://n.example/world/europe-68412345", True),
        ("https://n.example/politics/council-approves-new-budget-plan", True),
        ("https://n.example/story/article-123456.html", True),
        ("https://n.example/tag/council-approves-new-budget", False),
        ("https://n.example/author/jane-doe-smith-jones", False),
        ("https://n.example/page/2", False),
        ("https://n.example/news/3", False),
        # a story's number in the query, as older CMSs have it
        ("https://n.example/?p=2895", True),
        ("https://n.example/autonews.php?newsid=6486285", True),
        ("https://n.example/dettaglio.php?lang=it&id=58354", True),
        ("https://n.example/view.php?id=7", False),  # too small for a story's number
        ("https://n.example/?page_id=2895", False),  # a page, not a post
        ("https://n.example/list.php?cat_id=2895", False),
        ("https://n.example/index.php?page=2895", False),
        ("https://n.example/tag/harbour?id=2895", False),
        ("https://n.example/index.php?option=com_content&view=article&id=123", True),
        ("https://n.example/index.php?option=com_content&view=category&id=123", False),
        ("https://n.example/index.php?layout=blogpost&id=1234", True),  # no listing's view
        ("https://n.example/list.php?subcat_id=2895", False),  # a category's number, not
        ("https://n.example/?sid=123456", False),  # a session's
        ("https://n.example/?cid=2895", False),
    ],
)
def test_looks_like_article_url(url, article):
    assert looks_like_article_url(url) is article


def test_challenge_pages():
    assert looks_like_challenge(b"<html><title>Just a moment...</title><div id='cf-challenge'>")
    assert looks_like_challenge(b"<p>Please verify you are human to continue.</p>")
    # any case: the page is lowered before the search
    assert looks_like_challenge(b"<title>Attention Required! | Cloudflare</title>")
    assert looks_like_challenge(b"<p>ARE YOU A ROBOT?</p>")
    assert not looks_like_challenge(b"<html><p>An ordinary article.</p></html>")
    long_article = b"<p>" + b"word " * 30000 + b"are you a robot?</p>"
    assert not looks_like_challenge(long_article)


# What Cloudflare and Imperva put on the pages they let through, and on those they don't.
CLOUDFLARE_CHECK = (
    b"<script>(function(){window.__CF$cv$params={r:'8a1b2c3d4e5f6a7b',t:'MTcwOTI4NzQ2Mi4w'};"
    b"_cpo=document.createElement('script');_cpo.nonce='',"
    b"_cpo.src='/cdn-cgi/challenge-platform/scripts/jsd/main.js',"
    b"document.getElementsByTagName('head')[0].appendChild(_cpo);})();</script>"
)
CLOUDFLARE_CHALLENGE = (
    b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><script>"
    b"(function(){window._cf_chl_opt={cvId: '3',cZone: 'news.example',cType: 'managed'};"
    b"var cpo=document.createElement('script');"
    b"cpo.src='/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1?ray=8a1b2c3d4e5f6a7b';"
    b"document.getElementsByTagName('head')[0].appendChild(cpo);}());</script></body></html>"
)
IMPERVA_SCRIPT = (
    b'<script async type="text/javascript" '
    b'src="/_Incapsula_Resource?SWJIYLWA=719d34d31c8e3a6e6fffd425f7e032f3&ns=1&cb=88693408">'
    b"</script>"
)
IMPERVA_REFUSAL = (
    b'<html style="height:100%"><head><META NAME="ROBOTS" CONTENT="NOINDEX, NOFOLLOW"></head>'
    b'<body style="margin:0px;height:100%"><iframe id="main-iframe" '
    b'src="/_Incapsula_Resource?CWUDNSAI=9&xinfo=10-4-0&incident_id=0-1234&edet=12" '
    b'frameborder=0 width="100%" height="100%">Request unsuccessful. Incapsula incident ID: '
    b"0-1234</iframe></body></html>"
)


def test_the_scripts_bot_checks_put_on_pages_they_let_through_are_no_challenge():
    """An ordinary article from a site behind Cloudflare or Imperva carries their scripts:
    such articles under 100 KB were taken for challenge pages and never stored."""
    story = b"<html><head><title>Harbour quay closed</title></head><body><article><p>"
    story += b"The harbour authority closed the northern quay on Monday. " * 20
    newer_check = CLOUDFLARE_CHECK.replace(b"/scripts/jsd/", b"/h/b/scripts/jsd/13c98df4ef2d/")
    for script in (CLOUDFLARE_CHECK, newer_check, IMPERVA_SCRIPT):
        assert not looks_like_challenge(story + b"</p></article>" + script + b"</body></html>")
    assert looks_like_challenge(CLOUDFLARE_CHALLENGE)
    assert looks_like_challenge(CLOUDFLARE_CHALLENGE.replace(b"_cf_chl_opt", b"_opt"))
    older = CLOUDFLARE_CHALLENGE.replace(b"_cf_chl_opt", b"_opt").replace(b"/h/b/", b"/")
    assert looks_like_challenge(older)
    assert looks_like_challenge(IMPERVA_REFUSAL)
    assert looks_like_challenge(IMPERVA_REFUSAL.replace(b"Incapsula incident ID", b"ID"))


def test_a_seed_url_is_refused_for_what_fetching_would_refuse_and_only_that():
    assert seed_url_problem("http://example.com./news") is None  # a final dot: fetchable
    assert seed_url_problem("HTTP://Example.COM/") is None
    assert seed_url_problem("http://xn--bcher-kva.example/") is None
    assert seed_url_problem("http://bücher.example/") is None
    assert seed_url_problem("http://my_host.example:8080/") is None
    assert seed_url_problem("http://[::1]:8080/") is None  # the resolver is the CLI's to weigh
    assert seed_url_problem("http://a b.example/") == "its host 'a b.example' is no host name"
    assert seed_url_problem("http://u:p@example.com/") == (
        "it holds a user name or password (user:pw@), which a crawl does not send"
    )
