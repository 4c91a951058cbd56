"""What a user sees of a crawl: live progress while it runs, a summary at the end."""

from __future__ import annotations

import json
import time
from typing import Any

import sqlite_utils
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

console = Console(stderr=True)


class CrawlProgress:
    """A Scrapy extension drawing a live line of counts; on with ``INGEST_PROGRESS``."""

    def __init__(self, crawler: Any):
        self.stats = crawler.stats
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.task = self.progress.add_task("starting", total=None)
        self.loop = task.LoopingCall(self.update)
        self.started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlProgress:
        if not crawler.settings.getbool("INGEST_PROGRESS"):
            raise NotConfigured
        ext = cls(crawler)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self) -> None:
        self.progress.start()
        self.loop.start(0.25)

    def update(self) -> None:
        get = self.stats.get_value
        pages = get("ingest/pages", 0)
        rate = pages / max(time.monotonic() - self.started, 1e-6)
        self.progress.update(
            self.task,
            description=(
                f"[bold]{pages}[/] pages  [green]{get('ingest/articles', 0)}[/] articles  "
                f"[red]{get('ingest/errors', 0)}[/] errors  "
                f"{get('downloader/request_count', 0)} requests  {rate:.0f} pages/s"
            ),
        )

    def closed(self) -> None:
        if self.loop.running:
            self.loop.stop()
        self.progress.stop()


def crawl_summary(db: sqlite_utils.Database, crawl_id: int) -> dict[str, Any]:
    crawl = db["crawls"].get(crawl_id)
    stats = json.loads(crawl["stats"] or "{}")
    per_outlet = db.execute(
        "select coalesce(outlet, '(none)'), count(*) from articles where crawl_id = ?"
        " group by 1 order by 2 desc",
        [crawl_id],
    ).fetchall()
    errors = db.execute(
        "select stage, kind, count(*) from errors where crawl_id = ? group by 1, 2 order by 3 desc",
        [crawl_id],
    ).fetchall()
    return {
        "crawl": crawl_id,
        # as crawl_health and `ingest stats` count them: answered below 400 (a 404 is an error)
        "pages": db.execute(
            "select count(*) from pages where crawl_id = ? and coalesce(status, 0) < 400",
            [crawl_id],
        ).fetchone()[0],
        "articles": dict(per_outlet),
        "new": stats.get("store/new", 0),
        "updated": stats.get("store/updated", 0),
        "errors": [{"stage": s, "kind": k, "count": n} for s, k, n in errors],
        "seconds": stats.get("elapsed_time_seconds"),
        "health": _health(db, crawl_id),
        "fetched": stats.get("ingest/pages", 0),  # pages that came back, 304s included
        "status": crawl.get("status") or "finished",
        "stop_reason": crawl.get("stop_reason"),
    }


def _health(db: sqlite_utils.Database, crawl_id: int) -> list[dict[str, Any]]:
    """The crawl's ``crawl_health`` rows, one per outlet (none in a database without the table)."""
    if "crawl_health" not in db.table_names():
        return []
    return list(
        db.query("select * from crawl_health where crawl_id = ? order by outlet", [crawl_id])
    )


#: The health table's columns: (heading, crawl_health column).
HEALTH_COLUMNS = (
    ("pages", "pages"),
    ("304", "not_modified"),
    ("new", "new"),
    ("updated", "updated"),
    ("same", "unchanged"),
    ("dupl.", "duplicates"),
    ("not refetched", "skipped_unchanged"),
    ("too old", "skipped_old"),
    ("blocked", "blocked"),
    ("robots", "robots_disallowed"),
    ("rules missed", "rules_missed"),
    ("rules partial", "rules_partial"),
    ("errors", "errors"),
)


def print_summary(summary: dict[str, Any], db_path: str, title: str = "Crawl") -> None:
    out = Console()
    seconds = summary.get("seconds")
    took = f" in {seconds:.1f} s" if seconds else ""
    total = sum(summary["articles"].values())
    ended = {"finished": "done", "interrupted": "interrupted", "failed": "failed"}
    out.print(
        f"[bold]{title} {summary['crawl']}[/] {ended.get(summary.get('status'), 'done')}{took}: "
        f"{summary['pages']} pages, "
        f"{total} articles ({summary['new']} new, {summary['updated']} updated), "
        f"{sum(e['count'] for e in summary['errors'])} errors -> [cyan]{db_path}[/]"
    )
    if summary["articles"]:
        table = Table("outlet", "articles", title="Articles per outlet", title_justify="left")
        for outlet, count in summary["articles"].items():
            table.add_row(outlet, str(count))
        out.print(table)
    if summary.get("health"):
        # Only the counters something happened to, so the table fits a terminal.
        shown = [(h, c) for h, c in HEALTH_COLUMNS if any(r[c] for r in summary["health"])]
        health = Table(
            "outlet", *(h for h, _ in shown), title="Health per outlet", title_justify="left"
        )
        for row in summary["health"]:
            health.add_row(row["outlet"], *(str(row[c] or 0) for _, c in shown))
        out.print(health)
    if summary["errors"]:
        errors = Table("stage", "kind", "count", title="Errors", title_justify="left")
        for e in summary["errors"]:
            errors.add_row(e["stage"], e["kind"], str(e["count"]))
        out.print(errors)


def print_next_steps(db_path: str, query: str, first: str = "") -> None:
    """The commands to try next; ``first`` (a command line) goes at the top."""
    Console().print(
        "\nNext, try:\n"
        + (f"  {first}\n" if first else "")
        + f"  ingest search {query} --db {db_path}\n"
        f"  ingest serve --db {db_path}\n"
        f'  sqlite-utils {db_path} "select outlet, title from articles limit 5" --table\n'
        f"  ingest reextract --db {db_path}"
    )
