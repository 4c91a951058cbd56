"""Properties that hold for any input: URLs, dates, feeds and sitemaps, cleanup, extraction.

Parsers meet arbitrary bytes from the web; chosen examples elsewhere show each
rule, these show what no input may break. Examples are derandomized and
bounded, so every run tries the same inputs in the same time.
"""

from datetime import date, timedelta
from urllib.parse import urlsplit

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.article import Article, Page
from ingest.crawl.discovery import absolute, feed_entries, sitemap_entries
from ingest.extract.clean import clean_article
from ingest.extract.dates import page_dates
from ingest.extract.process import process_page
from ingest.extract.stamps import read_dateline, read_stamp
from ingest.plugins.manager import PluginConfig, load_plugins
from ingest.urls import article_id, canonical

#: The same examples every run, few enough to stay fast. No per-example deadline: one
#: example slowed by a loaded machine would fail the test ("Unreliable test timings")
#: when its replay is quick; pytest-timeout (300 s, pyproject) still catches a hang.
FIXED = settings(
    max_examples=60,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
FEW = settings(FIXED, max_examples=20)

# -- URLs ----------------------------------------------------------------------------------

SEGMENT = st.text("abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=10).filter(
    lambda s: "amp" not in s
)
HOST = st.sampled_from(["news.example", "www.news.example", "blog.example.org:8080"])
PARAM = st.tuples(st.sampled_from(["id", "page", "q", "section"]), SEGMENT)
TRACKING = st.tuples(
    st.sampled_from(["utm_source", "utm_medium", "UTM_Campaign", "fbclid", "gclid", "mc_cid"]),
    SEGMENT,
)
ANY_URL = st.builds(
    lambda scheme, host, path, query, fragment: f"{scheme}://{host}/{path}?{query}#{fragment}",
    st.sampled_from(["http", "https"]),
    HOST,
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=20),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=5),
)


@FIXED
@given(ANY_URL)
def test_canonical_is_idempotent(url):
    assert canonical(canonical(url)) == canonical(url)


@st.composite
def spellings(draw):
    """One article's URL and another way a link may spell it."""
    host = draw(HOST)
    path = "/".join(draw(st.lists(SEGMENT, min_size=1, max_size=4)))
    params = draw(st.lists(PARAM, max_size=3, unique_by=lambda p: p[0]))
    query = "&".join(f"{k}={v}" for k, v in params)
    plain = f"https://{host}/{path}" + (f"?{query}" if query else "")
    extra = params + draw(st.lists(TRACKING, max_size=3))
    extra = draw(st.permutations(extra))
    amp_path = draw(st.sampled_from([path, f"{path}/amp", f"{path}.amp", f"amp/{path}"]))
    amp_query = draw(st.sampled_from([[], [("amp", "")], [("amp", "1")], [("outputType", "amp")]]))
    other = "&".join(f"{k}={v}" if v else k for k, v in [*extra, *amp_query])
    fragment = draw(st.sampled_from(["", "#comments", "#top"]))
    return plain, f"https://{host}/{amp_path}" + (f"?{other}" if other else "") + fragment


@FIXED
@given(spellings())
def test_every_spelling_of_one_article_gives_one_id(pair):
    plain, spelled = pair
    assert canonical(spelled) == canonical(plain)
    assert article_id(spelled) == article_id(plain)


# -- dates ---------------------------------------------------------------------------------

FETCHED = date(2024, 5, 1)
LATEST = FETCHED + timedelta(days=1)  # a day's grace for time zones
NUMBER = st.integers(0, 9999).map(str)
DATE_LIKE = st.builds(
    lambda y, m, d, h, mi, off: f"{y}-{m}-{d}T{h}:{mi}{off}",
    NUMBER,
    st.integers(0, 99).map("{:02d}".format),
    st.integers(0, 99).map("{:02d}".format),
    st.integers(0, 99).map("{:02d}".format),
    st.integers(0, 99).map("{:02d}".format),
    st.sampled_from(["", "Z", "+01:00", "-05:00", "+99:00", "-23:59", "+2400", "+14"]),
)
SOME_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


