"""How a run a signal stopped ends: its reason and its command's exit status.

Ctrl-C raises KeyboardInterrupt; SIGTERM (a service manager's stop, ``docker stop``)
raises ``Terminated``, a KeyboardInterrupt too, so that every command that handles
one handles both and ends its run ``interrupted`` rather than left ``running``. A
crawl takes both signals over as it starts (Scrapy's own handlers).
"""

from __future__ import annotations


class Terminated(KeyboardInterrupt):
    """SIGTERM taken as a Ctrl-C is (a service manager's stop, ``docker stop``): the run
    ends interrupted, with its reason, rather than left ``running`` by the signal."""

    reason = "stopped by SIGTERM"
    status = 143


def stop_reason(exc: KeyboardInterrupt) -> str:
    """Why a run a signal stopped ended: SIGTERM's or Ctrl-C's."""
    return getattr(exc, "reason", "stopped by SIGINT")


def stop_status(exc: KeyboardInterrupt) -> int:
    """The exit status of a command a signal stopped: 128 plus the signal's number."""
    return getattr(exc, "status", 130)
