"""Crawling again: what a second crawl fetches, what it skips, what it keeps of the past.

Real crawls (Scrapy, worker processes, SQLite) against sites served on 127.0.0.1,
changed between crawls; the servers' request logs say what was fetched.
"""

import hashlib
import json
import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import FAST, kill_crawl_once_stored, rows, run_ingest
from sites import LocalSite, Resource, article_page, index_page, prose


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def build(base: str, stories: dict[int, list[str]], lastmod: dict[int, str]) -> dict:
    """A small news site: home, a section, an RSS feed, a sitemap robots.txt names."""
    links = [f"/news/{i}" for i in stories]
    pages = {
        f"/news/{i}": article_page(f"Headline {i}", text, published="2024-03-01")
        for i, text in stories.items()
    }
    pages["/"] = index_page([*links[:3], "/world"]).replace(
        "</head>",
        '<link rel="alternate" type="application/rss+xml" href="/rss.xml"></head>',
    )
    pages["/world"] = index_page(links)
    items = "".join(
        f"<item><title>Headline {i}</title><link>{base}/news/{i}</link>"
        "<pubDate>Fri, 01 Mar 2024 08:00:00 GMT</pubDate></item>"
        for i in stories
    )
    pages["/rss.xml"] = Resource(
        f"<?xml version='1.0'?><rss version='2.0'><channel>{items}</channel></rss>",
        "application/rss+xml",
    )
    entries = "".join(
        f"<url><loc>{base}/news/{i}</loc><lastmod>{lastmod.get(i, '2024-03-01T08:00:00Z')}"
        "</lastmod></url>"
        for i in stories
    )
    pages["/sitemap.xml"] = Resource(
        "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
        f"{entries}</urlset>",
        "application/xml",
    )
    pages["/robots.txt"] = Resource(f"User-agent: *\nSitemap: {base}/sitemap.xml\n", "text/plain")
    return pages


def health(db, crawl_id):
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        rows_ = conn.execute("select * from crawl_health where crawl_id = ?", [crawl_id])
        return [dict(r) for r in rows_]


def test_second_crawl_fetches_hubs_not_articles_unless_a_date_says_they_changed(tmp_path):
    db = tmp_path / "inc.db"
    stories = {i: prose(i) for i in range(8)}
    with LocalSite({}) as site:
        site.resources.update(
            {
                k: v if isinstance(v, Resource) else Resource(v)
                for k, v in build(site.url, stories, {}).items()
            }
        )
        run_ingest("crawl", site.url + "/", "--db", str(db), *FAST)
        assert rows(db, "select count(*) from articles") == [(8,)]
        first_hits = sorted(site.hits)
        assert all(first_hits.count(f"/news/{i}") == 1 for i in range(8))

        # Nothing changed: feeds, sitemaps and section pages again, no article.
        site.hits.clear()
        second = run_ingest("crawl", site.url + "/", "--db", str(db), *FAST)
        assert sorted(site.hits) == ["/", "/robots.txt", "/rss.xml", "/sitemap.xml", "/world"]
        assert "0 new, 0 updated" in second.stdout
        assert "Health per outlet" in second.stdout
        [row] = health(db, 2)
        assert row["skipped_unchanged"] == 8 and row["new"] == 0 and row["pages"] == 4

        # Story 2 changes and the sitemap says so; story 3 changes silently; story 8 is new.
        later = stamp(datetime.now(UTC) + timedelta(minutes=5))
        stories[2] = [*prose(2)[:2], "A correction was added to this story on Friday morning."]
        stories[3] = [*prose(3)[:3], "This paragraph was added without telling anyone at all."]
        stories[8] = prose(8)
        site.resources.update(
            {
                k: v if isinstance(v, Resource) else Resource(v)
                for k, v in build(site.url, stories, {2: later}).items()
            }
        )
        site.hits.clear()
        third = run_ingest("crawl", site.url + "/", "--db", str(db), *FAST)
        fetched = sorted(h for h in site.hits if h.startswith("/news/"))
        assert fetched == ["/news/2", "/news/8"]
        assert "1 new, 1 updated" in third.stdout

        # --refresh fetches every stored article again and finds the silent change.
        site.hits.clear()
        fourth = run_ingest("crawl", site.url + "/", "--db", str(db), "--refresh", *FAST)
        assert sorted(h for h in site.hits if h.startswith("/news/")) == sorted(
            f"/news/{i}" for i in range(9)
        )
        assert "0 new, 1 updated" in fourth.stdout

    assert rows(db, "select count(*) from articles") == [(9,)]
    # Each change kept the earlier version, with when it was seen and what changed.
    changes = rows(
        db,
        "select url, old_title, new_title, old_text, new_text, diff, version_first_seen,"
        " changed_at from article_changes order by changed_at, url",
    )
    assert [c[0].rsplit("/", 1)[1] for c in changes] == ["2", "3"]
    url, old_title, new_title, old_text, new_text, diff, first_seen, changed_at = changes[0]
    assert old_text == "\n".join(prose(2)) and new_text == "\n".join(stories[2])
    assert "+A correction was added to this story on Friday morning." in diff
    assert f"-{prose(2)[2]}" in diff
    assert first_seen <= changed_at
    states = dict(rows(db, "select url, state from urls where url like '%/news/%'"))
    assert set(states.values()) == {"fetched"}
    # The frontier knows how each URL was first found.
    [(via,)] = rows(db, "select found_via from urls where url like '%/sitemap.xml'")
    assert via == f"robots {site.url}/robots.txt"


