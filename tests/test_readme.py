"""Every command in the README's ```bash blocks, run as written against a demo crawl.

A command that needs the internet, a Redis server or a set-up of its own is named below with
the reason, so a new command in the README fails here until it runs or says why it can't.
"""

import gzip
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.demo.site import SEED_URL, build_site

from conftest import ROOT, copy_database, run_ingest

#: Commands not run here, and why.
NOT_RUN = {
    "python3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/ingest demo": (
        "set-up: tests/test_meta.py checks it, CI runs its like"
    ),
    "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && .venv/bin/python -m "
    "pytest -q": "set-up: CI runs it",
    "pip install -e '.[redis]'": "set-up",
    "ingest demo --db demo.db": "tests/test_demo.py runs it",
    "ingest demo --again --db demo.db": "tests/test_demo.py runs it",
    "ingest crawl https://www.example-news.org/ --db news.db": "needs the internet",
    "ingest crawl https://www.example-news.org/rss.xml --db news.db": "needs the internet",
    "ingest crawl seeds/world.toml --db news.db --max-pages 500": "needs the internet",
    "ingest crawl yeni-haber --db news.db": "needs the internet",
    "ingest crawl seeds/news-en.toml --db news.db --warc warc/": "needs the internet",
    "ingest import-warc --cc-news 2024-05 --domain theguardian.com --db guardian.db": (
        "needs the internet"
    ),
    "ingest crawl seeds/world.toml --redis redis://queue:6379/0 --db shard-a.db": (
        "needs the internet and a Redis server"
    ),
    "ingest worker --redis redis://queue:6379/0 --db shard-b.db": (
        "needs the internet and a Redis server"
    ),
}


def readme_commands() -> list[str]:
    """The command lines of the README's bash blocks, comments dropped."""
    text = (ROOT / "README.md").read_text()
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.splitlines():
            command = re.sub(r"\s+#.*$", "", line).strip()
            if command and not command.startswith("#"):
                commands.append(command)
    return commands


COMMANDS = readme_commands()
RUN = [c for c in COMMANDS if c not in NOT_RUN]


def test_the_readme_has_commands_and_names_none_it_lacks():
    assert len(COMMANDS) >= 25 and len(RUN) >= 12
    assert set(NOT_RUN) <= set(COMMANDS), "NOT_RUN names a command the README dropped"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, demo_crawl) -> Path:
    return copy_database(demo_crawl, tmp_path_factory.mktemp("readme"))


def folder_for(command: str, demo_db: Path, tmp_path: Path) -> Path:
    """A folder with what the command names: the demo database, a saved page, WARC files."""
    shutil.copy(demo_db, tmp_path / "demo.db")
    _, page = build_site().get(SEED_URL)
    (tmp_path / "page.html").write_bytes(page)
    if "saved/" in command:
        (tmp_path / "saved").mkdir()
        for i, url in enumerate(build_site().article_urls("el-faro")[:3]):
            _, body = build_site().get(url)
            (tmp_path / "saved" / f"{i}.html.gz").write_bytes(gzip.compress(body))
    if "warc/" in command:
        (tmp_path / "warc").mkdir()
        warc = tmp_path / "warc" / "demo.warc.gz"
        run_ingest("export", "--db", str(demo_db), "--format", "warc", "-o", str(warc))
    if "shard-" in command:
        for name in ("shard-a.db", "shard-b.db"):
            shutil.copy(demo_db, tmp_path / name)
    return tmp_path


@pytest.mark.parametrize("command", RUN)
def test_readme_command_runs_on_the_demo(command, demo_db, tmp_path):
    folder = folder_for(command, demo_db, tmp_path)
    words = shlex.split(command)
    assert words[0] == "ingest", command
    # `ingest` as installed: this interpreter's; the shell does the globs and redirections.
    line = shlex.join([sys.executable, "-m", "ingest"]) + command.removeprefix("ingest")
    result = subprocess.run(
        ["bash", "-c", line], cwd=folder, capture_output=True, text=True, timeout=240
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    written = re.findall(r"(?:-o|>|--into|--db) (\S+)", command)
    for name in written:
        path = folder / name
        assert path.exists() and path.stat().st_size > 0, f"{command}: {name} is empty"
    if ">" not in command and "-o" not in command:
        assert result.stdout.strip() or result.stderr.strip(), f"{command} said nothing"
