"""The ``ingest`` command: each subcommand a thin layer over the library.

Commands live in modules by what they serve (crawl, query, plugins), each
listing its click commands in ``COMMANDS``. Plugins are loaded only by the
commands that need them, and to find a command a plugin registers: ``ingest
--help``, ``search``, ``stats`` and ``serve`` run no plugin code, and a plugin
that fails to import stops only the commands that load plugins, with one line
naming its file.
"""

from __future__ import annotations

import difflib
import importlib
import signal
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import click

from ingest import __version__
from ingest.extract.limits import MAX_WORKERS
from ingest.plugins import PluginLoadError
from ingest.store.stops import Terminated, stop_status

if TYPE_CHECKING:
    from ingest.plugins.manager import PluginConfig, Plugins

COMMAND_MODULES = (
    "ingest.cli.crawl",
    "ingest.cli.extraction",
    "ingest.cli.query",
    "ingest.cli.plugins",
    "ingest.cli.golden",
    "ingest.cli.archive",
    "ingest.cli.scale",
)

_told: set[str] = set()

WORKERS_OPTION = click.option(
    "--workers",
    type=click.IntRange(0, MAX_WORKERS),
    help=(
        "Extraction processes (default: one per core; 0: in this process, for debugging: "
        "a hook stuck outside Python is not stopped then)."
    ),
)

PLUGINS_DIR_OPTION = click.option(
    "--plugins-dir",
    multiple=True,
    type=click.Path(exists=True, file_okay=False),
    help="Another folder of outlet plugins (repeatable).",
)


class CrawledDatabase(click.Path):
    """A ``--db`` to read: it exists, and it is a database a crawl wrote (told before any
    query runs, never a traceback)."""

    def __init__(self) -> None:
        super().__init__(exists=True, dir_okay=False)

    def convert(self, value, param, ctx):  # noqa: ANN001, ANN201
        from ingest.store.runs import check_readable

        path = super().convert(value, param, ctx)
        try:
            check_readable(path)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
        return path


DB_OPTION = click.option(
    "--db",
    default="ingest.db",
    show_default=True,
    type=CrawledDatabase(),
    help="The SQLite file a crawl wrote.",
)


class WebUrl(click.ParamType):
    """A page's address (``extract --url``): http or https, with a host. One that is none
    ("not a url", ``http://[::1``) was taken, or met later as a bug of ingest's (exit 1)."""

    name = "url"

    def convert(self, value: Any, param: Any, ctx: Any) -> str:
        from ingest.urls import is_web_url

        if not is_web_url(value):
            self.fail(f"{value!r} is not a web address (http or https, with a host)", param, ctx)
        return value


class HostName(click.ParamType):
    """A domain to reach (``--allow-domain``): a host name, nothing else."""

    name = "domain"

    def convert(self, value: Any, param: Any, ctx: Any) -> str:
        # w3lib and the suffix list: when a crawl runs
        from ingest.urls import host_name_hint, not_a_host_name, public_suffix, suffix_problem

        if not_a_host_name(value):
            hint = host_name_hint(value)
            self.fail(f"{value!r} is not a host name (news.example){hint}", param, ctx)
        if public_suffix(value):
            self.fail(f"{value!r} is {suffix_problem(value)}", param, ctx)
        return value


def writable_database(path: str, option: str = "--db") -> None:
    """A database the command would write and can't (read-only, locked, not SQLite) is a
    usage error, told in one line before anything starts."""
    from ingest.store.runs import check_writable

    try:
        check_writable(path)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from exc


def unknown_outlet(names: Iterable[str], known: Iterable[str]) -> str | None:
    """What to tell of the first name in ``names`` that no outlet has (``--outlet el_faro``
    matched nothing and said nothing), with the closest known one; None when all are known."""
    known = sorted(set(known))
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]}?" if close else ""
            listed = ", ".join(known[:20]) + (", ..." if len(known) > 20 else "")
            return f"no outlet is named {name!r}{hint} (outlets: {listed or 'none'})"
    return None