class ConditionalSite:
    """A site answering conditional requests (ETag, Last-Modified) with 304 when unchanged."""

    LAST_MODIFIED = "Fri, 01 Mar 2024 08:00:00 GMT"

    def __init__(self, resources: dict):
        self.resources = {
            p: r if isinstance(r, Resource) else Resource(r) for p, r in resources.items()
        }
        self.hits: list[tuple[str, bool, int]] = []  # path, conditional, status
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                resource = site.resources.get(self.path)
                if resource is None:
                    resource = Resource("<html><body>not found</body></html>", status=404)
                body = resource.body.encode() if isinstance(resource.body, str) else resource.body
                etag = '"' + hashlib.sha1(body).hexdigest()[:12] + '"'
                asked = self.headers.get("If-None-Match")
                status = 304 if asked == etag and resource.status == 200 else resource.status
                site.hits.append((self.path, asked is not None, status))
                self.send_response(status)
                self.send_header("Content-Type", resource.content_type)
                if resource.status == 200:
                    self.send_header("ETag", etag)
                    self.send_header("Last-Modified", site.LAST_MODIFIED)
                for name, value in (resource.headers or {}).items():  # Location, say
                    self.send_header(name, value)
                if status == 304:
                    self.end_headers()
                    return
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def extraction_counter(write_plugin, log):
    """A plugin that notes every page extracted (in the worker processes) in ``log``."""
    return write_plugin(
        "counter",
        (
            "from ingest import hookimpl\n"
            "@hookimpl\n"
            "def clean_article(article):\n"
            f"    with open({str(log)!r}, 'a') as f:\n"
            "        f.write(article.url + '\\n')\n"
        ),
    )


