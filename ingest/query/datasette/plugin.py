"""The Datasette plugin ``ingest serve`` loads: readable articles, highlighted matches,
links between related rows, a month facet and the SQL functions the canned queries use.

Nothing here renders stored HTML: every value is escaped, and the only markup added is
this module's own (paragraphs, links, ``<mark>`` around matched words).
"""

from __future__ import annotations

import contextvars
import json
import re
import unicodedata
from typing import Any
from urllib.parse import quote

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.utils import (
    escape_fts,
    escape_sqlite,
    path_with_added_args,
    path_with_removed_args,
    tilde_encode,
)
from datasette.utils.asgi import Request, Response
from markupsafe import Markup, escape

from ingest.article import CorruptBody, decompress
from ingest.extract.decoding import decode_html
from ingest.query.datasette.pages import URL_COLUMNS, url_cell
from ingest.query.matching import add_functions, fts_query
from ingest.store.descriptions import DESCRIPTIONS

#: Words of an article's text a table row shows when nothing was searched.
EXCERPT_WORDS = 40
CSS_PATH = "/-/ingest.css"
CSS = """
.ingest-text p { margin: 0 0 0.7em 0; max-width: 46em; line-height: 1.5; }
.ingest-excerpt { max-width: 40em; display: inline-block; }
.ingest-source { white-space: pre-wrap; max-width: 80em; font-size: 0.85em; margin: 0; }
.ingest-related { display: block; margin-top: 0.3em; font-size: 0.9em; }
.ingest-related a { margin-right: 0.8em; }
mark { background: #ffe58a; padding: 0 0.1em; }
/* Wide tables: room for headlines and texts; URLs shortened (pages.short_url), never wrapped. */
td.col-title, td.col-current_title, td.col-earlier_title { min-width: 14em; }
body.table td.col-text, td.col-snippet { min-width: 24em; }
td.col-outlet, td.col-published, td.col-day { white-space: nowrap; }
a.ingest-url { white-space: nowrap; font-size: 0.85em; }
.ingest-dateline { margin-top: -0.5em; color: #555; }
.ingest-id { font-size: 0.85em; color: #888; }
details.ingest-sql pre { white-space: pre-wrap; font-size: 0.85em; }
/* Column descriptions above a table: two a line rather than one. */
dl.column-descriptions {
  display: grid; grid-template-columns: repeat(2, max-content minmax(0, 1fr));
  column-gap: 0.8em; row-gap: 0.15em; font-size: 0.85em;
}
dl.column-descriptions dt, dl.column-descriptions dd { margin: 0; }
@media only screen and (max-width: 800px) {
  dl.column-descriptions { grid-template-columns: max-content minmax(0, 1fr); }
}
/* A row page reads as a record card, one field a line, as Datasette does on small screens. */
body.row table.rows-and-columns, body.row .rows-and-columns thead,
body.row .rows-and-columns tbody, body.row .rows-and-columns tr,
body.row .rows-and-columns th, body.row .rows-and-columns td { display: block; }
body.row .rows-and-columns thead tr { position: absolute; top: -9999px; left: -9999px; }
body.row .rows-and-columns td {
  position: relative; border: none; border-bottom: 1px solid #eee;
  padding: 0.35em 0 0.35em 10em; min-height: 1.2em;
}
body.row .rows-and-columns td::before {
  position: absolute; left: 0; margin-left: 0; width: 9.5em; overflow: hidden;
  text-overflow: ellipsis;
  font-size: 0.85em; font-weight: bold; color: #555;
}
"""


def stylesheet_text() -> str:
    """ingest's CSS, with the label of every described column for row pages."""
    columns = sorted({c for t in DESCRIPTIONS.values() for c in t["columns"]})
    labels = "\n".join(
        f'body.row .rows-and-columns td.col-{c}::before {{ content: "{c}"; }}' for c in columns
    )
    return CSS + labels + "\n"


# The request being answered (its ASGI scope), so cells can tell a table from a row page and
# see ?_search=, and the matches found for it so far.
_request: contextvars.ContextVar[tuple[dict[str, Any], dict] | None] = contextvars.ContextVar(
    "ingest_datasette_request", default=None
)


# -- SQL functions -------------------------------------------------------------


def title_key(title: str | None) -> str:
    """A headline reduced to its words: case, accents, punctuation and spacing ignored."""
    if not title:
        return ""
    decomposed = unicodedata.normalize("NFKD", title.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.findall(r"\w+", plain))


