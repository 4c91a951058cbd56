"""Commands for and from plugins, run as a user runs them, writing into tmp folders only.

`ingest new-plugin` and `ingest fixture` end where a plugin author's work ends: the
golden test (tests/test_outlets.py), run in a fresh process on the folders written,
passes. A plugin's own commands (`register_commands`) and tables (`prepare_database`)
work through the real command line and a real crawl.
"""

import contextlib
import gzip
import json
import os
import shlex
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from ingest.plugins.folders import listed_dirs, with_dirs

from conftest import FAST, ROOT, rows, run_ingest
from sites import LocalSite, Resource, article_page, story


def golden_test(fixtures: Path, plugins: Path) -> subprocess.CompletedProcess:
    """tests/test_outlets.py on these fixture and plugin folders only, in a fresh process (one:
    the suite's parallel processes cost 4 s of CPU more than its few tests)."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0"]
        + ["tests/test_outlets.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        env={
            **os.environ,
            "INGEST_FIXTURES_DIR": str(fixtures),
            "INGEST_PLUGINS_DIR": str(plugins),
        },
    )


def check_plugins(fixtures: Path, plugins: Path, *names: str) -> subprocess.CompletedProcess:
    """``ingest test-plugin``: the same check, from the command line, as a user runs it."""
    return run_ingest(
        "test-plugin", *names, "--fixtures", str(fixtures), "--plugins-dir", str(plugins),
        check=False,
    )  # fmt: skip


def new_plugin(tmp_path: Path, name: str, domain: str) -> tuple[Path, Path]:
    plugins, fixtures = tmp_path / "plugins", tmp_path / "fixtures"
    run_ingest(
        "new-plugin", name, "--domain", domain, "--dir", str(plugins),
        "--fixtures", str(fixtures), cwd=tmp_path,
    )  # fmt: skip
    return plugins, fixtures


def test_new_plugin_writes_a_loading_plugin_and_a_fixture_folder_the_golden_test_checks(tmp_path):
    plugins, fixtures = new_plugin(tmp_path, "daily_test", "www.daily-test.example")

    module = plugins / "daily_test.py"
    assert (fixtures / "daily_test").is_dir()
    source = module.read_text()
    assert 'name="daily-test"' in source and 'domains=["daily-test.example"]' in source
    assert "docs/plugins.md" in source and "TODO" not in source
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--config", ROOT / "pyproject.toml",
         module],
        capture_output=True, text=True,
    )  # fmt: skip
    assert lint.returncode == 0, lint.stdout
    listed = run_ingest("plugins", "--plugins-dir", str(plugins), cwd=tmp_path).stdout
    assert "daily-test v1" in listed

    result = golden_test(fixtures, plugins)
    assert result.returncode == 0 and "1 passed" in result.stdout, result.stdout

    again = run_ingest(
        "new-plugin", "daily_test", "--domain", "daily-test.example", "--dir", str(plugins),
        "--fixtures", str(fixtures), cwd=tmp_path, check=False,
    )  # fmt: skip
    assert again.returncode != 0 and "exists" in again.stderr
    taken = run_ingest(
        "new-plugin", "guardian", "--domain", "other.example", "--dir", str(plugins),
        "--fixtures", str(fixtures), cwd=tmp_path, check=False,
    )  # fmt: skip
    assert taken.returncode != 0 and "already loaded" in taken.stderr
    python_own = run_ingest(
        "new-plugin", "os", "--domain", "os.example", "--dir", str(plugins), cwd=tmp_path,
        check=False,
    )  # fmt: skip
    assert python_own.returncode == 2 and not (plugins / "os.py").exists()
    assert python_own.stderr.splitlines()[-1] == (
        "Error: Invalid value for NAME: 'os' is a module of Python's own; name the outlet, "
        "e.g. os_news"
    )


def test_fixture_saves_a_fetched_page_and_its_extraction_and_the_golden_test_holds_it(tmp_path):
    plugins, fixtures = new_plugin(tmp_path, "local_news", "127.0.0.1")
    page = article_page("Budget passes", story(1), published="2024-03-01")
    with LocalSite({"/news/2024/03/budget-passes": page}) as site:
        url = f"{site.url}/news/2024/03/budget-passes"
        run_ingest(
            "fixture", url, "--fixtures", str(fixtures), "--plugins-dir", str(plugins),
            cwd=tmp_path,
        )  # fmt: skip

    saved = fixtures / "local_news" / "budget-passes"
    assert gzip.decompress(saved.with_suffix(".html.gz").read_bytes()) == page.encode()
    expected = json.loads(saved.with_suffix(".json").read_text())
    assert expected == {
        "url": url,
        "title": "Budget passes",
        "authors": ["Ada Writer"],
        "published": "2024-03-01",
        "text": "\n".join(story(1)),
        "content_type": "text/html; charset=utf-8",
    }
    result = check_plugins(fixtures, plugins)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "ok    local_news/budget-passes\n1 of 1 held\n"

    # The golden test holds the page to what was saved: a changed expectation fails.
    first = story(1)[0]
    expected["text"] = expected["text"].replace("part 1:", "part one:")
    expected.update(
        title="Budget fails", authors=["Ada Writer", "Bo Other"], published="2024-03-02"
    )
    saved.with_suffix(".json").write_text(json.dumps(expected))
    result = check_plugins(fixtures, plugins)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "FAIL  local_news/budget-passes",
        "      title is 'Budget passes', not 'Budget fails'",
        "      authors is ['Ada Writer'], not ['Ada Writer', 'Bo Other']",
        "      published is '2024-03-01', not '2024-03-02'",
        "      text differs (- expected, + extracted):",
        "      @@ -1,4 +1,4 @@",
        f"      -{first.replace('part 1:', 'part one:')}",
        f"      +{first}",
        *(f"       {line}" for line in story(1)[1:4]),
        "0 of 1 held, 1 failed",
    ]
    assert golden_test(fixtures, plugins).returncode == 1  # the repository's test agrees


HANGS = """
from ingest import hookimpl