def test_refresh_asks_conditionally_and_a_304_costs_no_extraction(tmp_path, write_plugin):
    db = tmp_path / "cond.db"
    log = tmp_path / "extracted.txt"
    folder = extraction_counter(write_plugin, log)
    stories = {i: prose(i) for i in range(5)}
    with ConditionalSite({}) as site:
        site.resources.update(
            {
                k: v if isinstance(v, Resource) else Resource(v)
                for k, v in build(site.url, stories, {}).items()
            }
        )
        args = ("--db", str(db), "--plugins-dir", str(folder), *FAST)
        run_ingest("crawl", site.url + "/", *args)
        assert len(log.read_text().split()) == 5
        stored = dict(rows(db, "select url, fetched_at from pages where url like '%/news/%'"))
        log.write_text("")

        site.resources["/news/1"] = Resource(article_page("Headline 1", prose(11)))
        site.hits.clear()
        time.sleep(1.1)  # a fetch time that would show if a page were rewritten
        out = run_ingest("crawl", site.url + "/", "--refresh", *args)

    articles = [(p, c, s) for p, c, s in site.hits if p.startswith("/news/")]
    assert sorted(articles) == sorted(
        [(f"/news/{i}", True, 200 if i == 1 else 304) for i in range(5)]
    )
    # Only the changed article went through extraction again.
    assert log.read_text().split() == [f"{site.url}/news/1"]
    assert "0 new, 1 updated" in out.stdout
    [row] = health(db, 2)
    # every 304 the site sent, the four unchanged articles' and the other pages' alike
    served_304 = sum(1 for _, _, status in site.hits if status == 304)
    assert (row["not_modified"], row["unchanged"], row["updated"]) == (served_304, 4, 1)
    assert served_304 == 8
    # 304s are recorded; the stored pages stay as they were.
    statuses = dict(rows(db, "select url, status from urls where url like '%/news/%'"))
    assert sorted(statuses.values()) == [200, 304, 304, 304, 304]
    after = dict(rows(db, "select url, fetched_at from pages where url like '%/news/%'"))
    assert [u for u in after if after[u] != stored[u]] == [f"{site.url}/news/1"]
    assert rows(db, "select count(*) from errors") == [(0,)]
    [(versions,)] = rows(db, "select count(*) from article_versions")
    assert versions == 1


def test_a_304_page_is_read_from_the_store_for_its_links(tmp_path):
    """A section page answering 304 still leads to its links: the stored copy is read."""
    db = tmp_path / "reuse.db"
    stories = {i: prose(i) for i in range(4)}
    with ConditionalSite({}) as site:
        pages = build(site.url, stories, {})
        del pages["/robots.txt"], pages["/sitemap.xml"], pages["/rss.xml"]
        pages["/"] = index_page(["/news/0", "/news/1", "/news/2", "/news/3"])
        site.resources.update(
            {k: v if isinstance(v, Resource) else Resource(v) for k, v in pages.items()}
        )
        run_ingest("crawl", site.url + "/", "--no-follow", "--db", str(db), *FAST)
        assert rows(db, "select count(*) from articles") == [(0,)]
        site.hits.clear()
        run_ingest("crawl", site.url + "/", "--db", str(db), *FAST)
    assert ("/", True, 304) in site.hits
    assert rows(db, "select count(*) from articles") == [(4,)]


def test_a_304_page_whose_stored_copy_is_corrupt_is_asked_for_again(tmp_path):
    """Nothing to reuse (the stored body no longer unpacks): the page is fetched whole."""
    db = tmp_path / "reuse.db"
    with ConditionalSite({}) as site:
        pages = {"/": index_page(["/news/0", "/news/1"])}
        pages.update({f"/news/{i}": article_page(f"Story {i}", prose(i)) for i in range(2)})
        site.resources.update({k: Resource(v) for k, v in pages.items()})
        run_ingest("crawl", site.url + "/", "--no-follow", "--db", str(db), *FAST)
        with sqlite3.connect(db) as conn:
            conn.execute("update pages set body = x'00112233' where url = ?", [site.url + "/"])
        site.hits.clear()
        run_ingest("crawl", site.url + "/", "--db", str(db), *FAST)
    assert [h for h in site.hits if h[0] == "/"] == [("/", True, 304), ("/", False, 200)]
    assert rows(db, "select count(*) from articles") == [(2,)]


def test_killed_crawl_resumes_without_refetching_and_without_losing_what_it_found(tmp_path):
    n = 30
    stories = {i: prose(i) for i in range(n)}
    pages = {
        f"/news/{i}": Resource(article_page(f"Headline {i}", t), delay=0.3)
        for i, t in stories.items()
    }
    pages["/"] = index_page([f"/news/{i}" for i in range(n)])
    db = tmp_path / "resume.db"
    with LocalSite(pages) as site:
        kill_crawl_once_stored(site.url + "/", db, articles=4)
        kept = {u for (u,) in rows(db, "select url from articles")}
        assert 4 <= len(kept) < n
        assert rows(db, "select count(*) from urls where state = 'queued'")[0][0] >= n - len(kept)
        before = list(site.hits)
        for resource in site.resources.values():
            resource.delay = 0
        out = run_ingest("crawl", site.url + "/", "--resume", "--db", str(db), *FAST)

    after = site.hits[len(before) :]
    assert "/" not in after  # the home page was stored: its links came from the frontier
    assert not {site.url + h for h in after} & kept  # nothing stored is fetched again
    assert len([h for h in after if h.startswith("/news/")]) <= n - len(kept)
    assert rows(db, "select count(*) from articles") == [(n,)]
    assert rows(db, "select id, resumed_from from crawls order by id") == [(1, None), (2, 1)]
    assert "Crawl 2 done" in out.stdout
    assert json.loads(rows(db, "select settings from crawls where id = 2")[0][0])["resume"]


