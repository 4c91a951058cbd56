"""Real crawls with Scrapy against sites served on 127.0.0.1: no mocks."""

import codecs
import itertools
import json
import re
import sqlite3
import subprocess
import sys
import time

import pytest

from ingest.crawl.seeds import parse_seeds
from ingest.crawl.settings import DOWNLOADER_MIDDLEWARES
from ingest.plugins.manager import PluginConfig, load_plugins

from conftest import FAST, ROOT, copy_database, kill_crawl_once_stored, rows, run_ingest
from sites import LocalSite, Resource, article_page, index_page, story


def news_site(n: int = 12) -> dict:
    links = [f"/news/{i}" for i in range(n)]
    pages = {
        link: article_page(f"Headline number {i}", story(i), links[:3])
        for i, link in enumerate(links)
    }
    pages["/"] = index_page(links + ["/private/secret", "/gone"])
    pages["/private/secret"] = article_page("Secret", story(99))
    pages["/robots.txt"] = Resource("User-agent: *\nDisallow: /private/\n", "text/plain")
    return pages


def test_crawl_stores_pages_and_clean_articles_and_recrawl_does_not_duplicate(tmp_path):
    db = tmp_path / "news.db"
    with LocalSite(news_site()) as site:
        run_ingest("crawl", site.url + "/", "--db", str(db), *FAST)
        first = rows(db, "select id, title, text, content_hash from articles order by id")
        run_ingest("crawl", site.url + "/", "--db", str(db), *FAST)
    assert len(first) == 12
    assert rows(db, "select id, title, text, content_hash from articles order by id") == first
    title, text = rows(db, "select title, text from articles where title = 'Headline number 3'")[0]
    assert text.split("\n") == story(3)  # no byline, newsletter, copyright or menu
    assert rows(db, "select count(*) from crawls where finished_at is not null") == [(2,)]
    assert rows(db, "select count(*) from pages where url like '%/private/%'") == [(0,)]
    assert rows(db, "select distinct kind from errors where url like '%/private/%'") == [
        ("robots_disallowed",)
    ]
    assert ("fetch", "http_404") in rows(
        db, "select stage, kind from errors where url like '%/gone'"
    )
    # the raw page is kept, compressed, for re-extraction
    assert rows(db, "select count(*) from pages where kind = 'html' and body is not null") == [
        (13,)
    ]


def test_feeds_and_sitemaps_are_followed(tmp_path):
    pages = news_site(6)
    items = "".join(
        f"<item><title>t</title><link>{{base}}/news/{i}</link></item>" for i in range(3)
    )
    entries = "".join(f"<url><loc>{{base}}/news/{i}</loc></url>" for i in range(3, 6))
    db = tmp_path / "feeds.db"
    with LocalSite(pages) as site:
        site.resources["/rss.xml"] = Resource(
            f"<?xml version='1.0'?><rss version='2.0'><channel>{items}</channel></rss>".replace(
                "{base}", site.url
            ),
            "application/rss+xml",
        )
        site.resources["/sitemap.xml"] = Resource(
            "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            f"{entries}</urlset>".replace("{base}", site.url),
            "application/xml",
        )
        run_ingest(
            "crawl",
            f"{site.url}/rss.xml",
            f"{site.url}/sitemap.xml",
            "--no-follow",
            "--db",
            str(db),
            *FAST,
        )
    assert rows(db, "select count(*) from articles") == [(6,)]
    kinds = dict(rows(db, "select kind, count(*) from pages group by kind"))
    assert kinds == {"feed": 1, "sitemap": 1, "html": 6}
    found = rows(db, "select found_via from pages where url like '%/news/0'")[0][0]
    assert found.startswith("feed ")


def test_raising_plugin_is_recorded_and_the_crawl_goes_on(tmp_path, write_plugin):
    folder = write_plugin(
        "explodes",
        (
            "from ingest import hookimpl\n"
            "@hookimpl\n"
            "def normalize_article(article):\n"
            "    if article.title.endswith('7'):\n"
            "        raise ValueError('cannot normalize ' + article.title)\n"
        ),
    )
    db = tmp_path / "plugin.db"
    with LocalSite(news_site()) as site:
        run_ingest("crawl", site.url + "/", "--db", str(db), "--plugins-dir", str(folder), *FAST)
    assert rows(db, "select count(*) from articles") == [(12,)]
    [(url, stage, plugin, kind, message)] = rows(
        db, "select url, stage, plugin, kind, message from errors where stage = 'normalize'"
    )
    assert url.endswith("/news/7") and plugin == "explodes" and kind == "ValueError"
    assert message == "cannot normalize Headline number 7"


def test_an_outlets_url_test_that_raises_costs_only_its_link(tmp_path, write_plugin):
    """Raised into the page's callback, it cost every link the page listed after it: the
    crawl ended after its first page, exit 4, the rest never recorded."""
    folder = write_plugin(
        "picky",
        "from ingest import Outlet, hookimpl\n"
        "class Picky(Outlet):\n"
        "    def is_article_url(self, url):\n"
        "        if url.endswith('/news/3'):\n"
        "            raise ValueError('cannot judge ' + url)\n"
        "        return super().is_article_url(url)\n"
        "@hookimpl\n"
        "def register_outlets(register):\n"
        "    register(Picky(name='picky', domains=['127.0.0.1'], articles=r'/news/\\d+$'))\n",
    )
    db = tmp_path / "picky.db"
    with LocalSite(news_site()) as site:
        result = run_ingest("crawl", site.url + "/", "--db", str(db), "--plugins-dir",
                            str(folder), *FAST, check=False)  # fmt: skip
    assert rows(db, "select count(*) from articles") == [(12,)]  # /news/3 too, by its text
    assert rows(db, "select count(*) from urls where state = 'queued'") == [(0,)]
    said = f"cannot judge {site.url}/news/3"
    assert rows(db, "select url, stage, kind, plugin, message from errors where plugin = 'picky'"
                " order by stage") == [
        (f"{site.url}/news/3", "classify", "ValueError", "picky", said),  # its page's verdict
        (f"{site.url}/news/3", "crawl", "ValueError", "picky", said),  # as a link, planned
    ]  # fmt: skip
    assert result.returncode == 0  # nothing lost: the generic path decided


def test_a_plugins_odd_value_is_undone_and_recorded_as_its_error(tmp_path, write_plugin):
    """A set where a date goes, a lone surrogate in the title: the change is undone, the
    article stored as the other plugins left it, and the plugin named in the errors row."""
    folder = write_plugin(
        "sloppy",
        (
            "from ingest import hookimpl\n"
            "@hookimpl\n"
            "def normalize_article(article):\n"
            "    if article.title.endswith('5'):\n"
            "        article.published = {article.published}\n"
            "    if article.title.endswith('6'):\n"
            "        article.title += '\\ud800'\n"
            "    if article.title.endswith('7'):\n"
            "        article.text += '\\x00'\n"
        ),
    )
    db = tmp_path / "sloppy.db"
    with LocalSite(news_site()) as site:
        run_ingest(
            "crawl", site.url + "/", "--db", str(db), "--plugins-dir", str(folder), *FAST,
        )  # fmt: skip
    assert rows(db, "select count(*) from articles") == [(12,)]
    assert rows(db, "select title from articles where url like '%/news/6'") == [
        ("Headline number 6",)
    ]
    found = rows(
        db,
        "select url, stage, plugin, kind, message from errors where plugin = 'sloppy' order by url",
    )
    assert [(u.rsplit("/", 1)[1], s, p, k) for u, s, p, k, _ in found] == [
        ("5", "normalize", "sloppy", "bad_value"),
        ("6", "normalize", "sloppy", "bad_value"),
        ("7", "normalize", "sloppy", "bad_value"),
    ]
    # a NUL: SQLite keeps it, and most readers of the text (FTS, C tools) stop there
    assert rows(db, "select instr(text, char(0)) from articles where url like '%/news/7'") == [(0,)]
    assert found[0][4].startswith("normalize_article set published to set {")
    assert found[0][4].endswith(", not an ISO 8601 date or None: change undone")
    assert found[1][4] == (
        "normalize_article set title to str 'Headline number 6\\ud800', "
        "not str (of UTF-8 text, no NUL): change undone"
    )


