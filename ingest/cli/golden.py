"""``ingest test-plugin``: the golden check of outlet plugins, from the command line.

The same check as the repository's ``tests/test_outlets.py`` (``ingest.extract.golden``),
so that a plugin kept in its own folder or published as its own package is tested the
way the plugins shipped here are, with no test file of ingest's at hand.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from ingest.cli import PLUGINS_DIR_OPTION, plugins_for
from ingest.cli.extraction import BOUNDS_OPTION, extraction_bounds
from ingest.plugins.folders import PluginConfig

FIXTURES_OPTION = click.option(
    "--fixtures",
    default="tests/fixtures",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder of fixture folders, one per plugin module.",
)


def golden_test_command(fixtures: str, plugin: str, plugin_dirs: tuple[str, ...] = ()) -> str:
    """The command that runs the golden test on one plugin's fixtures, from here."""
    default = Path(fixtures) == Path("tests/fixtures")
    options = "" if default else f" --fixtures {shlex.quote(fixtures)}"
    options += "".join(f" --plugins-dir {shlex.quote(d)}" for d in plugin_dirs)
    return f"ingest test-plugin {plugin}{options}"


@click.command(name="test-plugin")
@click.argument("plugin", nargs=-1)
@FIXTURES_OPTION
@PLUGINS_DIR_OPTION
@BOUNDS_OPTION
def test_plugin(plugin, fixtures, plugins_dir, bounds):
    """Check saved pages against what they must give: every field exact.

    Each folder of FIXTURES is named after a plugin module and holds pages saved with
    `ingest fixture` (NAME.html.gz) and what their extraction must give (NAME.json).
    Every page goes through the real path; title, authors, day, URL and text must be
    exactly as written. Names PLUGIN modules to check only theirs. Exit status 1 when
    any page differs, with how. A page's extraction is bounded as in a crawl (-s).
    """
    from ingest.extract.golden import check, fixture_cases

    limits, timeout = extraction_bounds(bounds)
    folder = Path(fixtures)
    if not folder.is_dir():
        raise click.BadParameter(f"{fixtures} is no folder", param_hint="--fixtures")
    cases = fixture_cases(folder, tuple(plugin))
    if missing := sorted(set(plugin) - {case.plugin for case in cases}):
        raise click.BadParameter(
            f"no fixture folder {', '.join(missing)} in {fixtures}", param_hint="PLUGIN"
        )
    if not cases:
        raise click.ClickException(f"no fixture folders in {fixtures}: nothing to check")
    plugins = plugins_for(PluginConfig.default(plugins_dir))
    failed = 0
    for case, problems in check(plugins, cases, limits, timeout):
        failed += bool(problems)
        click.echo(f"{'FAIL' if problems else 'ok  '}  {case.name}")
        for problem in problems:
            click.echo("      " + problem.replace("\n", "\n      "))
    held = len(cases) - failed
    click.echo(f"{held} of {len(cases)} held" + (f", {failed} failed" if failed else ""))
    if failed:
        raise SystemExit(1)


COMMANDS = [test_plugin]
