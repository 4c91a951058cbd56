"""What a crawl's database holds: articles per outlet, date ranges, the last crawl, error rates."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from contextlib import closing
from typing import Any
from urllib.parse import urlsplit

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ingest.query.search import connect, table_columns
from ingest.store.runs import LATEST_RUNS, LATEST_SHARED_RUNS, RUNNING, still_running

#: Texts shorter than this many words count as short (a sign of failing extraction).
SHORT_TEXT = 50

OUTLETS_SQL = f"""
select coalesce(outlet, '') as outlet, count(*) as articles,
  group_concat(distinct language) as languages,
  min(published_day) as first_published, max(published_day) as last_published,
  min(first_seen) as first_seen, max(last_seen) as last_seen,
  cast(round(avg(word_count)) as integer) as average_words,
  sum(coalesce(word_count, 0) < {SHORT_TEXT}{{not_duplicate}}) as short_texts
from articles group by 1 order by articles desc, outlet
"""


def url_host(url: str | None) -> str:
    return (urlsplit(url).hostname or "") if url else ""


def error_rate(errors: int, requests: int) -> float | None:
    return round(errors / requests, 4) if requests else None


#: A page row that counts as fetched: what ``crawl_health.pages`` counts (status below 400).
PAGE_OK = "coalesce(pages.status, 0) < 400"


def database_stats(db_path: str) -> dict[str, Any]:
    """Counts per outlet and for the last crawl, as plain data (what ``--json`` prints)."""
    with closing(connect(db_path)) as conn:
        conn.create_function("url_host", 1, url_host, deterministic=True)
        return _stats(conn, db_path)


def _count(conn: sqlite3.Connection, sql: str, params: Any = ()) -> int:
    return conn.execute(sql, params).fetchone()[0] or 0


def _stats(conn: sqlite3.Connection, db_path: str) -> dict[str, Any]:
    # An exact duplicate keeps no text of its own: it is not a short text.
    duplicates = "duplicate_of" in table_columns(conn, "articles")
    sql = OUTLETS_SQL.format(not_duplicate=" and duplicate_of is null" if duplicates else "")
    outlets = [dict(row) for row in conn.execute(sql)]
    # Pages and errors carry no outlet: attribute them through the hosts of its articles.
    host_outlet: dict[str, str] = {}
    for host, outlet in conn.execute(
        "select url_host(url), coalesce(outlet, '') from articles group by 1, 2 order by count(*)"
    ):
        host_outlet[host] = outlet  # a host shared by outlets goes to the one with most articles
    fetched: dict[str, int] = defaultdict(int)
    failed: dict[str, int] = defaultdict(int)
    unfetched: dict[str, int] = defaultdict(int)  # errors for URLs no page row stands for
    # Pages as crawl_health counts them: answered below 400. A 404 is an error, not a page.
    for host, n in conn.execute(
        f"select url_host(url), count(*) from pages where {PAGE_OK} group by 1"
    ):
        fetched[host_outlet.get(host, "")] += n
    for host, n, missing in conn.execute(
        "select url_host(url), count(*), sum(not exists (select 1 from pages"
        f" where pages.url = errors.url and {PAGE_OK})) from errors group by 1"
    ):
        failed[host_outlet.get(host, "")] += n
        unfetched[host_outlet.get(host, "")] += missing
    for row in outlets:
        name = row["outlet"]
        row["languages"] = sorted((row["languages"] or "").split(",")) if row["languages"] else []
        row["pages"] = fetched.pop(name, 0)
        row["errors"] = failed.pop(name, 0)
        row["error_rate"] = error_rate(row["errors"], row["pages"] + unfetched.pop(name, 0))
    if fetched or failed:  # pages and errors of hosts no article came from
        pages, errors = sum(fetched.values()), sum(failed.values())
        outlets.append(
            {
                "outlet": None,
                "articles": 0,
                "pages": pages,
                "errors": errors,
                "error_rate": error_rate(errors, pages + sum(unfetched.values())),
            }
        )
    for row in outlets:
        if row["outlet"] == "":
            row["outlet"] = None
    return {
        "database": db_path,
        "totals": {
            "articles": _count(conn, "select count(*) from articles"),
            "outlets": _count(conn, "select count(distinct outlet) from articles"),
            "pages": _count(conn, f"select count(*) from pages where {PAGE_OK}"),
            "errors": _count(conn, "select count(*) from errors"),
            "article_versions": _count(conn, "select count(*) from article_versions"),
            "crawls": _count(conn, "select count(*) from crawls"),
        },
        "outlets": outlets,
        "last_crawl": _last_crawl(conn),
    }


def _last_crawl(conn: sqlite3.Connection) -> dict[str, Any] | None:
    """The latest run; in a merged shared crawl, with the other workers' runs of its time
    (``LATEST_SHARED_RUNS``), counted together: one worker's share alone had been called
    the last crawl."""
    columns = table_columns(conn, "crawls")
    process = (
        "status, pid, host" if "pid" in columns else "null as status, null as pid, null as host"
    )
    crawl = conn.execute(
        f"select id, command, started_at, finished_at, {process}"
        " from crawls order by id desc limit 1"
    ).fetchone()
    if crawl is None:
        return None
    runs = [
        row[0] for row in conn.execute(LATEST_SHARED_RUNS if "shard" in columns else LATEST_RUNS)
    ]
    marks = ", ".join("?" * len(runs))
    among = f"crawl_id in ({marks})"
    ran = conn.execute(f"select id, stats from crawls where id in ({marks})", runs)
    stats = {run: json.loads(said or "{}") for run, said in ran}
    pages = _count(conn, f"select count(*) from pages where {among} and {PAGE_OK}", runs)
    errors = _count(conn, f"select count(*) from errors where {among}", runs)
    unfetched = _count(
        conn,
        f"select count(*) from errors where {among}"
        f" and not exists (select 1 from pages where pages.url = errors.url and {PAGE_OK})",
        runs,
    )
    return {
        "id": crawl["id"],
        "runs": runs,
        "command": crawl["command"],
        "started_at": crawl["started_at"],
        "finished_at": crawl["finished_at"],
        # Its process still alive: the run goes on (not one killed before it could finish).
        "running": crawl["status"] == RUNNING and still_running(crawl["pid"], crawl["host"]),
        "pid": crawl["pid"],
        "seconds": stats[crawl["id"]].get("elapsed_time_seconds"),
        "pages": pages,
        "articles": _count(conn, f"select count(*) from articles where {among}", runs),
        "new": _summed(stats, "store/new"),
        "updated": _summed(stats, "store/updated"),
        "errors": errors,
        "error_rate": error_rate(errors, pages + unfetched),
        "rules_missed": _rules_counted(conn, runs, "missed"),
        "rules_partial": _rules_counted(conn, runs, "partial"),
        "errors_by_kind": dict(
            conn.execute(
                f"select stage || ' ' || kind, count(*) from errors where {among}"
                " group by 1 order by 2 desc, 1",
                runs,
            ).fetchall()
        ),
    }


def _summed(stats: dict[int, dict[str, Any]], name: str) -> int | None:
    """A counter over the runs' stats; None if no run counted it."""
    counted = [s[name] for s in stats.values() if name in s]
    return sum(counted) if counted else None


