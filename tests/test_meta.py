"""Cheap checks that keep the docs and the set-up true."""

import re
import tomllib
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from ingest.cli import cli
from ingest.crawl.seeds import parse_seeds
from ingest.plugins import hookspecs
from ingest.plugins.manager import PluginConfig, load_plugins

from conftest import ROOT

README = (ROOT / "README.md").read_text()


def first_code_block(text: str) -> list[str]:
    block = re.search(r"```\w*\n(.*?)```", text, re.S).group(1)
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_readme_starts_with_two_commands_and_ci_runs_the_second():
    demo, tests = first_code_block(README)
    assert demo.endswith("ingest demo")
    assert "pytest" in tests
    assert tests in (ROOT / ".ci" / "run").read_text().splitlines()


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help(name):
    assert cli.commands[name].help, f"`ingest {name}` has no help"


@pytest.mark.parametrize("hook", hookspecs.HOOK_NAMES)
def test_every_hook_is_documented(hook):
    assert getattr(hookspecs, hook).__doc__, f"hook {hook} has no docstring"
    assert hook in README, f"hook {hook} is not in the README"


@pytest.mark.parametrize("path", sorted((ROOT / "seeds").glob("*.toml")), ids=lambda p: p.name)
def test_seeds_files_parse(path: Path):
    seeds = parse_seeds([str(path)], load_plugins(PluginConfig.default()))
    assert seeds.urls and all(u.startswith(("http://", "https://")) for u in seeds.urls)


def test_each_project_plugin_declares_an_outlet():
    plugins = load_plugins(PluginConfig.default())
    modules = {p.stem for p in (ROOT / "plugins").glob("[!_]*.py")}
    assert modules <= {o.plugin for o in plugins.outlets}


def test_each_project_plugin_ships_as_an_entry_point():
    """plugins/ is installed as ingest.outlets; each module is an `ingest` entry point."""
    modules = {p.stem for p in (ROOT / "plugins").glob("[!_]*.py")}
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"]
    assert declared["ingest"] == {m: f"ingest.outlets.{m}" for m in modules}
    installed = {ep.name: ep.value for ep in entry_points(group="ingest")}
    assert installed == declared["ingest"]


def test_every_table_and_column_is_described(tmp_path):
    from ingest.store.descriptions import DESCRIPTIONS
    from ingest.store.schema import open_database

    db = open_database(tmp_path / "schema.db")
    tables = {t for t in db.table_names() if not t.startswith(("articles_fts", "articles_trigram"))}
    assert tables | set(db.view_names()) == set(DESCRIPTIONS)
    for table in tables | set(db.view_names()):
        assert set(db[table].columns_dict) == set(DESCRIPTIONS[table]["columns"]), table


def test_every_setting_the_docs_name_is_one_the_code_reads():
    """One name per setting: a misspelt or plural name in the docs (INGEST_PLUGINS_DIR for
    INGEST_PLUGINS_DIRS, once) would silently do nothing for whoever follows them."""
    code = "\n".join(p.read_text() for p in (ROOT / "ingest").rglob("*.py"))
    read = set(re.findall(r"INGEST_[A-Z_]+", code))
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        named = set(re.findall(r"INGEST_[A-Z_]+", doc.read_text()))
        assert named <= read, f"{doc.name}: {sorted(named - read)}"
