"""The bundled demo sites, their server and their outlet plugins.

Crawl tests trust the demo to be realistic and to break only where it means
to (one dead link and one robots-disallowed page per outlet), so those
promises are checked here, page by page.
"""

from __future__ import annotations

import http.client
import importlib.util
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter, deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

import lxml.html
import pytest
import trafilatura

from ingest.demo import story
from ingest.demo.server import DemoServer
from ingest.demo.site import SEED_ARTICLE, DemoSite, build_site
from ingest.plugins.outlet import Outlet

PLUGINS = Path(__file__).resolve().parent.parent / "plugins"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
HTML_KINDS = {"home", "section", "tag", "article", "static", "private"}
LISTING_KINDS = {"home", "section", "tag", "static", "private", "feed", "sitemap", "robots"}


@pytest.fixture(scope="module")
def site() -> DemoSite:
    return build_site()


@pytest.fixture(scope="module")
def server(site):
    with DemoServer(site) as running:
        yield running


@pytest.fixture(scope="module")
def trees(site) -> dict[str, lxml.html.HtmlElement]:
    return {
        url: lxml.html.document_fromstring(site.get(url)[1])
        for url, kind in site.kinds.items()
        if kind in HTML_KINDS
    }


@pytest.fixture(scope="module")
def plugin_outlets(site) -> list[Outlet]:
    """The outlets plugins/ declares for the demo's hosts (real outlets live there too)."""
    hosts = {o.host for o in site.outlets.values()}
    outlets: list[Outlet] = []
    for path in sorted(PLUGINS.glob("[!_]*.py")):
        module = importlib.import_module(f"ingest.outlets.{path.stem}")
        module.register_outlets(register=outlets.append)
    return [o for o in outlets if set(o.domains) & hosts]


def without_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def links(url: str, tree: lxml.html.HtmlElement) -> list[str]:
    """Absolute http(s) URLs of a page's anchors, fragments and mailto: left out."""
    found = []
    for href in tree.xpath("//a/@href"):
        if href.startswith(("#", "mailto:")):
            continue
        found.append(urljoin(url, href).split("#")[0])
    return found


def outlet_of(site: DemoSite, url: str) -> str:
    host = urlsplit(url).hostname
    return next(name for name, o in site.outlets.items() if o.host == host)


# -- the generator -------------------------------------------------------------


def test_outlets_are_several_sites_in_several_languages(site, trees):
    assert len(site.outlets) >= 3
    hosts = [o.host for o in site.outlets.values()]
    assert len(set(hosts)) == len(hosts) and all(h.endswith(".example") for h in hosts)
    languages = {o.language for o in site.outlets.values()}
    assert "en" in languages and len(languages - {"en"}) >= 2
    assert site.outlets["yeni-haber"].host == "yenihaber.example"
    for url, tree in trees.items():
        article = site.article(url)
        # Agency copy run as filed says its own language.
        own = article.language if article and article.language else None
        assert tree.get("lang") == (own or site.outlets[outlet_of(site, url)].language), url


def test_articles_are_many_varied_and_dated_2021(site):
    assert len(site.articles) >= 150
    for name in site.outlets:
        assert len(site.article_urls(name)) >= 40
    # Headlines and texts are the outlets' own, but for the wire story three outlets carry
    # (three texts, one headline) and the story El Faro published twice (one text).
    titles = Counter(a.title for a in site.articles)
    repeats = {t: n for t, n in titles.items() if n > 1}
    assert repeats.pop(story.WIRE_TITLE) == 3 and list(repeats.values()) == [2]
    (twice,) = repeats
    assert {a.outlet for a in site.articles if a.title == twice} == {story.COPY_OUTLET}
    assert len({a.text for a in site.articles}) == len(site.articles) - 1
    for a in site.articles:
        assert 150 <= a.word_count <= 600, a.url
        assert len(a.paragraphs) >= 3, a.url
        assert a.published.year == 2021 and a.published.utcoffset() is not None
        assert a.authors and a.tags and a.section_label
    months = {a.published.month for a in site.articles}
    assert len(months) >= 10
    assert len({a.authors for a in site.articles}) >= 10


