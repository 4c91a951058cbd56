"""What a command's own process imports. Extraction runs in worker processes, so no
command's process needs trafilatura; commands that crawl nothing need no Scrapy. Each
costs every command 0.3-0.5 s of CPU before it does anything."""

import subprocess
import sys

from test_archive import ARCHIVE, build_warc

from conftest import FAST, ROOT, rows
from sites import LocalSite, article_page, story

HEAVY = ("scrapy", "trafilatura", "twisted")
#: The real command, as ``python -m ingest`` runs it, saying at exit what it imported.
PROBE = f"""
import atexit, runpy, sys
said = lambda: print("loaded:", *(m for m in {HEAVY} if m in sys.modules), file=sys.stderr)
atexit.register(said)
sys.argv = ["ingest", *sys.argv[1:]]
runpy.run_module("ingest", run_name="__main__")
"""


def loaded(*args: str) -> tuple[int, list[str]]:
    """The command's exit status, and which of HEAVY its own process imported."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    [line] = [x for x in result.stderr.splitlines() if x.startswith("loaded:")]
    return result.returncode, line.split()[1:]


def test_commands_that_crawl_nothing_import_neither_scrapy_nor_trafilatura(tmp_path):
    warc = build_warc(tmp_path / "a.warc.gz", ARCHIVE[:2])
    db = str(tmp_path / "a.db")
    assert loaded("import-warc", str(warc), "--db", db) == (0, [])
    for command in (["reextract"], ["stats"], ["search", "story"], ["export"]):
        assert loaded(*command, "--db", db) == (0, []), command


def test_a_crawl_imports_scrapy_but_leaves_trafilatura_to_its_workers(tmp_path):
    db = tmp_path / "c.db"
    with LocalSite({"/news/2024/03/one": article_page("One", story(1))}) as site:
        status, heavy = loaded("crawl", f"{site.url}/news/2024/03/one", "--db", str(db), *FAST)
    assert (status, heavy) == (0, ["scrapy", "twisted"])
    assert rows(db, "select title from articles") == [("One",)]  # extracted, by its workers


#: A Ctrl-C that lands while the CLI imports: the import of ingest.cli raises it.
CTRL_C_IN_IMPORT = """
import runpy, sys

class Interrupting:
    def find_spec(self, name, path=None, target=None):
        if name == "ingest.cli":
            raise KeyboardInterrupt
        return None

sys.meta_path.insert(0, Interrupting())
from ingest.__main__ import main  # as the installed command does
"""


def test_the_ingest_command_interrupted_while_it_starts_says_so_in_one_line():
    """The command imported its CLI before anything could catch a Ctrl-C: interrupted in
    its first fraction of a second, it printed a KeyboardInterrupt traceback."""
    from pathlib import Path

    script = Path(sys.executable).parent / "ingest"
    assert "from ingest.__main__ import main" in script.read_text()  # as installed
    done = subprocess.run(
        [sys.executable, "-c", CTRL_C_IN_IMPORT], cwd=ROOT, capture_output=True, text=True
    )
    assert (done.returncode, done.stderr) == (130, "Interrupted.\n")
    # and before that, the package alone: no lxml or w3lib (most of the window)
    bare = "import sys, ingest; print(sorted(m for m in ('lxml', 'w3lib') if m in sys.modules))"
    alone = subprocess.run([sys.executable, "-c", bare], cwd=ROOT, capture_output=True, text=True)
    assert alone.stdout == "[]\n", alone.stderr