def test_hanging_server_and_hanging_plugin_time_out_and_are_recorded(tmp_path, write_plugin):
    folder = write_plugin(
        "sleepy",
        (
            "import time\n"
            "from ingest import hookimpl\n"
            "@hookimpl\n"
            "def clean_article(article):\n"
            "    if article.title.endswith('2'):\n"
            "        time.sleep(60)\n"
        ),
    )
    pages = news_site(4)
    pages["/slow"] = Resource(article_page("Slow", story(5)), delay=10)
    pages["/"] = index_page([f"/news/{i}" for i in range(4)] + ["/slow"])
    # linked from the page whose plugin hangs alone: its links had gone with its extraction
    pages["/news/2"] = article_page("Headline number 2", story(2), ["/news/orphan"])
    pages["/news/orphan"] = article_page("Found all the same", story(7))
    db = tmp_path / "hang.db"
    started = time.monotonic()
    with LocalSite(pages) as site:
        run_ingest(
            "crawl",
            site.url + "/",
            "--db",
            str(db),
            "--plugins-dir",
            str(folder),
            "-s",
            "DOWNLOAD_TIMEOUT=2",
            "-s",
            "RETRY_TIMES=0",
            "-s",
            "INGEST_EXTRACT_TIMEOUT=5",  # the alarm at 4 s: a second before the kill
            *FAST,
        )
    assert time.monotonic() - started < 45
    errors = dict(rows(db, "select kind, url from errors"))
    assert errors["timeout"].endswith("/news/2")
    assert any(k.endswith("TimeoutError") for k in errors), errors
    # stopped in its worker just before the pool's timeout, the row names the hook
    assert rows(db, "select plugin, message from errors where kind = 'timeout'") == [
        ("sleepy", "extraction took over 4 s, in clean_article of sleepy")
    ]
    # the page whose plugin hung is stored for a re-run; the other articles are in
    assert rows(db, "select count(*) from pages where url like '%/news/2'") == [(1,)]
    assert rows(db, "select count(*) from articles") == [(4,)]
    assert rows(db, "select title from articles where url like '%/orphan'") == [
        ("Found all the same",)
    ]


def test_pages_that_break_trafilatura_are_recorded(tmp_path):
    deep = "<div>" * 400 + "<p>" + " word" * 300 + "</p>" + "</div>" * 400
    pages = news_site(2)
    pages["/news/deep"] = (
        f'<html><head><meta property="og:type" content="article"></head><body>{deep}</body></html>'
    )
    pages["/"] = index_page(["/news/0", "/news/1", "/news/deep"])
    db = tmp_path / "deep.db"
    with LocalSite(pages) as site:
        run_ingest("crawl", site.url + "/", "--db", str(db), *FAST)
    assert rows(db, "select stage, kind from errors where url like '%/deep'") == [
        ("extract", "too_deep")
    ]
    assert rows(db, "select count(*) from articles") == [(2,)]


def test_scrapy_crawl_works_through_scrapy_cfg(tmp_path):
    db = tmp_path / "scrapy.db"
    with LocalSite(news_site(3)) as site:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "scrapy",
                "crawl",
                "news",
                "-a",
                f"seeds={site.url}/",
                "-s",
                f"INGEST_DB={db}",
                "-s",
                "LOG_LEVEL=WARNING",
                *FAST,
            ],
            cwd=ROOT,
            check=True,
            timeout=120,
            capture_output=True,
        )
    assert rows(db, "select count(*) from articles") == [(3,)]


def test_killed_crawl_keeps_what_it_stored_and_a_rerun_completes(tmp_path):
    pages = news_site(30)
    for i in range(30):
        pages[f"/news/{i}"] = Resource(pages[f"/news/{i}"], delay=0.3)
    db = tmp_path / "killed.db"
    state = tmp_path / "state"  # where Scrapy's remote control would leave its job file
    with LocalSite(pages) as site:
        kill_crawl_once_stored(site.url + "/", db, articles=3, env={"XDG_STATE_HOME": str(state)})
        kept = rows(db, "select count(*) from articles")[0][0]
        assert 3 <= kept < 30
        assert rows(db, "pragma integrity_check") == [("ok",)]
        assert not state.exists(), "the killed crawl left a file in the user's state folder"
        merged = tmp_path / "merged.db"  # a killed worker's shard: its run said running forever
        first = run_ingest("merge", str(db), "--into", str(merged))
        # rows read, and new: crawls, pages, articles, urls, errors; merged again, none new
        new = [int(n) for n in re.findall(r"\(([\d,]+)\s+new\)", first.stderr)]
        assert new[:3] == [1, rows(db, "select count(*) from pages")[0][0], kept]
        again = run_ingest("merge", str(db), "--into", str(merged))
        assert re.findall(r"\(([\d,]+)\s+new\)", again.stderr) == ["0"] * 5
        marked = copy_database(db, tmp_path, "a[red]b.db")  # a path is shown, not drawn
        shown = run_ingest("merge", str(marked), "--into", str(tmp_path / "c[bold]d.db"))
        assert "a[red]b.db" in shown.stderr and "c[bold]d.db" in shown.stderr
        assert rows(merged, "select status, stop_reason from crawls") == [
            ("interrupted", "killed: its process ended without closing the run")
        ]
        # a worker on another machine can't be asked: running, in the merge and in a merge
        # of the merge (whose rows name no process: they were all taken for killed)
        elsewhere = copy_database(db, tmp_path, "elsewhere.db")  # its write-ahead log too
        with sqlite3.connect(elsewhere) as conn:
            conn.execute("update crawls set host = 'another-machine'")
        for source, target in ((elsewhere, "once.db"), (tmp_path / "once.db", "twice.db")):
            run_ingest("merge", str(source), "--into", str(tmp_path / target))
            assert rows(tmp_path / target, "select status from crawls") == [("running",)]
        for i in range(30):
            pages[f"/news/{i}"].delay = 0
        run_ingest("crawl", site.url + "/", "--db", str(db), *FAST)
    assert rows(db, "select count(*) from articles") == [(30,)]


def test_health_per_outlet_counts_refusals_and_the_summary_shows_it(tmp_path):
    pages = news_site(3)
    extra = ["/forbidden", "/busy", "/check"]
    pages["/"] = index_page([f"/news/{i}" for i in range(3)] + ["/private/secret", "/gone", *extra])
    pages["/forbidden"] = Resource("<html><body>Forbidden</body></html>", status=403)
    pages["/busy"] = Resource("<html><body>Too many requests</body></html>", status=429)
    pages["/check"] = Resource(
        "<html><head><title>Just a moment...</title></head>"
        "<body><p>Please verify you are human to continue.</p></body></html>"
    )
    db = tmp_path / "health.db"
    with LocalSite(pages) as site:
        out = run_ingest("crawl", site.url + "/", "--db", str(db), "-s", "RETRY_TIMES=0", *FAST)
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        [health] = conn.execute("select * from crawl_health").fetchall()
    assert health["outlet"] == site.url.split("//")[1]
    assert (health["pages"], health["new"], health["blocked"]) == (4, 3, 3)
    assert (health["robots_disallowed"], health["errors"]) == (1, 5)
    assert json.loads(health["error_kinds"]) == {
        "http_403": 1,
        "http_429": 1,
        "captcha": 1,
        "robots_disallowed": 1,
        "http_404": 1,
    }
    states = dict(rows(db, "select url, state from urls where url not like '%/news/%'"))
    assert {u.rsplit("/", 1)[1]: s for u, s in states.items()} == {
        "": "fetched",
        "secret": "robots",
        "gone": "failed",
        "forbidden": "blocked",
        "busy": "blocked",
        "check": "blocked",
    }
    assert rows(db, "select count(*) from pages where url like '%/check'") == [(0,)]
    assert "Health per outlet" in out.stdout and "blocked" in out.stdout


