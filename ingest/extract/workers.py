"""Extraction in worker processes, so the crawl's event loop never waits on trafilatura.

trafilatura costs 15-20 ms of CPU per real page and has no timeout of its
own: each page runs in a pebble worker with a deadline, and a worker that
hangs or dies is replaced while the page is recorded as an error. A pool that
breaks as a whole (an idle worker killed) is replaced and its pages retried, and
so is one that stalls: pages wait, a worker is free, and none is taken.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.forkserver
import multiprocessing.resource_tracker
import os
import signal
import threading
import time
import traceback
import weakref
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, TimeoutError
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import partial
from typing import Any

import pebble

from ingest.extract.overtime import DEFAULT_TIMEOUT, Deadline
from ingest.extract.process import Job, Outcome, bug_record, error_record, process_job
from ingest.plugins.deadline import load_seconds
from ingest.plugins.manager import DEFAULT_PLUGINS, PluginConfig, Plugins, load_plugins

log = logging.getLogger(__name__)


_plugins: Plugins | None = None
_deadline: Deadline | None = None
_spent = False  # a page of this worker ran out of time: it takes no other


def default_workers() -> int:
    """One worker per core: the crawl itself needs little CPU besides extraction."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


def _start_fork_server() -> None:
    """Start the fork server with SIGINT and SIGTERM blocked in this thread, which it
    inherits across fork and exec.

    Started as the first worker is, it would take a Ctrl-C meant for the crawl while
    it is still importing, and print a traceback. Blocked, the signal waits in it until
    ``ingest.extract.forkserver`` (its first import) ignores SIGINT, leaves the crawl's
    group and takes SIGTERM back, so its workers die of SIGTERM from birth (pebble
    stops a hung worker, or one still starting, with it).

    Here the handlers stay as they are: a Ctrl-C meanwhile waits for this thread, or
    reaches another one and its handler at once. The signals used to be ignored here
    for these moments, and a Ctrl-C then was lost: the crawl ran to its end and exited
    0 (seen on a loaded machine), and with a second thread running (the WARC writer)
    blocking alone did not help, since the kernel gives the signal to a thread that
    does not block it.
    """
    if threading.current_thread() is not threading.main_thread():
        multiprocessing.forkserver.ensure_running()
        return
    # The resource tracker first: it blocks these signals as it starts, then unblocks them,
    # whatever they were before, which would let the fork server start without the mask.
    multiprocessing.resource_tracker.ensure_running()
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        multiprocessing.forkserver.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # what came meanwhile arrives now


def init_worker(config: PluginConfig, timeout: float = 0.0, worker: bool = True) -> None:
    global _plugins, _deadline
    # Ctrl-C and `kill -TERM -PGID` reach a whole process group: the crawl process
    # stops gracefully and closes the pool itself, so workers live in a group of their
    # own; one dying of the signal would lose the page in hand. Not the command's own
    # process (``workers=0``): out of the terminal's group, Ctrl-C no longer reached it.
    if worker:
        os.setpgid(0, 0)
    _plugins = load_plugins(config)
    _deadline = Deadline(timeout) if timeout > 0 else None


def run_job(job: Job, worker: bool = True) -> Outcome:
    """One page within the time bound. A worker whose page ran out of time takes no
    other; the command's own process (``worker=False``) cannot be replaced, and goes on."""
    global _spent
    assert _plugins is not None, "init_worker() was not called"
    if _spent and worker:  # the last page was cut short: its hook's state can't be trusted
        os._exit(75)  # the pool replaces this worker, and tries this page again there
    if _deadline is None:
        return process_job(_plugins, job)
    outcome, overtime = _deadline.bounded(_plugins, job, partial(process_job, _plugins, job))
    _spent = _spent or overtime
    return outcome


class PoolBroken(RuntimeError):
    """The worker pool broke and a fresh one broke too: extraction cannot go on."""

    kind = "pool_broken"


def _pool_failed(exc: BaseException | None) -> bool:
    """Whether ``exc`` says the pool itself is gone, not that one page failed in it.

    pebble breaks a whole pool when a worker dies while no page is running (killed,
    or out of memory between two pages): pending pages get BrokenProcessPool, and
    every later ``schedule`` raises RuntimeError. Errors a page raised in its worker
    carry the worker's traceback; these don't.
    """
    return isinstance(exc, BrokenProcessPool) and not hasattr(exc, "traceback")


@dataclass
class _Page:
    """A page in the pool, and the retries it has had: one for a worker that died under
    it, one for a pool that broke under it."""

    job: Job
    result: Future[Outcome]
    expired: bool = False
    moved: bool = False


#: Why a page fails that a closing pool did not finish.
CLOSED_FIRST = "the extraction pool closed before this page was done"

#: How often the pool looks for a stall, in seconds.
WATCH_EVERY = 0.5


