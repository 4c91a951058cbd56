"""A page's extraction stopped inside its worker just before the pool's timeout, and told
where it was: which plugin's hook (or ingest's own step) was running.

The pool kills a worker whose page runs past ``INGEST_EXTRACT_TIMEOUT``; the row then
said only "extraction took over 30 s", and whoever wrote the hook that hung had to
guess. A little earlier, an alarm in the worker raises ``Overtime`` in the code that is
running, and the ``errors`` row names the hook implementation running then (from
``Plugins.running``; its ``plugin`` column, for a plugin of the user's), with the
traceback of where it was. The alarm repeats until the page has given up, so a hook
that swallows one does not escape it. Code blocked in C that does not return to Python
(an lxml call) is not interrupted: the pool's timeout still kills that worker.

The interrupted hook may have left its state half done (a lock held, a cache half
filled): the worker answers for this page and then retires (``workers.run_job``).
In the command's own process (``--workers 0``, one file, ``fixture``, ``test-plugin``)
the alarm is the only bound there is (``here``).
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from ingest.extract.process import Job, Outcome, error_record
from ingest.plugins.deadline import alarm
from ingest.plugins.manager import DEFAULT_PLUGINS, Plugins

#: Seconds one page may take through every stage before its worker is killed.
DEFAULT_TIMEOUT = 30.0


class Overtime(BaseException):  # noqa: N818 (not an error of the page's own code to catch)
    """The page's time is up. A BaseException, so a plugin's ``except Exception`` does not
    swallow it. Holds the (plugin, hook) running when it was raised, if one was."""


class Deadline:
    """A worker's alarm for the page it runs, ahead of the pool's timeout."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self.seconds = max(timeout - min(1.0, timeout / 5), timeout * 0.8)

    def running(self, plugins: Plugins) -> AbstractContextManager[None]:
        """The page's alarm: ``Overtime`` names the hook running when it goes off."""
        return alarm(
            self.seconds, lambda: Overtime(plugins.running[-1] if plugins.running else None)
        )

    def outcome(self, job: Job, exc: Overtime) -> Outcome:
        """The page's timeout row, naming the hook that was running when time ran out."""
        where = exc.args[0] if exc.args else None
        message = f"extraction took over {self.seconds:g} s"
        extra: dict[str, Any] = {"traceback": "".join(traceback.format_exception(exc))}
        if where is not None:
            plugin, hook = where
            message += f", in {hook} of {'ingest' if plugin in DEFAULT_PLUGINS else plugin}"
            if plugin not in DEFAULT_PLUGINS:
                extra["plugin"] = plugin
        error = error_record("extract", "timeout", message, **extra)
        return Outcome(url=job.url, is_article=True, errors=[error], source=job.source)

    def bounded(
        self, plugins: Plugins, job: Job, run: Callable[[], Outcome]
    ) -> tuple[Outcome, bool]:
        """``run``'s outcome within the page's alarm, and whether its time ran out (the
        timeout row then in place of the outcome)."""
        try:
            with self.running(plugins):
                return run(), False
        except Overtime as exc:
            return self.outcome(job, exc), True


def here(plugins: Plugins, job: Job, run: Callable[[], Outcome], timeout: float) -> Outcome:
    """``run`` in this process, stopped by the alarm a worker's page has: a hook that hangs
    had hung the plugin author's own tools (``fixture``, ``test-plugin``) for good."""
    return run() if timeout <= 0 else Deadline(timeout).bounded(plugins, job, run)[0]