def plugins_for(config: PluginConfig) -> Plugins:
    """The plugins for ``config``, with their notices and load errors told once on stderr
    (a crawl also records the errors in its ``errors`` table)."""
    from ingest.plugins.manager import BAD_OUTLET, load_plugins

    plugins = load_plugins(config)
    lines = [f"notice: {notice}" for notice in plugins.notices]
    for error in plugins.load_errors:
        raised = f"{error.hook} raised {error.error}: " if error.error != BAD_OUTLET else ""
        lines.append(f"error: plugin {error.plugin}: {raised}{error.message}")
    for line in lines:
        if line not in _told:
            _told.add(line)
            click.echo(line, err=True)
    return plugins


def register_commands(impl: Any, group: click.Group) -> list[str]:
    """Call a plugin's ``register_commands`` on ``group``, with the arguments it names, as
    pluggy calls hooks (one naming none gets none); the names of the commands it gave that
    a built-in one holds, which are not added (``ingest crawl`` stays ingest's)."""
    scratch = click.Group()
    impl.function(**({"cli": scratch} if "cli" in impl.argnames else {}))
    taken = sorted(set(scratch.commands) & set(BUILT_IN))
    for name, command in scratch.commands.items():
        if name not in taken:
            group.add_command(command, name)
    return taken


#: The names of ingest's own commands, set once they are added (below).
BUILT_IN: list[str] = []


class IngestGroup(click.Group):
    """Built-in commands first; plugins load only to find a command they register."""

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is None and not getattr(self, "_plugin_commands", False):
            self._plugin_commands = True
            from ingest.plugins.manager import PluginConfig

            pm = plugins_for(PluginConfig.default()).pm
            for impl in pm.hook.register_commands.get_hookimpls():  # one failing: said, alone
                try:
                    for taken in register_commands(impl, self):
                        click.echo(
                            f"error: plugin {impl.plugin_name}: its command {taken!r} is ingest's "
                            "own, and is not added",
                            err=True,
                        )
                except Exception as exc:  # noqa: BLE001 (a plugin's code: any fault)
                    click.echo(
                        f"error: plugin {impl.plugin_name}: register_commands raised "
                        f"{type(exc).__name__}: {exc}",
                        err=True,
                    )
            command = super().get_command(ctx, name)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PluginLoadError as exc:
            raise click.ClickException(str(exc)) from None
        except KeyboardInterrupt as exc:  # Ctrl-C (or SIGTERM) a command did not take over
            click.echo("Interrupted.", err=True)
            raise SystemExit(stop_status(exc)) from None


@click.group(cls=IngestGroup)
@click.version_option(__version__, prog_name="ingest")
def cli() -> None:
    """Collect news articles from the web into SQLite.

    Plugins may add commands of their own: `ingest plugins` lists what is loaded, with
    the commands each plugin adds.
    """


for _module in COMMAND_MODULES:
    for _command in importlib.import_module(_module).COMMANDS:
        cli.add_command(_command)
BUILT_IN.extend(cli.commands)


def _terminated(signum: int, frame: Any) -> None:
    raise Terminated()


def main() -> None:
    """Run the CLI as click's standalone mode does, but a Ctrl-C exits 130, not 1, and
    SIGTERM stops a command as Ctrl-C does (a crawl takes both over as it starts)."""
    signal.signal(signal.SIGTERM, _terminated)
    try:
        status = cli.main(standalone_mode=False)
    except click.exceptions.Abort as exc:
        interrupted = isinstance(exc.__cause__, KeyboardInterrupt)
        click.echo("Interrupted." if interrupted else "Aborted!", err=True)
        raise SystemExit(stop_status(exc.__cause__) if interrupted else 1) from None
    except KeyboardInterrupt as exc:
        click.echo("Interrupted.", err=True)
        raise SystemExit(stop_status(exc)) from None
    except click.ClickException as exc:
        exc.show()
        raise SystemExit(exc.exit_code) from None
    raise SystemExit(status if isinstance(status, int) else 0)