@hookimpl
def clean_article(article, outlet):
    import time

    if outlet is not None:
        time.sleep(3600)  # a hook stuck on a network call, say
"""


def test_a_hook_that_hangs_is_stopped_in_the_plugin_authors_own_commands(tmp_path):
    """fixture, test-plugin and a one-file extract ran the page in their own process with
    no bound: a hanging hook hung them for good, saying nothing (and in CI, the job)."""
    plugins, fixtures = new_plugin(tmp_path, "local_news", "127.0.0.1")
    page = tmp_path / "page.html"
    page.write_text(article_page("Budget passes", story(1), published="2024-03-01"))
    url = "http://127.0.0.1/news/2024/03/budget-passes"
    where = ["--plugins-dir", str(plugins)]
    fixture = ["fixture", str(page), "--url", url, "--fixtures", str(fixtures), *where]
    run_ingest(*fixture, cwd=tmp_path)  # saved while the plugin still answers
    with (plugins / "local_news.py").open("a") as module:
        module.write(HANGS)
    bound = ["-s", "INGEST_EXTRACT_TIMEOUT=2"]  # the page's alarm at 1.6 s
    said = "extraction took over 1.6 s, in clean_article of local_news"
    told = {}
    for command in (
        [*fixture, "--force", *bound],
        ["test-plugin", "--fixtures", str(fixtures), *where, *bound],
        ["extract", str(page), "--url", url, *where, *bound],
    ):
        started = time.monotonic()
        done = run_ingest(*command, cwd=tmp_path, check=False, timeout=60)
        assert time.monotonic() - started < 30, command[0]
        assert done.returncode == 1, (command[0], done.stderr)
        told[command[0]] = done.stdout + done.stderr
        assert said in told[command[0]], (command[0], told[command[0]])
    assert "Error: nothing extracted: no fixture written" in told["fixture"]
    assert "FAIL  local_news/budget-passes" in told["test-plugin"]
    assert "0 of 1 held, 1 failed" in told["test-plugin"]


def test_ctrl_c_reaches_a_one_file_extract_whose_hook_hangs(tmp_path):
    """Extracting in its own process, the command left the terminal's process group as a
    worker does: Ctrl-C, which the terminal sends to that group, no longer reached it."""
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "hangs.py").write_text(HANGS.replace("outlet is not None", "True"))
    page = tmp_path / "page.html"
    page.write_text(article_page("Budget passes", story(1)))
    unbounded = ["-s", "INGEST_EXTRACT_TIMEOUT=0"]
    command = [sys.executable, "-m", "ingest", "extract", str(page), "--plugins-dir", str(plugins)]
    # a shell leads the group, as it would a terminal's job; ingest is one of its members
    shell = subprocess.Popen(
        ["sh", "-c", f"{shlex.join(command + unbounded)}; echo exit=$?"],
        process_group=0, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    time.sleep(3)  # in the hook by now
    os.killpg(shell.pid, signal.SIGINT)
    try:
        out, err = shell.communicate(timeout=20)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(shell.pid, signal.SIGKILL)
    assert "Interrupted." in err, (shell.returncode, out, err)


def test_fixture_reads_a_gzipped_answer_and_refuses_a_page_it_could_not_have_whole(tmp_path):
    """A page the connection cut short was saved as the golden fixture (3 of its 8
    paragraphs), exit 0; a gzipped answer was "not HTML"; a bad redirect, a traceback."""
    plugins, fixtures = new_plugin(tmp_path, "local_news", "127.0.0.1")
    page = article_page("Budget passes", story(1), published="2024-03-01")
    packed = gzip.compress(page.encode())
    pages = {
        "/news/2024/03/packed": Resource(packed, headers={"Content-Encoding": "gzip"}),
        "/news/2024/03/cut": Resource(page, cut=len(page) // 3),
        "/news/2024/03/broken": Resource(packed[:40], headers={"Content-Encoding": "gzip"}),
        "/news/2024/03/nowhere": Resource("", status=302, headers={"Location": "http://[::1"}),
    }
    common = ["--fixtures", str(fixtures), "--plugins-dir", str(plugins)]
    with LocalSite(pages) as site:
        run_ingest("fixture", f"{site.url}/news/2024/03/packed", *common, cwd=tmp_path)
        failed = {
            path: run_ingest("fixture", site.url + path, *common, cwd=tmp_path, check=False)
            for path in ("/news/2024/03/cut", "/news/2024/03/broken", "/news/2024/03/nowhere")
        }
    saved = fixtures / "local_news" / "packed"
    assert gzip.decompress(saved.with_suffix(".html.gz").read_bytes()) == page.encode()
    assert json.loads(saved.with_suffix(".json").read_text())["text"] == "\n".join(story(1))
    said = {path: (r.returncode, r.stderr.splitlines()[-1]) for path, r in failed.items()}
    url = site.url + "/news/2024/03"
    assert said == {
        "/news/2024/03/cut": (
            1, f"Error: {url}/cut was cut short: {len(page) // 3:,} bytes came of "
            f"{len(page.encode()):,} announced",
        ),
        "/news/2024/03/broken": (1, f"Error: {url}/broken: its gzip body is cut short"),
        "/news/2024/03/nowhere": (
            1, f"Error: could not fetch {url}/nowhere: Invalid IPv6 URL",
        ),
    }  # fmt: skip
    assert sorted(p.name for p in (fixtures / "local_news").iterdir()) == [
        ".gitkeep",
        "packed.html.gz",
        "packed.json",
    ]


def test_a_page_that_never_quite_finishes_is_given_up_on_in_bounded_time():
    from ingest.cli.fetching import FetchFailed, fetch_page

    with LocalSite({"/slow": Resource("<html>" + "x" * 100, trickle=0.05)}) as site:
        started = time.monotonic()
        with pytest.raises(FetchFailed, match=r"/slow did not finish within 1 s$"):
            fetch_page(site.url + "/slow", 10_000, seconds=1)
        assert time.monotonic() - started < 3
    with dripping_headers() as url:  # each read well within its own timeout
        started = time.monotonic()
        with pytest.raises(FetchFailed, match=r"/drip did not finish within 1 s$"):
            fetch_page(url, 10_000, seconds=1)
        assert time.monotonic() - started < 3


@contextmanager
def dripping_headers():
    """A server that sends its status line, then a header's byte every 50 ms, for ever."""
    import socket
    import threading

    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            while not stop.wait(0.05):
                try:
                    conn.sendall(b"a")
                except OSError:
                    return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}/drip"
    finally:
        stop.set()
        server.close()