def test_build_is_deterministic_and_cached(site):
    assert build_site() is site
    again = build_site.__wrapped__()
    assert again.files == site.files
    assert [a.url for a in again.articles] == [a.url for a in site.articles]


def test_layouts_differ_between_outlets(site, trees):
    def first_article(name: str) -> lxml.html.HtmlElement:
        return trees[site.article_urls(name)[0]]

    yeni = first_article("yeni-haber")
    assert yeni.xpath("//article//div[@class='story-body']/p")
    rhein = first_article("rheinblatt")
    assert rhein.xpath("//main//section[@class='artikel-text']/p") and not rhein.xpath("//article")
    faro = first_article("el-faro")
    assert not faro.xpath("//article | //main") and faro.xpath("//div[@id='sidebar']")

    def classes(tree: lxml.html.HtmlElement) -> set[str]:
        return {c for value in tree.xpath("//@class") for c in value.split()}

    names = list(site.outlets)
    for i, one in enumerate(names):
        for other in names[i + 1 :]:
            a, b = classes(first_article(one)), classes(first_article(other))
            assert len(a & b) < 0.25 * min(len(a), len(b)), (one, other, a & b)


def test_article_pages_carry_metadata_and_boilerplate(site, trees):
    for a in site.articles:
        tree = trees[a.url]
        outlet = site.outlets[a.outlet]
        assert tree.findtext(".//title") == f"{a.title} | {outlet.title}"
        assert tree.xpath("//h1")[0].text_content().strip() == a.title
        assert tree.xpath("//link[@rel='canonical']/@href") == [a.url]
        assert tree.xpath("//meta[@property='og:site_name']/@content") == [outlet.title]
        assert a.published.isoformat() in tree.xpath("//time/@datetime")
        page_text = tree.text_content()
        assert all(name in page_text for name in a.authors)
        assert "©" in page_text and tree.xpath("//nav | //div[@id='menu']")
        assert re.search(r"(?i)cookie", page_text)
        for block in tree.xpath("//script[@type='application/ld+json']"):
            data = json.loads(block.text)
            items = data.get("@graph", [data])
            article = next(i for i in items if i["@type"] in ("NewsArticle", "Article"))
            assert article["headline"] == a.title
            assert article["datePublished"] == a.published.isoformat()

    def outlets_with(xpath: str) -> set[str]:
        return {a.outlet for a in site.articles if trees[a.url].xpath(xpath)}

    with_json_ld = outlets_with("//script[@type='application/ld+json']")
    with_article_time = outlets_with("//meta[@property='article:published_time']")
    assert 1 <= len(with_json_ld) < len(site.outlets)
    assert 1 <= len(with_article_time) < len(site.outlets)


# -- feeds, sitemaps, robots -----------------------------------------------------


def test_feeds_parse_as_rss_and_atom(site):
    kinds = set()
    for name, outlet in site.outlets.items():
        root = ET.fromstring(site.get(outlet.feed)[1])
        if root.tag == "rss":
            kinds.add("rss")
            items = root.findall("./channel/item")
            urls = [i.findtext("link") for i in items]
        else:
            assert root.tag == f"{ATOM}feed"
            kinds.add("atom")
            items = root.findall(f"{ATOM}entry")
            urls = [e.find(f"{ATOM}link").get("href") for e in items]
        assert len(items) >= 10
        assert {without_query(u) for u in urls} <= set(site.article_urls(name))
    assert kinds == {"rss", "atom"}


def test_sitemaps_list_every_article_with_lastmod(site):
    for name, outlet in site.outlets.items():
        root = ET.fromstring(site.get(outlet.sitemap)[1])
        entries = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in root}
        articles = set(site.article_urls(name))
        assert articles <= set(entries)
        assert all(entries[url] for url in articles)
        assert all(site.get(url) for url in entries)


