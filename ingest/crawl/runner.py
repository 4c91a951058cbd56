"""Run a crawl in this process: Scrapy settings from ingest, the user's overrides on top."""

from __future__ import annotations

import difflib
import importlib.util
import logging
import math
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import CrawlerProcess
from scrapy.settings import BaseSettings, Settings
from scrapy.utils.misc import load_object
from scrapy.utils.ossignal import signal_names

from ingest.crawl import internal, request_json
from ingest.crawl.spider import NewsSpider, extraction_workers
from ingest.crawl.stopping import FAILURE_STAT, SIGNAL_STAT
from ingest.extract.limits import MAX_WORKERS
from ingest.extract.workers import start_fork_server


def parse_setting_overrides(pairs: Iterable[str]) -> dict[str, str]:
    """``NAME=VALUE`` pairs, as ``scrapy crawl -s`` takes them."""
    overrides: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"expected NAME=VALUE, got {pair!r}")
        overrides[name.strip()] = value
        _check_name(name.strip())
        _check_type(name.strip(), value)
    _check_queue(overrides)
    return overrides


#: How a shared crawl's requests travel (``ingest.crawl.shared_frontier`` refuses others).
JSON_REQUESTS = request_json.__name__
#: Settings read that neither Scrapy's defaults nor ingest's module list: one Scrapy still
#: honours though deprecated, and those of scrapy-redis the shared frontier sets or reads.
OTHER_SETTINGS = frozenset(
    """
    CONCURRENT_REQUESTS_PER_IP META_COPY_WARN_SKIP_KEYS
    REDIS_URL REDIS_PARAMS SCHEDULER_PERSIST SCHEDULER_SERIALIZER
    """.split()
)


def _check_name(name: str) -> None:
    """A name nothing reads is a slip (``-s DOWNLOAD_TIMOUT=5``) that would change nothing
    and say nothing: told now, with the closest known name."""
    if name in OTHER_SETTINGS or name in _defaults():
        return
    known = sorted(OTHER_SETTINGS.union(_defaults()))
    close = difflib.get_close_matches(name.upper(), known, n=1, cutoff=0.75)
    hint = f"; did you mean {close[0]}?" if close else ""
    raise ValueError(f"{name} is not a setting of Scrapy or ingest{hint}")


#: Scrapy reads these as seconds, decimals included, though their defaults are whole numbers.
READ_AS_SECONDS = frozenset({"DNS_TIMEOUT", "DOWNLOAD_TIMEOUT"})

#: Scrapy's settings that count, size or time something, where a negative value is a slip
#: (DOWNLOAD_TIMEOUT=-1 failed an assertion deep in Scrapy). ingest's own are told by their
#: defaults: one that may be negative has a negative default.
NOT_NEGATIVE = frozenset(
    """
    CONCURRENT_REQUESTS CONCURRENT_REQUESTS_PER_DOMAIN CONCURRENT_REQUESTS_PER_IP DOWNLOAD_DELAY
    DOWNLOAD_TIMEOUT DOWNLOAD_MAXSIZE DOWNLOAD_WARNSIZE DEPTH_LIMIT RETRY_TIMES REDIRECT_MAX_TIMES
    DNS_TIMEOUT
    CLOSESPIDER_TIMEOUT CLOSESPIDER_ITEMCOUNT CLOSESPIDER_PAGECOUNT CLOSESPIDER_ERRORCOUNT
    AUTOTHROTTLE_START_DELAY AUTOTHROTTLE_MAX_DELAY AUTOTHROTTLE_TARGET_CONCURRENCY
    """.split()
)


#: Counts where 0 downloads nothing, ever: the crawl waited forever, and one signal did not
#: stop it (CONCURRENT_REQUESTS_PER_IP=0 is Scrapy's "per domain instead", and stays).
POSITIVE = frozenset(
    {
        "CONCURRENT_REQUESTS",
        "CONCURRENT_REQUESTS_PER_DOMAIN",
        "AUTOTHROTTLE_TARGET_CONCURRENCY",
        "DNS_TIMEOUT",  # 0: every lookup failed
    }
)


#: Whole numbers whose default, None, lets ingest choose: extraction workers, one a core.
AUTOMATIC_COUNTS = frozenset({"INGEST_WORKERS"})