def default_stall() -> float:
    """Seconds pages may wait beside a free worker before the pool counts as stalled.

    A worker that has just started is busy loading plugins, bounded by their load
    time; past that, a page waits beside a free worker only in a pool that is wedged:
    pebble loses a page, or every later one, when a worker is killed between taking a
    page and saying so, or while it holds the lock the workers take pages under.
    """
    return load_seconds() + 5


#: Pages in flight per worker in ``ExtractionPool.map``.
WINDOW_PER_WORKER = 32


#: What the fork server imports once for all its workers. The generic plugin imports
#: trafilatura when it first extracts (the crawl process never does); its metadata readers
#: bring it here.
PRELOAD = (
    "ingest.extract.forkserver",
    "ingest.extract.workers",
    *DEFAULT_PLUGINS,
    "ingest.extract.metadata",
)


def start_fork_server() -> Any:
    """The fork server's context, the server running (started if it is not).

    The pool calls this as it starts. A crawl calls it first, as it sets Scrapy up: the
    server's imports (0.7 s of CPU) then run beside Scrapy's set-up, not after it, as
    they did when the pool started the server as the spider opened.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOAD))
    _start_fork_server()
    return context


class ExtractionPool:
    """Pages in, Outcomes out; never raises for a page, whatever the page does.

    A page whose worker dies is tried again, once (a second death is its
    ``worker_died`` error); a pool that breaks is replaced and the page tried
    again, once; if the new pool breaks too, the page's future raises
    ``PoolBroken`` and the caller stops. A pool that stalls for ``stall``
    seconds (``default_stall``) is replaced as a broken one is. ``workers=0`` runs
    each page in the calling process, bounded by its alarm alone (code stuck in C
    is not stopped): handy in a debugger and for a single file, never for a crawl.
    """

    def __init__(
        self,
        config: PluginConfig,
        workers: int | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        stall: float | None = None,
    ):
        self.config = config
        self.workers = default_workers() if workers is None else workers
        self.timeout = timeout
        self.stall = default_stall() if stall is None else stall
        #: How many times a broken or stalled pool was replaced.
        self.rebuilt = 0
        self._lock = threading.Lock()
        self._context: Any = None
        self._pool: pebble.ProcessPool | None = None
        # each pool's unfinished pebble futures, and the page each one runs
        self._inflight: dict[Any, dict[Future, _Page]] = {}
        self._retired: weakref.WeakSet[Any] = weakref.WeakSet()  # pools replaced
        self._closed = threading.Event()
        if self.workers > 0:
            # forkserver: workers start clean, not as forks of a threaded event loop,
            # and share the preloaded libraries' memory with each other.
            self._context = start_fork_server()
            self._pool = self._new_pool()
            threading.Thread(target=self._watch, name="pool-watch", daemon=True).start()
        else:  # bounded by the page's alarm alone
            init_worker(config, timeout, worker=False)

    def _new_pool(self) -> pebble.ProcessPool:
        return pebble.ProcessPool(
            max_workers=self.workers,
            initializer=init_worker,
            initargs=(self.config, self.timeout),
            context=self._context,
        )

    def submit(self, job: Job) -> Future[Outcome]:
        """A future that resolves to an Outcome, errors included in it (or PoolBroken)."""
        result: Future[Outcome] = Future()
        if self._pool is None and self.workers == 0:
            result.set_result(_settle(job, lambda: run_job(job, worker=False), self.timeout))
            return result
        self._schedule(_Page(job, result), self._pool)
        return result

    def _schedule(self, page: _Page, pool: pebble.ProcessPool | None) -> None:
        try:
            if pool is None:
                raise RuntimeError("the pool is closed")
            scheduled = pool.schedule(run_job, (page.job,), timeout=self.timeout)
        except RuntimeError as exc:
            self._retry(page, pool, exc)
            return
        with self._lock:
            retired = pool in self._retired
            if not retired:
                self._inflight.setdefault(pool, {})[scheduled] = page
        if retired:  # replaced as this page went in: it may never come out of there
            scheduled.cancel()
            self._retry(page, pool, RuntimeError("the pool was replaced"))
            return
        scheduled.add_done_callback(lambda f: self._done(pool, f))

    def _done(self, pool: Any, done: Future) -> None:
        with self._lock:
            page = self._inflight.get(pool, {}).pop(done, None)
        if page is None:  # its pool was replaced, and the page moved on with it
            return
        try:
            exc = None if done.cancelled() else done.exception()
            if done.cancelled() or _pool_failed(exc):
                self._retry(page, pool, exc or RuntimeError("cancelled"))
            elif isinstance(exc, pebble.ProcessExpired) and not page.expired:
                # Its worker died under it (killed, out of memory, maybe for another reason
                # than this page): pebble replaced the worker; a second death names the page.
                page.expired = True
                self._schedule(page, self._pool)
            else:
                page.result.set_result(_settle(page.job, done.result, self.timeout))
        except BaseException as exc:  # a bug of ours: the page must still resolve
            if not page.result.done():
                page.result.set_exception(exc)

    def _retry(self, page: _Page, pool: Any, exc: BaseException) -> None:
        """The page's pool broke under it: on a fresh pool once, else PoolBroken."""
        if self._closed.is_set():
            page.result.set_exception(PoolBroken(CLOSED_FIRST))
            return
        if page.moved or self._context is None:
            page.result.set_exception(PoolBroken(f"extraction workers keep failing: {exc}"))
            return
        page.moved = True
        self._schedule(page, self._replace(pool))

    def _replace(self, broken: Any) -> pebble.ProcessPool | None:
        """A working pool in place of ``broken`` (once, however many pages noticed it).

        pebble fails only the pages a broken pool had started; those still queued in it
        would never resolve, nor would any page of a stalled pool. Every page still in
        ``broken`` moves to the new pool here, and what ``broken`` says of it later is
        ignored.
        """
        with self._lock:
            stranded: dict[Future, _Page] = {}
            if self._pool is broken and broken is not None:
                self._pool = self._new_pool()
                self.rebuilt += 1
                self._retired.add(broken)
                stranded = self._inflight.pop(broken, {})
                # Stopped from another thread: this may run in the broken pool's own.
                threading.Thread(target=_stop, args=(broken,), daemon=True).start()
            pool = self._pool
        for future, page in stranded.items():
            future.cancel()
            self._retry(page, broken, RuntimeError("the pool broke"))
        return pool

    def _watch(self) -> None:
        """Replace the pool when pages have waited beside a free worker for ``stall`` s."""
        since: float | None = None
        while not self._closed.wait(WATCH_EVERY):
            with self._lock:
                pool = self._pool
                futures = list(self._inflight.get(pool, ()))
            running = sum(f.running() for f in futures)
            if running < self.workers and any(not (f.running() or f.done()) for f in futures):
                since = since or time.monotonic()
            else:
                since = None
            if since is not None and time.monotonic() - since >= self.stall:
                log.warning("extraction stalled for %.0f s: its workers were replaced", self.stall)
                self._replace(pool)
                since = None

    def map(self, jobs: Iterable[Job], window: int | None = None) -> Iterator[Outcome]:
        """Outcomes in the jobs' order, with a bounded number of pages in flight.

        The window is wide (32 pages a worker): outcomes leave in order, so a page that
        takes half a second holds back those behind it, and a narrow window left the
        workers idle until it was done.
        """
        window = window or max(4, WINDOW_PER_WORKER * self.workers)
        pending: deque[Future[Outcome]] = deque()
        for job in jobs:
            pending.append(self.submit(job))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def close(self) -> None:
        """Wait for the pages in flight, for as long as a working pool could need.

        A wedged pool never empties: past that bound it is stopped, and each page
        still in it fails with ``PoolBroken`` rather than leave its caller waiting.
        """
        self._closed.set()
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is None:
            return
        pool.close()
        try:
            pool.join(self.timeout + self.stall)
        except TimeoutError:
            _stop(pool)
        with self._lock:
            stranded = self._inflight.pop(pool, {})
        for future, page in stranded.items():
            future.cancel()
            if not page.result.done():
                page.result.set_exception(PoolBroken(CLOSED_FIRST))

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _stop(pool: pebble.ProcessPool) -> None:
    pool.stop()
    pool.join()


def _settle(job: Job, get: Any, timeout: float) -> Outcome:
    try:
        return get()
    except TimeoutError:
        error = error_record("extract", "timeout", f"extraction took over {timeout:g} s")
    except pebble.ProcessExpired as exc:
        error = error_record("extract", "worker_died", f"worker process died: {exc}")
    except KeyboardInterrupt as exc:
        # Ctrl-C is this process's to handle; workers ignore SIGINT, so one that comes back
        # from a worker (pebble's traceback on it) was raised by code there, a plugin's:
        # re-raised here, it stopped the crawl's event loop and the crawl hung for good.
        if getattr(exc, "traceback", None) is None:
            raise
        error = bug_record("extract", exc, str(exc.traceback))  # type: ignore[attr-defined]
    except BaseException as exc:  # a bug, ours or a plugin's (a SystemExit too): recorded
        # (a BaseException left to the crawl's event loop stopped it, and the crawl hung)
        # the worker's traceback when it came from one (pebble keeps it), else this one's
        trace = getattr(exc, "traceback", None) or "".join(traceback.format_exception(exc))
        error = bug_record("extract", exc, str(trace))
    return Outcome(url=job.url, is_article=True, errors=[error], source=job.source)