def test_fixture_from_a_saved_page_needs_its_url_and_an_outlet(tmp_path):
    plugins, fixtures = new_plugin(tmp_path, "daily_test", "daily-test.example")
    saved = tmp_path / "page.html.gz"
    saved.write_bytes(gzip.compress(article_page("Schools reopen", story(2)).encode()))
    common = ["--fixtures", str(fixtures), "--plugins-dir", str(plugins)]

    run_ingest(
        "fixture", str(saved), "--url", "https://daily-test.example/2024/03/01/schools-reopen",
        "--outlet", "daily-test", "--name", "schools", *common, cwd=tmp_path,
    )  # fmt: skip
    expected = json.loads((fixtures / "daily_test" / "schools.json").read_text())
    assert expected["title"] == "Schools reopen" and expected["text"] == "\n".join(story(2))
    assert "content_type" not in expected  # a file has no HTTP header: the page says it all
    assert check_plugins(fixtures, plugins).returncode == 0
    folder = fixtures / "daily_test"
    (folder / "broken.json").write_text('{"url": ')
    (folder / "listed.json").write_text("[]")
    (folder / "nameless.json").write_text('{"url": null, "text": ""}')
    (folder / "alone.html.gz").write_bytes(gzip.compress(b"<html></html>"))
    (folder / "cut.json").write_text(json.dumps(expected))
    (folder / "cut.html.gz").write_bytes(saved.read_bytes()[:40])
    # a misspelt key was passed over, its rule unchecked; a missing field read as None
    (folder / "misspelt.json").write_text(json.dumps({**expected, "paragraph": []}))
    (folder / "misspelt.html.gz").write_bytes(saved.read_bytes())
    untitled = {k: v for k, v in expected.items() if k != "title"}
    (folder / "untitled.json").write_text(json.dumps({**untitled, "Titel": "Schools reopen"}))
    (folder / "untitled.html.gz").write_bytes(saved.read_bytes())
    (fixtures / "gone").mkdir()
    bad = check_plugins(fixtures, plugins)
    assert bad.returncode == 1
    cannot = "      the fixture can't be read: "
    assert bad.stdout.splitlines() == [
        "FAIL  daily_test/alone",
        f"{cannot}FixtureError: alone.html.gz has no alone.json beside it",
        "FAIL  daily_test/broken",
        f"{cannot}JSONDecodeError: Expecting value: line 1 column 9 (char 8)",
        "FAIL  daily_test/cut",
        f"{cannot}EOFError: Compressed file ended before the end-of-stream marker was reached",
        "FAIL  daily_test/listed",
        f"{cannot}FixtureError: listed.json holds a list, not an object",
        "FAIL  daily_test/misspelt",
        f"{cannot}FixtureError: misspelt.json has a key no fixture has: 'paragraph' (did you "
        "mean paragraphs?)",
        "FAIL  daily_test/nameless",
        f"{cannot}FixtureError: nameless.json has no title",
        "ok    daily_test/schools",
        "FAIL  daily_test/untitled",
        f"{cannot}FixtureError: untitled.json has a key no fixture has: 'Titel' (did you mean "
        "title?)",
        "FAIL  gone/(no pages yet)",
        "      no plugin module gone.py declaring an outlet (see docs/plugins.md)",
        "1 of 9 held, 8 failed",
    ]
    assert check_plugins(fixtures, plugins, "daily_test", "nothing").returncode == 2
    for stem in ("broken", "listed", "nameless", "alone", "cut", "misspelt", "untitled"):
        for made in folder.glob(f"{stem}.*"):
            made.unlink()
    assert check_plugins(fixtures, plugins, "daily_test").returncode == 0

    no_url = run_ingest("fixture", str(saved), *common, cwd=tmp_path, check=False)
    assert no_url.returncode != 0 and "--url" in no_url.stderr
    elsewhere = run_ingest(
        "fixture", str(saved), "--url", "https://unknown.example/a/b", *common,
        cwd=tmp_path, check=False,
    )  # fmt: skip
    assert elsewhere.returncode != 0 and "no plugin declares an outlet for" in elsewhere.stderr
    mirrored = run_ingest(
        "fixture", str(saved), "--url", "https://mirror.example/2024/03/01/schools-reopen",
        "--outlet", "daily-test", "--name", "mirror", *common, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert mirrored.returncode == 2 and not (fixtures / "daily_test" / "mirror.json").exists()
    assert mirrored.stderr.splitlines()[-1] == (
        "Error: https://mirror.example/2024/03/01/schools-reopen is not on 'daily-test''s "
        "domains (daily-test.example)"
    )  # written before, from extraction by no outlet: its golden test failed as written
    twice = run_ingest(
        "fixture", str(saved), "--url", "https://daily-test.example/x", "--name", "schools",
        *common, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert twice.returncode != 0 and "exists" in twice.stderr


WORD_COUNTS = """\
import click

from ingest import hookimpl


@hookimpl
def prepare_database(db):
    db.execute("create view if not exists word_counts as select title, word_count from articles")


@hookimpl
def register_commands(cli):
    @cli.command(name="word-counts")
    @click.option("--db", default="ingest.db")
    def word_counts(db):
        \"\"\"Words per article, from the plugin's view.\"\"\"
        import sqlite_utils

        for row in sqlite_utils.Database(db).query("select * from word_counts order by title"):
            click.echo(f"{row['title']}: {row['word_count']} words")
"""


def test_a_plugin_adds_a_view_to_the_database_and_a_command_that_reads_it(tmp_path, write_plugin):
    folder = write_plugin("word_counts", WORD_COUNTS)
    db = tmp_path / "news.db"
    with LocalSite({"/news/2024/03/budget": article_page("Budget passes", story(1))}) as site:
        run_ingest(
            "crawl", site.url + "/news/2024/03/budget", "--db", str(db), "--no-follow",
            "--plugins-dir", str(folder), *FAST, cwd=tmp_path,
        )  # fmt: skip
    env = {"INGEST_PLUGINS_DIR": str(folder)}
    # --help runs no plugin code; the command is found when it is named.
    assert "word-counts" not in run_ingest("--help", cwd=tmp_path, env=env).stdout
    assert "Words per article" in run_ingest("word-counts", "--help", cwd=tmp_path, env=env).stdout
    listed = run_ingest("plugins", cwd=tmp_path, env=env).stdout  # where a user finds it
    assert "prepare_database, register_commands (word-counts)" in listed
    out = run_ingest("word-counts", "--db", str(db), cwd=tmp_path, env=env).stdout
    assert out == f"Budget passes: {len(' '.join(story(1)).split())} words\n"


EVIL = """\
from pathlib import Path

Path(__file__).with_name("ran").write_text("evil ran")
"""


def test_a_plugins_folder_in_the_current_directory_runs_no_code(tmp_path):
    """A downloaded folder's ./plugins is not the user's choice: no command imports it."""
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "evil.py").write_text(EVIL)
    db = tmp_path / "news.db"
    with LocalSite({"/news/2024/03/budget": article_page("Budget passes", story(1))}) as site:
        run_ingest(
            "crawl", site.url + "/news/2024/03/budget", "--db", str(db), "--no-follow", *FAST,
            cwd=tmp_path,
        )  # fmt: skip
    for args in (
        ("--version",),
        ("plugins",),
        ("stats", "--db", str(db)),
        ("reextract", "--db", str(db)),
    ):
        result = run_ingest(*args, cwd=tmp_path)
        assert "evil" not in result.stdout
    assert not (tmp_path / "plugins" / "ran").exists()
    assert rows(db, "select title from articles") == [("Budget passes",)]


def test_new_plugin_names_its_folder_in_ingest_toml_so_it_loads_at_once(tmp_path):
    made = run_ingest("new-plugin", "town_crier", "--domain", "towncrier.example", cwd=tmp_path)
    assert "Added plugins to ingest.toml" in made.stdout
    assert (tmp_path / "ingest.toml").read_text().endswith('dirs = ["plugins"]\n')
    listed = run_ingest("plugins", cwd=tmp_path)
    assert "│ town_crier " in listed.stdout and "town-crier v1" in listed.stdout
    again = run_ingest("new-plugin", "gazette", "--domain", "gazette.example", cwd=tmp_path)
    assert "Added" not in again.stdout  # the folder is named already
    assert "gazette v1" in run_ingest("plugins", cwd=tmp_path).stdout
    other = run_ingest(
        "new-plugin", "herald", "--domain", "herald.example", "--dir", "more", cwd=tmp_path
    )
    assert "Added more to ingest.toml" in other.stdout
    assert (tmp_path / "ingest.toml").read_text().endswith('dirs = ["plugins", "more"]\n')
    listed = run_ingest("plugins", cwd=tmp_path).stdout
    assert "herald v1" in listed and "town-crier v1" in listed


OWN_TOML = """# Our newsroom's crawl settings: keep these notes.
description = "local and regional news"

[plugins]  # where our outlets live
dirs = [
    "plugins",
]

[crawl]
max_pages = 500
"""


def test_new_plugin_keeps_all_else_an_ingest_toml_says(tmp_path):
    # it wrote the file anew: the notes and the [crawl] table were gone, without a word
    (tmp_path / "ingest.toml").write_text(OWN_TOML)
    (tmp_path / "plugins").mkdir()
    run_ingest("new-plugin", "herald", "--domain", "herald.example", "--dir", "more", cwd=tmp_path)
    assert (tmp_path / "ingest.toml").read_text() == OWN_TOML.replace(
        'dirs = [\n    "plugins",\n]', 'dirs = ["plugins", "more"]'
    )


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("", "[plugins]\n# Folders of outlet plugins to load when ingest runs here, relative"),
        ("top = 1\n[crawl]\nx = 2\n", "top = 1\n[crawl]\nx = 2\n\n# ingest"),
        ("[plugins]\nother = 1\n[crawl]\n", '[plugins]\ndirs = ["new"]\nother = 1\n[crawl]\n'),
        ('[plugins]\n[crawl]\ndirs = ["x"]\n', '[plugins]\ndirs = ["new"]\n[crawl]\ndirs = ["x"]'),
    ],
    ids=["no-file", "no-table", "no-dirs", "dirs-of-another-table"],
)
def test_the_dirs_line_goes_in_the_plugins_table_alone(text, written):
    assert written in with_dirs(text, 'dirs = ["new"]')
    assert listed_dirs(with_dirs(text, 'dirs = ["new"]')) == ["new"]