def _check_type(name: str, value: str) -> None:
    """A value Scrapy or ingest reads as a number, a flag or a mapping must be one:
    ``-s CONCURRENT_REQUESTS=abc`` is told now, not as a traceback once the crawl runs.
    The type is the default's: a whole-number default takes whole numbers only
    (``-s INGEST_BATCH_SIZE=2.5`` had crashed mid-crawl), but for the few that Scrapy
    reads as seconds though their default is whole (``READ_AS_SECONDS``)."""
    if name == "SCHEDULER_SERIALIZER" and value != JSON_REQUESTS:
        raise ValueError(
            f"SCHEDULER_SERIALIZER is {JSON_REQUESTS}, always: requests in a shared queue "
            "travel as JSON, never pickled (unpickling runs whatever code a request names)"
        )
    if name in REFUSED:
        raise ValueError(f"{name} is not used by ingest: {REFUSED[name]}")
    if name == "INGEST_REDIS_URL" and urlsplit(value).scheme not in REDIS_SCHEMES:
        raise ValueError(
            f"INGEST_REDIS_URL takes a Redis address (redis://HOST:PORT/DB), got {value!r}"
        )
    default = _defaults().get(name)
    if isinstance(default, list | tuple) and default and all(type(v) is int for v in default):
        _check_numbers(name, value)
        return
    if isinstance(default, dict | BaseSettings) and name.endswith(COMPONENTS):
        _check_components(name, value)
        return
    if isinstance(default, str):
        _check_text(name, value, default)
        return
    if name in AUTOMATIC_COUNTS and value != "":
        default = 0  # unset (None) or empty: ingest chooses; else a whole number from 0
    if isinstance(default, bool):
        read, wanted = Settings.getbool, "true or false"
    elif isinstance(default, int) and name not in READ_AS_SECONDS:
        read, wanted = Settings.getint, "a whole number"
    elif isinstance(default, int | float):
        read, wanted = Settings.getfloat, "a number"
    elif isinstance(default, dict | BaseSettings):
        read, wanted = Settings.getdict, "a JSON object"
    else:
        return  # a string, a list, or a name neither knows: taken as given
    try:
        read(Settings({name: value}), name)  # a mapping is parsed as it is set
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name} takes {wanted}, got {value!r}") from exc
    if wanted == "a number" and not math.isfinite(float(value)):  # nan passed every bound
        raise ValueError(f"{name} takes a finite number, got {value!r}")
    counts = name in NOT_NEGATIVE or (name.startswith("INGEST_") and default >= 0)
    if wanted != "true or false" and counts and float(value) < 0:
        raise ValueError(f"{name} takes a number from 0, got {value!r}")
    if name in AUTOMATIC_COUNTS and int(value) > MAX_WORKERS:  # as --workers: 100,000 ran
        raise ValueError(f"{name} takes a number from 0 to {MAX_WORKERS}, got {value!r}")
    if name in POSITIVE and float(value) <= 0:
        raise ValueError(f"{name} takes a number above 0 (0 would download nothing), got {value!r}")


#: Settings a crawl of ingest's cannot honour, and what to use instead.
REFUSED = {
    "FEEDS": "pages and articles go to the SQLite database; ingest export writes files from it",
}
REDIS_SCHEMES = ("redis", "rediss", "unix")
#: Settings that map class paths to their order: each path must import.
COMPONENTS = ("MIDDLEWARES", "EXTENSIONS", "PIPELINES")


def _check_numbers(name: str, value: str) -> None:
    """A list of whole numbers (``RETRY_HTTP_CODES``), as Scrapy reads it: comma-separated.
    ``[500]`` ended in a traceback of the retry middleware's."""
    items = [item.strip() for item in value.split(",")] if value.strip() else []
    if not all(re.fullmatch(r"\d+", item) for item in items):
        raise ValueError(f"{name} takes whole numbers separated by commas (500,503), got {value!r}")


def _check_components(name: str, value: str) -> None:
    """A mapping of class paths to their order (``DOWNLOADER_MIDDLEWARES``): every order is
    a number or null, and every path not switched off (null) names something to import;
    a path that named nothing ended the crawl's start in a traceback."""
    try:
        mapping = Settings({name: value}).getdict(name)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name} takes a JSON object, got {value!r}") from exc
    for path, order in mapping.items():
        if order is None:
            continue  # switched off: Scrapy loads nothing of it
        if isinstance(order, bool) or not isinstance(order, int | float):
            wanted = "a number or null"
            raise ValueError(f"{name}: the order of {path} is {wanted}, got {order!r}")
        if problem := import_problem(path):
            raise ValueError(f"{name}: {path!r} names nothing to import ({problem})")
    if off := [path for path, order in mapping.items() if order is None and path in KEPT]:
        raise ValueError(f"{name} cannot switch off {off[0]}: {KEPT[off[0]]}")