def test_a_resumed_crawl_that_spends_its_budget_says_why_every_url_stays_queued(tmp_path):
    """The killed run's queued URLs that the resumed one met past its --max-pages stayed
    queued without a reason (a known row kept its own), and what it decided after its last
    item was never written. A URL of another site the run never meets is left as it was."""
    n = 20
    pages = {
        f"/news/{i}": Resource(article_page(f"Headline {i}", prose(i)), delay=0.3) for i in range(n)
    }
    pages["/"] = index_page([f"/news/{i}" for i in range(n)])
    db = tmp_path / "budget.db"
    with LocalSite(pages) as site:
        kill_crawl_once_stored(site.url + "/", db, articles=3)
        elsewhere = "http://elsewhere.example/story/1"  # queued by a crawl of another site
        with sqlite3.connect(db) as conn:
            conn.execute(
                "insert into urls (url, state, found_via, depth, fetches)"
                " values (?, 'queued', 'link http://elsewhere.example/', 1, 0)",
                [elsewhere],
            )
        for resource in site.resources.values():
            resource.delay = 0
        run_ingest("crawl", site.url + "/", "--resume", "--max-pages", "3", "--db", str(db), *FAST)
    assert rows(db, "select status from crawls order by id") == [("interrupted",), ("finished",)]
    assert rows(db, "select count(*) from urls where crawl_id = 2") == [(3,)]
    [(stored,)] = rows(db, "select count(*) from articles")
    ended = "select state, reason, count(*) from urls where url like '%/news/%' group by 1, 2"
    assert rows(db, ended) == [("fetched", "article", stored), ("queued", "max_pages", n - stored)]
    assert rows(db, "select state, reason from urls where url = ?", elsewhere) == [("queued", None)]


def test_an_article_held_as_unchanged_is_fetched_when_a_later_listing_dates_a_change(tmp_path):
    """The feed, read first, lists every stored story with its old date: all held. The
    sitemap, slow to answer, then dates one story after our fetch: that one is fetched."""
    db = tmp_path / "held.db"
    stories = {i: prose(i) for i in range(3)}
    with LocalSite({}) as site:
        pages = build(site.url, stories, {})
        site.resources.update({f"/news/{i}": Resource(pages[f"/news/{i}"]) for i in stories})
        site.resources["/rss.xml"] = pages["/rss.xml"]
        run_ingest("crawl", site.url + "/rss.xml", "--db", str(db), *FAST)
        assert rows(db, "select count(*) from articles") == [(3,)]

        later = stamp(datetime.now(UTC) + timedelta(minutes=5))
        sitemap = build(site.url, {1: stories[1]}, {1: later})["/sitemap.xml"]
        site.resources["/late-sitemap.xml"] = Resource(sitemap.body, sitemap.content_type, delay=1)
        site.hits.clear()
        run_ingest(
            "crawl", site.url + "/rss.xml", site.url + "/late-sitemap.xml", "--db", str(db), *FAST
        )
        assert sorted(h for h in site.hits if h.startswith("/news/")) == ["/news/1"]
        [row] = health(db, 2)
        assert row["skipped_unchanged"] == 2
        assert rows(db, "select state, reason from urls where url = ?", site.url + "/news/1") == [
            ("fetched", "article")
        ]


