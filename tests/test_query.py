"""Querying a crawl: full-text search in the terminal and the real Datasette server."""

import json
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import FAST, ROOT, free_port, run_ingest
from sites import LocalSite, article_page, index_page, story


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    db = tmp_path_factory.mktemp("query") / "news.db"
    links = [f"/news/{i}" for i in range(6)]
    pages = {link: article_page(f"Headline {i}", story(i)) for i, link in enumerate(links)}
    pages["/news/5"] = article_page(
        "Glaciers retreat",
        ["Alpine glaciers lost a tenth of their volume in two summers, the survey found. " * 4],
    )
    pages["/"] = index_page(links)
    with LocalSite(pages) as site:
        run_ingest("crawl", site.url + "/", "--db", str(db), *FAST)
    return db


def test_search_ranks_and_highlights(crawled):
    results = json.loads(run_ingest("search", "glaciers", "--db", str(crawled), "--json").stdout)
    assert [r["title"] for r in results] == ["Glaciers retreat"]
    assert "[glaciers]" in results[0]["snippet"].lower()
    table = run_ingest("search", "glacier*", "--db", str(crawled)).stdout
    assert "Glaciers retreat" in table
    assert "No article matches" in run_ingest("search", "volcano", "--db", str(crawled)).stdout


def test_serve_opens_the_database_in_datasette(crawled):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "ingest", "serve", "--db", str(crawled), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/news/articles.json?_search=glaciers&_shape=array"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    rows = json.load(response)
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("Datasette did not answer")
    finally:
        server.terminate()
        server.wait(10)
    assert [row["title"] for row in rows] == ["Glaciers retreat"]