def test_a_broken_ingest_toml_is_one_line_naming_it(tmp_path):
    (tmp_path / "ingest.toml").write_text("[plugins]\ndirs = plugins\n")
    result = run_ingest("plugins", cwd=tmp_path, check=False)
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: {tmp_path / 'ingest.toml'}: ")
    assert len(result.stderr.splitlines()) == 1


def test_the_golden_test_hint_runs_as_printed_outside_the_repository(tmp_path):
    """new-plugin prints how to run the golden test; from any folder, it must run."""
    out = run_ingest(
        "new-plugin", "hint_test", "--domain", "hint-test.example", "--dir", "plugins",
        "--fixtures", "fixtures", cwd=tmp_path,
    ).stdout  # fmt: skip
    [hint] = [line.strip()[len("and ") :] for line in out.splitlines() if "test-plugin" in line]
    assert hint == "ingest test-plugin hint_test --fixtures fixtures"
    ran = run_ingest(*shlex.split(hint)[1:], cwd=tmp_path)  # ingest.toml names the plugins
    assert ran.stdout == "ok    hint_test/(no pages yet)\n1 of 1 held\n"


def test_new_plugin_writes_any_title_as_a_python_literal(tmp_path):
    """A title with quotes and a backslash was written inside "..." as it came: a module
    that did not compile, named in ingest.toml, and every command there failed."""
    title = 'He said "hi" \\'
    made = run_ingest(
        "new-plugin", "ok4", "--domain", "x.org", "--title", title, "--dir", "pd",
        "--fixtures", "fx", cwd=tmp_path,
    )  # fmt: skip
    assert made.returncode == 0
    module = tmp_path / "pd" / "ok4.py"
    assert "    title='He said \"hi\" \\\\',\n" in module.read_text()
    check = [sys.executable, "-m", "ruff", "--config", ROOT / "pyproject.toml"]
    for args in (["check", "--no-cache"], ["format", "--check", "--no-cache"]):
        lint = subprocess.run([*check[:3], *args, *check[3:], module], capture_output=True)
        assert lint.returncode == 0, lint.stdout
    read = "import sys; sys.path.insert(0, 'pd'); import ok4; print(ok4.OK4.title, ok4.__doc__)"
    shown = subprocess.run([sys.executable, "-c", read], cwd=tmp_path, capture_output=True)
    assert shown.stdout.decode().startswith(f"{title} {title} (x.org): an outlet plugin.\n")
    assert "ok4 v1" in run_ingest("plugins", cwd=tmp_path).stdout  # ingest.toml names pd


