"""Dates weighed from the URL, JSON-LD, meta tags, <time>, feeds and htmldate, with checks."""

from datetime import date

import lxml.html

from ingest.extract import dates as dates_module
from ingest.extract.dates import page_dates, url_date
from ingest.extract.process import process_page
from ingest.extract.stamps import day_of, read_dateline, read_stamp
from ingest.plugins.manager import PluginConfig, load_plugins


def dates(
    html: str, url: str = "https://news.example/story", fetched=date(2024, 5, 1), listed=None
):
    return page_dates(lxml.html.document_fromstring(html), url, fetched, listed)


def found(html: str, url: str = "https://news.example/story", **kwargs) -> tuple:
    result = dates(html, url, **kwargs)
    return result.published, result.published_day, result.published_source


def test_a_timestamp_keeps_its_offset_and_modified_is_kept():
    html = """<html><head>
    <script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
      {"@type": "WebPage"}, {"@type": "NewsArticle", "datePublished": "2024-03-01T08:00:00+01:00",
      "dateModified": "2024-03-04T09:00:00+01:00"}]}</script></head><body></body></html>"""
    result = dates(html)
    assert (result.published, result.published_day, result.published_source) == (
        "2024-03-01T08:00:00+01:00",
        "2024-03-01",
        "json-ld",
    )
    assert result.modified == "2024-03-04T09:00:00+01:00"


def test_sources_that_agree_outweigh_one_that_does_not():
    html = """<html><head>
    <meta property="article:published_time" content="2023-11-05T10:00:00+01:00">
    <script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2023-06-01"}
    </script></head><body><article><time datetime="2023-11-05">5 Nov</time><p>Text.</p></article>
    </body></html>"""
    assert found(html) == ("2023-11-05T10:00:00+01:00", "2023-11-05", "meta")


def test_a_time_in_a_related_posts_block_loses_to_the_urls_day():
    html = """<html><body><article><p>Story.</p></article>
    <aside class="related"><ul><li><a href="/older">Older story</a>
      <time class="published" datetime="2009-04-11T18:06:36">11 April 2009</time></li></ul>
    </aside></body></html>"""
    url = "https://blog.example/2019/10/22/a-story/"
    assert found(html, url) == ("2019-10-22", "2019-10-22", "url")


def test_a_time_in_the_article_counts_and_one_outside_it_barely():
    inside = '<html><body><article><time datetime="2023-11-05T10:00">5 Nov</time></article>'
    assert found(inside) == ("2023-11-05T10:00:00", "2023-11-05", "time")
    # outside the article, a <time> is too weak to stand alone: the extensive search is
    # asked, finds the same <time> and, the heavier witness, names the source
    outside = """<html><body><article><p>Story.</p></article>
    <div class="sidebar"><time datetime="2022-02-02">2 Feb 2022</time></div></body></html>"""
    assert found(outside) == ("2022-02-02", "2022-02-02", "htmldate")


def test_a_utc_timestamp_one_day_after_the_urls_day_is_the_publishers_day_before():
    html = '<html><head><meta property="article:published_time" content="2023-11-09T03:28:35Z">'
    url = "https://news.example/2023/11/08/election-night/"
    assert found(html, url) == ("2023-11-09T03:28:35+00:00", "2023-11-08", "url")
    # without a local source, the UTC day stands
    assert found(html) == ("2023-11-09T03:28:35+00:00", "2023-11-09", "meta")


def test_a_utc_timestamp_takes_the_offset_of_the_pages_local_timestamps():
    html = """<html><head><meta name="date" content="Sat, 19 Oct 2019 00:04:00 +0200">
    <script type="application/ld+json">{"@type": "NewsArticle",
      "datePublished": "2019-10-18T22:04:00Z"}</script></head><body></body></html>"""
    assert found(html) == ("2019-10-19T00:04:00+02:00", "2019-10-19", "json-ld")


def test_a_local_time_beside_the_same_instant_in_utc_gets_its_offset():
    html = """<html><head><meta property="article:published_time" content="2023-11-09T01:09:55Z">
    </head><body><article><time datetime="2023-11-08 18:09:55">Nov 8</time></article>"""
    url = "https://news.example/2023/11/08/playoffs/"
    assert found(html, url) == ("2023-11-08T18:09:55-07:00", "2023-11-08", "url")


