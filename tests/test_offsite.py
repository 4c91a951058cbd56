"""No request leaves the crawl's sites, however it was made; a domain to reach is a host name.

Real crawls with ``--allow-private``, so that the address guard steps aside and the
sites alone decide: the seed's site on 127.0.0.1 and another site reached as
``localhost`` (another host to the crawl), which counts every request it gets.
"""

from pathlib import Path

import pytest

from conftest import FAST, rows, run_ingest
from sites import LocalSite, Resource, article_page, story

OPEN = ["--allow-private", *FAST]


def test_a_page_asked_again_after_a_304_does_not_follow_a_redirect_off_the_sites(tmp_path):
    # A 304 for a page with nothing stored is asked again without conditions, a request
    # Scrapy's offsite filter let through (dont_filter), and its redirect with it: the other
    # site's page was fetched and stored while the errors table said it was refused.
    db = tmp_path / "news.db"
    big = article_page("Too big to keep", story(1) * 20)
    with LocalSite({}) as elsewhere, LocalSite({}) as site:
        other = elsewhere.url.replace("127.0.0.1", "localhost")
        site.resources["/news/big"] = Resource(big, headers={"ETag": '"v1"'})
        small = ["-s", "INGEST_MAX_HTML_BYTES=2000", "--no-follow"]
        run_ingest("crawl", site.url + "/news/big", "--db", str(db), *small, *OPEN)
        site.resources["/news/big"] = Resource(
            "",
            status=302,
            headers={"Location": f"{other}/story"},
            conditional=Resource("", status=304),
        )
        again = run_ingest(
            "crawl", site.url + "/news/big", "--db", str(db), *small, *OPEN, check=False
        )
    assert again.returncode == 3  # not one page fetched: the only URL led off the sites
    assert "WARNING" not in again.stderr  # Scrapy's: the 304's download meta copied
    assert site.hits.count("/news/big") == 3  # the first crawl, then with and without conditions
    assert elsewhere.hits == []
    assert rows(db, "select count(*) from pages where url like ?", f"{other}%") == [(0,)]
    ended = rows(db, "select state, reason from urls where url = ?", site.url + "/news/big")
    assert ended == [("offsite", "redirect_offsite")]


def test_a_robots_txt_read_for_its_sitemaps_goes_off_the_sites_for_it_alone(tmp_path):
    # With ROBOTSTXT_OBEY=0 the crawl reads robots.txt itself, for its sitemaps: a request
    # marked dont_filter, whose redirects passed the offsite filter wherever they led. Now
    # only the robots.txt may leave the sites, as when it is obeyed (RFC 9309).
    db = tmp_path / "news.db"
    with LocalSite({}) as elsewhere, LocalSite({}) as site:
        other = elsewhere.url.replace("127.0.0.1", "localhost")
        elsewhere.resources["/robots.txt"] = Resource(
            f"Sitemap: {site.url}/sitemap-elsewhere.xml\nSitemap: {other}/sitemap.xml\n",
            "text/plain",
        )
        site.resources["/robots.txt"] = Resource(
            "", status=301, headers={"Location": f"{other}/robots.txt"}
        )
        site.resources["/"] = Resource(article_page("Home", story(2)))
        no_robots = ["-s", "ROBOTSTXT_OBEY=0", "--no-follow"]
        run_ingest("crawl", site.url + "/", "--db", str(db), *no_robots, *OPEN)
    assert elsewhere.hits == ["/robots.txt"]  # and not the sitemap it names there
    assert "/sitemap-elsewhere.xml" in site.hits  # the one it names on the site: read
    ended = rows(db, "select state, reason from urls where url = ?", f"{other}/sitemap.xml")
    assert ended == [("offsite", "listed_offsite")]


def refused_domain(tmp_path: Path, domain: str) -> tuple[str, str]:
    """What a crawl given ``domain`` to reach says, as --allow-domain and in a seeds file;
    each a usage error before a database is made."""
    db = tmp_path / "news.db"
    option = run_ingest(
        "crawl", "http://127.0.0.1:9/", "--allow-domain", domain, "--db", str(db), check=False
    )
    seeds = tmp_path / "seeds.toml"
    seeds.write_text(f'urls = ["http://127.0.0.1:9/"]\ndomains = ["news.example", "{domain}"]\n')
    listed = run_ingest("crawl", str(seeds), "--db", str(db), check=False)
    assert (option.returncode, listed.returncode, db.exists()) == (2, 2, False)
    return option.stderr, listed.stderr


@pytest.mark.parametrize(
    "domain", ["", ".", "news.example.", "https://news.example/", "a b", "(bad", "*.example.com"]
)
def test_a_domain_to_reach_that_is_no_host_name_is_a_usage_error(tmp_path, domain):
    # An empty one (an unset shell variable) made Scrapy's offsite pattern match any host
    # written with a final dot: redirects reached "evil.example.".
    option, listed = refused_domain(tmp_path, domain)
    assert f"Invalid value for '--allow-domain': {domain!r} is not a host name" in option
    hint = "; a domain covers its subdomains: give example.com"
    assert (hint in option) == domain.startswith("*.")  # "(bad" was taken, matching nothing
    assert f"domains holds {domain!r}, not a host name (news.example)" in listed