def page_html(body: bytes | None) -> str | None:
    """A stored page's raw body, decompressed and decoded as the crawl decoded it."""
    if body is None:
        return None
    try:
        return decode_html(decompress(body))
    except CorruptBody as exc:
        return f"<!-- {exc} -->"


def fts_words(query: str | None) -> str:
    """What the terminal's `ingest search` does with a query, for MATCH in SQL."""
    return fts_query(query or "")


@hookimpl
def prepare_connection(conn):
    conn.create_function("fts_words", 1, fts_words, deterministic=True)
    conn.create_function("title_key", 1, title_key, deterministic=True)
    conn.create_function("page_html", 1, page_html, deterministic=True)
    add_functions(conn)  # the canned searches' in unspaced scripts


# -- the month facet -----------------------------------------------------------


class MonthFacet(Facet):
    """Facet a date column by month (YYYY-MM), newest month first; selecting one filters
    with ``column__startswith``, a filter Datasette already has."""

    type = "month"

    async def facet_results(self):
        results, timed_out = [], []
        args = dict(self.get_querystring_pairs())
        size = self.get_facet_size()
        for source_and_config in self.get_configs():
            config = source_and_config["config"]
            column = config.get("column") or config["simple"]
            col = escape_sqlite(column)
            sql = (
                f"select substr({col}, 1, 7) as value, count(*) as count from ({self.sql})"
                f" where {col} glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]*'"
                f" group by value order by value desc limit {size + 1}"
            )
            try:
                rows = await self.ds.execute(
                    self.database,
                    sql,
                    self.params,
                    truncate=False,
                    custom_time_limit=self.ds.setting("facet_time_limit_ms"),
                )
            except QueryInterrupted:
                timed_out.append(column)
                continue
            key = f"{column}__startswith"
            values = []
            for row in rows.rows[:size]:
                selected = args.get(key) == row["value"]
                change = path_with_removed_args if selected else path_with_added_args
                values.append(
                    {
                        "value": row["value"],
                        "label": row["value"],
                        "count": row["count"],
                        "toggle_url": self.ds.absolute_url(
                            self.request, change(self.request, {key: row["value"]})
                        ),
                        "selected": selected,
                    }
                )
            results.append(
                {
                    "name": column,
                    "type": self.type,
                    "results": values,
                    "hideable": source_and_config["source"] != "metadata",
                    "toggle_url": path_with_removed_args(self.request, {"_facet_month": column}),
                    "truncated": len(rows.rows) > size,
                }
            )
        return results, timed_out


@hookimpl
def register_facet_classes():
    return [MonthFacet]


# -- the request, for cells ----------------------------------------------------


@hookimpl
def asgi_wrapper():
    def wrap(app):
        async def remember_request(scope, receive, send):
            token = _request.set((scope, {}) if scope.get("type") == "http" else None)
            try:
                await app(scope, receive, send)
            finally:
                _request.reset(token)

        return remember_request

    return wrap


def _page(datasette, database: str, table: str) -> tuple[str | None, Request | None]:
    """('table' or 'row', the request) when the current page shows ``table``."""
    current = _request.get()
    if current is None:
        return None, None
    request = Request(current[0], None)
    table_path = datasette.urls.table(database, table)
    if request.path == table_path:
        return "table", request
    if request.path.startswith(table_path + "/"):
        return "row", request
    return None, request


# -- CSS -----------------------------------------------------------------------


@hookimpl
def register_routes():
    async def stylesheet():
        return Response(stylesheet_text(), content_type="text/css; charset=utf-8")

    return [(r"^/-/ingest\.css$", stylesheet)]


@hookimpl
def extra_css_urls():
    return [CSS_PATH]


# -- cells ---------------------------------------------------------------------


def paragraphs(text: str) -> Markup:
    """The text as escaped paragraphs, one per line."""
    paras = [line for line in text.splitlines() if line.strip()]
    return Markup('<div class="ingest-text">{}</div>').format(
        Markup("").join(Markup("<p>{}</p>").format(p) for p in paras)
    )


