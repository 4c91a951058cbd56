"""The plugin manager: built-in defaults, installed packages, and plugin folders
(``ingest.plugins.folders`` finds those).

Nothing loads at import time. ``load_plugins()`` builds the manager once per
process for a given configuration; worker processes call it again with the
same configuration so they see the very same plugins as the crawl.

Where a plugin name is found twice, the later source wins: a folder the user
named overrides an installed plugin of the same name, and the override is
reported as a notice, never an error. A plugin that fails to import raises
``PluginLoadError`` naming its file, so only commands that load plugins stop.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import traceback
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import pluggy

from ingest.plugins import PLUGIN_FAULTS, PluginLoadError, hookspecs
from ingest.plugins.deadline import load_seconds, within
from ingest.plugins.folders import (
    LOAD_ENV,
    PluginConfig,
    admitted,
    allowed_names,
    import_file,
    same_source,
    where,
)
from ingest.plugins.outlet import Outlet
from ingest.urls import site_depth

# The generic path is itself a set of plugins, so an outlet plugin can replace any part.
DEFAULT_PLUGINS = (
    "ingest.extract.classify",
    "ingest.extract.generic",
    "ingest.extract.clean",
    "ingest.extract.normalize",
)

#: The kind of a load error for an outlet that can't be used (a bad pattern or selector).
BAD_OUTLET = "bad_outlet"


@dataclass
class PluginError:
    """A hook implementation that raised: recorded, never fatal."""

    hook: str
    plugin: str
    error: str
    message: str
    traceback: str


class Plugins:
    """A loaded plugin manager plus the outlets its plugins declared."""

    def __init__(self, pm: pluggy.PluginManager, notices: Iterable[str] = ()):
        self.pm = pm
        self.outlets: list[Outlet] = []
        self.load_errors: list[PluginError] = []
        #: What loading decided that a user should hear of (a plugin overridden).
        self.notices: list[str] = list(notices)
        #: (plugin, hook) of each implementation running now, innermost last: what a page
        #: that runs out of time was doing (``ingest.extract.overtime``).
        self.running: list[tuple[str, str]] = []
        self._collect_outlets()

    def _collect_outlets(self) -> None:
        for impl in reversed(self.pm.hook.register_outlets.get_hookimpls()):
            # kept once the hook has returned: outlets registered before it failed would
            # be part of its set (a version without the next, a site without its other
            # domains), routing pages wrongly without a word
            staged: list[Any] = []

            def register(outlet: Outlet, _staged: list[Any] = staged) -> None:
                _staged.append(outlet)

            try:
                with within(load_seconds(), "it"):
                    impl.function(register=register)
            except PLUGIN_FAULTS as exc:
                self.load_errors.append(_plugin_error("register_outlets", impl.plugin_name, exc))
                continue
            for outlet in staged:
                self._add_outlet(outlet, impl.plugin_name)

    def _add_outlet(self, outlet: Outlet, plugin: str) -> None:
        """Keep a registered outlet, checked once: one that would fail on every page, or
        whose name another outlet holds, is the plugin's load error and is not used."""
        if not isinstance(outlet, Outlet):
            problem = f"register() takes an Outlet, not {type(outlet).__name__}"
        elif problem := outlet.problem():
            problem = f"outlet {outlet.name!r} not used: {problem}"
        elif holder := self.outlet_named(outlet.name):
            if holder.plugin != (outlet.plugin or plugin):
                problem = f"outlet {outlet.name!r} not used: plugin {holder.plugin} declares it"
            elif any(o.name == outlet.name and o.version == outlet.version for o in self.outlets):
                problem = f"outlet {outlet.name!r} v{outlet.version} not used: declared twice"
        if problem:
            self.load_errors.append(
                PluginError("register_outlets", plugin, BAD_OUTLET, problem, traceback="")
            )
        else:
            kept = replace(outlet, plugin=outlet.plugin or plugin)
            self._say_shared_domains(kept)
            self.outlets.append(kept)

    def _say_shared_domains(self, outlet: Outlet) -> None:
        """Two outlets claiming one domain: which one a page there goes to depends on the
        order the plugins load in, so the user hears of it (once a pair of outlets)."""
        for other in self.outlets:
            shared = sorted(set(other.domains) & set(outlet.domains))
            said = (
                f"outlets {other.name} ({other.plugin}) and {outlet.name} ({outlet.plugin}) "
                f"both claim {', '.join(shared)}: a page there goes to the one loaded first"
            )
            if other.name != outlet.name and shared and said not in self.notices:
                self.notices.append(said)

    def outlet_for(self, url: str, when: date | None = None) -> Outlet | None:
        """The outlet owning the URL, in the version valid on ``when`` (default today)."""
        when = when or date.today()
        owners = [o for o in self.outlets if o.owns(url)]
        current = [o for o in owners if o.valid_until is None or o.valid_until >= when]
        if not current:
            return None
        # the nearest domain first (sports.example.com's outlet over example.com's, whatever
        # the plugin files are called), then the version that ends soonest
        return min(current, key=lambda o: (-site_depth(url, o.domains), o.valid_until or date.max))

    def outlet_named(self, name: str) -> Outlet | None:
        return next((o for o in self.outlets if o.name == name), None)

    def call_first(
        self, hook: str, expect: type | None = None, **kwargs: Any
    ) -> tuple[Any, str | None, list[PluginError]]:
        """Call a firstresult hook, skipping (and reporting) implementations that raise
        or answer with something other than ``expect``: a plugin's odd value is its
        error, named for it, and the next implementation answers instead.

        Returns the first non-None result, the name of the plugin that gave it,
        and the errors of those skipped before it.
        """
        errors: list[PluginError] = []
        for impl in self._impls(hook):
            try:
                with self._running(impl, hook):
                    result = impl.function(*[kwargs[a] for a in impl.argnames])
                if not (result is None or expect is None or isinstance(result, expect)):
                    raise BadReturn(hook, expect, result)
                if name := _misfit_field(result):  # an Article answered: its fields too
                    then = "its answer passed over"
                    raise BadValue(hook, name, getattr(result, name), result.misfit(name), then)
            except PLUGIN_FAULTS as exc:
                errors.append(_plugin_error(hook, impl.plugin_name, exc))
                continue
            if result is not None:
                return result, impl.plugin_name, errors
        return None, None, errors

    def call_each(self, hook: str, article: Any, **kwargs: Any) -> list[PluginError]:
        """Call an in-place hook on an article; note which plugin changed which field.

        One raising plugin does not stop the others, and what it changed before
        raising is kept: the error is reported with its name for the record.
        """
        errors: list[PluginError] = []
        kwargs["article"] = article
        for impl in self._impls(hook):
            before = article.snapshot()
            try:
                with self._running(impl, hook):
                    impl.function(*[kwargs[a] for a in impl.argnames])
            except PLUGIN_FAULTS as exc:
                errors.append(_plugin_error(hook, impl.plugin_name, exc))
            after = article.snapshot()
            changed = [k for k in after if after[k] != before[k]]
            misfits = {k: wanted for k in changed if (wanted := article.misfit(k))}
            for name, wanted in misfits.items():  # undone, and said why
                exc = BadValue(hook, name, getattr(article, name), wanted)
                errors.append(_plugin_error(hook, impl.plugin_name, exc))
                article.restore(name, before[name])
            # provenance, if changed, is the plugin's own word on who set what
            changed = [k for k in changed if k not in misfits and k != "provenance"]
            for name in changed:
                article.provenance[name] = impl.plugin_name
            if changed and impl.plugin_name not in article.plugins:
                article.plugins.append(impl.plugin_name)
        return errors

    def call_setup(self, hook: str, **kwargs: Any) -> None:
        """Call a hook that sets something up (``prepare_database``): a plugin that raises
        stops the command before it starts, as one that fails to import, in one line."""
        for impl in self._impls(hook):
            try:
                impl.function(*[kwargs[a] for a in impl.argnames])
            except PLUGIN_FAULTS as exc:
                raise PluginLoadError(
                    f"plugin {impl.plugin_name} ({where(impl.plugin)}) failed in {hook}: "
                    f"{type(exc).__name__}: {exc}"
                ) from exc

    @contextmanager
    def _running(self, impl: pluggy.HookImpl, hook: str) -> Iterator[None]:
        self.running.append((impl.plugin_name, hook))
        try:
            yield
        finally:
            self.running.pop()

    def _impls(self, hook: str) -> list[pluggy.HookImpl]:
        # pluggy calls implementations last-registered first, trylast at the end.
        return list(reversed(getattr(self.pm.hook, hook).get_hookimpls()))

    def names(self) -> list[str]:
        return [self.pm.get_name(p) or repr(p) for p in self.pm.get_plugins()]