def test_new_plugin_refuses_folders_it_cannot_write_before_writing_anything(tmp_path):
    (tmp_path / "file").write_text("")
    cases = [
        (["--dir", "/proc/nope"], "--dir", "can't make /proc/nope: No such file or directory"),
        (["--fixtures", "/dev/null"], "--fixtures", "/dev/null is not a folder"),
        (["--dir", "file/sub"], "--dir", "file is not a folder"),
        (["--language", "zz-not-a-lang"], "--language",
         "'zz-not-a-lang' is not a language code (en, de, pt-BR...)"),
    ]  # fmt: skip
    for args, hint, message in cases:
        result = run_ingest(
            "new-plugin", "ok6", "--domain", "x.org", *args, cwd=tmp_path, check=False
        )
        assert result.returncode == 2, result.stderr
        assert result.stderr.endswith(f"\n\nError: Invalid value for {hint}: {message}\n")
        assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]  # nothing written


FAILING_SETUP = """\
from ingest import hookimpl


@hookimpl
def prepare_database(db):
    db.execute("create index if not exists by_word_count on nope (word_count)")
"""


def test_a_prepare_database_that_raises_stops_the_command_in_one_line(tmp_path, write_plugin):
    """It was ~140 lines of Scrapy tracebacks and no crawls row, or a raw traceback."""
    from test_archive import build_warc

    db = tmp_path / "news.db"
    with LocalSite({"/news/2024/03/budget": article_page("Budget passes", story(1))}) as site:
        url = site.url + "/news/2024/03/budget"
        run_ingest("crawl", url, "--db", str(db), "--no-follow", *FAST, cwd=tmp_path)
        folder = write_plugin("indexer", FAILING_SETUP)
        said = (
            f"Error: plugin indexer ({folder / 'indexer.py'}) failed in prepare_database: "
            "OperationalError: no such table: main.nope\n"
        )
        crawl = run_ingest(
            "crawl", url, "--db", str(db), "--no-follow", "--plugins-dir", str(folder), *FAST,
            cwd=tmp_path, check=False,
        )  # fmt: skip
        assert (crawl.returncode, crawl.stderr) == (1, said)
        assert site.hits.count("/news/2024/03/budget") == 1  # the first crawl's: none since
    warc = build_warc(
        tmp_path / "a.warc.gz",
        [{"url": url, "body": article_page("Other", story(2)).encode(), "date": "2024-05-01"}],
    )
    for args in (("reextract",), ("import-warc", str(warc))):
        done = run_ingest(
            *args, "--db", str(db), "--plugins-dir", str(folder), cwd=tmp_path, check=False
        )
        assert (done.returncode, done.stdout, done.stderr) == (1, "", said)
    assert rows(db, "select id, command from crawls") == [(1, "crawl news")]