def test_a_bad_seed_is_a_clear_error_before_anything_starts(tmp_path):
    db = tmp_path / "none.db"
    result = run_ingest("crawl", "no-such-outlet", "--db", str(db), check=False)
    assert result.returncode == 2
    assert "is not a URL, a seeds file or an outlet" in result.stderr
    assert "Traceback" not in result.stderr and not db.exists()
    for seed in ("http://[::1", "http://127.0.0.1:99999/", "http://"):
        result = run_ingest("crawl", seed, "--db", str(db), check=False)
        assert result.returncode == 2 and not db.exists()
        assert result.stderr.splitlines()[-1] == (
            f"Error: Invalid value for SEED: {seed!r} is not a URL a crawl can fetch: "
            "no host, or a bad port"
        )


@pytest.mark.parametrize(
    ("seed", "says"),
    [
        ("http://user:pw@127.0.0.1:9/", "is not a URL a crawl can fetch: it holds a user name or "
         "password (user:pw@), which a crawl does not send"),
        ("http://a b.example/", "is not a URL a crawl can fetch: its host 'a b.example' is no "
         "host name"),
        ("http://[::1]:9/", "can't be fetched: an IPv6 address, which the default resolver "
         "can't reach; -s TWISTED_DNS_RESOLVER=scrapy.resolver.CachingHostnameResolver can"),
        ("http://127.0.0.1:9/" + "a" * 2065, "can't be fetched: 2,084 characters, past "
         "URLLENGTH_LIMIT (2,083; -s sets it)"),
    ],
    ids=["credentials", "space-in-host", "ipv6", "too-long"],
)  # fmt: skip
def test_a_seed_fetching_would_refuse_is_a_usage_error_not_a_failed_or_skipped_crawl(
    tmp_path, seed, says
):
    """Each had started a crawl: a too long one ended skipped with exit 0 and no errors row;
    the others failed at fetch, exit 3, as if the site were down."""
    db = tmp_path / "x.db"
    result = run_ingest("crawl", seed, "--db", str(db), check=False)
    assert result.returncode == 2 and not db.exists()
    shown = seed if len(seed) <= 100 else f"{seed[:100]}..."
    assert result.stderr.splitlines()[-1] == f"Error: Invalid value for SEED: {shown!r} {says}"
    seeds = tmp_path / "seeds.toml"
    seeds.write_text(f'urls = ["{seed}"]\n')
    result = run_ingest("crawl", str(seeds), "--db", str(db), check=False)
    assert result.returncode == 2 and not db.exists()
    assert seed[:40] in result.stderr.splitlines()[-1]


def test_stories_whose_template_names_one_canonical_address_stay_apart(tmp_path):
    """Each story's canonical link named the section: the four were one article, three
    of them only in article_versions, found by no search, with no error said."""
    canonical = '<link rel="canonical" href="/politics/">'
    texts = [  # four stories with few words in common, as a site's stories have
        ["The zebra at the city zoo gave birth to a healthy foal on Sunday morning.",
         "Keepers said mother and foal were resting quietly in their enclosure.",
         "Visitors will be able to see the pair from the viewing deck next week."],
        ["Quokka sightings on the island doubled this summer, rangers reported.",
         "Tourists were reminded not to feed or touch the small marsupials.",
         "A new survey of the population begins in November with volunteer help."],
        ["A narwhal was filmed off the northern coast for the first time in decades.",
         "Marine biologists believe warming waters pushed it further south than usual.",
         "Fishing crews have been asked to report any further encounters at once."],
        ["Axolotl breeders gathered in the old market hall for their yearly fair.",
         "Prizes went to the palest animals and to the most patient young keepers.",
         "Organisers hope to double the number of stalls before the next spring."],
    ]  # fmt: skip
    stories = {
        f"/2024/03/01/story-{n}": article_page(f"Headline number {n}", text).replace(
            "</head>", f"{canonical}</head>"
        )
        for n, text in enumerate(texts)
    }
    db = tmp_path / "news.db"
    with LocalSite({"/": index_page(list(stories)), **stories}) as site:
        run_ingest("crawl", site.url + "/", "--db", str(db), *FAST)
    titles = rows(db, "select title from articles order by title")
    assert titles == [(f"Headline number {n}",) for n in range(4)]
    assert rows(db, "select count(*) from article_versions") == [(0,)]
    shared = rows(db, "select url, message from errors where kind = 'canonical_shared'")
    assert len(shared) == 3 and all(m.startswith(f"its canonical link names {site.url}/politics/")
                                     for _, m in shared)  # fmt: skip
    run_ingest("reextract", "--db", str(db))  # read again, they stay apart
    assert rows(db, "select title from articles order by title") == titles
    assert rows(db, "select count(*) from article_versions") == [(0,)]
    for n, word in enumerate(["zebra", "quokka", "narwhal", "axolotl"]):
        found = run_ingest("search", word, "--db", str(db), "--json")
        assert [a["title"] for a in json.loads(found.stdout)] == [f"Headline number {n}"]


def test_a_calendar_without_end_is_bounded_by_default_and_the_summary_says_so(tmp_path):
    """Each month's page links to the next, for ever: with no bound given, the crawl
    followed it without end (12,000 pages in 30 s on a probe's server)."""
    months = {f"/cal/{n}": index_page([f"/cal/{n + 1}"]) for n in range(40)}
    db = tmp_path / "news.db"
    with LocalSite({"/": index_page(["/cal/0"]), **months}) as site:
        done = run_ingest("crawl", site.url + "/", "--db", str(db), *FAST)
        calendar = [h for h in site.hits if h.startswith("/cal/")]
        assert calendar == [f"/cal/{n}" for n in range(25)]  # 25 hops from the home page
        assert "Bounds met: 1 pages at --max-depth, their links not followed" in done.stdout
        budget = run_ingest("crawl", site.url + "/", "--db", str(tmp_path / "b.db"),
                            "--max-depth", "0", "--max-pages", "30", *FAST)  # fmt: skip
    assert "Bounds met: 1 URLs left queued past --max-pages, for the next crawl" in budget.stdout


def test_a_reader_that_stops_reading_the_summary_leaves_the_crawls_exit_status(tmp_path):
    """`ingest crawl ... | head -1` exited 1 with nothing said, though the crawl finished."""
    db = tmp_path / "news.db"
    with LocalSite(news_site(3)) as site:
        crawl = subprocess.Popen(
            [sys.executable, "-m", "ingest", "crawl", site.url + "/", "--db", str(db), *FAST],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        crawl.stdout.close()  # gone before the summary is written
        _, errors = crawl.communicate(timeout=120)
    assert crawl.returncode == 0 and b"Traceback" not in errors
    assert rows(db, "select count(*) from articles") == [(3,)]


def test_a_seed_with_a_capital_scheme_is_crawled_as_its_lower_case_url(tmp_path):
    """HTTP:// (as some bars and documents write it) was refused as no URL at all."""
    db = tmp_path / "news.db"
    with LocalSite({"/": article_page("Capital", story(1))}) as site:
        seed = site.url.replace("http://", "HTTP://") + "/"
        run_ingest("crawl", seed, "--db", str(db), *FAST)
    assert rows(db, "select url, title from articles") == [(site.url + "/", "Capital")]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('urls = ["http://a.example/"]\nfeed = ["http://a.example/rss"]\n', "unknown key 'feed'"),
        ('urls = "http://a.example/"\n', 'urls must be a list of strings, as urls = ["..."]'),
        (
            'sitemaps = ["a.example/sitemap.xml"]\n',
            "sitemaps holds 'a.example/sitemap.xml', not an",
        ),
        ('urls = ["http://a.example/"]\nallow = ["/news/("]\n', "allow holds '/news/(': missing )"),
    ],
    ids=["typo", "not-a-list", "not-a-url", "bad-pattern"],
)
def test_a_seeds_file_that_says_something_else_is_refused_not_half_read(tmp_path, text, says):
    seeds = tmp_path / "seeds.toml"
    seeds.write_text(text)
    result = run_ingest("crawl", str(seeds), "--db", str(tmp_path / "x.db"), check=False)
    assert result.returncode == 2
    assert f"Error: Invalid value for SEED: {seeds}: {says}" in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_seeds_that_name_no_url_are_a_usage_error_not_a_finished_crawl(tmp_path):
    """A seeds file of allow patterns alone, or an empty one: the crawl logged an error,
    fetched nothing, ended finished and exited 0."""
    (tmp_path / "only-allow.toml").write_text('allow = ["/news/"]\n')
    (tmp_path / "empty.txt").write_text("")
    db = tmp_path / "x.db"
    for name in ("only-allow.toml", "empty.txt"):
        done = run_ingest("crawl", name, "--db", str(db), cwd=tmp_path, check=False)
        assert (done.returncode, done.stderr.splitlines()[-1]) == (
            2,
            f"Error: Invalid value for SEED: {name} names no URL to start from (a seeds file "
            "lists them in urls)",
        )
        assert not db.exists()