def test_stamps_read_iso_rfc_2822_and_dotted_days():
    assert read_stamp("2019-06-17T18:28:00+0200").text == "2019-06-17T18:28:00+02:00"
    assert read_stamp("2021-01-01T11:00:00.000Z").text == "2021-01-01T11:00:00+00:00"
    assert read_stamp("Fri, 01 Mar 2024 08:00:00 GMT").text == "2024-03-01T08:00:00+00:00"
    assert read_stamp("Fri, 01 Mar 2024 08:00:00 MESZ").text == "2024-03-01T08:00:00+02:00"
    assert read_stamp("Di., 25.01.2022 - 14:45").text == "2022-01-25"
    assert read_stamp("2019") is None
    assert read_stamp("2024-13-01") is None
    assert read_stamp("2024-03-01T10:00:00+05:30").text == "2024-03-01T10:00:00+05:30"
    assert read_stamp("2024-03-01T10:00:00-0930").text == "2024-03-01T10:00:00-09:30"
    assert read_stamp("2024-03-01T10:00:00+05").text == "2024-03-01T10:00:00+05:00"
    assert read_stamp(None) is None and read_stamp("  ") is None
    # an offset of a day or more is no time zone: no date, rather than an error
    assert read_stamp("2024-03-01T10:00:00+99:00") is None
    assert read_stamp("2024-03-01T10:00:00-2400") is None


def test_future_dates_and_copyright_years_are_refused():
    future = '<html><head><meta name="date" content="2031-01-01"></head></html>'
    assert found(future) == (None, None, None)
    copyright_only = "<html><body><article><p>No date.</p></article>"
    copyright_only += "<footer>© 2019 Example Media</footer></body></html>"
    assert found(copyright_only) == (None, None, None)


def test_url_dates():
    assert url_date("https://e.example/politica/x-20211228-n10045.html") == "2021-12-28"
    assert url_date("https://e.example/news/2021/4/7/x") == "2021-04-07"
    assert url_date("https://e.example/news/x-123456") is None
    assert url_date("https://e.example/news/level-3-19056312") is None  # no month 63


def test_the_extensive_search_runs_only_when_the_page_says_nothing(monkeypatch):
    calls = []
    real = dates_module._htmldate

    def search(tree, latest):
        calls.append(latest)
        return real(tree, latest)

    monkeypatch.setattr("ingest.extract.dates._htmldate", search)
    dated = '<html><head><meta name="pubdate" content="2023-12-24"></head></html>'
    assert found(dated) == ("2023-12-24", "2023-12-24", "meta")
    assert calls == []
    in_text = """<html><body><article><h1>Council votes</h1>
    <p>The council voted on Tuesday, 12 March 2024, to close the pool.</p></article>"""
    assert found(in_text) == ("2024-03-12", "2024-03-12", "htmldate")
    assert calls == [date(2024, 5, 2)]  # the day after the fetch: time zones


def test_a_visible_dateline_speaks_when_the_markup_is_silent(monkeypatch):
    def search(tree, latest):
        raise AssertionError("htmldate searched though the article shows its date")

    monkeypatch.setattr("ingest.extract.dates._htmldate", search)
    html = """<html><body><div class="related"><span class="date">01.02.2024</span></div>
    <article><h2>Council votes</h2><p class="post-date">Posted 12.03.2024</p>
    <p>The council voted to close the pool.</p></article></body></html>"""
    assert found(html) == ("2024-03-12", "2024-03-12", "dateline")
    # an update's line is not the publication's, and a date in a related block alone,
    # the search finding nothing, dates another page: no date rather than a wrong one
    updated = html.replace('class="post-date"', 'class="date-updated"')
    monkeypatch.setattr("ingest.extract.dates._htmldate", lambda tree, latest: None)
    assert found(updated) == (None, None, None)