def test_robots_names_the_sitemap_and_disallows_a_linked_page(site, trees):
    linked = {link for url, tree in trees.items() for link in links(url, tree)}
    for outlet in site.outlets.values():
        text = site.get(outlet.robots)[1].decode()
        assert f"Sitemap: {outlet.sitemap}" in text.splitlines()
        assert f"Disallow: {outlet.disallow}" in text.splitlines()
        robots = RobotFileParser()
        robots.parse(text.splitlines())
        assert not robots.can_fetch("ingest", outlet.private_url)
        assert outlet.private_url in linked
        assert all(robots.can_fetch("ingest", url) for url in site.article_urls(outlet.name))
        assert robots.can_fetch("ingest", outlet.home)


# -- links ---------------------------------------------------------------------


def test_every_link_is_served_or_deliberately_dead(site, trees):
    dead = set(site.dead_urls())
    seen_dead = set()
    for url, tree in trees.items():
        for link in links(url, tree):
            assert urlsplit(link).scheme == "http", (url, link)
            if link in dead:
                seen_dead.add(link)
                continue
            assert site.get(link) is not None, f"{url} links to {link}, which is not served"
        for href in tree.xpath("//link[@rel='canonical' or @rel='alternate']/@href"):
            assert site.get(urljoin(url, href)) is not None, (url, href)
    assert seen_dead == dead
    assert all(site.get(url) is None for url in dead)
    assert len(dead) == len(site.outlets)


def test_following_links_from_the_home_pages_reaches_every_page(site, trees):
    queue = deque(o.home for o in site.outlets.values())
    reached = set(queue)
    while queue:
        url = queue.popleft()
        for link in links(url, trees[url]) if url in trees else ():
            if link not in reached and site.get(link) is not None:
                reached.add(link)
                queue.append(link)
    html_urls = {url for url, kind in site.kinds.items() if kind in HTML_KINDS}
    assert html_urls <= reached


# -- the seed article ------------------------------------------------------------


def test_seed_page_holds_the_seed_text_verbatim(site, trees):
    url = SEED_ARTICLE["url"]
    assert re.search(r"^http://yenihaber\.example/news/2021/\d{2}/[\w-]+$", url)
    html = site.get(url)[1].decode()
    assert SEED_ARTICLE["title"] in html
    assert all(p in html for p in SEED_ARTICLE["paragraphs"])
    assert " ".join(SEED_ARTICLE["paragraphs"]) == SEED_ARTICLE["body"]
    assert len(SEED_ARTICLE["paragraphs"]) >= 5
    seed = site.article(url)
    assert seed.title == SEED_ARTICLE["title"]
    assert list(seed.paragraphs) == SEED_ARTICLE["paragraphs"]
    page_lines = [line.strip() for line in trees[url].text_content().splitlines()]
    assert "Thu, May" in page_lines and "60 Yeni Haber" in page_lines
    assert SEED_ARTICLE["boilerplate"] == [
        "Thu, May",
        "60 Yeni Haber",
        "Sign up via our free email subscription service to receive notifications "
        "when new information is available.",
    ]
    assert SEED_ARTICLE["boilerplate"][2] in page_lines


def test_seed_body_matches_the_packaged_seed_text():
    from importlib.resources import files

    raw = files("ingest.demo").joinpath("seed_article.txt").read_text("utf-8")
    lines = [line for line in raw.splitlines() if line.strip()]
    assert SEED_ARTICLE["title"] == lines[2]
    assert " ".join(SEED_ARTICLE["paragraphs"]) == lines[3]


def test_seed_page_extracts_with_trafilatura(site):
    html = site.get(SEED_ARTICLE["url"])[1].decode()
    text = trafilatura.extract(html, include_comments=False)
    assert text and all(p in text for p in SEED_ARTICLE["paragraphs"])


@pytest.mark.parametrize("outlet", ["yeni-haber", "rheinblatt", "el-faro", "courrier-des-alpes"])
def test_every_outlet_extracts_with_trafilatura(site, outlet):
    article = next(a for a in site.articles if a.outlet == outlet and a.url != SEED_ARTICLE["url"])
    text = trafilatura.extract(site.get(article.url)[1].decode(), include_comments=False)
    assert text and all(p in text for p in article.paragraphs)


