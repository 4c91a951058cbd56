"""docs/plugins.md stays true: every hook documented and tested, its examples valid."""

import ast
import re

import pytest

from ingest.cli import cli
from ingest.plugins import hookspecs

from conftest import ROOT

GUIDE = ROOT / "docs" / "plugins.md"
TEXT = GUIDE.read_text(encoding="utf-8")
TESTS = [p for p in sorted((ROOT / "tests").glob("*.py")) if p.name != "test_plugin_docs.py"]


@pytest.mark.parametrize("hook", hookspecs.HOOK_NAMES)
def test_every_hook_has_a_section_in_the_guide(hook):
    headings = re.findall(r"^#+ .*$", TEXT, re.MULTILINE)
    assert any(f"`{hook}`" in h for h in headings), f"no section on `{hook}` in {GUIDE.name}"


@pytest.mark.parametrize("hook", hookspecs.HOOK_NAMES)
def test_every_hook_is_exercised_by_a_test(hook):
    using = [p.name for p in TESTS if re.search(rf"\b{hook}\b", p.read_text(encoding="utf-8"))]
    assert using, f"no test under tests/ uses the hook {hook}"


def test_the_guide_names_no_hook_that_does_not_exist():
    named = set(re.findall(r"^#+ [\d.]* *`(\w+)`", TEXT, re.MULTILINE))
    assert named <= set(hookspecs.HOOK_NAMES)


def test_the_guides_python_examples_parse():
    for block in re.findall(r"```python\n(.*?)```", TEXT, re.S):
        ast.parse(block)


def test_the_commands_the_guide_shows_exist():
    shown = set(re.findall(r"^ingest ([a-z-]+)", TEXT, re.MULTILINE))
    shown |= set(re.findall(r"`ingest ([a-z-]+)", TEXT))
    assert shown and shown <= set(cli.commands), shown - set(cli.commands)


def test_the_guides_worked_example_is_a_real_plugin_with_fixtures():
    assert (ROOT / "plugins" / "guardian.py").is_file()
    assert sorted((ROOT / "tests" / "fixtures" / "guardian").glob("*.json"))
