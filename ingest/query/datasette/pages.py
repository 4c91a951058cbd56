"""How ingest's Datasette pages read: tables in the order people use them, URLs shortened.

Datasette lists tables by name (database page) or by row count (home page), which puts the
frontier and the raw pages before the articles a reader came for. The templates in
``templates/`` (Datasette's own, each changed in one place) call ``tables_by_use`` instead.
A followed search with no match yet is an empty Atom feed, not an error.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup

#: Tables and views in the order a reader of a news crawl wants them; others follow by name.
TABLE_ORDER = (
    "articles",
    "story_clusters",
    "duplicates",
    "article_changes",
    "article_versions",
    "crawls",
    "crawl_health",
    "errors",
    "urls",
    "pages",
)

#: Columns whose values are URLs, shown shortened outside an article's own page.
URL_COLUMNS = frozenset(
    {"url", "canonical_url", "found_via", "example_url", "final_url", "example", "seed"}
    | {"original_url", "atom_id", "atom_link"}
)
#: Characters of a URL a table cell shows.
URL_WIDTH = 48


def use_rank(name: str) -> tuple[int, str]:
    """Where a table or view named ``name`` comes in TABLE_ORDER; unknown names last."""
    return (TABLE_ORDER.index(name) if name in TABLE_ORDER else len(TABLE_ORDER), name)


def by_use(tables: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Datasette's table dicts (with ``name`` and maybe ``hidden``), visible ones by use first."""
    return sorted(tables, key=lambda t: (bool(t.get("hidden")), *use_rank(t["name"])))


def short_url(url: str, width: int = URL_WIDTH) -> str:
    """A URL as a cell shows it: no scheme, and past ``width`` its host, an ellipsis and the
    end of its path, where a story's slug is."""
    parts = urlsplit(url)
    shown = url.split("://", 1)[-1]
    if len(shown) <= width:
        return shown
    host = parts.netloc
    tail = (parts.path.rstrip("/").rsplit("/", 1)[-1] or parts.path) + (
        "?" + parts.query if parts.query else ""
    )
    room = max(width - len(host) - 3, 12)
    if len(tail) > room:
        tail = tail[: room - 1] + "…"
    return f"{host}/…/{tail}"


def url_cell(url: str) -> Markup:
    """A link to ``url`` showing it shortened, the whole URL in its title."""
    return Markup('<a href="{0}" title="{0}" class="ingest-url">{1}</a>').format(
        url, short_url(url)
    )


@hookimpl
def extra_template_vars(datasette):
    async def tables_by_use(database: str) -> list[dict[str, Any]]:
        """The visible tables and views of ``database``, by use, for the home page."""
        db = datasette.get_database(database)
        hidden = set(await db.hidden_table_names())
        tables = [{"name": n} for n in await db.table_names() if n not in hidden]
        views = [{"name": n, "view": True} for n in await db.view_names()]
        return by_use(tables + views)

    return {"tables_by_use": tables_by_use, "by_use": by_use}


@hookimpl(trylast=True)
def register_output_renderer(datasette):
    """datasette-atom's ``.atom``, with an empty feed where it has no rows: a search followed
    before any article matches it would otherwise be an error (max() of no dates) in the
    subscriber's feed reader. trylast: Datasette keeps the last renderer of an extension."""
    from datasette_atom import can_render_atom, render_atom
    from feedgen.feed import FeedGenerator

    def render(request, sql, columns, rows, database, table, query_name, view_name, data):
        if rows:
            return render_atom(
                datasette, request, sql, columns, rows, database, table, query_name,
                view_name, data,
            )  # fmt: skip
        queries = (datasette.metadata(database=database) or {}).get("queries") or {}
        feed = FeedGenerator()
        feed.id(request.url)
        feed.link(href=request.url, rel="self")
        feed.title(str((queries.get(query_name) or {}).get("title") or sql))
        feed.updated(datetime.now(UTC))
        return Response(feed.atom_str(pretty=True), content_type="application/xml; charset=utf-8")

    return {"extension": "atom", "render": render, "can_render": can_render_atom}
