"""Plugin folders: which ones a process loads from, and the plugin files found there.

Only folders the user named count (an option, ``INGEST_PLUGINS_DIR``, ``./ingest.toml``),
never one merely found in the current directory; a named folder that is not one is a
``PluginLoadError``, as a file that fails to import is. ``INGEST_LOAD_PLUGINS`` may
restrict which plugins load, installed or found in a folder.
"""

from __future__ import annotations

import difflib
import importlib.util
import os
import re
import sys
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pluggy

from ingest.plugins import PLUGIN_FAULTS, PluginLoadError
from ingest.plugins.deadline import load_seconds, within

#: Comma-separated names of the plugins that may load from installed packages and
#: plugin folders; unset loads all, an empty value loads none.
LOAD_ENV = "INGEST_LOAD_PLUGINS"
#: Extra plugin folders, separated like PATH.
DIRS_ENV = "INGEST_PLUGINS_DIR"
#: A project's settings file in the current directory, naming its plugin folders.
PROJECT_FILE = "ingest.toml"


@dataclass(frozen=True)
class PluginConfig:
    """Which plugins a process loads; small and picklable, handed to workers."""

    dirs: tuple[str, ...] = ()
    entry_points: bool = True
    defaults: bool = True

    @classmethod
    def default(cls, extra_dirs: Iterable[str | Path] = ()) -> PluginConfig:
        """Folders the user named: options, ``INGEST_PLUGINS_DIR``, then ``./ingest.toml``.

        Never a folder merely found in the current directory: running ingest inside a
        downloaded folder must not run that folder's code. A folder named in an option,
        the environment or ingest.toml that is not one is a PluginLoadError: a crawl
        without the user's rules is not what was asked.
        """
        named = [("INGEST_PLUGINS_DIRS", str(d)) for d in extra_dirs]
        for name in (DIRS_ENV, DIRS_ENV + "S"):  # the plural too: it is the setting's name
            named += [(name, d) for d in os.environ.get(name, "").split(os.pathsep) if d]
        named += [(str(Path.cwd() / PROJECT_FILE), str(d)) for d in project_dirs(Path.cwd())]
        for name, folder in named:
            if not Path(folder).is_dir():
                raise PluginLoadError(f"{name} names {folder}, which is not a folder")
        return cls(dirs=tuple(dict.fromkeys(str(Path(folder).resolve()) for _, folder in named)))


def project_dirs(folder: Path) -> list[Path]:
    """The plugin folders ``FOLDER/ingest.toml`` names (``[plugins] dirs``), relative to it."""
    path = folder / PROJECT_FILE
    if not path.is_file():
        return []
    try:
        project = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PluginLoadError(f"{path}: {exc}") from exc
    plugins = project.get("plugins", {})
    if not isinstance(plugins, dict):
        raise PluginLoadError(f"{path}: plugins must be a table, [plugins] with dirs = [...]")
    # A typo ([plugin], dir =) loaded no plugin, silently: a crawl without its rules. The
    # file's other tables are the user's own (notes, settings of other tools), left alone.
    others = [k for k in project if k != "plugins"]
    typos = difflib.get_close_matches("plugins", others, cutoff=0.8)
    typos += [f"plugins.{k}" for k in plugins if k != "dirs"]
    if typos:
        raise PluginLoadError(f"{path}: ingest reads [plugins] dirs, not {', '.join(typos)}")
    dirs = plugins.get("dirs", [])
    if not isinstance(dirs, list) or not all(isinstance(d, str) for d in dirs):
        raise PluginLoadError(f"{path}: [plugins] dirs must be a list of folder names")
    return [folder / d for d in dirs]


def allowed_names() -> set[str] | None:
    """``INGEST_LOAD_PLUGINS``: plugin names as registered, or paths of plugin files."""
    value = os.environ.get(LOAD_ENV)
    if value is None:
        return None
    names = {name.strip() for name in value.split(",") if name.strip()}
    return {str(Path(n).resolve()) if n.endswith(".py") else n for n in names}


def admitted(
    pm: pluggy.PluginManager, path: Path, allowed: set[str] | None, notices: list[str]
) -> bool:
    """Whether the allowlist lets this plugin file load.

    The allowlist names plugins as registered: the first source to register an
    allowed name keeps it, so a file elsewhere named like an allowed installed
    plugin cannot borrow its name (and its trust). Naming the file's path in the
    allowlist admits that very file.
    """
    if allowed is None or str(path.resolve()) in allowed:
        return True
    if path.stem not in allowed:
        return False
    holder = pm.get_plugin(path.stem)
    if holder is None or same_source(holder, path):
        return True
    notices.append(
        f"plugin {path.stem}: {path} not loaded: {LOAD_ENV} admits {path.stem} as "
        f"{where(holder)} (name the file's path there to admit it instead)"
    )
    return False


def where(plugin: object) -> str:
    """Where a plugin was loaded from, for messages: its file, else its module's name."""
    return str(getattr(plugin, "__file__", None) or getattr(plugin, "__name__", repr(plugin)))


def same_source(plugin: object, path: Path) -> bool:
    """Whether ``plugin`` was loaded from ``path`` or from a file of the same bytes: in a
    clone, plugins/ holds the files an install of the same version carries."""
    file = getattr(plugin, "__file__", None)
    if file is None:
        return False
    return Path(file).resolve() == path.resolve() or Path(file).read_bytes() == path.read_bytes()


def import_file(path: Path) -> object:
    """A plugin file as a module of its own; one that fails to import is a PluginLoadError
    naming it, so only commands that load plugins stop."""
    name = f"ingest_plugins.{path.stem}"
    if name in sys.modules and getattr(sys.modules[name], "__file__", None) == str(path):
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        with within(load_seconds(), "its import"):
            spec.loader.exec_module(module)
    except PLUGIN_FAULTS as exc:
        del sys.modules[name]
        raise PluginLoadError(
            f"plugin {path.stem} ({path}) failed to import: {type(exc).__name__}: {exc}"
        ) from exc
    return module


#: The ``[plugins]`` table's header, and its ``dirs`` list (on one line or more).
_PLUGINS_TABLE = re.compile(r"^\[plugins\][ \t]*(#.*)?$", re.MULTILINE)
_DIRS = re.compile(r"^[ \t]*dirs[ \t]*=[ \t]*\[[^\]]*\]", re.MULTILINE)


def with_dirs(text: str, listed: str) -> str:
    """``ingest.toml``'s text with its ``[plugins] dirs`` line replaced by ``listed`` (added
    to the table, or the table after all else), all else as it was."""
    table = _PLUGINS_TABLE.search(text)
    if table is None:
        head = (
            "# ingest's settings for this folder.\n[plugins]\n"
            "# Folders of outlet plugins to load when ingest runs here, relative to this file.\n"
        )
        return (f"{text.rstrip()}\n\n" if text.strip() else "") + f"{head}{listed}\n"
    after = re.compile(r"^\[", re.MULTILINE).search(text, table.end())  # the next table
    limit = after.start() if after else len(text)
    old = _DIRS.search(text, table.end(), limit)
    if old is None:
        return f"{text[: table.end()]}\n{listed}{text[table.end() :]}"
    return f"{text[: old.start()]}{listed}{text[old.end() :]}"


def listed_dirs(text: str) -> list[str]:
    """The ``[plugins] dirs`` an ``ingest.toml`` text names; none if it does not parse."""
    try:
        dirs = tomllib.loads(text).get("plugins", {}).get("dirs", [])
    except tomllib.TOMLDecodeError:
        return []
    return dirs if isinstance(dirs, list) else []