@FIXED
@given(st.one_of(SOME_TEXT, DATE_LIKE))
def test_any_string_reads_as_a_date_or_none_never_an_error(value):
    for stamp in (read_stamp(value), read_dateline(value)):
        assert stamp is None or stamp.text.startswith(stamp.day.isoformat())


def page_with(value: str, where: str) -> str:
    escaped = value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return {
        "meta": f'<html><head><meta name="date" content="{escaped}"></head></html>',
        "json-ld": '<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
        f'"datePublished": "{escaped.replace(chr(92), "")}"}}</script></head></html>',
        "time": f'<html><body><article><time datetime="{escaped}">x</time></article></body></html>',
        "modified": f'<html><head><meta property="article:modified_time" content="{escaped}">'
        "</head></html>",
    }[where]


@FIXED
@given(
    st.one_of(DATE_LIKE, SOME_TEXT, st.dates().map(date.isoformat)),
    st.sampled_from(["meta", "json-ld", "time", "modified"]),
)
def test_a_pages_dates_are_never_after_the_fetch_nor_before_1990(value, where):
    html = page_with(value, where)
    found = page_dates(lxml.html.document_fromstring(html), "https://n.example/story", FETCHED)
    for day in (found.published_day, found.published and found.published[:10]):
        assert day is None or "1990-01-01" <= day <= LATEST.isoformat()
    assert found.modified is None or "1990-01-01" <= found.modified[:10] <= LATEST.isoformat()


WORDS = st.sampled_from(
    "council river bridge voted plan city workers morning closed opened market harbour "
    "road school doctors farmers mayor budget water".split()
)


@FEW
@given(st.integers(1990, 2024), st.lists(WORDS, min_size=5, max_size=20))
def test_a_copyright_year_alone_never_dates_a_page(year, words):
    html = (
        f"<html><body><article><p>{' '.join(words).capitalize()}.</p></article>"
        f"<footer>© {year} Example Media. Copyright {year}.</footer></body></html>"
    )
    found = page_dates(lxml.html.document_fromstring(html), "https://n.example/story", FETCHED)
    assert (found.published, found.published_day) == (None, None)


# -- feeds and sitemaps --------------------------------------------------------------------

XML_PIECES = st.sampled_from(
    [
        "<?xml version='1.0'?>",
        "<rss>",
        "<channel>",
        "<item>",
        "</item>",
        "<entry>",
        "</entry>",
        "<link>",
        "</link>",
        "<link href='/b'/>",
        "<guid>",
        "</guid>",
        "<pubDate>",
        "</pubDate>",
        "<updated>",
        "</updated>",
        "<urlset>",
        "<sitemapindex>",
        "<url>",
        "</url>",
        "<sitemap>",
        "<loc>",
        "</loc>",
        "<lastmod>",
        "</lastmod>",
        "<news:publication_date>",
        "https://n.example/a",
        "/relative/path",
        "2024-03-01T08:00:00Z",
        "Fri, 01 Mar 2024 08:00:00 GMT",
        "&",
        "&amp;",
        "&nbsp;",
        "<![CDATA[",
        "]]>",
        "<!--",
        "-->",
        "<!DOCTYPE x [<!ENTITY e 'x'>]>",
        "&e;",
        "\x00",
        "\x0b",
        "é",
    ]
)
XMLISH = st.one_of(
    st.binary(max_size=200),
    st.lists(XML_PIECES, max_size=30).map(lambda parts: "".join(parts).encode("utf-8", "replace")),
)


@FIXED
@given(XMLISH)
def test_feeds_and_sitemaps_never_raise_on_any_bytes(body):
    for listing in (feed_entries(body), sitemap_entries(body)):
        assert all(entry.url for entry in listing)


LINK = st.one_of(
    SEGMENT.map(lambda s: f"/news/{s}"),
    SEGMENT.map(lambda s: f"{s}/story"),
    SEGMENT.map(lambda s: f"../{s}?id=1"),
    SEGMENT.map(lambda s: f"//cdn.example/{s}"),
    SEGMENT.map(lambda s: f"https://other.example/{s}#x"),
    SEGMENT.map(lambda s: f"?page={s}"),
)