def test_the_queued_frontier_is_read_a_page_at_a_time_in_order(tmp_path):
    from ingest.crawl.frontier import FrontierReader
    from ingest.store.writer import Store

    db = tmp_path / "frontier.db"
    store = Store(db)
    for i in range(7):
        state = "fetched" if i == 3 else "queued"
        store.add_url("found", {"url": f"https://n.example/{i}", "state": state, "depth": i})
    store.close()
    reader = FrontierReader(db)
    rows_ = list(reader.queued(page=2))
    assert [r["url"] for r in rows_] == [f"https://n.example/{i}" for i in (0, 1, 2, 4, 5, 6)]
    assert [r["depth"] for r in rows_] == [0, 1, 2, 4, 5, 6]
    reader.close()


def test_a_plan_written_after_its_url_was_fetched_does_not_queue_it_again(tmp_path):
    """A crawl's plan (a seed queued) waits for an item to be written with; the URL may be
    fetched, and its row written, before that. The plan, older than the fetch, must not put
    the row back to queued without a reason: 1 demo crawl in 12 ended with a feed so."""
    from ingest.store.writer import Store

    db = tmp_path / "frontier.db"
    store = Store(db)
    feed, hub = "https://n.example/rss.xml", "https://n.example/"
    planned = {"state": "queued", "set_state": "queued", "found_via": "seed", "depth": 0}
    fetched = {"state": "fetched", "reason": "feed", "kind": "feed", "status": 200}
    store.add_url("fetched", {"url": feed, **fetched, "fetched_at": "2026-11-30T08:40:24+00:00"})
    store.add_url("found", {"url": feed, **planned, "found_at": "2026-11-30T08:40:24+00:00"})
    # a decision after an earlier crawl's fetch still queues the URL again
    store.add_url("fetched", {"url": hub, **fetched, "fetched_at": "2026-11-29T10:00:00+00:00"})
    store.add_url("found", {"url": hub, **planned, "found_at": "2026-11-30T08:40:24+00:00"})
    store.close()
    assert rows(db, "select url, state, reason from urls order by url") == [
        (hub, "queued", None),
        (feed, "fetched", "feed"),
    ]


def test_a_plan_written_after_its_url_failed_in_the_same_crawl_leaves_the_failure(tmp_path):
    """A failure has no fetch time to tell the plan is older: a 404 planned by a page whose
    item came after the failure went back to queued, its reason gone (1 interrupted and
    rerun demo in 8)."""
    from ingest.store.writer import Store

    db = tmp_path / "frontier.db"
    store = Store(db)
    gone, later = "https://n.example/gone", "https://n.example/later"
    planned = {"state": "queued", "set_state": "queued", "found_via": "link", "depth": 1}
    failed = {"state": "failed", "reason": "http_404", "status": 404}
    for url in (gone, later):
        store.add_url("fetched", {"url": url, **failed, "crawl_id": 2})
    store.add_url("found", {"url": gone, **planned, "crawl_id": 2})  # this crawl's plan
    store.add_url("found", {"url": later, **planned, "crawl_id": 3})  # a later crawl's
    store.close()
    assert rows(db, "select url, state, reason from urls order by url") == [
        (gone, "failed", "http_404"),
        (later, "queued", None),
    ]


ERRORS = "select crawl_id, url, stage, kind, message from errors"


def takedown(url: str, article_id: str) -> tuple:
    """The errors row of the second crawl for an article whose URL now gives no article."""
    return (
        2,
        url,
        "extract",
        "no_longer_article",
        f"the page is no article now (not_article): article {article_id} and the page "
        "it was read from are kept as stored",
    )


def crawl_then_turn_into_links(db, site) -> tuple[str, str]:
    """Crawl three stories, then refetch them (--refresh) once story 2's URL serves a list
    of links; returns story 2's URL and the article page it served first."""
    first = article_page("Headline 2", prose(2))
    site.resources.update(
        {
            "/": Resource(index_page(["/news/0", "/news/1", "/news/2"])),
            "/news/0": Resource(article_page("Headline 0", prose(0))),
            "/news/1": Resource(article_page("Headline 1", prose(1))),
            "/news/2": Resource(first),
        }
    )
    run_ingest("crawl", site.url + "/", "--db", str(db), *FAST)
    site.resources["/news/2"] = Resource(index_page([f"/news/{i}" for i in range(3)]))
    return site.url + "/news/2", first