def test_a_listed_date_counts_like_the_pages_structured_data():
    undated = "<html><body><p>No date here.</p></body></html>"
    listed = ("2024-03-05T10:00:00+00:00", "feed")
    assert found(undated, listed=listed) == ("2024-03-05T10:00:00+00:00", "2024-03-05", "feed")
    # with the offset the feed wrote: the publisher's evening, not the next day in UTC
    evening = ("2024-03-05T20:00:00-05:00", "feed")
    assert found(undated, listed=evening) == ("2024-03-05T20:00:00-05:00", "2024-03-05", "feed")
    dated = '<html><head><meta property="article:published_time" content="2024-03-05T08:00:00Z">'
    assert found(dated, listed=listed) == ("2024-03-05T08:00:00+00:00", "2024-03-05", "meta")
    # a listed date after the fetch is refused like any other: the URL's date is left
    url = "https://x.example/2024/01/09/story"
    assert found(undated, url, fetched=date(2024, 3, 1), listed=("2030-01-01", "sitemap")) == (
        "2024-01-09",
        "2024-01-09",
        "url",
    )


def test_a_page_without_article_text_still_has_its_date_recorded():
    plugins = load_plugins(PluginConfig(entry_points=False))
    html = """<html><head>
    <meta property="article:published_time" content="2024-03-01T08:00:00-05:00"></head>
    <body><div id="app"></div></body></html>"""
    outcome = process_page(plugins, "https://news.example/story", html, classify=False)
    assert outcome.article is None
    assert [e["kind"] for e in outcome.errors] == ["no_text"]
    assert (outcome.published, outcome.published_day) == ("2024-03-01T08:00:00-05:00", "2024-03-01")


def test_a_plugin_that_redates_an_article_moves_its_day():
    class Redates:
        from ingest import hookimpl

        @hookimpl
        def normalize_article(self, article, page, outlet):
            article.published = "2024-02-29"

    plugins = load_plugins(PluginConfig(entry_points=False))
    plugins.pm.register(Redates())
    html = """<html><head><meta property="article:published_time" content="2024-03-01T08:00:00Z">
    </head><body><article><p>A story long enough to be taken for one, with words.</p>
    <p>And a second paragraph that says a little more about it.</p></article></body></html>"""
    article = process_page(plugins, "https://news.example/story", html, classify=False).article
    assert (article["published"], article["published_day"]) == ("2024-02-29", "2024-02-29")


def modified(published: str, changed: str) -> str | None:
    html = f"""<html><head><script type="application/ld+json">{{"@type": "NewsArticle",
      "datePublished": "{published}", "dateModified": "{changed}"}}</script></head></html>"""
    return dates(html).modified


def test_a_modified_date_before_the_published_day_or_after_the_fetch_is_dropped():
    assert modified("2024-03-04T09:00:00+01:00", "2024-03-01T10:00:00+01:00") is None
    assert modified("2024-03-04T09:00:00+01:00", "2031-01-01") is None  # after the fetch
    # the same day counts, even an hour before: a day is compared, not the instant
    assert modified("2024-03-04T09:00:00+01:00", "2024-03-04T08:00:00+01:00") == (
        "2024-03-04T08:00:00+01:00"
    )
    assert modified("2024-03-04", "2024-03-05") == "2024-03-05"


def test_a_modified_date_comes_from_the_first_meta_tag_naming_one_without_json_ld():
    meta = """<html><head><meta name="pubdate" content="2024-04-01">
    <meta property="og:updated_time" content="2024-04-03">
    <meta property="article:modified_time" content="2024-04-02T10:00:00Z"></head></html>"""
    result = dates(meta)
    assert (result.published, result.modified) == ("2024-04-01", "2024-04-02T10:00:00+00:00")


def test_a_dateline_keeps_a_full_timestamp_and_reads_a_written_day():
    assert read_dateline("Posted\n 2024-03-01T10:00:00+01:00").text == "2024-03-01T10:00:00+01:00"
    assert read_dateline("Posted 12 March 2024 by Jane").text == "2024-03-12"
    assert read_dateline("No date") is None


def test_the_day_of_a_stored_date():
    assert day_of("2024-03-01T10:00:00+01:00") == "2024-03-01"
    assert day_of("March 2024") is None
    assert day_of(20240301) is None


# -- each weighing rule alone ---------------------------------------------------------------


def ld(*nodes: str) -> str:
    return "".join(f'<script type="application/ld+json">{n}</script>' for n in nodes)