@pytest.mark.parametrize(
    ("given", "says"),
    [
        (
            ["-s", "CONCURRENT_REQUESTS=abc"],
            "-s: CONCURRENT_REQUESTS takes a whole number, got 'abc'",
        ),
        (["-s", "INGEST_BATCH_SIZE=2.5"], "-s: INGEST_BATCH_SIZE takes a whole number, got '2.5'"),
        (["-s", "INGEST_WORKERS=two"], "-s: INGEST_WORKERS takes a whole number, got 'two'"),
        (["-s", "INGEST_WORKERS=-1"], "-s: INGEST_WORKERS takes a number from 0, got '-1'"),
        (
            ["-s", "INGEST_DB_MAX_BYTES=1e9"],
            "-s: INGEST_DB_MAX_BYTES takes a whole number, got '1e9'",
        ),
        (["-s", "DOWNLOAD_DELAY=soon"], "-s: DOWNLOAD_DELAY takes a number, got 'soon'"),
        (["-s", "ROBOTSTXT_OBEY=maybe"], "-s: ROBOTSTXT_OBEY takes true or false, got 'maybe'"),
        (["-s", "ITEM_PIPELINES=[1"], "-s: ITEM_PIPELINES takes a JSON object, got '[1'"),
        (
            ["-s", 'ITEM_PIPELINES={"ingest.crawl.pipelines.IngestPipeline": null}'],
            "-s: ITEM_PIPELINES cannot switch off ingest.crawl.pipelines.IngestPipeline: it "
            "writes what the crawl finds to the database",
        ),
        (  # the way to reach private addresses is named, not taken
            ["-s", 'DOWNLOADER_MIDDLEWARES={"ingest.crawl.guard.AddressGuard": null}'],
            "-s: DOWNLOADER_MIDDLEWARES cannot switch off ingest.crawl.guard.AddressGuard: it "
            "keeps the crawl off private and local addresses (--allow-private lets it reach "
            "them)",
        ),
        (["--max-pages", "-3"], "'--max-pages': -3 is not in the range x>=0."),
        (["--max-depth", "-1"], "'--max-depth': -1 is not in the range x>=0."),
        (["--workers", "-1"], "'--workers': -1 is not in the range 0<=x<=256."),
        (["--workers", "1000000"], "'--workers': 1000000 is not in the range 0<=x<=256."),
        (["-s", "DOWNLOAD_TIMEOUT=-1"], "-s: DOWNLOAD_TIMEOUT takes a number from 0, got '-1'"),
        (
            ["-s", "INGEST_MAX_HTML_BYTES=-1"],
            "-s: INGEST_MAX_HTML_BYTES takes a number from 0, got '-1'",
        ),
        (
            ["--warc", "/proc/nope"],
            "--warc: can't write WARC files into /proc/nope: No such file or directory",
        ),
        (
            ["-s", "CONCURRENT_REQUESTS_PER_DOMAIN=0"],  # had hung, deaf to one SIGTERM
            "-s: CONCURRENT_REQUESTS_PER_DOMAIN takes a number above 0 (0 would download "
            "nothing), got '0'",
        ),
        (
            ["-s", "CONCURRENT_REQUESTS=0"],
            "-s: CONCURRENT_REQUESTS takes a number above 0 (0 would download nothing), got '0'",
        ),
        # nan passed every bound, and every fetch then failed an assertion in Scrapy
        (["-s", "DOWNLOAD_TIMEOUT=nan"], "-s: DOWNLOAD_TIMEOUT takes a finite number, got 'nan'"),
        (["-s", "DOWNLOAD_DELAY=inf"], "-s: DOWNLOAD_DELAY takes a finite number, got 'inf'"),
        (  # 100,000 extraction processes ran the machine out of memory
            ["-s", "INGEST_WORKERS=100000"],
            "-s: INGEST_WORKERS takes a number from 0 to 256, got '100000'",
        ),
        (["--since", "99999999d"], "--since: '99999999d' reaches back past the calendar"),
        (  # each of these ended in a traceback as the crawl started
            ["-s", "LOG_LEVEL=BOGUS"],
            "-s: LOG_LEVEL takes one of CRITICAL, FATAL, ERROR, WARN, WARNING, INFO, DEBUG, "
            "NOTSET, got 'BOGUS'",
        ),
        (
            ["-s", "SCHEDULER=nope.Nope"],
            "-s: SCHEDULER takes an import path (module.Name), got 'nope.Nope' (No module "
            "named 'nope')",
        ),
        (  # a number: logging takes names, and the crawl ended in a traceback
            ["-s", "LOG_LEVEL=10"],
            "-s: LOG_LEVEL takes one of CRITICAL, FATAL, ERROR, WARN, WARNING, INFO, DEBUG, "
            "NOTSET, got '10'",
        ),
        (
            ["-s", "DUPEFILTER_CLASS=scrapy.dupefilters.Nope"],
            "-s: DUPEFILTER_CLASS takes an import path (module.Name), got "
            "'scrapy.dupefilters.Nope' (Module 'scrapy.dupefilters' doesn't define any object "
            "named 'Nope')",
        ),
        (  # as JSON: the retry middleware's traceback
            ["-s", "RETRY_HTTP_CODES=[500]"],
            "-s: RETRY_HTTP_CODES takes whole numbers separated by commas (500,503), got '[500]'",
        ),
        (
            ["-s", 'EXTENSIONS={"nope.Ext": 1}'],
            "-s: EXTENSIONS: 'nope.Ext' names nothing to import (No module named 'nope')",
        ),
        (
            ["-s", 'SPIDER_MIDDLEWARES={"scrapy.spidermiddlewares.depth.DepthMiddleware": "y"}'],
            "-s: SPIDER_MIDDLEWARES: the order of scrapy.spidermiddlewares.depth.DepthMiddleware "
            "is a number or null, got 'y'",
        ),
        (
            ["-s", "INGEST_REDIS_URL=notaurl"],
            "-s: INGEST_REDIS_URL takes a Redis address (redis://HOST:PORT/DB), got 'notaurl'",
        ),
        (["-s", "DNS_TIMEOUT=-1"], "-s: DNS_TIMEOUT takes a number from 0, got '-1'"),
        (  # every lookup failed
            ["-s", "DNS_TIMEOUT=0"],
            "-s: DNS_TIMEOUT takes a number above 0 (0 would download nothing), got '0'",
        ),
        (  # a traceback, an empty file, and exit 0
            ["-s", 'FEEDS={"out.json": {"format": "json"}}'],
            "-s: FEEDS is not used by ingest: pages and articles go to the SQLite database; "
            "ingest export writes files from it",
        ),
    ],
    ids=[
        "number",
        "whole-number",
        "workers-setting",
        "workers-setting-negative",
        "whole-bytes",
        "seconds",
        "flag",
        "mapping",
        "pipeline-off",
        "guard-off",
        "max-pages",
        "max-depth",
        "workers",
        "workers-huge",
        "negative-scrapy",
        "negative-ingest",
        "warc-folder",
        "per-domain-zero",
        "concurrent-zero",
        "nan",
        "inf",
        "workers-setting-huge",
        "since-past-the-calendar",
        "log-level",
        "log-level-number",
        "import-path-module",
        "import-path-name",
        "list-of-numbers",
        "components-path",
        "components-order",
        "redis-url",
        "dns-timeout",
        "dns-timeout-zero",
        "feeds",
    ],  # fmt: skip
)
def test_a_setting_of_the_wrong_type_is_a_usage_error_before_anything_starts(tmp_path, given, says):
    """INGEST_BATCH_SIZE=2.5 had crashed mid-crawl, and INGEST_DB_MAX_BYTES=1e9 at start."""
    db = tmp_path / "x.db"
    result = run_ingest("crawl", "http://127.0.0.1:9/", "--db", str(db), *given, check=False)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == f"Error: Invalid value for {says}"
    assert not db.exists()