def marked(value: str) -> Markup:
    """Escape everything but the <mark> tags FTS5's snippet() and highlight() put in."""
    safe = str(escape(value))
    return Markup(safe.replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>"))


def excerpt(text: str, words: int = EXCERPT_WORDS) -> Markup:
    parts = text.split()
    more = " …" if len(parts) > words else ""
    return Markup('<span class="ingest-excerpt">{}{}</span>').format(" ".join(parts[:words]), more)


def _names(value: Any) -> str | None:
    """A JSON list of names, as "A, B"."""
    try:
        names = json.loads(value) if isinstance(value, str) else None
    except ValueError:
        return None
    if isinstance(names, list) and all(isinstance(n, str) for n in names):
        return ", ".join(names)
    return None


def _search_query(datasette, database: str, table: str, request: Request) -> str | None:
    search = request.args.get("_search")
    if not search:
        return None
    mode = request.args.get("_searchmode") or datasette.table_metadata(database, table).get(
        "searchmode"
    )
    return search if mode == "raw" else escape_fts(search)


async def _matches(datasette, database: str, article_id: str, query: str) -> dict[str, str]:
    """The article's title and a snippet of its text with matched words in <mark>."""
    cache = _request.get()[1]
    key = (database, article_id, query)
    if key not in cache:
        result = await datasette.get_database(database).execute(
            "select highlight(articles_fts, 0, '<mark>', '</mark>') as title,"
            " snippet(articles_fts, 1, '<mark>', '</mark>', ' … ', 32) as snippet"
            " from articles_fts where articles_fts match :query and rowid ="
            " (select rowid from articles where id = :id)",
            {"query": query, "id": article_id},
        )
        row = result.first()
        cache[key] = dict(row) if row else {}
    return cache[key]


async def _related(datasette, database: str, row: Any) -> Markup:
    """An article's URL with links to its stored page, crawl, errors and earlier versions."""
    url, article_id = row["url"], row["id"]
    counts = await datasette.get_database(database).execute(
        "select (select count(*) from errors where url = :url) as errors,"
        " (select count(*) from article_versions where article_id = :id) as versions",
        {"url": url, "id": article_id},
    )
    errors, versions = counts.first()
    links = [(datasette.urls.row(database, "pages", tilde_encode(url)), "stored page")]
    if row["crawl_id"] is not None:
        links.append((datasette.urls.row(database, "crawls", str(row["crawl_id"])), "crawl"))
    errors_path = datasette.urls.table(database, "errors")
    versions_path = datasette.urls.table(database, "article_versions")
    links += [
        (f"{errors_path}?url={quote(url, safe='')}", f"errors for this URL: {errors}"),
        (
            f"{versions_path}?article_id={quote(article_id, safe='')}",
            f"earlier versions: {versions}",
        ),
    ]
    original = Markup('<a href="{0}">{0}</a>' if url.startswith(("http://", "https://")) else "{0}")
    return Markup('{}<span class="ingest-related">{}</span>').format(
        original.format(url),
        Markup("").join(Markup('<a href="{}">{}</a>').format(href, text) for href, text in links),
    )


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    view, request = _page(datasette, database, table) if table else (None, None)
    is_url = isinstance(value, str) and value.startswith(("http://", "https://"))
    if column in URL_COLUMNS and is_url and not (table == "articles" and view == "row"):
        return url_cell(value)
    if table is None:  # a query's results
        if isinstance(value, str) and "<mark>" in value:
            return marked(value)
        if column == "article_id" and isinstance(value, str) and value:
            href = datasette.urls.row(database, "articles", tilde_encode(value))
            return Markup('<a href="{}">{}</a>').format(href, value)
        if column == "source_html" and isinstance(value, str):
            return Markup('<pre class="ingest-source">{}</pre>').format(value)
        return None
    if table == "pages" and column == "body" and isinstance(value, bytes):
        # Never the page itself: its size, and where to read it as text.
        href = datasette.urls.query(database, "page_source") + "?url=" + quote(row["url"], safe="")
        return Markup('zlib-compressed HTML, {:,} bytes (<a href="{}">read as text</a>)').format(
            len(value), href
        )
    if table not in ("articles", "article_versions"):
        if table == "errors" and column == "traceback" and view == "row" and value:
            return Markup('<pre class="ingest-source">{}</pre>').format(value)
        return None
    if column in ("authors", "tags"):
        return _names(value)
    if table == "articles" and column == "url" and view == "row" and isinstance(value, str):
        return _related(datasette, database, row)
    if column not in ("text", "title") or not isinstance(value, str):
        return None
    if view == "row":
        return paragraphs(value) if column == "text" else None
    query = None
    if table == "articles" and view == "table":
        query = _search_query(datasette, database, table, request)
    if query is None:
        return excerpt(value) if column == "text" else None

    async def highlighted():
        matches = await _matches(datasette, database, row["id"], query)
        if not matches:
            return excerpt(value) if column == "text" else None
        return marked(matches["title" if column == "title" else "snippet"])

    return highlighted()