def test_json_ld_dates_from_nested_created_and_listed_types():
    def read(*nodes: str):
        return dates_module.json_ld_dates(
            lxml.html.document_fromstring(f"<html><head>{ld(*nodes)}")
        )

    article = '{"@type": "NewsArticle", "datePublished": "2024-03-01"}'
    main = '{"@type": "WebPage", "mainEntity": ' + article + "}"
    assert read(main) == ("2024-03-01", None)
    of_page = (
        '{"@type": "WebPage", "mainEntityOfPage": [{"@type": "Report", "dateCreated": "2024-03-02",'
    )
    assert read(of_page + ' "dateModified": "2024-03-03"}]}') == ("2024-03-02", "2024-03-03")
    listed = '[{"@type": "WebPage", "datePublished": "2020-01-01"},'
    listed += ' {"@type": ["Thing", "BlogPosting"], "datePublished": "2024-03-04"}]'
    assert read("{not json", listed) == ("2024-03-04", None)
    assert read('{"@type": "Person"}') == (None, None)
    # its last change alone is a change, not the publication: the article's modified date
    changed = '{"@type": "NewsArticle", "dateModified": "2024-03-06T07:00:00Z"}'
    assert read(changed) == (None, "2024-03-06T07:00:00Z")
    assert read(changed, listed) == ("2024-03-04", None)  # one that dates its publication wins
    page = lxml.html.document_fromstring(f"<html><head>{ld(changed)}</head><body></body></html>")
    assert page_dates(page, "https://n.example/story", date(2024, 3, 10)).modified == (
        "2024-03-06T07:00:00+00:00"
    )


def test_meta_dates_by_itemprop_and_the_first_of_a_name():
    html = '<html><head><meta itemprop="datePublished" content="2024-03-01"></head></html>'
    assert found(html) == ("2024-03-01", "2024-03-01", "meta")
    twice = (
        '<html><head><meta name="date" content="2024-03-01"><meta name="date" content="2024-03-05">'
    )
    assert found(twice) == ("2024-03-01", "2024-03-01", "meta")


def test_a_second_meta_value_counts_for_little():
    html = """<html><head><meta property="article:published_time" content="2024-03-05">
    <meta name="date" content="2024-03-01"></head>
    <body><article><time datetime="2024-03-01">1 March</time></article></body></html>"""
    assert found(html) == ("2024-03-05", "2024-03-05", "meta")


def test_dates_from_1990_to_the_day_after_the_fetch_are_plausible(monkeypatch):
    monkeypatch.setattr("ingest.extract.dates._htmldate", lambda tree, latest: None)

    def meta(day: str) -> tuple:
        return found(f'<html><head><meta name="date" content="{day}"></head></html>')

    assert meta("1990-01-01") == ("1990-01-01", "1990-01-01", "meta")
    assert meta("1989-12-31") == (None, None, None)
    assert meta("2024-05-02") == ("2024-05-02", "2024-05-02", "meta")  # fetched 2024-05-01
    assert meta("2024-05-03") == (None, None, None)


def test_a_utc_instant_reaches_the_local_day_before_before_noon_and_after_from_ten():
    def day(instant: str, url_day: str) -> tuple:
        html = f'<html><head><meta property="article:published_time" content="{instant}">'
        return found(html, f"https://news.example/{url_day}/story/")

    assert day("2023-11-09T11:59:00Z", "2023/11/08") == (
        "2023-11-09T11:59:00+00:00",
        "2023-11-08",
        "url",
    )
    assert day("2023-11-09T12:00:00Z", "2023/11/08") == ("2023-11-08", "2023-11-08", "url")
    assert day("2023-11-08T10:00:00Z", "2023/11/09") == (
        "2023-11-08T10:00:00+00:00",
        "2023-11-09",
        "url",
    )
    assert day("2023-11-08T09:59:00Z", "2023/11/09") == ("2023-11-09", "2023-11-09", "url")
    assert day("2023-11-07T23:00:00Z", "2023/11/09") == ("2023-11-09", "2023-11-09", "url")