#: ingest's components a crawl keeps, whatever ``-s`` maps to null, and why: each is what
#: a documented option or setting changes, and switched off it would change it unsaid.
KEPT = {
    "ingest.crawl.pipelines.IngestPipeline": "it writes what the crawl finds to the database",
    "ingest.crawl.guard.AddressGuard": "it keeps the crawl off private and local addresses "
    "(--allow-private lets it reach them)",
    "ingest.crawl.offsite.SitesOnly": "it keeps the crawl on its seeds' sites (--allow-domain "
    "adds one)",
    "ingest.crawl.robots.SaidRobotsTxt": "it reads each site's robots.txt (ROBOTSTXT_OBEY=0 "
    "crawls without)",
    "ingest.crawl.bounds.DownloadBounds": "it bounds an answer's headers and tells a body past "
    "DOWNLOAD_MAXSIZE (0 lifts that bound)",
    "ingest.archive.capture.WarcCapture": "it writes the WARC files --warc asks for, and "
    "nothing without",
}


#: Defaults that look like import paths but take other text: a policy's name, a file.
NOT_IMPORTED = frozenset({"REFERRER_POLICY", "NEWSPIDER_MODULE", "INGEST_DB"})
#: A default that names a class or function to import (``scrapy.core.scheduler.Scheduler``).
_IMPORT_PATH = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")


def _check_text(name: str, value: str, default: str) -> None:
    """A log level or an import path that is none ended the crawl in a traceback as it
    started (``-s LOG_LEVEL=BOGUS``, ``-s SCHEDULER=nope.Nope``): told now, as a usage
    error. Imported as Scrapy would import it a moment later."""
    if name == "LOG_LEVEL":
        levels = logging.getLevelNamesMapping()
        if value not in levels:  # a number too ends in a traceback: logging takes names
            raise ValueError(f"LOG_LEVEL takes one of {', '.join(levels)}, got {value!r}")
    elif (
        _IMPORT_PATH.fullmatch(default)
        and name not in NOT_IMPORTED
        and value
        and (problem := import_problem(value))  # imported as Scrapy would, a moment later
    ):
        message = f"{name} takes an import path (module.Name), got {value!r} ({problem})"
        raise ValueError(message)


#: Packages imported whole to check a path: none installs a reactor as it is imported.
SAFE_TO_IMPORT = ("scrapy.", "scrapy_redis.", "ingest.", "twisted.")


def import_problem(path: str) -> str | None:
    """Why ``path`` names nothing to import, or None when it names something."""
    try:
        _importable(path)
    except (ImportError, AttributeError, ValueError, NameError) as exc:
        return str(exc)
    return None


def _importable(path: str) -> None:
    """Raise if ``path`` names nothing to import. The user's own module is only looked for,
    not imported: one that imports Twisted's reactor would install it before Scrapy
    chooses its own, and the crawl would end in a traceback."""
    if path.startswith(SAFE_TO_IMPORT):
        load_object(path)
        return
    module, _, name = path.rpartition(".")
    if not module:
        raise ValueError(f"Error loading object {path!r}: not a full path")
    if importlib.util.find_spec(module) is None:
        raise ImportError(f"No module named {module!r}")
    if module in sys.modules and not hasattr(sys.modules[module], name):  # imported already
        raise NameError(f"Module {module!r} doesn't define any object named {name!r}")


@lru_cache(maxsize=1)
def _defaults() -> Settings:
    defaults = Settings()
    defaults.setmodule("ingest.crawl.settings")
    return defaults


def crawl_settings(
    overrides: dict[str, Any] | None = None, cmdline: dict[str, str] | None = None
) -> Settings:
    """ingest's settings, then the command's own choices, then the user's ``-s`` pairs.

    A map of components (middlewares, pipelines, extensions) is added to ingest's, as
    Scrapy adds a project's to its own: ``-s DOWNLOADER_MIDDLEWARES={...}`` had replaced
    them, and the crawl went on without its address guard, its offsite filter and its
    robots.txt reading, saying nothing. One of ingest's is switched off by naming it null.
    """
    cmdline = cmdline or {}
    settings = Settings()
    settings.setmodule("ingest.crawl.settings", priority="project")
    settings.update(overrides or {}, priority="cmdline")
    if url := cmdline.get("INGEST_REDIS_URL") or settings.get("INGEST_REDIS_URL"):
        from ingest.crawl.shared_redis import redis_settings

        for name, value in redis_settings(url).items():  # the user's own -s pairs win
            if name not in cmdline or is_component_map(name):
                _set(settings, name, value)
    for name, value in cmdline.items():
        _set(settings, name, value)
    _queue_for_concurrency(settings, cmdline)
    return settings


def is_component_map(name: str) -> bool:
    """A setting mapping class paths to their order, which a crawl's own adds to."""
    return name.endswith(COMPONENTS) and isinstance(_defaults().get(name), dict | BaseSettings)