@FIXED
@given(st.lists(LINK, min_size=1, max_size=6))
def test_every_entry_url_is_absolute_after_absolute(links):
    items = "".join(f"<item><link>{link}</link></item>" for link in links)
    urls = "".join(f"<url><loc>{link}</loc></url>" for link in links)
    base = "https://n.example/feeds/main.xml"
    for listing in (
        feed_entries(f"<rss><channel>{items}</channel></rss>".encode()),
        sitemap_entries(f"<urlset>{urls}</urlset>".encode()),
    ):
        assert len(listing) == len(links)
        for entry in listing:
            parts = urlsplit(absolute(entry, base).url)
            assert parts.scheme in ("http", "https") and parts.netloc, entry.url


#: Entries a feed or sitemap gets wrong in the wild; each must cost only itself.
BAD_ITEMS = [
    "<item><title>No link at all</title></item>",
    "<item><link></link></item>",
    "<item><link>   </link></item>",
    "<item><link>{url}/x</link><pubDate>not a date</pubDate></item>",
    "<item><title>AT&T &nbsp; news</title><link>{url}/y</link></item>",
    "<item><link>{url}/z</link><pubDate>Fri, 01 Mar 99999 08:00:00 GMT</pubDate></item>",
    "<item><description><p>unclosed</description><link>{url}/u</link></item>",
]
BAD_URLS = [
    "<url><lastmod>2024-03-01</lastmod></url>",
    "<url><loc></loc></url>",
    "<url><loc>{url}/x</loc><lastmod>yesterday</lastmod></url>",
    "<url><loc>{url}/y&amp;z</loc><lastmod>2024-02-30</lastmod></url>",
]
GOOD = st.lists(SEGMENT, min_size=1, max_size=5, unique=True)
BAD = "https://elsewhere.example/bad"  # never a prefix of a good entry


def others(body: bytes, listing) -> list[str]:
    """The listing's entries but the bad one, which may keep its link or lose it."""
    return [e.url for e in listing(body) if not e.url.startswith(BAD)]


@FIXED
@given(GOOD, st.sampled_from(BAD_ITEMS), st.data())
def test_one_bad_feed_entry_never_loses_the_others(names, bad, data):
    good = [f"<item><link>https://n.example/{n}</link></item>" for n in names]
    at = data.draw(st.integers(0, len(good)))
    items = [*good[:at], bad.format(url=BAD), *good[at:]]
    body = f"<rss><channel>{''.join(items)}</channel></rss>".encode()
    assert others(body, feed_entries) == [f"https://n.example/{n}" for n in names]


@FIXED
@given(GOOD, st.sampled_from(BAD_URLS), st.data())
def test_one_bad_sitemap_entry_never_loses_the_others(names, bad, data):
    good = [f"<url><loc>https://n.example/{n}</loc></url>" for n in names]
    at = data.draw(st.integers(0, len(good)))
    entries = [*good[:at], bad.format(url=BAD), *good[at:]]
    body = f"<urlset>{''.join(entries)}</urlset>".encode()
    assert others(body, sitemap_entries) == [f"https://n.example/{n}" for n in names]


def test_a_bad_entry_keeps_its_link_where_its_link_is_readable():
    items = "".join(b.format(url=BAD) for b in BAD_ITEMS)
    feed = feed_entries(f"<rss><channel>{items}</channel></rss>".encode())
    assert [(e.url, e.published) for e in feed] == [
        (f"{BAD}/x", None),
        (f"{BAD}/y", None),
        (f"{BAD}/z", None),
    ]
    urls = "".join(b.format(url=BAD) for b in BAD_URLS)
    sitemap = sitemap_entries(f"<urlset>{urls}</urlset>".encode())
    assert [(e.url, e.modified) for e in sitemap] == [(f"{BAD}/x", None), (f"{BAD}/y&z", None)]


