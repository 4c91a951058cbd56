"""A bug met mid-crawl costs the page it hit, loudly: a row, a reason, the raw page, exit 4.

The bug here is a plugin's: an outlet whose ``owns`` (is this URL mine?) raises on one
link. It runs in the crawl process, as the spider plans the links of the page that lists
it, so Scrapy would log it and move on, and the page would be lost without a row. (An
``is_article_url`` that raises costs its URL the outlet's verdict only: test_crawl.py.)
"""

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, XmlResponse
from twisted.python.failure import Failure

from ingest.crawl import internal
from ingest.crawl.fates import page_reason
from ingest.crawl.items import FetchError, PageItem
from ingest.extract.process import Job
from ingest.extract.workers import ExtractionPool
from ingest.plugins.manager import PluginConfig

from conftest import FAST, rows, run_ingest
from sites import LocalSite, article_page, index_page, story

PICKY = """
from ingest import Outlet, hookimpl


class Picky(Outlet):
    def owns(self, url):
        if url.endswith("/trap"):
            raise ValueError("cannot judge " + url)
        return super().owns(url)


@hookimpl
def register_outlets(register):
    register(Picky(name="picky", domains=["127.0.0.1"]))
"""


def site() -> dict:
    links = [f"/news/{i}" for i in range(6)]
    pages = {link: article_page(f"Headline number {i}", story(i)) for i, link in enumerate(links)}
    # /news/9 is listed (and queued) before the bug, on this page only
    pages["/news/3"] = article_page("Headline number 3", story(3), ["/news/9", "/trap"])
    pages["/news/9"] = article_page("Headline number 9", story(9))
    pages["/"] = index_page(links)
    return pages


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("internal")
    (tmp / "plugins").mkdir()
    (tmp / "plugins" / "picky.py").write_text(PICKY)
    db = tmp / "news.db"
    with LocalSite(site()) as served:
        done = run_ingest(
            "crawl", served.url + "/", "--db", str(db), "--plugins-dir", str(tmp / "plugins"),
            *FAST, check=False, cwd=tmp,
        )  # fmt: skip
        # the bug fixed (the plugin gone), a crawl of a copy asks for what was left queued
        again = tmp / "again.db"
        again.write_bytes(db.read_bytes())
        run_ingest("crawl", served.url + "/", "--db", str(again), *FAST, cwd=tmp)
    return served.url, db, done, tmp


def test_the_exit_status_says_a_bug_cost_pages(crawled):
    _, db, done, _ = crawled
    assert done.returncode == 4, done.stderr
    assert "Error: 1 page(s) met an internal error" in done.stderr
    assert rows(db, "select status, stop_reason from crawls") == [("finished", "finished")]


def test_the_bug_is_an_errors_row_naming_where_it_was_raised(crawled):
    url, db, _, tmp = crawled
    [(where, stage, message, trace)] = rows(
        db, "select url, stage, message, traceback from errors where kind = 'internal_error'"
    )
    assert where == f"{url}/news/3" and stage == "crawl"
    path = tmp / "plugins" / "picky.py"
    assert message.startswith(f"ValueError: cannot judge {url}/trap (in owns, {path}:")
    assert trace.rstrip().endswith(f"ValueError: cannot judge {url}/trap")


def test_the_page_it_hit_is_kept_raw_and_its_url_says_why(crawled):
    url, db, _, _ = crawled
    assert rows(db, "select state, reason from urls where url = ?", f"{url}/news/3") == [
        ("fetched", "internal_error")
    ]
    assert rows(
        db, "select kind, status, body is not null from pages where url = ?", f"{url}/news/3"
    ) == [("html", 200, 1)]
    titles = {t for (t,) in rows(db, "select title from articles")}
    assert titles == {f"Headline number {i}" for i in (0, 1, 2, 4, 5)}
    # a link planned before the bug was never requested: queued for --resume, and why
    assert rows(db, "select url, reason from urls where state = 'queued'") == [
        (f"{url}/news/9", "internal_error")
    ]


def test_the_next_crawl_asks_for_the_links_left_queued(crawled):
    url, _, _, tmp = crawled
    assert rows(
        tmp / "again.db", "select state, reason from urls where url = ?", f"{url}/news/9"
    ) == [("fetched", "article")]


def test_reextract_makes_the_article_the_bug_cost(crawled, tmp_path):
    _, db, _, _ = crawled
    copy = tmp_path / "copy.db"
    copy.write_bytes(db.read_bytes())
    run_ingest("reextract", "--db", str(copy))
    assert rows(copy, "select count(*) from articles where title = 'Headline number 3'") == [(1,)]


def raised() -> Failure:
    try:
        raise KeyError("lost")
    except KeyError:
        return Failure()


