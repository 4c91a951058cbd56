"""docs/plugins.md stays true: every hook documented and tested, its examples valid."""

import ast
import re
import shlex

import pytest

from ingest.cli import cli
from ingest.plugins import hookspecs

from conftest import ROOT, run_ingest

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


def test_the_guides_first_command_writes_the_plugin_it_shows(tmp_path):
    """Section 1's command, run as written where the bundled plugins are installed,
    writes the very module the guide shows, and it loads: a name a bundled plugin
    has would be refused."""
    section = TEXT.split("\n## 1. ", 1)[1].split("\n## ", 1)[0]
    command = re.search(r"```bash\n(ingest [^\n]*)\n```", section)[1]
    shown = re.search(r"```python\n(.*?)```", section, re.S)[1]
    made = run_ingest(*shlex.split(command)[1:], cwd=tmp_path, check=False)
    assert (made.returncode, made.stderr) == (0, "")
    [module] = (tmp_path / "plugins").glob("*.py")
    assert module.read_text(encoding="utf-8") == shown
    listed = run_ingest("plugins", cwd=tmp_path).stdout
    assert re.search(rf"\b{module.stem}\b.*\bregister_outlets\b", listed)