def test_a_class_of_the_users_own_is_looked_for_not_imported_before_the_crawl(tmp_path):
    """Imported to check it, a module that imports Twisted's reactor installed it before
    Scrapy chose its own: the crawl ended in a traceback ("installed reactor does not
    match")."""
    (tmp_path / "mysched.py").write_text(
        "from twisted.internet import reactor  # noqa: F401\n"
        "from ingest.crawl.disk_queue import SpillingScheduler\n"
        "class Mine(SpillingScheduler):\n"
        "    pass\n"
    )
    db = tmp_path / "news.db"
    with LocalSite(news_site(2)) as site:
        run_ingest("crawl", site.url + "/", "--db", str(db), "-s", "SCHEDULER=mysched.Mine",
                   *FAST, cwd=tmp_path)  # fmt: skip
    assert rows(db, "select count(*) from articles") == [(2,)]


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("DOWNLOAD_TIMOUT=5", "DOWNLOAD_TIMOUT is not a setting of Scrapy or ingest; "
         "did you mean DOWNLOAD_TIMEOUT?"),
        ("ingest_db_max_bytes=1000000", "ingest_db_max_bytes is not a setting of Scrapy or "
         "ingest; did you mean INGEST_DB_MAX_BYTES?"),
        ("NOTHING_LIKE_IT=1", "NOTHING_LIKE_IT is not a setting of Scrapy or ingest"),
        ("SCHEDULER_SERIALIZER=scrapy_redis.picklecompat",
         "SCHEDULER_SERIALIZER is ingest.crawl.request_json, always: requests in a shared "
         "queue travel as JSON, never pickled (unpickling runs whatever code a request names)"),
        ("SCHEDULER_PRIORITY_QUEUE=scrapy.pqueues.DownloaderAwarePriorityQueue",
         "CONCURRENT_REQUESTS_PER_IP does not go with scrapy.pqueues.DownloaderAwarePriorityQueue"
         ", which keeps its queues per host name; leave SCHEDULER_PRIORITY_QUEUE unset, or use "
         "scrapy.pqueues.ScrapyPriorityQueue"),
    ],
    ids=["typo", "lower-case", "no-close-name", "pickles", "per-ip-with-slot-queues"],
)  # fmt: skip
def test_an_unknown_or_refused_setting_is_a_usage_error_saying_why(tmp_path, given, says):
    """It was taken as given: a typo changed nothing and said nothing."""
    db = tmp_path / "x.db"
    per_ip = ["-s", "CONCURRENT_REQUESTS_PER_IP=2"] if "QUEUE" in given else []
    args = ["--db", str(db), *per_ip, "-s", given]
    result = run_ingest("crawl", "http://127.0.0.1:9/", *args, check=False)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == f"Error: Invalid value for -s: {says}"
    assert not db.exists()


def test_concurrency_per_address_crawls_with_scrapys_plain_priority_queue(tmp_path):
    """Scrapy's default queue refuses it: ``-s CONCURRENT_REQUESTS_PER_IP=1`` ended in a
    traceback as the crawl opened, nothing fetched."""
    db = tmp_path / "per-ip.db"
    with LocalSite(news_site(3)) as site:
        result = run_ingest("crawl", site.url + "/", "--db", str(db), *FAST,
                            "-s", "CONCURRENT_REQUESTS_PER_IP=1")  # fmt: skip
    assert "Traceback" not in result.stderr
    assert rows(db, "select count(*) from articles") == [(3,)]
    assert rows(db, "select status from crawls") == [("finished",)]


@pytest.mark.parametrize("command", ["crawl", "demo"])
def test_an_option_and_the_setting_it_sets_given_both_are_a_usage_error(tmp_path, command):
    """``--db a.db -s INGEST_DB=b.db`` wrote b.db without a word."""
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    seed = ["http://127.0.0.1:9/"] if command == "crawl" else []
    result = run_ingest(command, *seed, "--db", str(a), "-s", f"INGEST_DB={b}", check=False)
    assert (result.returncode, result.stderr.splitlines()[-1]) == (
        2,
        "Error: --db and -s INGEST_DB say the same thing: give one of them",
    )
    assert not a.exists() and not b.exists()
    for option, setting in (
        (["--workers", "0"], "INGEST_WORKERS=1"),
        (["--max-depth", "1"], "DEPTH_LIMIT=5"),
        (["--allow-private"], "INGEST_ALLOW_PRIVATE=false"),
    ):
        both = run_ingest("crawl", *option, "-s", setting, "http://127.0.0.1:9/", "--db", str(a),
                          check=False)  # fmt: skip
        name = setting.split("=")[0]
        assert both.stderr.splitlines()[-1] == (
            f"Error: {option[0]} and -s {name} say the same thing: give one of them"
        )


def test_files_are_not_crawled_and_a_broken_gzip_is_recorded(tmp_path):
    pages = news_site(2)
    pages["/"] = index_page(["/news/0", "/news/1", "/report.pdf", "/photo.JPG", "/broken.xml"])
    pages["/report.pdf"] = Resource(b"%PDF-1.4", "application/pdf")
    pages["/photo.JPG"] = Resource(b"\xff\xd8", "image/jpeg")
    pages["/broken.xml"] = Resource(b"\x1f\x8b\x08\x00garbage", "application/xml")
    db = tmp_path / "files.db"
    with LocalSite(pages) as site:
        run_ingest("crawl", site.url + "/", "--db", str(db), *FAST)
        assert not {"/report.pdf", "/photo.JPG"} & set(site.hits)
    assert rows(db, "select count(*) from articles") == [(2,)]
    assert rows(db, "select stage, kind from errors where url like '%/broken.xml'") == [
        ("fetch", "bad_gzip")
    ]


def test_a_page_too_deep_by_one_path_is_fetched_by_a_shorter_one(tmp_path):
    pages = {"/": index_page(["/sitemap.xml"]), "/target": article_page("Target", story(2))}
    db = tmp_path / "depth.db"
    with LocalSite(pages) as site:
        # "/" (depth 0) -> sitemap (1) -> /target (2): past --max-depth 1 ...
        site.resources["/sitemap.xml"] = Resource(
            "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            f"<url><loc>{site.url}/target</loc></url><url><loc>{site.url}/deep</loc></url>"
            "</urlset>",
            "application/xml",
        )
        # ... but a feed seed (0) lists it at depth 1, answering later than the sitemap.
        items = f"<item><title>t</title><link>{site.url}/target</link></item>"
        site.resources["/feed.xml"] = Resource(
            f"<?xml version='1.0'?><rss version='2.0'><channel>{items}</channel></rss>",
            "application/rss+xml",
            delay=1.5,
        )
        run_ingest("crawl", site.url + "/", site.url + "/feed.xml", "--max-depth", "1",
                   "--db", str(db), *FAST)  # fmt: skip
        assert "/target" in site.hits and "/deep" not in site.hits
    assert ("Target",) in rows(db, "select title from articles")
    # what only the sitemap listed is not fetched, and says why (it had no row at all)
    ended = "select url, state, reason from urls where url in (?, ?) order by url"
    assert rows(db, ended, site.url + "/deep", site.url + "/target") == [
        (site.url + "/deep", "skipped", "max_depth"),
        (site.url + "/target", "fetched", "article"),
    ]