def test_a_utc_instant_near_two_local_days_joins_the_heavier():
    html = """<html><head><meta property="article:published_time" content="2024-03-05T11:00:00Z">
    </head><body><article><time datetime="2024-03-06T09:00">6 March</time></article></body>"""
    url = "https://news.example/2024/03/04/story/"
    assert found(html, url) == ("2024-03-05T11:00:00+00:00", "2024-03-04", "url")
    heavy = html.replace(
        "</head>",
        ld('{"@type": "NewsArticle", "datePublished": "2024-03-06T09:00:00"}') + "</head>",
    )
    listed = ("2024-03-06T09:00:00", "feed")
    assert found(heavy, url, listed=listed)[1:] == ("2024-03-06", "json-ld")


def test_a_utc_instant_takes_an_offset_from_a_local_stamp_of_another_day():
    html = '<html><head><meta name="date" content="2024-03-01T09:00:00+02:00">'
    html += ld('{"@type": "NewsArticle", "datePublished": "2024-03-05T23:00:00Z"}')
    assert found(html) == ("2024-03-05T23:00:00+00:00", "2024-03-06", "json-ld")


def test_only_a_utc_instant_moves_to_a_neighbouring_local_day():
    html = """<html><head><meta name="date" content="2024-03-03"></head>
    <body><article><time datetime="2024-03-04T09:00">4 March</time></article></body>"""
    assert found(html) == ("2024-03-03", "2024-03-03", "meta")


def test_ties_go_to_the_heavier_witness_then_the_first_and_weight_beats_the_later_day():
    html = '<html><head><meta name="date" content="2024-03-01">'
    html += ld('{"@type": "NewsArticle", "datePublished": "2024-03-05"}')
    assert found(html) == ("2024-03-05", "2024-03-05", "json-ld")
    later = """<html><head><meta name="date" content="2024-03-01"></head>
    <body><article><time datetime="2024-03-05">5 March</time></article></body>"""
    assert found(later) == ("2024-03-01", "2024-03-01", "meta")


def test_the_whole_stamp_is_the_heaviest_local_one_or_a_local_time_given_its_offset():
    two = ld('{"@type": "NewsArticle", "datePublished": "2024-03-05T10:00:00+01:00"}')
    two += '<body><article><time datetime="2024-03-05T11:00:00+02:00">x</time></article>'
    assert found(f"<html><head>{two}")[0] == "2024-03-05T10:00:00+01:00"

    def offset(local: str, instant: str) -> str:
        html = f'<html><head><meta property="article:published_time" content="{instant}"></head>'
        html += f'<body><article><time datetime="{local}">x</time></article></body></html>'
        return found(html)[0]

    assert offset("2024-03-05T22:00:00", "2024-03-05T08:00:00Z") == "2024-03-05T22:00:00+14:00"
    assert offset("2024-03-05T23:00:00", "2024-03-05T08:00:00Z") == "2024-03-05T08:00:00+00:00"
    assert offset("2024-03-05T00:00:00", "2024-03-05T12:00:00Z") == "2024-03-05T00:00:00-12:00"
    assert offset("2024-03-05T00:00:00", "2024-03-05T13:00:00Z") == "2024-03-05T13:00:00+00:00"
    assert offset("2024-03-05T10:10:00", "2024-03-05T08:00:00Z") == "2024-03-05T08:00:00+00:00"


def test_a_listing_of_an_unknown_kind_counts_for_little(monkeypatch):
    monkeypatch.setattr("ingest.extract.dates._htmldate", lambda tree, latest: None)
    undated = "<html><body><p>No date here.</p></body></html>"
    assert found(undated, listed=("2024-03-05", "archive")) == (None, None, None)


def test_an_unmarked_time_on_a_page_without_an_article_is_slight():
    html = '<html><body><div><time datetime="2024-03-05">5 March</time><p>Text.</p></div></body>'
    assert found(html) == ("2024-03-05", "2024-03-05", "htmldate")
    marked = html.replace("<time ", '<time class="published" ')
    assert found(marked) == ("2024-03-05", "2024-03-05", "time")


def test_a_modified_date_stands_when_nothing_dates_the_publication(monkeypatch):
    monkeypatch.setattr("ingest.extract.dates._htmldate", lambda tree, latest: None)
    html = '<html><head><meta property="article:modified_time" content="2024-04-02T10:00:00Z">'
    result = dates(html)
    assert (result.published, result.modified) == (None, "2024-04-02T10:00:00+00:00")


