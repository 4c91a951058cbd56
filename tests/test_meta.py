"""Cheap checks that keep the docs and the set-up true."""

import re
from pathlib import Path

import pytest

from ingest import hookspecs
from ingest.cli import cli
from ingest.plugins import PluginConfig, load_plugins
from ingest.seeds import parse_seeds

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
    modules = {p.stem for p in (ROOT / "plugins").glob("*.py")}
    assert modules <= {o.plugin for o in plugins.outlets}


def test_every_table_and_column_is_described(tmp_path):
    from ingest.store import DESCRIPTIONS, open_database

    db = open_database(tmp_path / "schema.db")
    tables = {t for t in db.table_names() if not t.startswith("articles_fts")}
    assert tables == set(DESCRIPTIONS)
    for table in tables:
        assert set(db[table].columns_dict) == set(DESCRIPTIONS[table]["columns"]), table
