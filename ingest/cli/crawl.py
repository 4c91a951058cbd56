"""Commands that fetch or extract: crawl, demo, extract, reextract."""

from __future__ import annotations

import os
import signal
import sqlite3
import sys
from pathlib import Path
from typing import Any

import click

from ingest.cli import (
    PLUGINS_DIR_OPTION,
    WORKERS_OPTION,
    HostName,
    plugins_for,
)
from ingest.crawl import settings as crawl_defaults
from ingest.plugins.manager import PluginConfig

SETTING_HELP = "Set a Scrapy or ingest setting, NAME=VALUE (repeatable), as `scrapy crawl -s`."


#: Settings an option of the command sets too: (the option's parameter, its flag).
BY_OPTION = {
    "INGEST_DB": ("db", "--db"),
    "INGEST_WORKERS": ("workers", "--workers"),
    "INGEST_WARC_DIR": ("warc_dir", "--warc"),
    "INGEST_PLUGINS_DIRS": ("plugins_dir", "--plugins-dir"),
    "DEPTH_LIMIT": ("max_depth", "--max-depth"),
    "INGEST_KNOWN_DBS": ("known", "--known"),
    "INGEST_ALLOW_PRIVATE": ("allow_private", "--allow-private"),
    "INGEST_REDIS_URL": ("redis_url", "--redis"),  # checked on one server, crawled on another
}


def _overrides(pairs: tuple[str, ...]) -> dict[str, str]:
    from ingest.crawl.runner import parse_setting_overrides

    try:
        overrides = parse_setting_overrides(pairs)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="-s") from exc
    context = click.get_current_context()
    for name in overrides.keys() & BY_OPTION.keys():  # the -s pair had won without a word
        param, flag = BY_OPTION[name]
        if context.get_parameter_source(param) is click.core.ParameterSource.COMMANDLINE:
            raise click.UsageError(f"{flag} and -s {name} say the same thing: give one of them")
    return overrides


#: Scrapy's default resolver, which answers IPv4 alone, even for an IPv6 address.
IPV4_RESOLVER = "scrapy.resolver.CachingThreadedResolver"


def _unfetchable(url: str, settings: Any) -> str | None:
    """Why the crawl as set would not fetch a seed, which the URL alone does not tell."""
    from urllib.parse import urlsplit

    limit = settings.getint("URLLENGTH_LIMIT")
    if limit and len(url) > limit:
        return f"{len(url):,} characters, past URLLENGTH_LIMIT ({limit:,}; -s sets it)"
    resolvers = (settings["TWISTED_DNS_RESOLVER"], settings["DNS_RESOLVER"])  # get() warns
    if ":" in (urlsplit(url).hostname or "") and all(r == IPV4_RESOLVER for r in resolvers):
        return (
            "an IPv6 address, which the default resolver can't reach; "
            "-s TWISTED_DNS_RESOLVER=scrapy.resolver.CachingHostnameResolver can"
        )
    return None


