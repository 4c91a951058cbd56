"""The crawl goes only where it was pointed: guarded addresses are refused at connection time.

Real crawls: a seed site on 127.0.0.1 whose page links, redirects (301, 302) and
meta-refreshes to canary servers on another port of 127.0.0.1, on 127.0.0.2, and
through a host name that resolves to loopback. The canaries count every request,
robots.txt included. Private, link-local and metadata addresses other than
loopback are checked by the address rule alone: no test sends them traffic.
"""

import pytest

from ingest.crawl.guard import origin, refused_because

from conftest import FAST, rows, run_ingest
from sites import LocalSite, Resource, article_page, index_page, story


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "a loopback address"),
        ("127.8.9.10", "a loopback address"),
        ("::1", "a loopback address"),
        ("::ffff:127.0.0.1", "a loopback address"),
        ("10.1.2.3", "a private address"),
        ("172.16.0.1", "a private address"),
        ("172.31.255.254", "a private address"),
        ("192.168.1.1", "a private address"),
        ("fc00::1", "a private address"),
        ("fd12:3456::1", "a private address"),
        ("169.254.1.1", "a link-local address"),
        ("fe80::1", "a link-local address"),
        ("169.254.169.254", "a cloud metadata address"),
        ("fd00:ec2::254", "a cloud metadata address"),
        ("::ffff:169.254.169.254", "a cloud metadata address"),
        ("224.0.0.251", "a multicast address"),
        ("ff02::1", "a multicast address"),
        ("0.0.0.0", "an unspecified address"),
        ("::", "an unspecified address"),
        ("100.64.0.1", "a reserved address"),
        ("240.0.0.1", "a private address"),  # reserved for future use: private to Python
        ("93.184.215.14", None),
        ("172.32.0.1", None),
        ("2606:4700::1111", None),
    ],
)
def test_which_addresses_are_refused(address, reason):
    assert refused_because(address) == reason


def test_an_origin_is_scheme_host_and_port():
    assert origin("http://127.0.0.1/x") == ("http", "127.0.0.1", 80)
    assert origin("HTTPS://Example.org/x") == ("https", "example.org", 443)
    assert origin("http://127.0.0.1:8080/x") == ("http", "127.0.0.1", 8080)
    assert origin("http://[::1]:81/") == ("http", "::1", 81)


def canary_pages() -> dict:
    page = article_page("Should not be fetched", story(2))
    return {p: page for p in ("/linked", "/r301", "/r302", "/refreshed", "/named", "/other")}


def seed_site(canary: str, other: str) -> dict:
    port = canary.rsplit(":", 1)[1]
    refresh = f'<html><head><meta http-equiv="refresh" content="0; url={canary}/refreshed">'
    return {
        "/": index_page(
            [f"{canary}/linked", "/go301", "/go302", "/refresh", f"http://localhost:{port}/named",
             f"{other}/other", "/news/2024/03/kept"]
        ),
        "/go301": Resource("", status=301, headers={"Location": f"{canary}/r301"}),
        "/go302": Resource("", status=302, headers={"Location": f"{canary}/r302"}),
        "/refresh": refresh + "</head><body>moved</body></html>",
        "/news/2024/03/kept": article_page("Kept on the seed's own site", story(3)),
    }  # fmt: skip


def crawl(tmp_path, seed: str, *extra: str):
    db = tmp_path / "news.db"
    run_ingest(
        "crawl", seed + "/", "--db", str(db), "--allow-domain", "localhost",
        "--allow-domain", "127.0.0.2", *extra, *FAST, cwd=tmp_path,
    )  # fmt: skip
    return db


def test_links_redirects_and_names_to_loopback_elsewhere_are_refused_and_recorded(tmp_path):
    with (
        LocalSite(canary_pages()) as canary,
        LocalSite(canary_pages(), host="127.0.0.2") as other,
        LocalSite(seed_site(canary.url, other.url)) as seed,
    ):
        db = crawl(tmp_path, seed.url)
        assert canary.hits == [] and other.hits == []
    port = canary.url.rsplit(":", 1)[1]
    refused = {
        f"{canary.url}/linked",
        f"{canary.url}/r301",
        f"{canary.url}/r302",
        f"{canary.url}/refreshed",
        f"http://localhost:{port}/named",
        f"{other.url}/other",
    }
    errors = rows(db, "select url, stage, kind from errors where kind = 'blocked_address'")
    assert sorted(errors) == sorted((url, "fetch", "blocked_address") for url in refused)
    states = rows(db, "select url, state, reason from urls where reason = 'blocked_address'")
    # the seed's own URLs that led there end the same way (one errors row: the refused one)
    led = {f"{seed.url}/go301", f"{seed.url}/go302", f"{seed.url}/refresh"}
    assert sorted(states) == sorted((url, "refused", "blocked_address") for url in refused | led)
    message = rows(db, "select message from errors where url = ?", f"{canary.url}/linked")
    assert message == [
        (
            "127.0.0.1 is 127.0.0.1, a loopback address: only a seed's own site may be there "
            "(--allow-private reaches such addresses)",
        )
    ]
    named = rows(db, "select message from errors where url = ?", f"http://localhost:{port}/named")
    assert named[0][0].startswith("localhost is 127.0.0.1, a loopback address")
    assert rows(db, "select title from articles") == [("Kept on the seed's own site",)]


def test_allow_private_reaches_them(tmp_path):
    with (
        LocalSite(canary_pages()) as canary,
        LocalSite(canary_pages(), host="127.0.0.2") as other,
        LocalSite(seed_site(canary.url, other.url)) as seed,
    ):
        db = crawl(tmp_path, seed.url, "--allow-private")
        # each page links home ("/"): reached as 127.0.0.1:PORT/ and as localhost:PORT/
        assert sorted(h for h in canary.hits if h != "/robots.txt") == [
            "/", "/", "/linked", "/named", "/r301", "/r302", "/refreshed",
        ]  # fmt: skip
        assert sorted(h for h in other.hits if h != "/robots.txt") == ["/", "/other"]
    assert rows(db, "select count(*) from errors where kind = 'blocked_address'") == [(0,)]


def test_a_seed_on_a_guarded_address_is_reached_with_its_own_site(tmp_path):
    """The seeds' origins are the user's choice: 127.0.0.2 is crawled when it is the seed."""
    pages = {
        "/": index_page(["/news/2024/03/a", "/news/2024/03/b"]),
        "/news/2024/03/a": article_page("A", story(1)),
        "/news/2024/03/b": article_page("B", story(2)),
    }
    with LocalSite(pages, host="127.0.0.2") as site:
        db = tmp_path / "news.db"
        run_ingest("crawl", site.url + "/", "--db", str(db), *FAST, cwd=tmp_path)
    assert sorted(rows(db, "select title from articles")) == [("A",), ("B",)]
    assert rows(db, "select count(*) from errors") == [(0,)]


def test_the_resolver_that_answers_ipv6_too_is_checked_the_same(tmp_path):
    """With Scrapy's CachingHostnameResolver connections may use any family it answers."""
    with LocalSite(canary_pages()) as canary, LocalSite(seed_site(canary.url, canary.url)) as seed:
        db = crawl(
            tmp_path, seed.url, "-s", "TWISTED_DNS_RESOLVER=scrapy.resolver.CachingHostnameResolver"
        )
        assert canary.hits == []
    port = canary.url.rsplit(":", 1)[1]
    named = rows(db, "select kind from errors where url = ?", f"http://localhost:{port}/named")
    assert named == [("blocked_address",)]
    assert rows(db, "select count(*) from errors where kind = 'blocked_address'") == [(6,)]
