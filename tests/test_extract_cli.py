"""`ingest extract` on saved pages: the same path as a crawl, from files."""

import gzip
import json

from conftest import run_ingest
from sites import article_page, story


def test_extract_prints_an_article_from_plain_and_gzipped_files(tmp_path):
    page = article_page("Budget passes after long debate", story(1))
    plain = tmp_path / "page.html"
    plain.write_text(page)
    packed = tmp_path / "page.html.gz"
    packed.write_bytes(gzip.compress(page.encode()))
    for path in (plain, packed):
        article = json.loads(run_ingest("extract", str(path)).stdout)
        assert article["title"] == "Budget passes after long debate"
        assert article["text"].split("\n") == story(1)
        assert article["authors"] == ["Ada Writer"]
        assert article["published"] == "2024-03-01T08:00:00+00:00"
        assert article["published_day"] == "2024-03-01"
        assert article["language"] == "en"
        assert article["sitename"] == "Test Daily"


def test_extract_decodes_the_declared_charset(tmp_path):
    html = article_page("Zürich räumt auf", ["Größere Straßen für Fußgänger in Zürich. " * 5])
    html = html.replace('<meta charset="utf-8">', '<meta charset="iso-8859-1">')
    path = tmp_path / "latin1.html"
    path.write_bytes(html.encode("iso-8859-1"))
    article = json.loads(run_ingest("extract", str(path)).stdout)
    assert article["title"] == "Zürich räumt auf"
    assert "Größere Straßen für Fußgänger" in article["text"]


def test_jsonl_gives_one_line_per_file_with_its_source_and_failures_are_reported(tmp_path):
    files = []
    for i in range(5):
        path = tmp_path / f"story{i}.html"
        path.write_text(article_page(f"Story {i} headline", story(i)))
        files.append(str(path))
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body></body></html>")
    files.append(str(empty))
    result = run_ingest("extract", *files, "--jsonl", "--workers", "2", check=False)
    assert result.returncode == 1  # one file gave no article
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["source"] for line in lines] == files
    assert [line.get("title") for line in lines[:5]] == [f"Story {i} headline" for i in range(5)]
    assert lines[5]["errors"][0]["stage"] == "extract"
    assert "empty.html" in result.stderr


def test_a_page_without_article_text_is_reported_with_its_date(tmp_path):
    path = tmp_path / "video.html"
    path.write_text(  # a page its script fills in: nothing to read without it
        '<html><head><meta property="article:published_time" content="2024-03-01T08:00:00Z">'
        '</head><body><div id="player"></div></body></html>'
    )
    result = run_ingest("extract", str(path), check=False)
    assert result.returncode == 1
    record = json.loads(result.stdout)
    assert [e["kind"] for e in record["errors"]] == ["no_text"]
    assert (record["published"], record["published_day"]) == (
        "2024-03-01T08:00:00+00:00",
        "2024-03-01",
    )


def test_a_page_whose_every_line_is_boilerplate_is_no_article_and_says_why(tmp_path):
    """trafilatura found text, and the cleanup took every line of it: an article row with
    no word was stored, and nothing said anything went wrong."""
    path = tmp_path / "promo.html"
    path.write_text(
        '<html><head><title>Harbour news</title><meta property="og:type" content="article">'
        '<meta property="article:published_time" content="2024-03-01T08:00:00Z"></head>'
        "<body><article><h1>Harbour news</h1>"
        "<p>Sign up for our free newsletter to get the latest news in your inbox.</p>"
        "<p>Follow us on Twitter.</p><p>© 2024 The Coast Courier. All rights reserved.</p>"
        "</article></body></html>"
    )
    result = run_ingest("extract", str(path), check=False)
    assert result.returncode == 1
    record = json.loads(result.stdout)
    assert "text" not in record
    assert record["errors"] == [
        {
            "stage": "clean",
            "kind": "no_text",
            "message": "every line of the text extracted is boilerplate (site names, datelines, "
            "calls to action, credits): no article text is left",
        }
    ]
    assert record["published_day"] == "2024-03-01"
    # one line of the story, and it is an article
    path.write_text(
        path.read_text().replace("<p>Follow", "<p>The quay closed on Monday.</p><p>Follow")
    )
    record = json.loads(run_ingest("extract", str(path)).stdout)
    assert record["text"] == "The quay closed on Monday."


def saved_page(folder):  # noqa: ANN001, ANN201
    """A story saved as a reader would save it: page.html in ``folder``."""
    path = folder / "page.html"
    path.write_text(article_page("Budget passes", story(1)))
    return path


def test_url_chooses_the_outlet_plugin(tmp_path, write_plugin):
    folder = write_plugin("testdaily", (
        "from ingest import Outlet, hookimpl\n"
        "TD = Outlet(name='test-daily', domains=['testdaily.example'],\n"
        "            boilerplate=['part 2:'])\n"
        "@hookimpl\n"
        "def register_outlets(register):\n"
        "    register(TD)\n"
    ))  # fmt: skip
    path = saved_page(tmp_path)
    plain = json.loads(run_ingest("extract", str(path), "--plugins-dir", str(folder)).stdout)
    assert plain["outlet"] is None and len(plain["text"].split("\n")) == 4
    article = json.loads(run_ingest(
        "extract", str(path), "--url", "https://www.testdaily.example/news/1",
        "--plugins-dir", str(folder)).stdout)  # fmt: skip
    assert article["outlet"] == "test-daily"
    assert article["url"] == "https://www.testdaily.example/news/1"
    assert article["text"].split("\n") == [p for p in story(1) if "part 2:" not in p]