class BadReturn(TypeError):
    """A hook answered with a value of the wrong type (a string where an Article goes)."""

    kind = "bad_return"

    def __init__(self, hook: str, expected: type, value: Any):
        shown = repr(value)[:80]
        super().__init__(f"{hook} returned {type(value).__name__} {shown}, not {expected.__name__}")


class BadValue(TypeError):
    """A hook left a field of the article holding the wrong type (None for the text)."""

    kind = "bad_value"

    def __init__(
        self, hook: str, name: str, value: Any, wanted: str | None, then: str = "change undone"
    ):
        shown = f"{type(value).__name__} {repr(value)[:80]}"
        super().__init__(f"{hook} set {name} to {shown}, not {wanted}: {then}")


def _misfit_field(result: Any) -> str | None:
    """The first field of an answered article that holds the wrong type: a title given as
    a list was stored as JSON text, authors given as a string split letter by letter, and
    a text of None failed the page in a later stage, blamed on ingest."""
    if not is_dataclass(result) or not hasattr(result, "misfit"):
        return None
    return next((f.name for f in fields(result) if result.misfit(f.name)), None)


def url_verdict(outlet: Outlet, url: str) -> tuple[bool | None, PluginError | None]:
    """The outlet's ``is_article_url`` for the URL, and its error when it raised: a plugin
    may override the method, and its bug then costs the URL the outlet's verdict only
    (``None``: the generic decision), not the page that listed it or the page itself."""
    try:
        verdict = outlet.is_article_url(url)
        if not (verdict is None or isinstance(verdict, bool)):
            raise BadReturn("is_article_url", bool, verdict)
        return verdict, None
    except PLUGIN_FAULTS as exc:
        return None, _plugin_error("is_article_url", outlet.plugin or outlet.name, exc)