def test_a_slight_witness_joins_the_dateline_that_names_its_day(monkeypatch):
    monkeypatch.setattr("ingest.extract.dates._htmldate", lambda tree, latest: None)
    html = """<html><body><div class="sidebar"><time datetime="2024-03-12T10:00:00+01:00">x</time>
    </div><article><p class="post-date">12.03.2024</p><p>Text.</p></article></body></html>"""
    assert found(html) == ("2024-03-12T10:00:00+01:00", "2024-03-12", "dateline")


def test_the_extensive_search_stops_at_the_day_after_the_fetch():
    html = """<html><body><article><h1>Council votes</h1>
    <p>The council will vote on Friday, 10 May 2024, to close the pool.</p></article>"""
    assert found(html) == (None, None, None)
    assert found(html, fetched=date(2024, 5, 20)) == ("2024-05-10", "2024-05-10", "htmldate")


def test_a_microdata_value_counts_like_a_meta_tag():
    html = """<html><body><article><h1>Council votes</h1>
    <p class="date" itemprop="datePublished" content="2022-01-14 10:31:00">January 2022</p>
    <p>Text.</p></article></body></html>"""
    assert found(html) == ("2022-01-14T10:31:00", "2022-01-14", "meta")
    # read only where meta tags and JSON-LD are silent: a page's own meta tag comes first
    head = '<html><head><meta name="pubdate" content="2022-01-20"></head>'
    assert found(html.replace("<html>", head)) == ("2022-01-20", "2022-01-20", "meta")


def test_a_time_without_datetime_names_its_day_by_its_text():
    html = """<html><head>
    <script type="application/ld+json">{"@type": "NewsArticle",
      "datePublished": "2023-11-09T03:02:34-05:00"}</script>
    <meta name="dc.date" content="2023-11-08"></head><body><article><header>
    <span class="article-date">Published <time> November 9, 2023 3:02am EST</time></span>
    </header><p>Text.</p></article></body></html>"""
    assert found(html) == ("2023-11-09T03:02:34-05:00", "2023-11-09", "json-ld")


def test_a_visible_date_the_page_gives_as_its_modification_outweighs_the_metadata():
    html = """<html><head>
    <script type="application/ld+json">{"@type": "BlogPosting",
      "datePublished": "2019-06-17T00:00:00Z", "dateModified": "2020-06-04T16:41:46Z"}</script>
    </head><body><article><h2>Faster builds</h2><p class="post-date">June 4, 2020</p>
    <p>Text.</p></article></body></html>"""
    # the day is the visible one, the whole stamp the dateline's: the modification is kept apart
    assert found(html) == ("2020-06-04", "2020-06-04", "dateline")
    assert dates(html).modified == "2020-06-04T16:41:46+00:00"
    # a modification date no visible date shows adds nothing: the publication stands
    hidden = html.replace('<p class="post-date">June 4, 2020</p>', "")
    assert found(hidden) == ("2019-06-17T00:00:00+00:00", "2019-06-17", "json-ld")
    # nor does one a visible date shows outside the article
    aside = html.replace("<p class", '<div class="related"><p class').replace(
        "</p>", "</p></div>", 1
    )
    assert found(aside) == ("2019-06-17T00:00:00+00:00", "2019-06-17", "json-ld")


def test_the_dateline_is_read_only_when_the_page_is_silent_or_its_modification_unnamed(
    monkeypatch,
):
    calls = []
    real = dates_module.DATELINES
    monkeypatch.setattr(
        "ingest.extract.dates.DATELINES", lambda tree: calls.append(1) or real(tree)
    )
    head = '<html><head><meta property="article:published_time" content="2024-03-01">'
    body = '<body><article><p class="date">1 March 2024</p></article></body></html>'
    assert found(head + body) == ("2024-03-01", "2024-03-01", "meta")
    modified = '<meta property="article:modified_time" content="2024-03-01T12:00:00Z">'
    assert found(head + modified + body)[1] == "2024-03-01"
    assert calls == []
    later = modified.replace("03-01", "03-04")
    assert found(head + later + body)[1] == "2024-03-01"
    assert calls == [1]