def test_an_article_whose_page_turns_into_links_keeps_its_page_and_says_so(tmp_path):
    """The article stays, and so does the page it was read from: the refetch is said in
    urls and errors, and its validators are not kept, so a 304 means the article is back."""
    from ingest.article import decompress

    db = tmp_path / "gone.db"
    with ConditionalSite({}) as site:
        url, first = crawl_then_turn_into_links(db, site)
        article = "select id, title, last_seen from articles where url = ?"
        [(article_id, title, last_seen)] = rows(db, article, url)
        page = "select fetched_at, crawl_id, body from pages where url = ?"
        [stored] = rows(db, page, url)
        time.sleep(1.1)  # a fetch time that would show if the page were rewritten
        second = run_ingest("crawl", site.url + "/", "--db", str(db), "--refresh", *FAST)
        assert ("/news/2", True, 200) in site.hits
        assert "0 new, 0 updated), 1 errors" in second.stdout.splitlines()[0]
        assert rows(db, article, url) == [(article_id, "Headline 2", last_seen)]
        assert title == "Headline 2"
        assert rows(db, page, url) == [stored]
        assert decompress(stored[2]).decode() == first
        frontier = "select state, reason, kind, status, article_id from urls where url = ?"
        assert rows(db, frontier, url) == [
            ("fetched", "no_longer_article", "html", 200, article_id)
        ]
        assert rows(db, ERRORS) == [takedown(url, article_id)]
        # Still links: fetched whole again (the stored validators are the article page's).
        site.hits.clear()
        run_ingest("crawl", site.url + "/", "--db", str(db), "--refresh", *FAST)
        assert ("/news/2", True, 200) in site.hits
        assert rows(db, article, url) == [(article_id, "Headline 2", last_seen)]
        # The article is back as it was: a 304 says it is seen again.
        site.resources["/news/2"] = Resource(first)
        site.hits.clear()
        run_ingest("crawl", site.url + "/", "--db", str(db), "--refresh", *FAST)
    assert ("/news/2", True, 304) in site.hits
    [(_, _, seen_again)] = rows(db, article, url)
    assert seen_again > last_seen
    assert rows(db, frontier, url) == [("fetched", "not_modified", "html", 304, article_id)]
    assert rows(db, "select crawl_id, kind from errors order by id") == [
        (2, "no_longer_article"),
        (3, "no_longer_article"),
    ]


def test_an_article_whose_url_redirects_to_links_keeps_its_page_and_says_so(tmp_path):
    """A takedown that sends readers elsewhere: the URL asked for says no_longer_article,
    not the target's reason, with its errors row; and it keeps its article page's
    validators, since with the target's the target's 304 would say the article was seen."""
    db = tmp_path / "moved.db"
    with ConditionalSite({}) as site:
        url, _ = crawl_then_turn_into_links(db, site)
        site.resources["/news/2"] = Resource("", status=301, headers={"Location": "/gone"})
        site.resources["/gone"] = Resource(index_page(["/news/0"]))
        article = "select id, last_seen from articles where url = ?"
        [(article_id, last_seen)] = rows(db, article, url)
        page = "select fetched_at, crawl_id, body from pages where url = ?"
        [stored] = rows(db, page, url)
        [(etag,)] = rows(db, "select etag from urls where url = ?", url)
        second = run_ingest("crawl", site.url + "/", "--db", str(db), "--refresh", *FAST)
        assert ("/news/2", True, 301) in site.hits and ("/gone", True, 200) in site.hits
        assert "0 new, 0 updated), 1 errors" in second.stdout.splitlines()[0]
        frontier = "select url, state, reason, kind, status, etag, article_id, found_via "
        frontier += "from urls where url in (?, ?) order by url"
        [(gone_etag,)] = rows(db, "select etag from urls where url = ?", site.url + "/gone")
        assert gone_etag != etag
        assert rows(db, frontier, site.url + "/gone", url) == [
            (site.url + "/gone", "fetched", "not_article", "html", 200, gone_etag, None,
             f"redirect {url}"),
            (url, "fetched", "no_longer_article", "html", 200, etag, article_id,
             f"link {site.url}/"),
        ]  # fmt: skip
        assert rows(db, ERRORS) == [takedown(url, article_id)]
        assert rows(db, page, url) == [stored]
        assert rows(db, article, url) == [(article_id, last_seen)]
        # Asked again: the target is not the article page, and answers in full.
        time.sleep(1.1)  # a time that would show if the article were seen again
        site.hits.clear()
        run_ingest("crawl", site.url + "/", "--db", str(db), "--refresh", *FAST)
    assert ("/gone", True, 200) in site.hits
    assert rows(db, article, url) == [(article_id, last_seen)]
    assert rows(db, "select crawl_id, url, kind from errors order by id") == [
        (2, url, "no_longer_article"),
        (3, url, "no_longer_article"),
    ]