def _crawl_and_report(
    seeds: list[str],
    db: str,
    overrides: dict[str, Any],
    cmdline: dict[str, str],
    title: str,
    **spider_args: Any,
) -> int:
    """Run the crawl, print its summary; returns the exit status."""
    _quiet_signals(b"Interrupted before the crawl started: nothing was fetched.")
    import sqlite_utils

    from ingest.crawl.discovery import parse_since
    from ingest.crawl.frontier import FrontierReader
    from ingest.crawl.report import crawl_summary, print_summary
    from ingest.crawl.runner import crawl_settings, run_crawl
    from ingest.crawl.seeds import SeedError, parse_seeds
    from ingest.crawl.stopping import GO_ON, GO_ON_DEMO, exit_status, left_open, settle
    from ingest.store.connection import PastSizeBound
    from ingest.store.runs import WriterBusy, check_writable, mark_interrupted, wait_for_writer

    if spider_args.get("since"):
        try:
            parse_since(spider_args["since"])
        except OverflowError:  # an age past the calendar (99999999d)
            raise click.BadParameter(
                f"{spider_args['since']!r} reaches back past the calendar", param_hint="--since"
            ) from None
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--since") from exc
    settings = crawl_settings({"INGEST_DB": db, **overrides}, cmdline)
    try:  # a bad seed is the user's error, told before anything starts
        plugins = plugins_for(PluginConfig.default(settings.getlist("INGEST_PLUGINS_DIRS")))
        parsed = parse_seeds(seeds, plugins)
    except SeedError as exc:
        raise click.BadParameter(str(exc), param_hint="SEED") from exc
    if seeds and not parsed.urls:  # a run that fetched nothing had ended finished, exit 0
        given = ", ".join(seeds)
        message = f"{given:.200} names no URL to start from (a seeds file lists them in urls)"
        raise click.BadParameter(message, param_hint="SEED")
    for url in parsed.urls:  # a seed fetching would drop had ended skipped, exit 0
        if problem := _unfetchable(url, settings):
            shown = url if len(url) <= 100 else f"{url[:100]}..."
            raise click.BadParameter(f"{shown!r} can't be fetched: {problem}", param_hint="SEED")
    if settings.getbool("INGEST_REDIS_NEW_CRAWL"):  # the seeding command of a shared crawl
        from ingest.cli.scale import publish

        url, prefix = settings.get("INGEST_REDIS_URL"), settings.get("INGEST_REDIS_KEY")
        publish(url, prefix, parsed, spider_args, settings.getint("DEPTH_LIMIT"))
    for path in settings.getlist("INGEST_KNOWN_DBS"):  # one without a frontier is a mistake
        try:
            FrontierReader(path).close()
        except sqlite3.Error as exc:
            message = f"{path}: not an ingest database ({exc})"
            raise click.BadParameter(message, param_hint="--known") from None
    if folder := settings.get("INGEST_WARC_DIR"):  # one that can't be written: the user's error
        try:
            Path(folder).mkdir(parents=True, exist_ok=True)
            if not os.access(folder, os.W_OK):
                raise PermissionError(f"{folder} is not writable")
        except OSError as exc:
            message = f"can't write WARC files into {folder}: {exc.strerror or exc}"
            raise click.BadParameter(message, param_hint="--warc") from None
    max_bytes = settings.getint("INGEST_DB_MAX_BYTES")
    try:  # and so is a --db, told before anything starts
        check_writable(settings.get("INGEST_DB"), plugins, max_bytes)  # and a plugin's setup
    except PastSizeBound as exc:
        raise click.BadParameter(str(exc), param_hint="-s") from exc
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--db") from exc
    try:
        wait = settings.getfloat("INGEST_WRITER_WAIT")
        wait_for_writer(settings.get("INGEST_DB"), wait, lambda m: click.echo(m, err=True))
    except WriterBusy as exc:
        raise click.ClickException(str(exc)) from exc
    ended = run_crawl(seeds, settings, **spider_args)
    # The reactor has stopped and put the default back: a Ctrl-C now would kill the
    # command while it reports, with a status no caller expects.
    _quiet_signals(b"Interrupted while reporting: the crawl's results are stored.")
    if ended.crawl_id is None:
        raise click.ClickException(
            ended.failure or "the crawl did not start; run again with -v to see why"
        )
    with sqlite_utils.Database(settings.get("INGEST_DB")) as database:
        if why := left_open(ended):  # Scrapy closed nothing: the run row says so now
            try:
                mark_interrupted(database, ended.crawl_id, why)
            except sqlite3.Error as exc:  # held by another writer: the next run marks it
                click.echo(f"the run could not be marked interrupted ({exc})", err=True)
        summary = settle(crawl_summary(database, ended.crawl_id), ended)
    print_summary(summary, settings.get("INGEST_DB"), title=title)
    go_on = GO_ON_DEMO if settings.get("INGEST_COMMAND") == "demo" else GO_ON
    return exit_status(summary, ended, settings.get("INGEST_DB"), go_on)


def _quiet_signals(message: bytes) -> None:
    """A Ctrl-C or SIGTERM while Scrapy does not hold the signals (before its reactor
    starts, after it stops) ends the command at once, with one line and no traceback:
    there is nothing to finish then."""

    def stop(signum: int, frame: Any) -> None:
        os.write(2, message + b"\n")
        os._exit(128 + signum)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, stop)


WARC_OPTION = click.option(
    "--warc",
    "warc_dir",
    type=click.Path(file_okay=False),
    help="Also write every response as WARC records into this folder (rotated by size).",
)


KNOWN_OPTION = click.option(
    "--known",
    "known",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Another database whose fetches count as known (repeatable): articles it holds "
    "unchanged are not fetched again, others are asked conditionally. For shared crawls, "
    "the merged database.",
)

common_crawl_options = [
    click.option("--db", default="ingest.db", show_default=True, help="SQLite file to write."),
    WORKERS_OPTION,
    PLUGINS_DIR_OPTION,
    click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE", help=SETTING_HELP),
    click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log."),
    WARC_OPTION,
    KNOWN_OPTION,
]


def crawl_options(func):
    for option in reversed(common_crawl_options):
        func = option(func)
    return func


def _base_overrides(
    workers: int | None,
    plugins_dir: tuple[str, ...],
    verbose: bool,
    warc_dir: str | None = None,
    known: tuple[str, ...] = (),
) -> dict:
    return {
        "INGEST_KNOWN_DBS": list(known),
        "INGEST_WORKERS": workers,
        "INGEST_PLUGINS_DIRS": list(plugins_dir),
        "INGEST_PROGRESS": not verbose and sys.stderr.isatty(),
        "INGEST_WARC_DIR": warc_dir,
        "EXTENSIONS": {**crawl_defaults.EXTENSIONS, "ingest.crawl.progress.CrawlProgress": 100},
        "LOG_LEVEL": "INFO" if verbose else "WARNING",
        "INGEST_QUIET": not verbose,  # failures the crawl records as rows stay off stderr
    }


