"""A page's extraction stopped inside its worker just before the pool's timeout, and told
where it was: which plugin's hook (or ingest's own step) was running.

The pool kills a worker whose page runs past ``INGEST_EXTRACT_TIMEOUT``; the row then
said only "extraction took over 30 s", and whoever wrote the hook that hung had to
guess. A little earlier, an alarm in the worker raises ``Overtime`` in the code that is
running; its traceback names the hook implementation, which the ``errors`` row then
names (its ``plugin`` column, for a plugin of the user's), and the worker lives on.
Code blocked in C that does not return to Python (an lxml call) is not interrupted:
the pool's timeout still kills that worker, as before.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import CodeType, TracebackType
from typing import Any

from ingest.extract.process import Job, Outcome, error_record
from ingest.plugins.manager import DEFAULT_PLUGINS, Plugins


class Overtime(BaseException):  # noqa: N818 (not an error of the page's own code to catch)
    """The page's time is up. A BaseException, so a plugin's ``except Exception`` does not
    swallow it (a hook that did so would only be killed later, by the pool)."""


class Deadline:
    """A worker's alarm for the page it runs, ahead of the pool's timeout."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self.seconds = max(timeout - min(1.0, timeout / 5), timeout * 0.8)
        self._hooks: dict[CodeType, tuple[str, str]] | None = None

    @contextmanager
    def running(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def expired(signum: int, frame: object) -> None:
            raise Overtime

        previous = signal.signal(signal.SIGALRM, expired)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    def outcome(self, job: Job, exc: Overtime, plugins: Plugins) -> Outcome:
        """The page's timeout row, naming the hook that was running when time ran out."""
        where = self.hook_running(exc.__traceback__, plugins)
        message = f"extraction took over {self.seconds:g} s"
        extra: dict[str, Any] = {}
        if where is not None:
            plugin, hook = where
            message += f", in {hook} of {'ingest' if plugin in DEFAULT_PLUGINS else plugin}"
            if plugin not in DEFAULT_PLUGINS:
                extra["plugin"] = plugin
        error = error_record("extract", "timeout", message, **extra)
        return Outcome(url=job.url, is_article=True, errors=[error], source=job.source)

    def hook_running(self, tb: TracebackType | None, plugins: Plugins) -> tuple[str, str] | None:
        """(plugin, hook) of the innermost hook implementation in the traceback."""
        hooks = self._hooks if self._hooks is not None else self._hook_codes(plugins)
        found = None
        while tb is not None:
            found = hooks.get(tb.tb_frame.f_code, found)
            tb = tb.tb_next
        return found

    def _hook_codes(self, plugins: Plugins) -> dict[CodeType, tuple[str, str]]:
        self._hooks = {}
        for name in dir(plugins.pm.hook):
            caller = getattr(plugins.pm.hook, name)
            for impl in getattr(caller, "get_hookimpls", list)():
                function = getattr(impl.function, "__func__", impl.function)
                if code := getattr(function, "__code__", None):
                    self._hooks[code] = (impl.plugin_name, name)
        return self._hooks