@pytest.mark.parametrize(
    ("target", "ending", "errors"),
    [
        ("/", "no_longer_article", 1),
        ("{site}", "no_longer_article", 1),  # the home page spelt without its slash
        ("/news/0", "redirect_seen", 0),
    ],
    ids=["takedown-home-page", "takedown-home-page-no-slash", "moved-to-a-stored-article"],
)
def test_an_article_that_redirects_to_a_page_fetched_under_its_own_name(
    tmp_path, target, ending, errors
):
    """Scrapy drops a redirect to a URL the crawl already asked for (the home page, its
    seed): the URL asked for said redirect_seen, a takedown as silent as a move. To a page
    that is no article it is a takedown, said as one that sends readers to a new page is;
    to a page an article was read from, a move."""
    db = tmp_path / "seen.db"
    with ConditionalSite({}) as site:
        url, _ = crawl_then_turn_into_links(db, site)
        location = target.format(site=site.url)
        site.resources["/news/2"] = Resource("", status=301, headers={"Location": location})
        article = "select id, last_seen from articles where url = ?"
        [(article_id, last_seen)] = rows(db, article, url)
        [stored] = rows(db, "select fetched_at, body from pages where url = ?", url)
        second = run_ingest("crawl", site.url + "/", "--db", str(db), "--refresh", *FAST)
    assert ("/news/2", True, 301) in site.hits
    assert f"0 new, 0 updated), {errors} errors" in second.stdout.splitlines()[0]
    frontier = "select state, reason, article_id from urls where url = ?"
    assert rows(db, frontier, url) == [("redirected", ending, article_id)]
    message = (
        f"the page is no article now (redirects to {site.url}/, not_article): "
        f"article {article_id} and the page it was read from are kept as stored"
    )
    assert rows(db, ERRORS) == [(2, url, "extract", "no_longer_article", message)][:errors]
    assert rows(db, article, url) == [(article_id, last_seen)]
    assert rows(db, "select fetched_at, body from pages where url = ?", url) == [stored]


def test_an_article_whose_page_turned_into_a_promotion_keeps_its_page(tmp_path):
    """Refetched, the story's URL gives a page the cleanup takes whole (a newsletter box):
    no article, as a page turned into links is none, so the page the article was read
    from stays, for reextract and a WARC export, and its own no_text error says why."""
    db = tmp_path / "promoted.db"
    with ConditionalSite({}) as site:
        url, first = crawl_then_turn_into_links(db, site)
        site.resources["/news/2"] = Resource(
            '<html><head><title>Newsletter</title><meta property="og:type" content="article">'
            "</head><body><article><h1>Newsletter</h1><p>Sign up for our free newsletter to "
            "get the latest news in your inbox.</p></article></body></html>"
        )
        article = "select id, title, last_seen from articles where url = ?"
        [stored_article] = rows(db, article, url)
        page = "select fetched_at, crawl_id, body from pages where url = ?"
        [stored] = rows(db, page, url)
        time.sleep(1.1)  # a fetch time that would show if the page were rewritten
        run_ingest("crawl", site.url + "/", "--db", str(db), "--refresh", *FAST)
        assert ("/news/2", True, 200) in site.hits
    assert rows(db, page, url) == [stored]
    assert rows(db, article, url) == [stored_article]
    assert rows(db, "select state, reason from urls where url = ?", url) == [("fetched", "no_text")]
    assert rows(db, "select crawl_id, stage, kind from errors") == [(2, "clean", "no_text")]