def _rules_counted(
    conn: sqlite3.Connection, runs: list[int], what: str
) -> dict[str, dict[str, int]]:
    """Outlet -> articles its rules missed (``what``: missed) or read part of (partial), and
    articles stored, in the runs (crawl_health's ``rules_missed``, ``rules_partial``)."""
    column = {"missed": "rules_missed", "partial": "rules_partial"}[what]
    if column not in table_columns(conn, "crawl_health"):
        return {}  # a database from before the counter
    marks = ", ".join("?" * len(runs))
    return {
        row["outlet"]: {what: row["counted"], "articles": row["articles"]}
        for row in conn.execute(
            f"select outlet, sum({column}) as counted,"
            " sum(new + updated + unchanged) as articles"
            f" from crawl_health where crawl_id in ({marks}) group by outlet"
            " having counted > 0 order by counted desc, outlet",
            runs,
        )
    }


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _percent(rate: float | None) -> str:
    return "" if rate is None else f"{rate:.1%}"


def _crawl_state(crawl: dict[str, Any]) -> str:
    """When the crawl started and whether it finished, goes on, or ended unclosed."""
    if crawl.get("running"):
        return f"running since {crawl['started_at']}, pid {crawl['pid']}"
    started = f"started {crawl['started_at']}"
    if crawl["finished_at"] is None:  # its process is gone: killed, or the machine went down
        return f"{started}, never finished (killed?)"
    took = f" in {crawl['seconds']:.1f} s" if crawl.get("seconds") else ""
    return f"{started}, finished {crawl['finished_at']}{took}"