def test_one_instant_given_by_json_ld_and_a_meta_tag_is_one_witness():
    html = """<html><head>
    <script type="application/ld+json">{"@type": "NewsArticle",
      "datePublished": "2019-06-17T18:28:00+02:00"}</script>
    <meta property="article:published_time" content="2019-06-17T18:28:00+02:00"></head>
    <body><article><time datetime="2019-06-17">17 June 2019</time><p>Text.</p></article>
    </body></html>"""
    # the URL's full day (4) outweighs the system's one field (2) and the <time> (1.5)
    url = "https://blog.example/home/2017/7/12/a-story"
    assert found(html, url) == ("2017-07-12", "2017-07-12", "url")
    # two instants that differ are two witnesses: with the <time>, 5.5 against 4
    other = html.replace(
        'content="2019-06-17T18:28:00+02:00"', 'content="2019-06-17T09:00:00+02:00"'
    )
    assert found(other, url)[1:] == ("2019-06-17", "json-ld")


def test_htmldate_searches_fast_first_and_extensively_only_when_that_finds_nothing(monkeypatch):
    calls = []

    def search(tree, extensive_search, **options):
        calls.append(extensive_search)
        return {False: answers[0], True: answers[1]}[extensive_search]

    monkeypatch.setattr("htmldate.find_date", search)
    silent = "<html><body><p>Text.</p></body></html>"
    answers = ("2024-03-05", "2024-01-02")
    assert found(silent) == ("2024-03-05", "2024-03-05", "htmldate")
    assert calls == [False]
    calls.clear()
    answers = ("2024-01-01", "2024-01-02")  # a bare year read as 1 January is no date
    assert found(silent) == ("2024-01-02", "2024-01-02", "htmldate")
    assert calls == [False, True]


def test_chinese_japanese_and_korean_dates_are_read(monkeypatch):
    assert read_stamp("2023年5月7日").text == "2023-05-07"
    assert read_stamp("2012年06月04日 10:30").text == "2012-06-04T10:30:00"
    assert read_dateline("更新 2023年5月7日 08:15:30 来源").text == "2023-05-07T08:15:30"
    assert read_dateline("2023년 5월 7일 오후").text == "2023-05-07"
    assert read_stamp("2023年13月7日") is None  # no such month
    monkeypatch.setattr("ingest.extract.dates._htmldate", lambda tree, latest: None)
    html = """<html><body><article><h2>北码头关闭</h2><p class="post-date">2024年3月12日</p>
    <p>港务局星期一宣布关闭北码头。</p></article></body></html>"""
    assert found(html) == ("2024-03-12", "2024-03-12", "dateline")


def test_an_update_line_in_chinese_japanese_or_korean_is_not_the_publication(monkeypatch):
    monkeypatch.setattr("ingest.extract.dates._htmldate", lambda tree, latest: None)
    updates = [
        "更新时间：2023年5月7日 08:15",
        "最終更新 2023年5月7日 08:15",
        "수정 2023.05.07 08:15",
    ]
    for updated in updates:
        html = f"""<html><body><article><h1>北码头关闭</h1><span>{updated}</span>
        <span>2023年5月1日 10:00</span><p>港务局星期一宣布关闭北码头。</p>
        </article></body></html>"""
        assert found(html)[0] == "2023-05-01T10:00:00", updated


def test_a_line_with_the_publication_and_the_update_reads_the_publication(monkeypatch):
    monkeypatch.setattr("ingest.extract.dates._htmldate", lambda tree, latest: None)
    lines = {
        "发布时间：2023-05-01 10:00 更新时间：2023-05-07 08:15": "2023-05-01T10:00:00",
        "Published 1 May 2023, updated 7 May 2023": "2023-05-01",
        "입력 2023.05.01 10:00 수정 2023.05.07 08:15": "2023-05-01",
        "Updated: 2023-05-07 08:15": None,
    }
    for line, published in lines.items():
        html = f"""<html><body><article><h1>Harbour closes</h1><span>{line}</span>
        <p>The port authority closed the north pier.</p></article></body></html>"""
        assert found(html)[0] == published, line