@click.command()
@click.argument("seeds", nargs=-1, required=True)
@click.option(
    "--max-pages",
    type=click.IntRange(min=0),
    default=0,
    help="Stop after this many requests (0: no limit).",
)
@click.option(
    "--max-depth",
    type=click.IntRange(min=0),
    default=None,
    help="Follow links this many hops [default: 25; 0: no limit].",
)
@click.option(
    "--allow-domain", multiple=True, type=HostName(), help="Also follow links to this domain."
)
@click.option("--no-follow", is_flag=True, help="Fetch seeds, feeds and sitemaps only.")
@click.option(
    "--since",
    metavar="DATE",
    help="Only articles published since DATE (YYYY-MM-DD) or an age (36h, 7d, 2w); "
    "feed, sitemap and URL dates skip older ones unfetched.",
)
@click.option(
    "--refresh",
    is_flag=True,
    help="Fetch stored articles again (conditional requests: unchanged ones answer 304).",
)
@click.option(
    "--allow-private",
    is_flag=True,
    help="Also reach loopback, private, link-local and metadata addresses that are not a "
    "seed's own site (refused by default).",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Continue the last crawl if it was interrupted: what it fetched is not fetched again.",
)
@click.option(
    "--redis",
    "redis_url",
    metavar="URL",
    help="Share the crawl through this Redis server (redis://HOST:PORT/DB): `ingest worker` "
    "processes anywhere join it, each into its own --db (docs/scale.md).",
)
@crawl_options
def crawl(
    seeds,
    max_pages,
    max_depth,
    allow_domain,
    no_follow,
    since,
    refresh,
    resume,
    redis_url,
    allow_private,
    db,
    workers,
    plugins_dir,
    settings,
    verbose,
    warc_dir,
    known,
):
    """Crawl news from SEEDS into a SQLite database.

    A SEED is a page, feed or sitemap URL, a seeds TOML file (see seeds/), or the
    name of an outlet a plugin declares. robots.txt is obeyed and AutoThrottle is
    on; crawling the same seeds again updates rows, never duplicates them.
    """
    overrides = _base_overrides(workers, plugins_dir, verbose, warc_dir, known)
    if max_depth is not None:
        overrides["DEPTH_LIMIT"] = max_depth
    if allow_private:
        overrides["INGEST_ALLOW_PRIVATE"] = True
    if redis_url:
        from ingest.cli.scale import redis_client

        redis_client(redis_url)  # the package and the server, checked before anything starts
        overrides.update(INGEST_REDIS_URL=redis_url, INGEST_REDIS_NEW_CRAWL=True)
        if max_pages:  # this worker's fetches: what it finds beyond goes to the others
            overrides["CLOSESPIDER_PAGECOUNT"], max_pages = max_pages, 0
    status = _crawl_and_report(
        list(seeds),
        db,
        overrides,
        _overrides(settings),
        "Crawl",
        max_pages=max_pages,
        follow=not no_follow,
        domains=list(allow_domain),
        since=since,
        refresh=refresh,
        resume=resume,
    )
    raise SystemExit(status)


@click.command()
@click.option("--db", default="demo.db", show_default=True, help="SQLite file to write.")
@WORKERS_OPTION
@click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE", help=SETTING_HELP)
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log.")
@click.option("--again", is_flag=True, help="Crawl the next day's edition: one story corrected.")
@WARC_OPTION
def demo(db, workers, settings, verbose, warc_dir, again):
    """Crawl the bundled offline demo: fictional outlets served on 127.0.0.1.

    Everything runs for real (Scrapy, robots.txt, feeds, sitemaps, extraction in
    worker processes, SQLite) without touching the internet. Run it again with
    --again to see an incremental crawl find the one article that changed.
    """
    from ingest.crawl.report import print_next_steps
    from ingest.demo.server import DemoServer
    from ingest.demo.site import build_site

    overrides, cmdline = _base_overrides(workers, (), verbose, warc_dir), _overrides(settings)
    db = cmdline.pop("INGEST_DB", db)  # -s INGEST_DB names it: said so, not --db's default
    with DemoServer(build_site(2 if again else 1)) as server:
        overrides.update(
            INGEST_PROXY=server.proxy_url,
            INGEST_COMMAND="demo",  # the run's name in crawls (and what --resume matches)
            AUTOTHROTTLE_ENABLED=False,
            DOWNLOAD_DELAY=0,
            CONCURRENT_REQUESTS_PER_DOMAIN=16,
        )
        click.echo(f"Demo site on {server.proxy_url}, crawling into {db} ...", err=True)
        status = _crawl_and_report(server.site.start_urls(), db, overrides, cmdline, "Demo crawl")
    if status == 0:
        print_next_steps(db, "vaccine", "" if again else f"ingest demo --again --db {db}")
    raise SystemExit(status)


COMMANDS = [crawl, demo]
