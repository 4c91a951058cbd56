"""What a user sees at the end of a crawl or an import: its summary, and what to do next.

Free of Scrapy, so commands that crawl nothing (``import-warc``) start without it; the
live progress line is ``ingest.crawl.progress``.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import sqlite_utils
from rich.console import Console
from rich.table import Table

console = Console(stderr=True)


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
        "past_max_pages": stats.get("ingest/past_max_pages", 0),
        "at_max_depth": stats.get("ingest/at_max_depth", 0),
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


class SummaryConsole(Console):
    """Rich's console, but a reader that stops reading (``| head``) ends no command: the
    rest of the summary goes nowhere, and the exit status stays the crawl's (rich exits 1)."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def print_summary(summary: dict[str, Any], db_path: str, title: str = "Crawl") -> None:
    out = SummaryConsole()
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
    bounded = [
        f"{summary[key]:,} {what}"
        for key, what in (
            ("past_max_pages", "URLs left queued past --max-pages, for the next crawl"),
            ("at_max_depth", "pages at --max-depth, their links not followed"),
        )
        if summary.get(key)
    ]
    if bounded:
        out.print(f"Bounds met: {'; '.join(bounded)}")
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
    SummaryConsole().print(
        "\nNext, try:\n"
        + (f"  {first}\n" if first else "")
        + f"  ingest search {query} --db {db_path}\n"
        f"  ingest serve --db {db_path}\n"
        f'  sqlite-utils {db_path} "select outlet, title from articles limit 5" --table\n'
        f"  ingest reextract --db {db_path}"
    )
