"""The links a worker lists for the crawl to follow: absolute, canonical, in page order."""

from ingest.article import Page
from ingest.extract.process import Job, page_links, process_job
from ingest.plugins.manager import PluginConfig, load_plugins

STORY = " ".join(
    f"Sentence {i} of the council's budget story says what the vote decided and why."
    for i in range(30)
)


def page(links: str, head: str = "") -> str:
    return (
        f"<html><head>{head}<title>Budget vote</title></head><body><nav>{links}</nav>"
        f"<article><h1>Budget vote</h1><p>{STORY}</p></article></body></html>"
    )


def test_links_are_absolute_canonical_and_in_page_order():
    html = page(
        '<a href="/b?utm_source=x&z=1&a=2">b</a> <a href="https://other.example/c#top">c</a>'
        ' <a href="/b?a=2&z=1">b again</a> <a href="#top">top</a> <a href="mailto:x@y.z">m</a>'
        ' <a href="javascript:void(0)">j</a> <a href="ftp://files.example/f">f</a>',
        head='<link rel="alternate" type="application/rss+xml" href="/feed.xml">',
    )
    links = page_links(Page(url="https://news.example/2024/story", html=html))
    assert links == [
        "https://news.example/feed.xml",
        "https://news.example/b?a=2&z=1",
        "https://other.example/c",
    ]


def test_a_base_element_decides_relative_links():
    html = page('<a href="next">n</a>', head='<base href="https://cdn.example/section/">')
    assert page_links(Page(url="https://news.example/story", html=html)) == [
        "https://cdn.example/section/next"
    ]


def test_a_relative_base_element_is_read_against_the_page():
    html = page('<a href="next">n</a>', head='<base href="/section/">')
    assert page_links(Page(url="https://news.example/2024/story", html=html)) == [
        "https://news.example/section/next"
    ]
    broken = page('<a href="next">n</a>', head='<base href="http://[broken/">')
    assert page_links(Page(url="https://news.example/2024/story", html=broken)) == [
        "https://news.example/2024/next"
    ]


def test_every_feed_a_page_advertises_is_a_link_to_follow():
    head = (
        '<link rel="alternate" type="application/atom+xml" href="/atom.xml">'
        '<link rel="alternate" type="application/feed+json" href="/feed.json">'
        '<link rel="alternate" type="application/json" href="/wp-json/wp/v2/posts/1">'
        '<link rel="alternate" hreflang="de" href="/de/story">'
    )
    html = page("", head=head)
    assert page_links(Page(url="https://news.example/story", html=html)) == [
        "https://news.example/atom.xml",
        "https://news.example/feed.json",
    ]


def test_a_link_no_parser_reads_is_left_out_and_the_article_kept():
    bad = (
        '<a href="https://news.example:port of words/x">bad port</a>'
        ' <a href="http://[broken/x">bad host</a> <a href="/fine">fine</a>'
    )
    html = page(bad)
    assert page_links(Page(url="https://news.example/story", html=html)) == [
        "https://news.example/fine"
    ]
    plugins = load_plugins(PluginConfig.default([]))
    outcome = process_job(
        plugins, Job(url="https://news.example/story", body=html.encode(), follow=True)
    )
    assert outcome.errors == []
    assert outcome.article is not None and outcome.article["title"] == "Budget vote"
    assert outcome.links == ["https://news.example/fine"]


def test_only_links_within_the_crawls_domains_when_it_names_them():
    html = page(
        '<a href="/a">a</a> <a href="https://www.news.example:8443/b">b</a>'
        ' <a href="https://other.example/c">c</a> <a href="https://notnews.example/d">d</a>'
    )
    found = page_links(Page(url="https://news.example/s", html=html), ("news.example",))
    assert found == ["https://news.example/a", "https://www.news.example:8443/b"]
    assert len(page_links(Page(url="https://news.example/s", html=html))) == 4


def test_a_link_is_on_the_sites_by_its_host_or_a_parent_domain():
    from ingest.urls import on_sites

    sites = frozenset({"news.example", "b.example.org"})
    assert on_sites("https://news.example/a", sites)
    assert on_sites("https://www.NEWS.example:8080/a", sites)
    assert on_sites("http://x.y.b.example.org/", sites)
    assert not on_sites("https://example.org/", sites)  # a parent of a site is not the site
    assert not on_sites("https://notnews.example/", sites)
    assert not on_sites("https://news.example.evil/", sites)
    assert not on_sites("mailto:someone", sites)


def test_seeds_keep_each_url_and_host_once_in_order():
    from ingest.crawl.seeds import Seeds
    from ingest.urls import on_sites

    seeds = Seeds(urls=["https://a.example/"], domains=["a.example"])
    for url in ["https://b.example/1", "https://a.example/", "https://b.example/2"]:
        seeds.add_url(url)
    seeds.add_domains(["c.example", "b.example"])
    assert seeds.urls == ["https://a.example/", "https://b.example/1", "https://b.example/2"]
    assert seeds.domains == ["a.example", "b.example", "c.example"]
    seeds.add_url("https://www.d.example/")  # the site, not its www. host alone
    assert seeds.domains == ["a.example", "b.example", "c.example", "d.example"]
    # but never a public suffix: www.gov.uk is not every site under gov.uk
    for url in ("https://www.gov.uk/", "https://www.blogspot.com/", "http://www./"):
        seeds.add_url(url)
    assert seeds.domains[4:] == ["www.gov.uk", "www.blogspot.com", "www."]
    seeds.add_url("https://www.news.bbc.co.uk/")
    assert seeds.domains[-1] == "news.bbc.co.uk"
    # an international name, as Scrapy requests it and as a page may link it
    seeds.add_url("https://www.Bücher.de/")
    assert seeds.domains[-1] == "xn--bcher-kva.de"
    assert on_sites("https://www.xn--bcher-kva.de/a", seeds.domains)
    assert on_sites("https://shop.bücher.de/a", seeds.domains)
