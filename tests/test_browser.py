"""A person's path through `ingest serve`, in a real headless Chromium: open the articles,
search for a word of the demo crawl, find the article, read it, keep screenshots.

Needs Debian's chromium and chromium-driver (CI installs them); skipped only without chromium.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from ingest.demo.site import SEED_ARTICLE

from conftest import ROOT, free_port, run_ingest

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
]

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not os.environ.get("INGEST_TESTS_NEED_SERVICES"),
    reason="chromium is not installed",
)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A demo crawl served by `ingest serve` on a free loopback port."""
    folder = tmp_path_factory.mktemp("browser")
    db = folder / "demo.db"
    run_ingest("demo", "--db", str(db))
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
        yield base
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


def test_search_the_articles_and_read_one(served, browser, tmp_path):
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
    related = browser.find_element(By.CSS_SELECTOR, "td.col-url .ingest-related").text
    assert "stored page" in related and "errors for this URL: 0" in related
    save_screenshot(browser, tmp_path / "article.png")

    # Its stored page is a click away, and the raw HTML is not rendered there.
    browser.find_element(By.LINK_TEXT, "stored page").click()
    body = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "td.col-body")))
    assert body.text.startswith("zlib-compressed HTML")
    assert not browser.find_elements(By.CSS_SELECTOR, ".share-bar, .newsletter, .story-body")