def _set(settings: Settings, name: str, value: Any) -> None:
    if is_component_map(name):  # added to what is there, not instead
        value = {**settings.getdict(name), **Settings({name: value}).getdict(name)}
    settings.set(name, value, priority="cmdline")


#: Scrapy's default priority queue keeps a queue per download slot, and refuses to start
#: when slots are per address: ``-s CONCURRENT_REQUESTS_PER_IP=1`` ended in a traceback.
SLOT_AWARE_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"
PLAIN_QUEUE = "scrapy.pqueues.ScrapyPriorityQueue"


def _queue_for_concurrency(settings: Settings, cmdline: dict[str, str]) -> None:
    """Concurrency per address takes Scrapy's plain priority queue, unless the user chose
    one (``_check_queue`` told one that can't)."""
    if "SCHEDULER_PRIORITY_QUEUE" in cmdline or not settings.getint("CONCURRENT_REQUESTS_PER_IP"):
        return
    if settings.get("SCHEDULER_PRIORITY_QUEUE") == SLOT_AWARE_QUEUE:
        settings.set("SCHEDULER_PRIORITY_QUEUE", PLAIN_QUEUE, priority="cmdline")


def _check_queue(overrides: dict[str, str]) -> None:
    """The slot-aware queue named beside concurrency per address: told now, not as Scrapy's
    traceback when the crawl opens."""
    per_ip = overrides.get("CONCURRENT_REQUESTS_PER_IP", "0").strip()
    if per_ip not in ("", "0") and overrides.get("SCHEDULER_PRIORITY_QUEUE") == SLOT_AWARE_QUEUE:
        raise ValueError(
            f"CONCURRENT_REQUESTS_PER_IP does not go with {SLOT_AWARE_QUEUE}, which keeps "
            f"its queues per host name; leave SCHEDULER_PRIORITY_QUEUE unset, or use {PLAIN_QUEUE}"
        )


#: Loggers whose errors are ordinary network failures the crawl records as rows anyway.
ROUTINE = {
    "scrapy.downloadermiddlewares.retry",  # "Gave up retrying": an errors row follows
    "scrapy.downloadermiddlewares.robotstxt",  # robots.txt unreachable: the site is crawled
    "scrapy.core.downloader.handlers.http11",  # size warnings: a too_large row follows
    "scrapy.downloadermiddlewares.httpcompression",
}


class RoutineFailures(logging.Filter):
    """Keep the failures every crawl meets (and records) off stderr unless -v."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.name not in ROUTINE


@dataclass
class Ended:
    """What the crawl process saw of the end: the run's own row says the rest."""

    signal: int | None = None  # the signal that stopped it (SIGINT, SIGTERM)
    forced: bool = False  # a second signal: stopped at once
    failure: str | None = None  # the fault that stopped it, also when no run row was written
    crawl_id: int | None = None
    internal_errors: int = 0  # pages a bug in ingest or a plugin cost (ingest.crawl.internal)
    closed: bool = False  # Scrapy closed the spider (it does not when stopped as it opens)


class _Process(CrawlerProcess):
    """Scrapy's process (first signal: stop gracefully; second: at once), telling which."""

    ended: Ended

    def _signal_shutdown(self, signum: int, frame: Any) -> None:
        self.ended.signal = signum
        for crawler in self.crawlers:
            crawler.stats.set_value(SIGNAL_STAT, signal_names.get(signum, str(signum)))
        super()._signal_shutdown(signum, frame)

    def _signal_kill(self, signum: int, frame: Any) -> None:
        self.ended.forced = True
        super()._signal_kill(signum, frame)


def run_crawl(seeds: list[str], settings: Settings, **spider_args: Any) -> Ended:
    """Crawl until done or stopped; blocks. The database named by INGEST_DB holds the result."""
    process = _Process(settings)
    if settings.getbool("INGEST_QUIET"):
        for name in ROUTINE:
            logging.getLogger(name).addFilter(RoutineFailures())
    process.ended = ended = Ended()
    if (workers := extraction_workers(settings)) is None or workers > 0:
        start_fork_server()  # its imports (0.7 s) beside Scrapy's set-up, not after it
    crawler = process.create_crawler(NewsSpider)
    process.crawl(crawler, seeds=seeds, **spider_args)
    process.start()
    ended.failure = crawler.stats.get_value(FAILURE_STAT)
    ended.crawl_id = getattr(crawler.spider, "crawl_id", None)
    ended.internal_errors = crawler.stats.get_value(internal.STAT, 0)
    ended.closed = crawler.stats.get_value("finish_reason") is not None
    return ended