def test_an_article_whose_page_turned_into_links_is_exported_and_reextracted(tmp_path):
    """Its kept page goes into a WARC export and through reextract: every article comes back."""
    db = tmp_path / "gone.db"
    with LocalSite({}) as site:
        url, first = crawl_then_turn_into_links(db, site)
        run_ingest("crawl", site.url + "/", "--db", str(db), "--refresh", *FAST)
    titles = "select title from articles order by title"
    assert rows(db, titles) == [("Headline 0",), ("Headline 1",), ("Headline 2",)]
    warc = tmp_path / "pages.warc.gz"
    run_ingest("export", "--db", str(db), "--format", "warc", "-o", str(warc))
    copy = tmp_path / "copy.db"
    run_ingest("import-warc", str(warc), "--db", str(copy))
    assert rows(copy, titles) == rows(db, titles)
    again = run_ingest("reextract", "--db", str(db), "--workers", "0")
    assert again.stdout.splitlines()[0] == (
        f"Re-extraction 3 done: 0 pages, 3 articles (0 new, 0 updated), 0 errors -> {db}"
    )


def test_a_takedown_to_a_page_this_crawl_fetched_first_is_one_though_its_row_waits_to_be_written(
    tmp_path,
):
    """The page the story now redirects to was first fetched a moment before, in the same
    crawl: its row waited in the write buffer, the lookup read only the database, and the
    story's URL ended redirect_seen, as silent as a move."""
    db = tmp_path / "buffered.db"
    with LocalSite({}) as site:
        url, _ = crawl_then_turn_into_links(db, site)
        site.hits.clear()
        # listed last, fetched first: Scrapy takes the links of a page last in, first out
        site.resources["/"] = Resource(index_page(["/news/0", "/news/1", "/news/2", "/about"]))
        site.resources["/about"] = Resource(index_page(["/news/0"], site="About us"))
        site.resources["/news/2"] = Resource("", status=301, headers={"Location": "/about"})
        one_at_a_time = ["-s", "CONCURRENT_REQUESTS=1", "-s", "DOWNLOAD_DELAY=0.3"]
        run_ingest(
            "crawl", site.url + "/", "--db", str(db), "--refresh", "--workers", "0",
            *FAST, *one_at_a_time,
        )  # fmt: skip
    assert site.hits.index("/about") < site.hits.index("/news/2")
    assert rows(db, "select state, reason from urls where url = ?", url) == [
        ("redirected", "no_longer_article")
    ]
    assert rows(db, "select kind from errors where url = ?", url) == [("no_longer_article",)]


def test_a_refetch_cut_off_half_way_leaves_the_stored_article_and_page(tmp_path):
    """A gzip stream cut off (the connection closed early, no length to tell) unpacks to
    the page's first part: read as the page, it replaced the story with its first lines and
    the raw page with the fragment, as an update. It fails as bad_gzip now."""
    import gzip

    db = tmp_path / "cut.db"
    with LocalSite({}) as site:
        url, first = crawl_then_turn_into_links(db, site)
        packed = gzip.compress(first.encode(), mtime=0)
        cut = packed[: len(packed) // 2]
        site.resources["/news/2"] = Resource(cut, headers={"Content-Encoding": "gzip"})
        article = "select id, title, text, last_seen from articles where url = ?"
        [stored_article] = rows(db, article, url)
        page = "select fetched_at, body from pages where url = ?"
        [stored_page] = rows(db, page, url)
        again = run_ingest("crawl", site.url + "/", "--db", str(db), "--refresh", *FAST)
    assert site.hits.count("/news/2") == 2  # fetched again, the second time cut off
    assert "0 updated" in again.stdout.splitlines()[0]
    assert rows(db, article, url) == [stored_article]
    assert rows(db, page, url) == [stored_page]
    assert rows(db, "select state, reason from urls where url = ?", url) == [("failed", "bad_gzip")]
    message = f"the gzip-encoded body is cut off after {len(cut):,} bytes: only part of the page"
    assert rows(db, "select crawl_id, kind, message from errors where url = ?", url) == [
        (2, "bad_gzip", f"{message} would be read")
    ]
