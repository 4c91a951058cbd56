"""A time bound on plugin code run while plugins load: a module's import, ``register_outlets``.

Plugins load in the command's own process, before anything else runs; a plugin whose
import or ``register_outlets`` never returns (it waits on the network, loops) would hang
every command that loads plugins, saying nothing. Bounded, it fails as a plugin that
raises does: a load error naming the plugin. The bound is an alarm signal, so it holds
in the main thread only (where commands load plugins) and for Python code: a call
blocked inside C that ignores signals is not cut short.

``LoadTimeout`` is a BaseException, and the alarm repeats until the block has ended: a
plugin's ``except Exception`` around a retried fetch does not swallow the bound. The same
alarm (``alarm``) bounds a page's extraction in its worker (``ingest.extract.overtime``).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: Where the bound is set: plugins load before a command reads its -s settings.
LOAD_ENV = "INGEST_PLUGIN_LOAD_SECONDS"
#: Seconds between the alarms once the first has gone off.
AGAIN = 0.2


def load_seconds() -> float:
    """Seconds a plugin's import, or its register_outlets, may take (30; 0: no bound)."""
    try:
        return float(os.environ.get(LOAD_ENV) or 30)
    except ValueError:
        return 30.0


class LoadTimeout(BaseException):  # noqa: N818 (a bound met, not an error of the plugin's)
    """Plugin code that ran past its bound while plugins loaded."""


@contextmanager
def within(seconds: float, what: str) -> Iterator[None]:
    """Run the block, cut short with ``LoadTimeout`` saying ``what`` after ``seconds``."""

    def expired() -> BaseException:
        return LoadTimeout(f"{what} did not finish within {seconds:g} s ({LOAD_ENV})")

    with alarm(seconds, expired):
        yield


@contextmanager
def alarm(seconds: float, expired: Callable[[], BaseException]) -> Iterator[None]:
    """Run the block; after ``seconds``, raise what ``expired`` makes in whatever code runs,
    again every ``AGAIN`` seconds until the block ends. A bound already running around this
    one keeps its own end (the nearer of the two goes off first). Main thread only, where
    signals arrive; elsewhere the block runs unbounded."""
    if (
        seconds <= 0
        or threading.current_thread() is not threading.main_thread()
        or not hasattr(signal, "setitimer")
    ):
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise expired()

    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, handler)
    outer, outer_again = signal.setitimer(signal.ITIMER_REAL, 0)
    try:
        if outer and outer < seconds:  # the outer alarm is nearer: it is the one to go off
            signal.signal(signal.SIGALRM, previous)
            signal.setitimer(signal.ITIMER_REAL, outer, outer_again)
        else:
            signal.setitimer(signal.ITIMER_REAL, seconds, AGAIN)
        yield
    finally:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:  # an alarm in the line above still leaves the handler, and the outer bound
            signal.signal(signal.SIGALRM, previous)
            if outer:  # what is left of it: at once if it has passed meanwhile
                left = max(outer - (time.monotonic() - started), 1e-6)
                signal.setitimer(signal.ITIMER_REAL, left, outer_again)
