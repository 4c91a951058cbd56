"""Extraction in worker processes, so the crawl's event loop never waits on trafilatura.

trafilatura costs 15-20 ms of CPU per real page and has no timeout of its
own: each page runs in a pebble worker with a deadline, and a worker that
hangs or dies is replaced while the page is recorded as an error.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, TimeoutError
from typing import Any

import pebble

from ingest.extract.process import Job, Outcome, error_record, process_job
from ingest.plugins.manager import DEFAULT_PLUGINS, PluginConfig, Plugins, load_plugins

#: Seconds one page may take through every stage before its worker is killed.
DEFAULT_TIMEOUT = 30.0

_plugins: Plugins | None = None


def default_workers() -> int:
    """One worker per core: the crawl itself needs little CPU besides extraction."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


def init_worker(config: PluginConfig) -> None:
    global _plugins
    _plugins = load_plugins(config)


def run_job(job: Job) -> Outcome:
    assert _plugins is not None, "init_worker() was not called"
    return process_job(_plugins, job)


class ExtractionPool:
    """Pages in, Outcomes out; never raises for a page, whatever the page does.

    ``workers=0`` runs each page in the calling process (no timeout): handy in a
    debugger and for a single file, never for a crawl.
    """

    def __init__(
        self,
        config: PluginConfig,
        workers: int | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ):
        self.config = config
        self.workers = default_workers() if workers is None else workers
        self.timeout = timeout
        self._pool: pebble.ProcessPool | None = None
        if self.workers > 0:
            # forkserver: workers start clean, not as forks of a threaded event loop,
            # and share the preloaded libraries' memory with each other.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["ingest.extract.workers", *DEFAULT_PLUGINS])
            self._pool = pebble.ProcessPool(
                max_workers=self.workers,
                initializer=init_worker,
                initargs=(config,),
                context=context,
            )
        else:
            init_worker(config)

    def submit(self, job: Job) -> Future[Outcome]:
        """A future that always resolves to an Outcome, errors included in it."""
        result: Future[Outcome] = Future()
        if self._pool is None:
            result.set_result(_settle(job, lambda: run_job(job), self.timeout))
            return result
        scheduled = self._pool.schedule(run_job, (job,), timeout=self.timeout)
        scheduled.add_done_callback(
            lambda f: result.set_result(_settle(job, f.result, self.timeout))
        )
        return result

    def map(self, jobs: Iterable[Job], window: int | None = None) -> Iterator[Outcome]:
        """Outcomes in the jobs' order, with a bounded number of pages in flight."""
        window = window or max(4, 4 * self.workers)
        pending: deque[Future[Outcome]] = deque()
        for job in jobs:
            pending.append(self.submit(job))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _settle(job: Job, get: Any, timeout: float) -> Outcome:
    try:
        return get()
    except TimeoutError:
        error = error_record("extract", "timeout", f"extraction took over {timeout:g} s")
    except pebble.ProcessExpired as exc:
        error = error_record("extract", "worker_died", f"worker process died: {exc}")
    except Exception as exc:  # a bug of ours: still recorded, never fatal to the crawl
        error = error_record("extract", type(exc).__name__, str(exc))
    return Outcome(url=job.url, is_article=True, errors=[error], source=job.source)
