"""Run by the extraction pool's fork server as it starts (its preload list), nowhere else.

Ctrl-C, or SIGTERM from a service manager, reaches every process of the crawl's
process group. The crawl process stops gracefully and closes the pool itself; but a
fork server killed by the signal makes multiprocessing take every worker it forked
for dead (their exit status came through it), and the pool falls apart mid-page. So
the fork server leaves the group: signals meant for the crawl reach the crawl alone.
"""

import os
import sys

if sys.argv == ["-c"] and "multiprocessing.forkserver" in sys.modules:
    os.setpgid(0, 0)