def test_an_error_answer_whose_errback_raised_keeps_its_status_and_error_page():
    request = Request("http://n.example/gone", meta={"found_via": "seed", "depth": 2})
    answer = HtmlResponse(request.url, status=404, body=b"<p>gone</p>", request=request)
    item = internal.from_callback(raised(), answer)
    assert isinstance(item, FetchError)
    assert (item.url, item.status, item.known_page, item.stage) == (
        request.url,
        404,
        False,
        "crawl",
    )
    assert (item.found_via, item.depth) == ("seed", 2)
    assert item.message.startswith("KeyError: 'lost' (in raised, ")


def test_a_failed_download_or_a_304_whose_callback_raised_ends_as_a_failed_url():
    request = Request("http://n.example/a", meta={"known": {"page": True}})
    download = Failure(TimeoutError("slow"))
    download.request = request
    for answer in (download, HtmlResponse(request.url, status=304, request=request)):
        item = internal.from_callback(raised(), answer)
        assert isinstance(item, FetchError)
        assert (item.url, item.status, item.known_page) == (request.url, None, True)


def test_a_feed_kept_raw_after_a_bug_says_so_in_its_reason():
    request = Request("http://n.example/feed.xml")
    rss = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
    feed = XmlResponse(request.url, body=rss, request=request)
    item = internal.from_callback(raised(), feed)
    assert isinstance(item, PageItem) and item.kind == "feed" and item.body == rss
    assert page_reason(item) == "internal_error"


# A BaseException no plugin guard catches (they take Exception and SystemExit): the bug net
# of the extraction workers must, in the worker and back in the crawl.
ESCAPES = """
from ingest import hookimpl


@hookimpl
def normalize_article(article):
    if article.url.endswith("/news/2"):
        raise GeneratorExit("escaped from " + article.url)
"""


def test_a_bug_met_in_a_worker_is_the_same_kind_of_row_and_exit(tmp_path):
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "escapes.py").write_text(ESCAPES)
    db = tmp_path / "news.db"
    pages = {f"/news/{i}": article_page(f"Headline number {i}", story(i)) for i in range(4)}
    pages["/"] = index_page(list(pages))
    with LocalSite(pages) as served:
        done = run_ingest(
            "crawl", served.url + "/", "--db", str(db), "--plugins-dir", str(tmp_path / "plugins"),
            *FAST, check=False, cwd=tmp_path,
        )  # fmt: skip
    assert done.returncode == 4, done.stderr
    [(where, stage, message, trace)] = rows(
        db, "select url, stage, message, traceback from errors where kind = 'internal_error'"
    )
    assert where == f"{served.url}/news/2" and stage == "extract"
    path = tmp_path / "plugins" / "escapes.py"
    assert message.startswith(f"GeneratorExit: escaped from {where} (in normalize_article, {path}:")
    assert trace.startswith("Traceback") and trace.rstrip().endswith(
        f"GeneratorExit: escaped from {where}"
    )
    assert rows(db, "select reason from urls where url = ?", where) == [("internal_error",)]
    assert rows(db, "select count(*) from articles") == [(3,)]
    # reextract with the plugin still there: the same page, the same row, the same exit
    again = run_ingest(
        "reextract", "--db", str(db), "--plugins-dir", str(tmp_path / "plugins"), check=False
    )
    assert again.returncode == 4, again.stderr
    assert "Error: 1 page(s) met an internal error" in again.stderr


def test_a_plugin_raising_keyboard_interrupt_in_a_worker_is_its_pages_row_not_a_hung_crawl(
    tmp_path,
):
    """Workers ignore Ctrl-C, so a KeyboardInterrupt from one is a plugin's: re-raised in
    the crawl's event loop, it printed "Interrupted." and the crawl hung, deaf to SIGTERM."""
    (tmp_path / "interrupts.py").write_text(ESCAPES.replace("GeneratorExit", "KeyboardInterrupt"))
    config = PluginConfig(dirs=(str(tmp_path),), entry_points=False)
    html = article_page("Headline number 2", story(2)).encode()
    with ExtractionPool(config, 1) as pool:
        outcome = pool.submit(Job(url="https://n.example/news/2", body=html)).result(timeout=60)
        after = pool.submit(Job(url="https://n.example/news/3", body=html)).result(timeout=60)
    [error] = outcome.errors
    assert (error["stage"], error["kind"]) == ("extract", "internal_error")
    assert error["message"].startswith("KeyboardInterrupt: escaped from https://n.example/news/2")
    assert "interrupts.py:" in error["message"] and outcome.article is None
    assert after.errors == [] and after.article["title"] == "Headline number 2"


def test_a_bug_in_the_extraction_path_is_recorded_by_the_pool_in_either_mode():
    """A job the path can't take (no body at all) stands for any bug of ours there."""
    for workers in (0, 1):
        with ExtractionPool(PluginConfig(entry_points=False), workers) as pool:
            outcome = pool.submit(Job(url="https://n.example/a", body=None)).result(timeout=60)
        [error] = outcome.errors
        assert (error["stage"], error["kind"]) == ("extract", "internal_error")
        assert error["message"].startswith("TypeError: object of type 'NoneType' has no len()")
        assert "(in job_body, " in error["message"] and "process.py:" in error["message"]
        assert error["traceback"].startswith("Traceback") and outcome.article is None
