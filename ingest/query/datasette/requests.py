"""What a reader asks of ``ingest serve`` that Datasette takes badly: answered as asked.

- An empty search box (``?_search=`` from the table's Apply button) was a 400 page,
  "fts5: syntax error": a blank search is no search, and the rows are shown.
- A sort by a column the table lacks (``?_sort=nope``, or ``_sort=rank`` on a search)
  was an HTTP 500, a server error, with a full traceback and its locals printed in the
  terminal ``serve`` runs in. It is the reader's slip: a 400 page saying so, and the
  terminal stays quiet. So does every answer of 4xx; a server error prints its traceback,
  without the locals (a page's text, a row's values).

This handler stands in for Datasette's own (``register_plugin`` takes that one out),
which printed the traceback and locals of every error, a 400 or a 404 as well: Datasette
calls every ``handle_exception`` hook, and uses the first answer.
"""

from __future__ import annotations

import pdb
import traceback
from typing import Any
from urllib.parse import parse_qsl, urlencode

from datasette import Response, hookimpl
from datasette.utils import add_cors_headers
from datasette.utils.asgi import Base400
from datasette.views.base import DatasetteError
from markupsafe import Markup

#: Datasette's messages for a request it can't answer that are the reader's to change.
READERS_SLIPS = ("Cannot sort table by",)


@hookimpl
def asgi_wrapper():
    def wrap(app):
        async def without_blank_searches(scope, receive, send):
            if scope.get("type") == "http" and b"_search" in scope.get("query_string", b""):
                scope = dict(scope, query_string=unblanked(scope["query_string"]))
            await app(scope, receive, send)

        return without_blank_searches

    return wrap


def unblanked(query: bytes) -> bytes:
    """The query string without its blank ``_search`` parameters."""
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if not (k.startswith("_search") and not v.strip())]
    return query if len(kept) == len(pairs) else urlencode(kept).encode("latin-1")


#: Datasette's own handler, which ``register_plugin`` unregisters.
DATASETTE_HANDLER = "datasette.handle_exception"


@hookimpl
def handle_exception(datasette, request, exception):
    status = readers_slip(exception)
    if status is None:
        status = getattr(exception, "status", 500) if isinstance(exception, DatasetteError) else 500
    if status >= 500:
        traceback.print_exception(exception)
    if datasette.pdb:  # serve --pdb, as Datasette's handler honoured it
        pdb.post_mortem(exception.__traceback__)
    headers: dict[str, str] = {}
    if datasette.cors:  # serve --cors: errors too are read by other origins' scripts
        add_cors_headers(headers)

    async def answer() -> Response:
        info: dict[str, Any] = dict(getattr(exception, "error_dict", None) or {})
        message = getattr(exception, "message", None) or (exception.args or [""])[0]
        title = getattr(exception, "title", None)
        if getattr(exception, "message_is_html", False):
            message = Markup(message)
        info.update(ok=False, error=message, status=status, title=title)
        if request.path.endswith(".json"):
            return Response.json(info, status=status, headers=headers)
        template = datasette.jinja_env.select_template([f"{status}.html", "error.html"])
        page = await template.render_async(
            dict(
                info,
                urls=datasette.urls,
                app_css_hash=datasette.app_css_hash(),
                menu_links=lambda: [],
            )
        )
        return Response.html(page, status=status, headers=headers)

    return answer


def readers_slip(exception: BaseException) -> int | None:
    """The 4xx status of an error the reader made, or None for a server's own."""
    if isinstance(exception, Base400):
        return exception.status
    if isinstance(exception, DatasetteError):
        if str(exception.message).startswith(READERS_SLIPS):
            return 400
        if 400 <= exception.status < 500 and not exception.message_is_html:
            return exception.status
    return None
