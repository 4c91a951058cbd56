"""Commands that fetch or extract: crawl, demo, extract, reextract."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from ingest.cli import PLUGINS_DIR_OPTION, plugins_for
from ingest.plugins.manager import PluginConfig

SETTING_HELP = "Set a Scrapy or ingest setting, NAME=VALUE (repeatable), as `scrapy crawl -s`."


def _plugin_config(plugins_dir: tuple[str, ...]) -> PluginConfig:
    """The configuration for these folders, its plugins loaded here first so that one
    that fails to import stops the command before anything starts."""
    config = PluginConfig.default(plugins_dir)
    plugins_for(config)
    return config


def _overrides(pairs: tuple[str, ...]) -> dict[str, str]:
    from ingest.crawl.runner import parse_setting_overrides

    try:
        return parse_setting_overrides(pairs)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="-s") from exc


def _latest_crawl(db_path: str) -> int | None:
    import sqlite_utils

    if not Path(db_path).exists():
        return None
    db = sqlite_utils.Database(db_path)
    try:
        if not db["crawls"].exists():
            return None
        return db.execute("select max(id) from crawls").fetchone()[0]
    finally:
        db.close()


def _crawl_and_report(
    seeds: list[str],
    db: str,
    overrides: dict[str, Any],
    cmdline: dict[str, str],
    title: str,
    **spider_args: Any,
) -> None:
    import sqlite_utils

    from ingest.crawl.discovery import parse_since
    from ingest.crawl.report import crawl_summary, print_summary
    from ingest.crawl.runner import crawl_settings, run_crawl
    from ingest.crawl.seeds import SeedError, parse_seeds

    if spider_args.get("since"):
        try:
            parse_since(spider_args["since"])
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--since") from exc
    settings = crawl_settings({"INGEST_DB": db, **overrides}, cmdline)
    try:  # a bad seed is the user's error, told before anything starts
        config = PluginConfig.default(settings.getlist("INGEST_PLUGINS_DIRS"))
        parse_seeds(seeds, plugins_for(config))
    except SeedError as exc:
        raise click.BadParameter(str(exc), param_hint="SEED") from exc
    before = _latest_crawl(settings.get("INGEST_DB"))
    run_crawl(seeds, settings, **spider_args)
    crawl_id = _latest_crawl(settings.get("INGEST_DB"))
    if crawl_id is None or crawl_id == before:
        raise click.ClickException("the crawl did not start; run again with -v to see why")
    with sqlite_utils.Database(settings.get("INGEST_DB")) as database:
        summary = crawl_summary(database, crawl_id)
    print_summary(summary, settings.get("INGEST_DB"), title=title)


common_crawl_options = [
    click.option("--db", default="ingest.db", show_default=True, help="SQLite file to write."),
    click.option("--workers", type=int, help="Extraction processes (default: one per core)."),
    PLUGINS_DIR_OPTION,
    click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE", help=SETTING_HELP),
    click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log."),
]


def crawl_options(func):
    for option in reversed(common_crawl_options):
        func = option(func)
    return func


def _base_overrides(workers: int | None, plugins_dir: tuple[str, ...], verbose: bool) -> dict:
    return {
        "INGEST_WORKERS": workers,
        "INGEST_PLUGINS_DIRS": list(plugins_dir),
        "INGEST_PROGRESS": not verbose and sys.stderr.isatty(),
        "EXTENSIONS": {"ingest.crawl.report.CrawlProgress": 100},
        "LOG_LEVEL": "INFO" if verbose else "WARNING",
    }


@click.command()
@click.argument("seeds", nargs=-1, required=True)
@click.option(
    "--max-pages", type=int, default=0, help="Stop after this many requests (0: no limit)."
)
@click.option("--max-depth", type=int, default=0, help="Follow links this many hops (0: no limit).")
@click.option(
    "--allow-domain", multiple=True, help="Also follow links to this domain (repeatable)."
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
    allow_private,
    db,
    workers,
    plugins_dir,
    settings,
    verbose,
):
    """Crawl news from SEEDS into a SQLite database.

    A SEED is a page, feed or sitemap URL, a seeds TOML file (see seeds/), or the
    name of an outlet a plugin declares. robots.txt is obeyed and AutoThrottle is
    on; crawling the same seeds again updates rows, never duplicates them.
    """
    overrides = _base_overrides(workers, plugins_dir, verbose)
    overrides["DEPTH_LIMIT"] = max_depth
    if allow_private:
        overrides["INGEST_ALLOW_PRIVATE"] = True
    _crawl_and_report(
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


@click.command()
@click.option("--db", default="demo.db", show_default=True, help="SQLite file to write.")
@click.option("--workers", type=int, help="Extraction processes (default: one per core).")
@click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE", help=SETTING_HELP)
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log.")
def demo(db, workers, settings, verbose):
    """Crawl the bundled offline demo: fictional outlets served on 127.0.0.1.

    Everything runs for real (Scrapy, robots.txt, feeds, sitemaps, extraction in
    worker processes, SQLite) without touching the internet.
    """
    from ingest.crawl.report import print_next_steps
    from ingest.demo.server import DemoServer

    overrides = _base_overrides(workers, (), verbose)
    with DemoServer() as server:
        overrides.update(
            INGEST_PROXY=server.proxy_url,
            AUTOTHROTTLE_ENABLED=False,
            DOWNLOAD_DELAY=0,
            CONCURRENT_REQUESTS_PER_DOMAIN=16,
        )
        click.echo(f"Demo site on {server.proxy_url}, crawling into {db} ...", err=True)
        _crawl_and_report(
            server.site.start_urls(), db, overrides, _overrides(settings), "Demo crawl"
        )
    print_next_steps(db, "vaccine")


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--url", help="The page's URL: picks the outlet plugin as in a crawl.")
@click.option("--jsonl", is_flag=True, help="One JSON line per file, with its path as `source`.")
@click.option("--workers", type=int, help="Extraction processes (default: one per core).")
@PLUGINS_DIR_OPTION
def extract(files, url, jsonl, workers, plugins_dir):
    """Extract articles from saved HTML FILES (plain or .gz) and print them as JSON.

    The very same extract, clean and normalize path a crawl runs, plugins included.
    """
    from ingest.extract.process import Job
    from ingest.extract.workers import ExtractionPool

    if workers is None and len(files) == 1:
        workers = 0  # one file: no pool to start
    jobs = (  # the workers read the files, each within the size bound
        Job(url=url or Path(f).resolve().as_uri(), body=b"", path=f, classify=False, source=f)
        for f in files
    )
    failed = 0
    with ExtractionPool(_plugin_config(plugins_dir), workers) as pool:
        for outcome in pool.map(jobs):
            record = dict(outcome.article or {})
            if outcome.article is None:
                failed += 1
                record["url"] = outcome.url
            if outcome.errors:
                record["errors"] = outcome.errors
                for e in outcome.errors:
                    click.echo(
                        f"{outcome.source}: {e['stage']} {e['kind']}: {e['message']}", err=True
                    )
            if jsonl:
                click.echo(json.dumps({"source": outcome.source, **record}, ensure_ascii=False))
            else:
                click.echo(json.dumps(record, ensure_ascii=False, indent=2))
    if failed:
        raise SystemExit(1)


@click.command()
@click.option("--db", default="ingest.db", show_default=True, type=click.Path(exists=True))
@click.option("--workers", type=int, help="Extraction processes (default: one per core).")
@PLUGINS_DIR_OPTION
def reextract(db, workers, plugins_dir):
    """Re-run extraction and plugins over the raw pages stored in the database.

    Nothing is fetched: use it after a plugin or the extractor improved.
    """
    from ingest.crawl.report import crawl_summary, print_summary
    from ingest.store.reextract import reextract_database

    config = _plugin_config(plugins_dir)
    crawl_id, store = reextract_database(db, config, workers)
    print_summary(crawl_summary(store.db, crawl_id), db, title="Re-extraction")
    store.close()


COMMANDS = [crawl, demo, extract, reextract]