@pytest.mark.parametrize("domain", ["com", "co.uk", "github.io", "CO.UK"])
def test_a_public_suffix_as_a_domain_to_reach_is_a_usage_error(tmp_path, domain):
    # --allow-domain com let the crawl follow links to every .com site there is
    option, listed = refused_domain(tmp_path, domain)
    said = f"{domain!r} is a public suffix: every site under it would be reached; name one"
    assert f"Invalid value for '--allow-domain': {said} (news.{domain})" in option
    assert f"domains holds {domain!r}, a public suffix: every site under it" in listed


def test_an_outlet_whose_domains_hold_a_public_suffix_is_not_crawled_nor_written(tmp_path):
    # an outlet with domains = ["co.uk"] crawled every site under it
    plugins = tmp_path / "plugins"
    done = run_ingest(
        "new-plugin", "uk_news", "--domain", "www.co.uk", "--dir", str(plugins),
        cwd=tmp_path, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and not plugins.exists()
    said = "'www.co.uk' is a public suffix: every site under it would be reached; name one"
    assert f"{said} (news.co.uk)" in done.stderr
    run_ingest(
        "new-plugin", "uk_news", "--domain", "uk-news.example", "--dir", str(plugins), cwd=tmp_path
    )
    module = plugins / "uk_news.py"
    module.write_text(module.read_text().replace('"uk-news.example"', '"co.uk"'))
    db = tmp_path / "news.db"
    done = run_ingest(
        "crawl", "uk-news", "--plugins-dir", str(plugins), "--db", str(db), cwd=tmp_path,
        check=False,
    )  # fmt: skip
    assert done.returncode == 2 and not db.exists()
    said = "the outlet 'uk-news' (uk_news) has 'co.uk' in domains, a public suffix: every site"
    assert said in done.stderr


@pytest.mark.parametrize("domain", ["news.co.uk", "user.github.io", "localhost", "127.0.0.2"])
def test_a_site_under_a_public_suffix_is_a_domain_to_reach(domain):
    from ingest.urls import public_suffix

    assert not public_suffix(domain)


def test_a_seeds_files_patterns_hold_for_feed_entries_and_redirects_as_for_links(tmp_path):
    # deny = never follow: a denied page was still fetched when a feed listed it or an
    # allowed page redirected there
    db = tmp_path / "news.db"
    with LocalSite({}) as site:
        base = site.url
        items = "".join(
            f"<item><link>{base}{path}</link></item>"
            for path in ("/news/video/2", "/other/3", "/news/feed-ok", "/news/clip.mp3")
        )
        site.resources.update(
            {
                "/": Resource(article_page("Home", story(1), links=["/news/redir", "/news/ok"])),
                "/news/redir": Resource("", status=302, headers={"Location": "/news/video/1"}),
                "/news/ok": Resource(article_page("Linked", story(2))),
                "/news/feed-ok": Resource(article_page("Listed", story(3))),
                "/feed.xml": Resource(
                    f"<rss version='2.0'><channel>{items}</channel></rss>", "application/rss+xml"
                ),
            }
        )
        # a seed and a feed that moved: the patterns never applied to them, nor to where
        # they went (a first version refused both, and the crawl fetched nothing)
        site.resources["/start"] = Resource("", status=301, headers={"Location": "/"})
        site.resources["/rss"] = Resource("", status=301, headers={"Location": "/feed.xml"})
        seeds = tmp_path / "seeds.toml"
        seeds.write_text(
            f'urls = ["{base}/start"]\nfeeds = ["{base}/rss"]\n'
            "allow = ['/news/']\ndeny = ['/news/video/']\n"
        )
        run_ingest("crawl", str(seeds), "--db", str(db), *FAST)
    for never in ("/news/video/1", "/news/video/2", "/other/3", "/news/clip.mp3"):
        assert never not in site.hits, never
    titles = {t for (t,) in rows(db, "select title from articles")}
    assert titles == {"Home", "Linked", "Listed"}
    ended = dict(
        (url.removeprefix(base), (state, reason))
        for url, state, reason in rows(db, "select url, state, reason from urls")
    )
    assert ended["/news/redir"] == ("skipped", "redirect_unwanted")
    assert ended["/start"] == ("fetched", "article") and ended["/rss"] == ("fetched", "feed")
    assert ended["/news/video/2"] == ended["/other/3"] == ("skipped", "unwanted")
    assert ended["/news/clip.mp3"] == ("skipped", "unwanted")
    assert "/news/video/1" not in ended
    [(message,)] = rows(db, "select message from errors where kind = 'redirect_unwanted'")
    assert (
        message == f"redirects to {base}/news/video/1, outside the seeds file's allow/deny patterns"
    )