def test_a_plugins_error_on_a_page_is_said_with_the_plugins_name(tmp_path, write_plugin):
    folder = write_plugin("halfway", (
        "from ingest import hookimpl\n"
        "@hookimpl\n"
        "def clean_article(article):\n"
        "    raise ValueError('half-way clean')\n"
    ))  # fmt: skip
    path = saved_page(tmp_path)
    result = run_ingest("extract", str(path), "--plugins-dir", str(folder))
    assert result.stderr.splitlines()[-1] == (
        f"{path}: clean ValueError (plugin halfway): half-way clean"
    )  # which plugin raised went unsaid


def test_a_url_that_is_no_web_address_is_a_usage_error(tmp_path):
    """``http://[::1`` was met as a bug of ingest's (internal_error, exit 1); "not a url"
    and ftp:// were taken."""
    page = tmp_path / "a.html"
    page.write_text(article_page("Budget passes", story(1)))
    for url in ("http://[::1", "not a url", "ftp://x.example/a", "http://:80/a"):
        done = run_ingest("extract", str(page), "--url", url, "--workers", "0", check=False)
        assert (done.returncode, done.stdout) == (2, ""), url
        assert done.stderr.splitlines()[-1] == (
            f"Error: Invalid value for '--url': {url!r} is not a web address (http or https, "
            "with a host)"
        )
    fine = run_ingest("extract", str(page), "--url", "https://x.example/a", "--workers", "0")
    assert json.loads(fine.stdout)["title"] == "Budget passes"


def test_a_page_read_from_a_pipe_is_read_whole(tmp_path):
    """A pipe (``<(cat page.html)``) was opened twice, once to look for gzip: its first 8 KB
    went to that look, and the page lost its title and first paragraphs, without a word;
    beside another file, the worker processes could not open it at all."""
    import os
    import threading

    page = article_page("Long harbour story", story(1, 400)).encode()
    assert len(page) > 8192
    (tmp_path / "page.html").write_bytes(page)
    fifo = tmp_path / "page.fifo"
    os.mkfifo(fifo)

    def feed(data: bytes) -> None:
        with open(fifo, "wb") as f:  # waits for the reader, as a shell's pipe does
            f.write(data)

    for packed in (page, gzip.compress(page)):
        writer = threading.Thread(target=feed, args=(packed,))
        writer.start()
        done = run_ingest("extract", str(tmp_path / "page.html"), str(fifo), "--jsonl")
        writer.join()
        [whole, piped] = [json.loads(line) for line in done.stdout.splitlines()]
        assert piped["source"] == str(fifo) and piped["url"] == fifo.as_uri()
        assert (piped["title"], piped["text"]) == (whole["title"], whole["text"])
        assert whole["title"] == "Long harbour story"


def test_a_pipe_only_this_process_holds_is_read_here_not_in_a_worker(tmp_path):
    """``<(cat page.html)`` beside another file: the worker processes, which read the
    files, found no /dev/fd/63 of theirs ("unreadable")."""
    import os
    import subprocess
    import sys
    import threading

    from conftest import ROOT

    page = article_page("Piped", story(2)).encode()
    (tmp_path / "page.html").write_bytes(page)
    read, write = os.pipe()
    writer = threading.Thread(target=lambda: (os.write(write, page), os.close(write)))
    writer.start()
    piped = f"/dev/fd/{read}"
    done = subprocess.run(
        [sys.executable, "-m", "ingest", "extract", str(tmp_path / "page.html"), piped, "--jsonl"],
        pass_fds=(read,),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    writer.join()
    os.close(read)
    assert done.returncode == 0, done.stderr
    [whole, from_pipe] = [json.loads(line) for line in done.stdout.splitlines()]
    assert (from_pipe["source"], from_pipe["url"]) == (piped, f"file://{piped}")
    assert (from_pipe["title"], from_pipe["text"]) == ("Piped", whole["text"])


def test_a_short_page_of_garble_cleaned_away_is_said_as_garble(tmp_path):
    """cp1251 bytes labelled UTF-8, too short to be guessed: every line read as
    replacement characters, and the only word was "every line is boilerplate"."""
    html = (
        '<html><head><meta charset="utf-8"><title>Новости</title></head><body><article>'
        "<h1>Правительство приняло бюджет</h1><p>Правительство страны приняло новый бюджет "
        "на следующий год, сообщили в министерстве финансов.</p></article></body></html>"
    )
    (tmp_path / "ru.html").write_bytes(html.encode("cp1251"))
    done = run_ingest("extract", str(tmp_path / "ru.html"), "--jsonl", check=False)
    assert done.returncode == 1
    [record] = [json.loads(line) for line in done.stdout.splitlines()]
    assert [e["kind"] for e in record["errors"]] == ["no_text", "garbled_text"]
    unread = html.encode("cp1251").decode("utf-8", "replace").count("\ufffd")
    assert record["errors"][1]["message"] == (
        f"{unread} characters of the page could not be read as utf-8"
    )
