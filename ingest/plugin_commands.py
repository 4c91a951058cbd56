"""Commands for plugin authors: see what is loaded."""

from __future__ import annotations

import click

from ingest.plugins import PluginConfig, load_plugins


@click.command(name="plugins")
@click.option(
    "--plugins-dir",
    multiple=True,
    type=click.Path(file_okay=False),
    help="Another folder of outlet plugins (repeatable).",
)
def list_plugins(plugins_dir):
    """List loaded plugins, the hooks they implement and the outlets they declare."""
    from rich.console import Console
    from rich.table import Table

    plugins = load_plugins(PluginConfig.default(plugins_dir))
    table = Table("plugin", "hooks", "outlets")
    for plugin in plugins.pm.get_plugins():
        name = plugins.pm.get_name(plugin)
        hooks = sorted(c.name for c in plugins.pm.get_hookcallers(plugin) or [])
        outlets = [f"{o.name} v{o.version}" for o in plugins.outlets if o.plugin == name]
        table.add_row(name, ", ".join(hooks), ", ".join(outlets))
    Console().print(table)


COMMANDS = [list_plugins]