@pytest.mark.parametrize(
    "when",
    ["0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-05:00", "Fri, 31 Dec 9999 23:00:00 -0500"],
)
def test_a_date_at_the_calendars_edge_loses_only_its_entry(when):
    body = (
        f"<rss><channel><item><link>https://n.example/a</link><pubDate>{when}</pubDate></item>"
        "<item><link>https://n.example/b</link></item></channel></rss>"
    ).encode()
    entries = feed_entries(body)
    assert [e.url for e in entries] == ["https://n.example/a", "https://n.example/b"]
    assert entries[0].published is None  # past the calendar's edge in UTC: no date, no error


# -- cleanup -------------------------------------------------------------------------------

PAGE = Page(
    url="http://yenihaber.example/news/1",
    html="<html><head><title>Talks open | Yeni Haber</title>"
    '<meta property="og:site_name" content="Yeni Haber"></head></html>',
)
#: Words in none of the cleanup's phrase lists, share words or date words.
PLAIN = (
    "council river bridge voted plan city workers morning closed opened market harbour road "
    "school doctors farmers mayor budget water minister talks delegation agreed three new "
    "hospitals reporters families asked police station weather storm"
).split()
SENTENCE = st.lists(st.sampled_from(PLAIN), min_size=12, max_size=30).map(
    lambda words: " ".join(words).capitalize() + "."
)
BOILERPLATE = st.sampled_from(
    [
        "Thu, May",
        "60 Yeni Haber",
        "Subscribe to our newsletter today!",
        "Read more: Floods close the coastal road",
        "3 Kommentare",
        "AFP / MARCO BERTORELLO",
        "The harbour at dawn (Photo: Jane Doe)",
        "Share on Facebook Tweet WhatsApp Email",
        "By Jane Doe",
    ]
)
#: The title repeated goes only from the top of the text; elsewhere it is a line like any other.
LINE = st.one_of(SENTENCE, BOILERPLATE, st.just("Talks open"), SOME_TEXT)


def cleaned(text: str, title: str = "Talks open") -> Article:
    article = Article(url=PAGE.url, title=title, text=text)
    clean_article(article, PAGE, None)
    return article


@FIXED
@given(st.lists(LINE, max_size=8), st.sampled_from(["Talks open | Yeni Haber", "Talks open"]))
def test_cleanup_is_idempotent(lines, title):
    once = cleaned("\n".join(lines), title)
    twice = cleaned(once.text, once.title)
    assert (twice.title, twice.text) == (once.title, once.text)


@FIXED
@given(st.lists(st.tuples(st.booleans(), SENTENCE, BOILERPLATE), min_size=1, max_size=6))
def test_cleanup_never_drops_a_sentence_of_twelve_plain_words(rows):
    lines, story = [], []
    for before, sentence, boilerplate in rows:
        lines += [boilerplate, sentence] if before else [sentence, boilerplate]
        story.append(sentence)
    assert cleaned("\n".join(lines)).text == "\n".join(story)


# -- extraction ----------------------------------------------------------------------------

PLUGINS = load_plugins(PluginConfig(entry_points=False))
TAG = st.sampled_from(["p", "div", "article", "h1", "span", "time", "script", "table", "li"])
HTML_PIECE = st.one_of(
    TAG.map(lambda t: f"<{t}>"),
    TAG.map(lambda t: f"</{t}>"),
    st.sampled_from(['<meta name="date" content="2024-03-01">', "<br>", "&amp;", "<!--"]),
    st.lists(st.sampled_from(PLAIN), min_size=1, max_size=15).map(" ".join),
    SOME_TEXT,
)


@FEW
@given(st.lists(HTML_PIECE, max_size=40).map("".join))
def test_extracting_any_html_never_raises_nor_records_a_crash(html):
    outcome = process_page(PLUGINS, "https://n.example/story", html, when=FETCHED)
    assert not [e for e in outcome.errors if e.get("traceback")]
    if outcome.article:
        day = outcome.article.get("published_day")
        assert day is None or day <= LATEST.isoformat()
