"""A person's path through `ingest serve`, in a real headless Chromium: open the articles,
search for a word of the demo crawl, find the article, read it, look at the dashboard, follow
a search as a feed, keep screenshots.

Chromium resolves no host name but 127.0.0.1 here (``--host-resolver-rules``), so a page that
needs a CDN shows it. Needs Debian's chromium and chromium-driver (CI installs them); skipped
only without chromium.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from ingest.demo.site import SEED_ARTICLE

from conftest import ROOT, copy_database, free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1000",
    # The network cut off: every host name but the server's fails to resolve.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
ATOM = "{http://www.w3.org/2005/Atom}"

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not os.environ.get("INGEST_TESTS_NEED_SERVICES"),
    reason="chromium is not installed",
)


@pytest.fixture(scope="module")
def served(tmp_path_factory, demo_crawl):
    """A demo crawl served by `ingest serve` on a free loopback port."""
    folder = tmp_path_factory.mktemp("browser")
    db = copy_database(demo_crawl, folder)
    port = free_port()
    with open(folder / "serve.log", "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "ingest", "serve", "--db", str(db), "--port", str(port)],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if server.poll() is not None:
                pytest.fail((folder / "serve.log").read_text())
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=5).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("Datasette did not answer")
        yield base, db
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture
def browser():
    assert Path(CHROMEDRIVER).exists(), "chromium is installed but chromedriver is not"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    with tempfile.TemporaryDirectory(prefix="ingest-chromium-") as profile:
        options.add_argument(f"--user-data-dir={profile}")
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        driver.set_page_load_timeout(60)
        try:
            yield driver
        finally:
            driver.quit()


def save_screenshot(driver, path: Path) -> None:
    assert driver.save_screenshot(str(path))
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000, path


def loaded_elsewhere(driver, base: str) -> list[str]:
    """The resources the page loaded from anywhere but the server."""
    names = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    return [n for n in names if not n.startswith(base)]


def test_search_the_articles_and_read_one(served, browser, tmp_path):
    served, _ = served
    wait = WebDriverWait(browser, 30)
    browser.get(served + "/demo/articles")
    assert "articles" in browser.find_element(By.TAG_NAME, "h1").text

    # The compact view keeps headline, outlet, date, language, authors and text in sight.
    browser.find_element(By.LINK_TEXT, "Compact view").click()
    wait.until(ec.url_contains("_col=title"))
    box = browser.find_element(By.ID, "_search")
    box.send_keys("vaccine", Keys.ENTER)
    wait.until(ec.url_contains("_search=vaccine"))
    assert "_col=text" in browser.current_url  # the search kept the chosen columns
    assert not browser.find_elements(By.CSS_SELECTOR, "th.col-canonical_url")
    title = wait.until(
        ec.presence_of_element_located(
            (
                By.XPATH,
                f'//td[contains(@class, "col-title")][contains(., "{SEED_ARTICLE["title"]}")]',
            )
        )
    )
    # Matched words are highlighted, in the headline and in the snippet of the text.
    row = title.find_element(By.XPATH, "./ancestor::tr")
    marks = [m.text.lower() for m in row.find_elements(By.TAG_NAME, "mark")]
    assert "vaccines" in marks and "vaccine" in marks
    heading = browser.find_element(By.CSS_SELECTOR, "h3").text
    assert 'search matches "vaccine"' in heading
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", row)
    save_screenshot(browser, tmp_path / "search.png")

    # The row's id links to the article's own page: its text in paragraphs, its links.
    row.find_element(By.CSS_SELECTOR, "td a").click()
    paragraphs = wait.until(
        ec.presence_of_all_elements_located((By.CSS_SELECTOR, "td.col-text .ingest-text p"))
    )
    assert [p.text for p in paragraphs] == SEED_ARTICLE["paragraphs"]
    assert browser.find_element(By.CSS_SELECTOR, "td.col-title").text == SEED_ARTICLE["title"]
    # Headed by its headline, with the outlet and the publisher's date and time under it.
    assert browser.find_element(By.TAG_NAME, "h1").text == SEED_ARTICLE["title"]
    assert browser.title == f"{SEED_ARTICLE['title']} (yeni-haber)"
    dateline = browser.find_element(By.CSS_SELECTOR, ".ingest-dateline").text
    assert dateline.startswith("yeni-haber · 2021-04-07 16:20 · en · article ")
    related = browser.find_element(By.CSS_SELECTOR, "td.col-url .ingest-related").text
    assert "stored page" in related and "errors for this URL: 0" in related
    save_screenshot(browser, tmp_path / "article.png")

    # Its stored page is a click away, and the raw HTML is not rendered there.
    browser.find_element(By.LINK_TEXT, "stored page").click()
    body = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "td.col-body")))
    assert body.text.startswith("zlib-compressed HTML")
    assert not browser.find_elements(By.CSS_SELECTOR, ".share-bar, .newsletter, .story-body")


def test_home_and_database_pages_start_with_the_articles(served, browser, tmp_path):
    served, _ = served
    browser.get(served + "/")
    tables = browser.find_elements(By.CSS_SELECTOR, "p.ingest-tables a")
    assert [t.text for t in tables][:2] == ["articles", "story_clusters"]
    assert "article_lsh" not in [t.text for t in tables]
    save_screenshot(browser, tmp_path / "home.png")
    browser.get(served + "/demo")
    headings = browser.find_elements(By.CSS_SELECTOR, ".db-table h3 a")
    assert headings[0].text == "articles"
    sql = browser.execute_script("return document.getElementById('sql-editor').value")
    assert sql == "select * from articles"


def test_a_canned_query_reads_by_its_title_with_its_sql_folded(served, browser, tmp_path):
    served, _ = served
    browser.get(served + "/demo/same_story")
    assert browser.title == "The same story in several outlets: demo"
    assert browser.find_element(By.TAG_NAME, "h1").text == "The same story in several outlets"
    folded = browser.find_element(By.CSS_SELECTOR, "details.ingest-sql")
    assert folded.get_attribute("open") is None
    assert not folded.find_element(By.TAG_NAME, "pre").is_displayed()
    assert not browser.find_elements(By.ID, "sql-editor")
    # The wire story, in three outlets; URLs shortened, whole in the link.
    outlets = {td.text for td in browser.find_elements(By.CSS_SELECTOR, "td.col-outlet")}
    assert outlets >= {"yeni-haber", "rheinblatt", "courrier-des-alpes"}
    link = browser.find_element(By.CSS_SELECTOR, "td.col-url a.ingest-url")
    assert link.get_attribute("href") == link.get_attribute("title")
    assert len(link.text) <= 48 < len(link.get_attribute("href"))
    save_screenshot(browser, tmp_path / "same_story.png")


def test_the_dashboard_draws_its_charts_offline(served, browser, tmp_path):
    served, db = served
    with sqlite3.connect(db) as conn:
        (languages,) = conn.execute("select count(distinct language) from articles").fetchone()
        (day_bars,) = conn.execute(
            "select count(*) from (select distinct published_day, outlet from articles"
            " where published_day >= date((select max(published_day) from articles),"
            " '-365 days'))"
        ).fetchone()
        (crawls,) = conn.execute("select count(distinct crawl_id) from crawl_health").fetchone()
        # two outlets whose rules missed a story and read part of another: a bar for each
        # of missed and partial, for each outlet
        for column, outlet in (("rules_missed", "yeni-haber"), ("rules_partial", "rheinblatt")):
            conn.execute(f"update crawl_health set {column} = 1 where outlet = ?", [outlet])
        (rules_rows,) = conn.execute(
            "select count(*) from crawl_health where rules_missed > 0 or rules_partial > 0"
        ).fetchone()
    wait = WebDriverWait(browser, 60)
    browser.get(served + "/-/dashboards/crawl")

    def marks(chart: str, kind: str) -> int:
        css = f"#chart-{chart} svg g.mark-{kind} path"
        return len(browser.find_elements(By.CSS_SELECTOR, css))

    wait.until(lambda _: marks("languages", "arc") == languages == 4)
    wait.until(lambda _: marks("per-day", "rect") == day_bars > 150)
    wait.until(lambda _: marks("health", "rect") == 5 * crawls)
    wait.until(lambda _: marks("rules-missed", "rect") == 2 * rules_rows == 4 * crawls)
    # the metric is fetched and drawn on its own, after the charts or before

    def metric() -> list[str]:
        return [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#chart-articles p")]

    try:
        wait.until(lambda _: metric() == ["180"])
    except TimeoutException:
        assert metric() == ["180"]  # saying what it shows instead
    assert loaded_elsewhere(browser, served) == []
    save_screenshot(browser, tmp_path / "dashboard.png")


def test_a_search_is_followed_as_an_atom_feed(served, browser, tmp_path):
    served, _ = served
    browser.get(served + "/demo/follow_search?q=vaccine&outlet=&language=")
    feed_link = browser.find_element(By.LINK_TEXT, "atom").get_attribute("href")
    with urllib.request.urlopen(feed_link, timeout=30) as response:
        assert response.headers["content-type"].startswith("application/xml")
        feed = ET.fromstring(response.read())
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == "Follow a search as an Atom feed"
    entries = feed.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert SEED_ARTICLE["title"] in titles
    seed = entries[titles.index(SEED_ARTICLE["title"])]
    assert seed.find(f"{ATOM}link").get("href") == SEED_ARTICLE["url"]
    assert seed.findtext(f"{ATOM}updated") == SEED_ARTICLE["published"]
    assert seed.findtext(f"{ATOM}author/{ATOM}name") == "yeni-haber"
    save_screenshot(browser, tmp_path / "follow_search.png")
