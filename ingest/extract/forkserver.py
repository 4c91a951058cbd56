"""Run by the extraction pool's fork server as it starts (its preload list), nowhere else.

Ctrl-C, or SIGTERM from a service manager, reaches every process of the crawl's
process group. The crawl process stops gracefully and closes the pool itself; but a
fork server killed by the signal makes multiprocessing take every worker it forked
for dead (their exit status came through it), and the pool falls apart mid-page. So
the fork server leaves the group: signals meant for the crawl reach the crawl alone.

It starts with SIGINT and SIGTERM blocked (``workers._start_fork_server``), so neither
can kill it while it imports; a signal meant for the crawl meanwhile waits. Here it
ignores SIGINT (Ctrl-C is the crawl's to handle) and, until it has left the group,
SIGTERM, which drops what waited; then it lets them through, so its workers do not
inherit the mask. Out of the group, it takes SIGTERM back: a worker inherits it from
birth, so one the pool stops while it is still starting (a crawl over in a second)
dies at once. Ignoring it, such a worker went on to read what the closed pool had
already removed, and printed a traceback after the crawl.
"""

import os
import signal
import sys

if sys.argv == ["-c"] and "multiprocessing.forkserver" in sys.modules:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # ignoring drops a signal that waited
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    os.setpgid(0, 0)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