@pytest.mark.parametrize(
    ("given", "read"),
    [
        ("DOWNLOAD_TIMEOUT=0.5", 0.5),  # Scrapy reads it as seconds: its default is whole
        ("DNS_TIMEOUT=2.5", 2.5),
        ("INGEST_EXTRACT_TIMEOUT=1.5", 1.5),
        ("INGEST_BATCH_SIZE=7", 7),
        ("RETRY_TIMES=1_0", 10),
    ],
)
def test_a_decimal_is_taken_where_seconds_are_read_and_a_whole_number_where_counts_are(given, read):
    from ingest.crawl.runner import crawl_settings, parse_setting_overrides

    name = given.split("=")[0]
    settings = crawl_settings(cmdline=parse_setting_overrides([given]))
    get = settings.getint if isinstance(read, int) else settings.getfloat
    assert get(name) == read


def test_lists_of_numbers_and_maps_of_classes_that_are_right_are_taken():
    from ingest.crawl.runner import crawl_settings, parse_setting_overrides

    retry = "scrapy.downloadermiddlewares.retry.RetryMiddleware"
    given = ["RETRY_HTTP_CODES=500, 503", f'DOWNLOADER_MIDDLEWARES={{"{retry}": 550.5}}']
    settings = crawl_settings(cmdline=parse_setting_overrides(given))
    assert settings.getlist("RETRY_HTTP_CODES") == ["500", " 503"]
    # added to ingest's own, as Scrapy adds a project's to its base
    assert settings.getdict("DOWNLOADER_MIDDLEWARES") == {**DOWNLOADER_MIDDLEWARES, retry: 550.5}
    # switched off, a path of an older Scrapy's is loaded by nothing; handlers map schemes
    gone = 'SPIDER_MIDDLEWARES={"scrapy.spidermiddlewares.offsite.OffsiteMiddleware": null}'
    handlers = 'DOWNLOAD_HANDLERS={"s3": null, "ftp": null}'
    assert len(parse_setting_overrides([gone, handlers])) == 2
    assert parse_setting_overrides(["RETRY_HTTP_CODES="]) == {"RETRY_HTTP_CODES": ""}


def test_a_map_of_components_adds_to_ingests_and_switches_one_off_by_null(tmp_path):
    """``-s DOWNLOADER_MIDDLEWARES={...}`` had replaced ingest's: the crawl went on without
    its address guard, offsite filter and robots.txt reading, saying nothing; and
    ``-s ITEM_PIPELINES={}`` ended as "the crawl did not start"."""
    from ingest.crawl.runner import crawl_settings, parse_setting_overrides

    stats = "scrapy.downloadermiddlewares.stats.DownloaderStats"
    waits = "ingest.crawl.retry_after.RetryAfter"
    given = [f'DOWNLOADER_MIDDLEWARES={{"{stats}": 851, "{waits}": null}}']
    middlewares = crawl_settings(cmdline=parse_setting_overrides(given)).getdict(
        "DOWNLOADER_MIDDLEWARES"
    )
    assert middlewares == {**DOWNLOADER_MIDDLEWARES, stats: 851, waits: None}
    from ingest.crawl.runner import KEPT

    ours = crawl_settings()
    maps = ("DOWNLOADER_MIDDLEWARES", "EXTENSIONS", "ITEM_PIPELINES")
    assert set(KEPT) <= {path for name in maps for path in ours.getdict(name)}  # none stale
    redis = crawl_settings(cmdline=parse_setting_overrides([*given, "INGEST_REDIS_URL=redis://x"]))
    shared = {"ingest.crawl.shared_politeness.SharedPoliteness": 770}
    assert redis.getdict("DOWNLOADER_MIDDLEWARES") == {**middlewares, **shared}
    db = tmp_path / "news.db"
    pages = {"/": index_page(["/news/2024/03/a"]), "/news/2024/03/a": article_page("A", story(1))}
    with LocalSite(pages) as site:
        pipelines = ["-s", "ITEM_PIPELINES={}", "-s", "EXTENSIONS={}"]
        done = run_ingest("crawl", site.url + "/", "--db", str(db), *FAST, *pipelines)
    assert done.returncode == 0
    assert rows(db, "select title from articles") == [("A",)]


def test_a_url_whose_path_a_request_escapes_ends_in_one_row_with_its_fate(tmp_path):
    # "[", "]" and "|" in a path go out escaped: the row planned for a seed or a link had
    # the bare spelling, the fetched page's row the escaped one, and the first stayed
    # queued for ever, with no reason.
    pages = {
        "/": index_page(["/archiv/story[7]/a|b"]),
        "/archiv/story%5B7%5D/a%7Cb": article_page("Linked", story(7)),
        "/archiv/story%5B8%5D": article_page("Seeded", story(8)),
    }
    db = tmp_path / "escaped.db"
    with LocalSite(pages) as site:
        run_ingest("crawl", site.url + "/", site.url + "/archiv/story[8]", "--db", str(db), *FAST)
    fates = "select url, state, reason from urls where url like '%story%' order by url"
    assert rows(db, fates) == [
        (f"{site.url}/archiv/story%5B7%5D/a%7Cb", "fetched", "article"),
        (f"{site.url}/archiv/story%5B8%5D", "fetched", "article"),
    ]
    assert rows(db, "select count(*) from urls where state = 'queued'") == [(0,)]
    assert rows(db, "select title from articles order by title") == [("Linked",), ("Seeded",)]


def test_a_page_served_without_a_type_is_read_by_how_it_opens(tmp_path):
    # A page that opens with a PHP warning or a <style> holds its <html> tag past the
    # bytes looked at; with no Content-Type (or application/octet-stream) it was "other",
    # and its article never read.
    warning = "<br />\n<b>Deprecated</b>: Assigning by reference in <b>wp-settings.php</b><br />"
    pages = {
        "/news/1": Resource(warning * 40 + article_page("Warned", story(1)), content_type=None),
        "/news/2": Resource(
            "<style>"
            + ".a { color: red; }\n" * 200
            + "</style>"
            + article_page("Styled", story(2)),
            content_type="application/octet-stream",
        ),
        "/files/3": Resource(b"%PDF-1.7 " + bytes(3000), content_type=None),
    }
    db = tmp_path / "untyped.db"
    with LocalSite(pages) as site:
        urls = [site.url + path for path in pages]
        run_ingest("crawl", *urls, "--no-follow", "--db", str(db), *FAST)
    assert rows(db, "select title from articles order by title") == [("Styled",), ("Warned",)]
    assert rows(db, "select url, kind from pages order by url") == [
        (f"{site.url}/files/3", "other"),
        (f"{site.url}/news/1", "html"),
        (f"{site.url}/news/2", "html"),
    ]


@pytest.mark.parametrize(
    ("robots", "what"),
    [
        (Resource("<html>Internal error</html>", status=503), "HTTP 503"),
        (Resource("User-agent: *\nDisallow:\n", "text/plain", delay=3), "DownloadTimeoutError"),
    ],
    ids=["5xx", "no-answer"],
)
def test_a_robots_txt_that_cannot_be_read_is_said_and_its_site_crawled_as_without_one(
    tmp_path, robots, what
):
    # Scrapy crawls a site whose robots.txt answers 5xx, or not at all, as if it had none,
    # saying so only in its stats: the run left no trace of it.
    pages = {"/robots.txt": robots, "/news/1": article_page("Read all the same", story(1))}
    db = tmp_path / "robots.db"
    quick = ["-s", "DOWNLOAD_TIMEOUT=1", "-s", "RETRY_ENABLED=0"]
    with LocalSite(pages) as site:
        url = site.url + "/news/1"
        done = run_ingest("crawl", url, "--no-follow", "--db", str(db), *FAST, *quick)
    assert done.returncode == 0
    assert rows(db, "select title from articles") == [("Read all the same",)]
    [(where, stage, kind, message)] = rows(db, "select url, stage, kind, message from errors")
    assert (where, stage, kind) == (f"{site.url}/robots.txt", "fetch", "robots_unreachable")
    assert message.startswith(f"robots.txt could not be read ({what}")
    assert message.endswith(
        "): the site is crawled as if it had none (RFC 9309 would have it crawled not at all)"
    )