# -- the server ------------------------------------------------------------------


def request(server, method: str, target: str, headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request(method, target, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_server_answers_proxy_requests_by_absolute_uri(server, site):
    assert server.proxy_url == f"http://127.0.0.1:{server.port}"
    before = server.hits[("yenihaber.example", "/robots.txt")]
    status, headers, body = request(server, "GET", "http://yenihaber.example/robots.txt")
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain")
    assert int(headers["Content-Length"]) == len(body)
    assert body == site.get("http://yenihaber.example/robots.txt")[1]
    assert b"Sitemap: http://yenihaber.example/sitemap.xml" in body
    assert server.hits[("yenihaber.example", "/robots.txt")] == before + 1

    status, headers, body = request(server, "GET", SEED_ARTICLE["url"] + "?utm_source=rss")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert SEED_ARTICLE["paragraphs"][0].encode() in body


def test_server_answers_plain_requests_by_host_header(server, site):
    status, headers, body = request(server, "GET", "/sitemap.xml", {"Host": "rheinblatt.example"})
    assert status == 200 and headers["Content-Type"].startswith("application/xml")
    assert body == site.get("http://rheinblatt.example/sitemap.xml")[1]


def test_server_head_sends_length_without_body(server, site):
    status, headers, body = request(server, "HEAD", "http://rheinblatt.example/")
    assert status == 200 and body == b""
    assert int(headers["Content-Length"]) == len(site.get("http://rheinblatt.example/")[1])


def test_server_answers_404_for_unknown_hosts_paths_and_dead_links(server, site):
    unknown = ["http://unknown.example/", "http://yenihaber.example/no/such/page"]
    for target in [*unknown, *site.dead_urls()]:
        status, headers, body = request(server, "GET", target)
        assert status == 404, target
        assert headers["Content-Type"].startswith("text/html") and b"Not Found" in body
    assert server.hits[("unknown.example", "/")] >= 1


def test_server_serves_feeds_with_their_content_types(server, site):
    for outlet in site.outlets.values():
        status, headers, _ = request(server, "GET", outlet.feed)
        assert status == 200
        assert headers["Content-Type"].startswith(f"application/{outlet.feed_format}+xml")


# -- the outlet plugins -------------------------------------------------------------


def test_plugins_declare_the_demo_outlets(site, plugin_outlets):
    by_host = {o.host: o for o in site.outlets.values()}
    declared = {}
    for outlet in plugin_outlets:
        hosts = [d for d in outlet.domains if d in by_host]
        assert hosts, f"{outlet.name} declares no demo domain"
        declared[hosts[0]] = outlet
        demo = by_host[hosts[0]]
        assert outlet.name == demo.name and outlet.language == demo.language
        assert outlet.start_urls == demo.start_urls
    assert set(declared) == set(by_host)
    assert any(not o.drop and not o.boilerplate for o in plugin_outlets)


def test_plugin_article_patterns_match_articles_and_nothing_else(site, plugin_outlets):
    for outlet in plugin_outlets:
        demo = next(o for o in site.outlets.values() if outlet.owns(o.home))
        for url in site.article_urls(demo.name):
            assert outlet.is_article_url(url), url
            assert outlet.is_article_url(url + "?utm_source=rss&utm_medium=feed"), url
        for kind in LISTING_KINDS:
            for url in site.urls(kind, demo.name):
                assert not outlet.is_article_url(url), (outlet.name, kind, url)


def test_plugin_selectors_and_phrases_occur_on_article_pages(site, trees, plugin_outlets):
    for outlet in plugin_outlets:
        demo = next(o for o in site.outlets.values() if outlet.owns(o.home))
        pages = [trees[url] for url in site.article_urls(demo.name)]
        for selector in [*outlet.drop, *([outlet.body] if outlet.body else [])]:
            assert all(page.cssselect(selector) for page in pages), (outlet.name, selector)
        for phrase in outlet.boilerplate:
            assert any(phrase in page.text_content() for page in pages), (outlet.name, phrase)
