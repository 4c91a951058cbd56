"""Dates reconciled from JSON-LD, meta tags, <time>, the URL, with sanity checks."""

from datetime import date

import lxml.html

from ingest.extract.dates import page_dates, url_date


def dates(html: str, url: str = "https://news.example/story", fetched=date(2024, 5, 1)):
    return page_dates(lxml.html.document_fromstring(html), url, fetched)


def test_json_ld_wins_over_meta_and_modified_is_kept():
    html = """<html><head>
    <meta property="article:published_time" content="2024-03-02T10:00:00Z">
    <script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
      {"@type": "WebPage"}, {"@type": "NewsArticle", "datePublished": "2024-03-01T08:00:00+01:00",
      "dateModified": "2024-03-04T09:00:00+01:00"}]}</script></head><body></body></html>"""
    found = dates(html)
    assert (found.published, found.published_source, found.modified) == (
        "2024-03-01",
        "json-ld",
        "2024-03-04",
    )


def test_meta_then_time_then_url():
    assert (
        dates(
            '<html><head><meta name="pubdate" content="2023-12-24"></head></html>'
        ).published_source
        == "meta"
    )
    found = dates(
        '<html><body><article><time datetime="2023-11-05T10:00">5 Nov</time>'
        "</article></body></html>"
    )
    assert (found.published, found.published_source) == ("2023-11-05", "time")
    found = dates("<html><body><p>x</p></body></html>", "https://n.example/2022/07/09/story")
    assert (found.published, found.published_source) == ("2022-07-09", "url")


def test_future_dates_and_copyright_years_are_refused():
    future = '<html><head><meta name="date" content="2031-01-01"></head></html>'
    assert dates(future).published is None
    copyright_only = "<html><body><footer>© 2019 Example Media</footer></body></html>"
    assert dates(copyright_only).published is None


def test_url_dates():
    assert url_date("https://e.example/politica/x-20211228-n10045.html") == "2021-12-28"
    assert url_date("https://e.example/news/2021/4/7/x") == "2021-04-07"
    assert url_date("https://e.example/news/x-123456") is None


def test_no_search_once_a_publication_date_is_found(monkeypatch):
    def search(tree):
        raise AssertionError("htmldate searched though the meta tags named the date")

    monkeypatch.setattr("ingest.extract.dates._htmldate", search)
    found = dates('<html><head><meta name="pubdate" content="2023-12-24"></head></html>')
    assert (found.published, found.modified) == ("2023-12-24", None)


def test_a_listed_date_comes_after_the_pages_structured_data_and_before_its_guesses():
    dated = lxml.html.fromstring(
        '<html><head><meta property="article:published_time" content="2024-03-01T08:00:00Z">'
        "</head><body><p>Story.</p></body></html>"
    )
    undated = lxml.html.fromstring("<html><body><p>No date here.</p></body></html>")
    listed = ("2024-03-05T10:00:00+00:00", "feed")
    url = "https://x.example/2024/01/09/story"
    assert page_dates(dated, url, listed=listed).published_source == "meta"
    found = page_dates(undated, url, listed=listed)
    assert (found.published, found.published_source) == ("2024-03-05", "feed")
    # a listed date after the fetch is refused like any other: the URL's date is next
    future = page_dates(undated, url, date(2024, 3, 1), listed=("2030-01-01", "sitemap"))
    assert (future.published, future.published_source) == ("2024-01-09", "url")