def test_a_robots_txt_in_utf_16_is_obeyed(tmp_path):
    """Read as UTF-8 it held no rule: the page it forbids was fetched and stored."""
    rules = "User-agent: *\nDisallow: /private/\n"
    pages = {
        "/robots.txt": Resource(codecs.BOM_UTF16_LE + rules.encode("utf-16-le"), "text/plain"),
        "/": index_page(["/news/1", "/private/2"]),
        "/news/1": article_page("Public", story(1)),
        "/private/2": article_page("Private", story(2)),
    }
    db = tmp_path / "robots.db"
    with LocalSite(pages) as site:
        run_ingest("crawl", site.url + "/", "--db", str(db), *FAST)
    assert "/private/2" not in site.hits
    assert rows(db, "select title from articles") == [("Public",)]


def page_gaps(site, paths) -> list[float]:
    """Seconds between the site's answers to these paths, in the order they came."""
    times = [t for path, t in zip(site.hits, site.hit_times, strict=True) if path in paths]
    return [b - a for a, b in itertools.pairwise(times)]


@pytest.mark.parametrize(
    "throttle",
    [[], ["-s", "AUTOTHROTTLE_ENABLED=1", "-s", "AUTOTHROTTLE_START_DELAY=0"]],
    ids=["fixed", "auto"],
)
def test_a_robots_txt_crawl_delay_is_waited_between_requests(tmp_path, throttle):
    # Scrapy reads Crawl-delay and leaves it unused: the pages went out at once. With
    # AutoThrottle on, its next answer would halve the wait unless the floor is kept.
    # Two seconds, not one: the site sees each request a varying latency after Scrapy
    # sent it, and 5 % of one second left only 50 ms for that.
    pages = {
        "/robots.txt": Resource("User-agent: *\nCrawl-delay: 2\n", "text/plain"),
        **{f"/news/{n}": article_page(f"Story {n}", story(n)) for n in range(3)},
    }
    db = tmp_path / "delay.db"
    with LocalSite(pages) as site:
        urls = [f"{site.url}/news/{n}" for n in range(3)]
        run_ingest("crawl", *urls, "--no-follow", "--db", str(db), *FAST, *throttle)
    gaps = page_gaps(site, {f"/news/{n}" for n in range(3)})
    assert len(gaps) == 2 and min(gaps) >= 1.9, gaps
    assert rows(db, "select count(*) from articles") == [(3,)]
    [(stats,)] = rows(db, "select stats from crawls")
    assert json.loads(stats)["ingest/crawl_delay_sites"] == 1


def test_a_crawl_delay_holds_its_own_host_not_the_one_a_redirect_came_from(tmp_path):
    """Scrapy keeps a redirected request in its first host's downloader slot: the other
    host's Crawl-delay then held back every later request to the first."""
    slow = {
        "/robots.txt": Resource("User-agent: *\nCrawl-delay: 2\n", "text/plain"),
        "/story": article_page("Elsewhere", story(9)),
    }
    db = tmp_path / "delay.db"
    with LocalSite(slow, host="127.0.0.2") as other:
        pages = {
            "/go": Resource("", status=302, headers={"Location": f"{other.url}/story"}),
            # slow: its links come once the redirect has been followed
            "/": Resource(index_page([f"/news/{n}" for n in range(4)]), delay=1.5),
            **{f"/news/{n}": article_page(f"Story {n}", story(n)) for n in range(4)},
        }
        with LocalSite(pages) as site:
            urls = [f"{site.url}/go", f"{site.url}/"]
            both = ["--allow-domain", "127.0.0.2", "--allow-private"]
            run_ingest("crawl", *urls, "--max-depth", "1", "--db", str(db), *FAST, *both)
    gaps = page_gaps(site, {f"/news/{n}" for n in range(4)})
    assert len(gaps) == 3 and max(gaps) < 1, gaps
    assert "/story" in other.hits
    assert rows(db, "select count(*) from articles") == [(5,)]


def test_a_request_at_the_end_of_a_redirect_chain_leaves_every_earlier_hosts_slot():
    from scrapy import Request

    from ingest.crawl.robots import _own_slot

    hops = ["http://a.example/go", "http://b.example/hop"]
    chained = Request(
        "http://c.example/story", meta={"redirect_urls": hops, "download_slot": "b.example"}
    )
    _own_slot(chained)
    assert "download_slot" not in chained.meta
    chosen = Request(
        "http://c.example/story", meta={"redirect_urls": hops, "download_slot": "mine"}
    )
    _own_slot(chosen)  # a slot the spider chose is its own
    assert chosen.meta["download_slot"] == "mine"


@pytest.mark.parametrize(("bound", "least", "most"), [("2", 1.9, 3.5), ("0", 0, 0.5)])
def test_a_crawl_delay_past_the_bound_is_held_to_it_and_a_zero_bound_ignores_it(
    tmp_path, bound, least, most
):
    pages = {
        "/robots.txt": Resource("User-agent: *\nCrawl-delay: 3600\n", "text/plain"),
        **{f"/news/{n}": article_page(f"Story {n}", story(n)) for n in range(3)},
    }
    db = tmp_path / "delay.db"
    with LocalSite(pages) as site:
        urls = [f"{site.url}/news/{n}" for n in range(3)]
        bounded = ["-s", f"INGEST_CRAWL_DELAY_MAX={bound}"]
        run_ingest("crawl", *urls, "--no-follow", "--db", str(db), *FAST, *bounded)
    gaps = page_gaps(site, {f"/news/{n}" for n in range(3)})
    assert len(gaps) == 2 and least <= min(gaps) and max(gaps) < most, gaps
    assert rows(db, "select count(*) from articles") == [(3,)]


def test_a_retry_waits_what_retry_after_asks_and_a_long_wait_is_not_made(tmp_path):
    # Scrapy retried a 429 or 503 at once, however long the server asked it to stay away.
    pages = {
        "/news/soon": Resource("Slow down", status=429, headers={"Retry-After": "1"}),
        "/news/later": Resource("Come back", status=503, headers={"Retry-After": "3600"}),
        "/news/now": Resource("Busy", status=503),
    }
    db = tmp_path / "retry.db"
    with LocalSite(pages) as site:
        urls = [site.url + path for path in pages]
        run_ingest("crawl", *urls, "--no-follow", "--db", str(db), *FAST, check=False)
    times = {
        path: [t for p, t in zip(site.hits, site.hit_times, strict=True) if p == path]
        for path in pages
    }
    assert len(times["/news/soon"]) == 3  # tried twice again (RETRY_TIMES), a second apart
    assert all(b - a >= 0.95 for a, b in itertools.pairwise(times["/news/soon"]))
    assert len(times["/news/later"]) == 1  # an hour is past INGEST_RETRY_AFTER_MAX
    assert len(times["/news/now"]) == 3 and times["/news/now"][-1] - times["/news/now"][0] < 0.9
    assert rows(
        db, "select replace(url, ?, ''), kind, message from errors order by 1", site.url
    ) == [
        ("/news/later", "http_503", "HTTP 503, asking to be tried again after 3600 s"),
        ("/news/now", "http_503", "HTTP 503"),
        ("/news/soon", "http_429", "HTTP 429, asking to be tried again after 1 s"),
    ]


def test_a_page_its_server_labels_utf8_in_another_charset_is_read_by_its_own(tmp_path):
    # A server labelling every page UTF-8 sent a Latin-1 page: its accents became
    # replacement characters, stored as the article with nothing to say so.
    french = ["Les élèves ont déjeuné à côté de la gare, où le café était fermé ce matin."]
    page = article_page("Café de la gare", story(1) + french).replace(
        '<meta charset="utf-8">', '<meta charset="iso-8859-1">'
    )
    pages = {"/news/1": Resource(page.encode("latin-1"), "text/html; charset=utf-8")}
    db = tmp_path / "labelled.db"
    with LocalSite(pages) as site:
        run_ingest("crawl", site.url + "/news/1", "--no-follow", "--db", str(db), *FAST)
    [(title, text)] = rows(db, "select title, text from articles")
    assert title == "Café de la gare"
    assert text.splitlines()[-1] == french[0]


