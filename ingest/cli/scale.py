"""Commands for crawling on many machines: worker and merge (docs/scale.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import click

from ingest.cli import PLUGINS_DIR_OPTION, WORKERS_OPTION, CrawledDatabase, writable_database
from ingest.cli.crawl import (
    KNOWN_OPTION,
    SETTING_HELP,
    WARC_OPTION,
    _base_overrides,
    _crawl_and_report,
    _overrides,
)

REDIS_HELP = "The Redis server whose queue the crawl's workers share: redis://HOST:PORT/DB."


def shown(url: str) -> str:
    """A Redis address as messages print it: its password left out."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit(parts._replace(netloc=user + parts.netloc.rpartition("@")[2]))


def redis_client(url: str) -> Any:
    """A client for the shared queue, or a clear error: the missing package, a wrong address."""
    try:
        import redis  # noqa: F401
        import scrapy_redis  # noqa: F401
    except ImportError as exc:
        raise click.ClickException(
            f"a shared crawl needs scrapy-redis ({exc}): pip install 'ingest[redis]'"
        ) from None
    from redis.exceptions import RedisError

    from ingest.crawl.shared_redis import connect

    try:
        return connect(url)
    except (RedisError, ValueError) as exc:
        raise click.BadParameter(f"{shown(url)}: {exc}", param_hint="--redis") from None


def publish(url: str, prefix: str, seeds: Any, spider_args: dict[str, Any], depth: int) -> None:
    """Describe the crawl in Redis, so workers on other machines crawl the same sites."""
    from ingest.crawl.shared_redis import publish_crawl

    spec = {
        "seeds": seeds.urls,
        "domains": seeds.domains + list(spider_args.get("domains") or []),
        "allow": seeds.allow,
        "deny": seeds.deny,
        "follow": bool(spider_args.get("follow", True)),
        "since": spider_args.get("since"),
        "refresh": bool(spider_args.get("refresh")),
        "max_depth": depth,
    }
    client = redis_client(url)
    if under_way := running_otherwise(client, prefix, spec):
        raise click.ClickException(
            f"another shared crawl is under way under {prefix} ({under_way}): its workers "
            "would drop this one's pages as off their sites, and this one theirs. Join it "
            "with `ingest worker`, wait for it to end, or name this one apart with "
            f"-s INGEST_REDIS_KEY=NAME (an abandoned crawl's keys, {prefix}:*, may be deleted)"
        )
    publish_crawl(client, prefix, spec)


#: What of a crawl's description says which pages it may fetch.
SITES_FIELDS = ("seeds", "domains", "allow", "deny")


def running_otherwise(client: Any, prefix: str, spec: dict[str, Any]) -> str | None:
    """What of another crawl is still under way under ``prefix`` (requests queued or held),
    when it reaches other sites than ``spec`` (its workers would drop this one's requests as
    off their sites); None when none is, or it is this crawl started again (a seeding
    command run anew after a stop, its bounds or dates changed, or by an older ingest)."""
    from ingest.crawl.shared_redis import Keys, read_crawl

    try:
        described = read_crawl(client, prefix)
    except ValueError:  # a description no worker can read is replaced: nobody crawls it
        return None
    keys = Keys(prefix)
    queued, held = client.zcard(keys.queue), client.hlen(keys.owners)
    if described is None or not (queued or held):
        return None
    if all(described[name] == spec[name] for name in SITES_FIELDS):
        return None
    return f"{queued:,} requests queued, {held:,} being fetched"


@click.command()
@click.option("--redis", "redis_url", required=True, help=REDIS_HELP)
@click.option(
    "--db", default="shard.db", show_default=True, help="This worker's own SQLite file (a shard)."
)
@WORKERS_OPTION
@PLUGINS_DIR_OPTION
@click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE", help=SETTING_HELP)
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log.")
@WARC_OPTION
@KNOWN_OPTION
def worker(redis_url, db, workers, plugins_dir, settings, verbose, warc_dir, known):
    """Join a shared crawl: fetch from its Redis queue into this machine's shard.

    Start the crawl once with `ingest crawl SEEDS --redis URL`; start as many
    workers as you like, anywhere that reaches Redis. Each stops when the queue
    is empty and no worker holds a request; then `ingest merge` the shards.
    """
    from ingest.crawl.shared_redis import read_crawl

    cmdline = _overrides(settings)
    prefix = cmdline.get("INGEST_REDIS_KEY") or "ingest:news"
    try:
        spec = read_crawl(redis_client(redis_url), prefix)
    except ValueError as exc:  # a description no `ingest crawl --redis` wrote
        raise click.ClickException(
            f"no crawl to join on {shown(redis_url)}: {exc} (`ingest crawl SEEDS --redis` "
            "writes it)"
        ) from None
    if spec is None:
        raise click.ClickException(
            f"no shared crawl under {prefix} on {shown(redis_url)}: start one with "
            f"`ingest crawl SEEDS --redis {shown(redis_url)}`"
        )
    overrides = _base_overrides(workers, plugins_dir, verbose, warc_dir, known)
    overrides.update(
        INGEST_REDIS_URL=redis_url, INGEST_COMMAND="worker", DEPTH_LIMIT=spec["max_depth"]
    )
    status = _crawl_and_report(
        spec["seeds"],
        db,
        overrides,
        cmdline,
        "Worker",
        follow=spec["follow"],
        domains=spec["domains"],
        allow=spec["allow"],
        deny=spec["deny"],
        since=spec["since"],
        refresh=spec["refresh"],
    )
    raise SystemExit(status)


@click.command()
@click.argument("shards", nargs=-1, required=True, type=CrawledDatabase())
@click.option("--into", "into", required=True, help="The SQLite file to merge into.")
def merge(shards, into):
    """Merge worker SHARDS into one database; merging again only adds what is new.

    Shards are read as committed so far: workers may still be writing them.
    """
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from ingest.store.shards import merge_shards

    if any(Path(shard).resolve() == Path(into).resolve() for shard in shards):
        raise click.BadParameter("a shard can't be merged into itself", param_hint="--into")
    writable_database(into, "--into")  # told before any shard is read
    try:
        results = merge_shards(list(shards), into)
    except ValueError as exc:  # a shard from an older ingest that can't be brought up to date
        raise click.ClickException(str(exc)) from None
    names = ("crawls", "pages", "articles", "urls", "errors")
    table = Table("shard", *names, title=Text(f"Into {into} (rows read, and new)"))
    for shard, counts in results.items():  # merged again, a shard adds nothing: say so
        table.add_row(Text(shard), *(f"{counts[k]:,} ({counts['new'][k]:,} new)" for k in names))
    Console(stderr=True, emoji=False).print(table)


COMMANDS = [worker, merge]