def _plugin_error(hook: str, plugin: str, exc: BaseException) -> PluginError:
    message = str(exc)
    if isinstance(exc, SystemExit):
        message = f"called sys.exit({exc.code!r}): skipped for this page (a plugin raises instead)"
    return PluginError(
        hook=hook,
        plugin=plugin,
        error=getattr(exc, "kind", None) or type(exc).__name__,
        message=message,
        traceback="".join(traceback.format_exception(exc)),
    )


def build_manager(
    config: PluginConfig, extra: Iterable[object] = (), notices: list[str] | None = None
) -> pluggy.PluginManager:
    """A fresh manager for ``config``; ``extra`` plugin objects are registered last (tests).

    What the user should hear of is appended to ``notices``.
    """
    notices = notices if notices is not None else []
    pm = pluggy.PluginManager("ingest")
    pm.add_hookspecs(hookspecs)
    if config.defaults:
        for module in DEFAULT_PLUGINS:
            pm.register(importlib.import_module(module), name=module)
    allowed = allowed_names()
    if config.entry_points:
        for ep in sorted(importlib.metadata.entry_points(group="ingest"), key=lambda e: e.name):
            if allowed is None or ep.name in allowed:
                _register(pm, _load_entry_point(ep), ep.name, notices)
    for folder in config.dirs:
        for path in sorted(Path(folder).glob("*.py")):
            if path.name.startswith("_") or not admitted(pm, path, allowed, notices):
                continue
            if same_source(pm.get_plugin(path.stem), path):
                continue  # the installed plugin is this very file, or a copy of it
            _register(pm, import_file(path), path.stem, notices)
    for plugin in extra:
        pm.register(plugin, name=getattr(plugin, "__name__", None) or type(plugin).__name__)
    if allowed and (missing := sorted(allowed - loaded_names(pm))):
        raise PluginLoadError(
            f"{LOAD_ENV} names {', '.join(missing)}: no plugin installed or in a plugin folder "
            "is called so (a crawl would run without the rules it asks for)"
        )
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginLoadError(f"plugin {pm.get_name(exc.plugin)}: {exc}") from exc
    return pm


def loaded_names(pm: pluggy.PluginManager) -> set[str]:
    """What an allowlist may name of the loaded plugins: their names, and their files."""
    names = {name for name, _ in pm.list_name_plugin()}
    files = {getattr(plugin, "__file__", None) for _, plugin in pm.list_name_plugin()}
    return names | {str(Path(f).resolve()) for f in files if f}


def _register(pm: pluggy.PluginManager, plugin: object, name: str, notices: list[str]) -> None:
    """Register ``plugin`` as ``name``; one found before under that name gives way to it."""
    earlier = pm.get_plugin(name)
    if earlier is not None:
        pm.unregister(earlier)
        notices.append(f"plugin {name}: {where(plugin)} overrides {where(earlier)}")
    try:
        pm.register(plugin, name=name)
    except (ValueError, pluggy.PluginValidationError) as exc:
        raise PluginLoadError(f"plugin {name} ({where(plugin)}): {exc}") from exc


def _load_entry_point(ep: importlib.metadata.EntryPoint) -> object:
    try:
        with within(load_seconds(), "its import"):
            return ep.load()
    except PLUGIN_FAULTS as exc:
        dist = ep.dist.name if ep.dist else "an installed package"
        raise PluginLoadError(
            f"plugin {ep.name} ({ep.value}, from {dist}) failed to import: "
            f"{type(exc).__name__}: {exc}"
        ) from exc


_loaded: dict[PluginConfig, Plugins] = {}


def load_plugins(config: PluginConfig | None = None) -> Plugins:
    """The process's plugins for ``config``, loaded on first use."""
    config = config or PluginConfig.default()
    if config not in _loaded:
        notices: list[str] = []
        pm = build_manager(config, notices=notices)
        _loaded[config] = Plugins(pm, notices)
    return _loaded[config]