def test_a_label_the_bytes_prove_wrong_is_overruled_and_garble_left_is_an_error(tmp_path):
    # Servers label every page Latin-1 (Apache's default charset). A UTF-8 story was stored
    # as "MÃ¼ller", a Russian one in windows-1251 as "Ïðàâèòåëüñòâî", and nothing said so.
    german = ["Die Bürger äußern sich über Größe und Qualität der Straßenbahn in München."]
    russian = [
        "Правительство объявило о новых мерах поддержки малого бизнеса в регионах страны.",
        "Министерство финансов подготовило программу льготных кредитов для предпринимателей.",
        "Эксперты считают, что эти меры помогут сохранить рабочие места в небольших городах.",
        "Первые заявки компании смогут подать уже в следующем месяце через портал госуслуг.",
    ]
    utf8 = article_page("Müller über München", story(1) + german)
    cp1251 = article_page("Новости дня", russian).replace('<meta charset="utf-8">', "")
    latin1 = "text/html; charset=iso-8859-1"
    pages = {
        "/news/1": Resource(utf8.encode("utf-8"), latin1),
        "/news/2": Resource(cp1251.encode("cp1251"), latin1),
    }
    db = tmp_path / "labels.db"
    with LocalSite(pages) as site:
        done = run_ingest(
            "crawl", *(site.url + p for p in pages), "--no-follow", "--db", str(db), *FAST
        )
    assert done.returncode == 0
    got = rows(
        db,
        "select replace(url, ?, ''), title, text, "
        "json_extract(provenance, '$.charset') from articles order by 1",
        site.url,
    )
    assert got[0][:2] == ("/news/1", "Müller über München")
    assert got[0][2].splitlines()[-1] == german[0]
    assert got[0][3] == "utf-8, not iso-8859-1 as labelled"
    assert got[1][0] == "/news/2" and got[1][3] is None
    assert got[1][1] == "Новости дня".encode("cp1251").decode("cp1252")  # stored as read
    assert rows(db, "select replace(url, ?, ''), kind from errors", site.url) == [
        ("/news/2", "garbled_text")
    ]
    assert rows(db, "select replace(url, ?, ''), state, reason from urls order by 1", site.url) == [
        ("/news/1", "fetched", "article"),
        ("/news/2", "fetched", "article"),
    ]


def test_a_seeds_file_not_in_utf8_is_a_usage_error_and_a_bom_is_read_past(tmp_path):
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes('urls = ["http://127.0.0.1:9/café"]\n'.encode("latin-1"))
    result = run_ingest("crawl", str(latin1), "--db", str(tmp_path / "x.db"), check=False)
    assert result.returncode == 2 and not (tmp_path / "x.db").exists()
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for SEED: {latin1}: not UTF-8, as TOML must be "
        "(invalid continuation byte at byte 31)"
    )  # a traceback before
    plugins = load_plugins(PluginConfig(entry_points=False))
    marked = tmp_path / "bom.toml"
    marked.write_bytes(b'\xef\xbb\xbfurls = ["http://127.0.0.1:9/news"]\n')
    assert parse_seeds([str(marked)], plugins).urls == ["http://127.0.0.1:9/news"]


def test_urls_a_scrapy_bound_left_queued_say_so(tmp_path):
    # CLOSESPIDER_* stopped the crawl: what it had not reached stayed queued, with no reason
    paths = [f"/news/2024/03/story-{i}" for i in range(8)]
    pages = {"/": index_page(paths), **{p: article_page(p, story(i)) for i, p in enumerate(paths)}}
    db = tmp_path / "bound.db"
    with LocalSite(pages) as site:
        run_ingest(
            "crawl", site.url + "/", "--db", str(db), *FAST,
            "-s", "CONCURRENT_REQUESTS=1", "-s", "CLOSESPIDER_PAGECOUNT=3",
        )  # fmt: skip
    assert rows(db, "select status, stop_reason from crawls") == [
        ("finished", "closespider_pagecount")
    ]
    assert rows(db, "select count(*) from urls where reason is null") == [(0,)]
    left = rows(db, "select distinct reason from urls where state = 'queued'")
    assert left == [("closespider_pagecount",)]
    assert rows(db, "select count(*) from urls where state = 'queued'")[0][0] >= 4


def test_a_robots_txt_redirected_to_another_host_is_read_there_unless_the_guard_refuses(
    tmp_path,
):
    # Scrapy's offsite filter dropped the redirect without a word: the site was crawled as if
    # it had no rules, its forbidden pages fetched. RFC 9309 asks for the redirect followed.
    rules = "User-agent: *\nDisallow: /private/\n"
    pages = {
        "/news/1": article_page("Allowed", story(1)).replace(
            "</body>", '<a href="/private/2">p</a></body>'
        ),
        "/private/2": article_page("Forbidden", story(2)),
    }
    with LocalSite(pages) as site, LocalSite({"/robots.txt": Resource(rules, "text/plain")}) as cdn:
        elsewhere = cdn.url.replace("127.0.0.1", "localhost")
        site.resources["/robots.txt"] = Resource(
            "", status=301, headers={"Location": f"{elsewhere}/robots.txt"}
        )
        followed, guarded = tmp_path / "followed.db", tmp_path / "guarded.db"
        run_ingest("crawl", site.url + "/news/1", "--allow-private", "--db", str(followed), *FAST)
        run_ingest("crawl", site.url + "/news/1", "--db", str(guarded), *FAST)
        site.resources["/robots.txt"] = Resource(
            "", status=302, headers={"Location": "/robots.txt"}
        )
        circling = tmp_path / "circling.db"
        run_ingest("crawl", site.url + "/news/1", "--no-follow", "--db", str(circling), *FAST)
    assert cdn.hits == ["/robots.txt"]  # the guarded crawl never reached it
    assert rows(followed, "select title from articles") == [("Allowed",)]
    ended = "select url, state, reason from urls where url like '%/private/%'"
    assert rows(followed, ended) == [(f"{site.url}/private/2", "robots", "robots_disallowed")]
    said = "select kind from errors where url != ?"  # the home page its menu links: a 404
    assert rows(followed, said, site.url + "/") == [("robots_disallowed",)]
    # the guard refuses loopback off the seed's own site: said, and crawled as without rules
    assert {t for (t,) in rows(guarded, "select title from articles")} == {"Allowed", "Forbidden"}
    [(where, kind, message)] = rows(
        guarded, "select url, kind, message from errors where url != ?", site.url + "/"
    )
    assert (where, kind) == (f"{site.url}/robots.txt", "robots_unreachable")
    assert message.startswith(
        "robots.txt could not be read (BlockedAddress: localhost is 127.0.0.1"
    )
    [(where, kind, message)] = rows(circling, "select url, kind, message from errors")
    assert (where, kind) == (f"{site.url}/robots.txt", "robots_unreachable")
    assert message.startswith("robots.txt could not be read (IgnoreRequest: max redirections")


def test_a_url_another_database_holds_unchanged_ends_skipped_known_and_merges_under_it(tmp_path):
    """``--known``'s URLs were skipped with no row in the crawl's own database: no state, no
    reason, a count in the summary alone."""
    pages = {"/": index_page([f"/news/2024/03/s{i}" for i in range(3)])}
    pages |= {f"/news/2024/03/s{i}": article_page(f"S{i}", story(i)) for i in range(3)}
    base, other = tmp_path / "base.db", tmp_path / "other.db"
    with LocalSite(pages) as site:
        run_ingest("crawl", site.url + "/", "--db", str(base), *FAST)
        site.hits.clear()
        run_ingest("crawl", site.url + "/", "--db", str(other), "--known", str(base), *FAST)
    assert [h for h in site.hits if h.startswith("/news/")] == []
    fates = "select replace(url, ?, ''), state, reason from urls order by url"
    assert rows(other, fates, site.url) == [
        ("/", "fetched", "not_article"),
        *((f"/news/2024/03/s{i}", "skipped", "known") for i in range(3)),
    ]
    merged = copy_database(base, tmp_path, "merged.db")
    run_ingest("merge", str(other), "--into", str(merged))  # the fetch stays what it was
    assert rows(merged, fates, site.url) == rows(base, fates, site.url)