def test_an_ingest_toml_new_plugin_cannot_edit_is_left_as_it_is_and_said(tmp_path):
    inline = 'plugins = { dirs = ["plugins"] }\n'  # an inline table: no [plugins] header
    (tmp_path / "ingest.toml").write_text(inline)
    (tmp_path / "plugins").mkdir()
    done = run_ingest(
        "new-plugin", "herald", "--domain", "herald.example", "--dir", "more", cwd=tmp_path,
        check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == (
        'Error: ingest.toml is written in a way this command does not edit: add "more" to its '
        "[plugins] dirs yourself"
    )
    assert (tmp_path / "ingest.toml").read_text() == inline
    assert not (tmp_path / "more").exists()  # nothing written unless all of it can be


BROKEN_COMMANDS = """\
from ingest import hookimpl


@hookimpl
def register_commands(cli):
    raise RuntimeError("command setup failed")
"""


def test_a_register_commands_that_raises_is_one_line_and_other_commands_still_come(
    tmp_path, write_plugin
):
    write_plugin("broken_commands", BROKEN_COMMANDS)
    env = {"INGEST_PLUGINS_DIR": str(write_plugin("word_counts", WORD_COUNTS))}  # one folder
    said = "error: plugin broken_commands: register_commands raised RuntimeError: command setup"
    typo = run_ingest("crawll", "x", cwd=tmp_path, env=env, check=False)  # a traceback before
    assert typo.returncode == 2 and "Traceback" not in typo.stderr
    assert said in typo.stderr and "No such command 'crawll'" in typo.stderr
    helped = run_ingest("word-counts", "--help", cwd=tmp_path, env=env)
    assert "Words per article" in helped.stdout and said in helped.stderr


def test_a_register_commands_that_takes_no_arguments_is_called_as_pluggy_would(
    tmp_path, write_plugin
):
    """pluggy passes a hook only the arguments it names: called with cli= regardless, a
    hook naming none raised TypeError at every command line, and in `ingest plugins`."""
    folder = write_plugin(
        "quiet",
        "from pathlib import Path\n"
        "from ingest import hookimpl\n"
        "@hookimpl\n"
        "def register_commands():\n"
        "    Path(__file__).with_name('called').write_text('yes')\n",
    )
    env = {"INGEST_PLUGINS_DIR": str(folder)}
    listed = run_ingest("plugins", cwd=tmp_path, env=env)
    assert listed.stderr == "" and "register_commands" in listed.stdout
    unknown = run_ingest("no-such-command", cwd=tmp_path, env=env, check=False)
    assert "TypeError" not in unknown.stderr and (folder / "called").read_text() == "yes"


def test_an_outlets_url_test_that_raises_is_a_problem_the_golden_check_names(
    tmp_path, write_plugin
):
    """It was a traceback out of ``ingest test-plugin``."""
    from ingest.extract.golden import outlet_problems
    from ingest.plugins.manager import PluginConfig, load_plugins

    folder = write_plugin(
        "picky",
        "from ingest import Outlet, hookimpl\n"
        "class Picky(Outlet):\n"
        "    def is_article_url(self, url):\n"
        "        raise ValueError('cannot judge ' + url)\n"
        "@hookimpl\n"
        "def register_outlets(register):\n"
        "    register(Picky(name='picky', domains=['picky.example'],\n"
        "                   seeds=['https://picky.example/']))\n",
    )
    plugins = load_plugins(PluginConfig.default([str(folder)]))
    assert outlet_problems(plugins, "picky") == [
        "picky: is_article_url('https://picky.example/') raised ValueError: "
        "cannot judge https://picky.example/"
    ]


SHADOWING = """\
import click

from ingest import hookimpl


@hookimpl
def register_commands(cli):
    @cli.command(name="crawl")
    def crawl():
        click.echo("the plugin's crawl")

    @cli.command(name="hello")
    def hello():
        click.echo("hello from the plugin")
"""


def test_a_plugin_command_named_as_a_built_in_is_not_added_and_said(tmp_path, write_plugin):
    """It was listed as the plugin's, never ran, and nothing said so; registered for
    another command, it replaced ingest's own for that run."""
    folder = write_plugin("shadowing", SHADOWING)
    env = {"INGEST_PLUGINS_DIR": str(folder)}
    hello = run_ingest("hello", cwd=tmp_path, env=env)
    assert hello.stdout == "hello from the plugin\n"
    assert hello.stderr == (
        "error: plugin shadowing: its command 'crawl' is ingest's own, and is not added\n"
    )
    listed = run_ingest("plugins", cwd=tmp_path, env=env).stdout
    assert "register_commands (hello, crawl: ingest's own, not added)" in " ".join(listed.split())
    assert "Crawl news from SEEDS" in run_ingest("crawl", "--help", cwd=tmp_path, env=env).stdout