def print_stats(stats: dict[str, Any]) -> None:
    console = Console(emoji=False)  # a path or a command line is shown as it is
    totals = stats["totals"]
    console.print(
        f"[bold]{escape(stats['database'])}[/]: {totals['articles']} articles from "
        f"{totals['outlets']} outlets, {totals['pages']} pages, {totals['errors']} errors, "
        f"{totals['article_versions']} earlier versions, {_plural(totals['crawls'], 'crawl')}"
    )
    table = Table(
        title="Per outlet",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    table.add_column("outlet", no_wrap=True)
    table.add_column("articles", justify="right", min_width=8)
    table.add_column("lang")
    table.add_column("published", min_width=10)
    table.add_column("words", justify="right")
    table.add_column(f"<{SHORT_TEXT}w", justify="right")
    table.add_column("pages", justify="right")
    table.add_column("errors (rate)", justify="right")
    for row in stats["outlets"]:
        published = ""
        if row.get("first_published"):
            published = f"{row['first_published']}\n{row['last_published']}"
        table.add_row(
            row["outlet"] or "(no outlet)",
            str(row["articles"]),
            ",".join(row.get("languages") or []),
            published,
            str(row.get("average_words") or ""),
            str(row.get("short_texts", "")),
            str(row["pages"]),
            f"{row['errors']} ({_percent(row['error_rate']) or '-'})",
        )
    console.print(table)
    crawl = stats["last_crawl"]
    if crawl is None:
        console.print("No crawl yet.")
        return
    others = [str(run) for run in crawl.get("runs", []) if run != crawl["id"]]
    shared = f" with the runs {', '.join(others)} of its shared crawl" if others else ""
    console.print(
        f"Last crawl: [bold]{crawl['id']}[/] ({escape(crawl['command'])}){shared}, "
        f"{_crawl_state(crawl)}: {crawl['pages']} pages, "
        f"{crawl['articles']} articles, {crawl['errors']} errors "
        f"(error rate {_percent(crawl['error_rate']) or 'n/a'})"
    )
    for kind, count in crawl["errors_by_kind"].items():
        console.print(f"  {count:>5}  {kind}")
    for outlet, counts in crawl["rules_missed"].items():
        console.print(
            f"[bold red]Outlet rules stopped matching[/]: {outlet} missed "
            f"{counts['missed']} of {_plural(counts['articles'], 'article')} "
            "(the generic path read them; the plugin's selectors or URL pattern need a fix)"
        )
    for outlet, counts in crawl["rules_partial"].items():
        console.print(
            f"[bold yellow]Outlet rules read part of the story[/]: {outlet} in "
            f"{counts['partial']} of {_plural(counts['articles'], 'article')} "
            "(paragraphs they passed over were added; the plugin's selectors need a look)"
        )
