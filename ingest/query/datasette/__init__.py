"""Datasette over a crawl's database: the metadata, canned queries, dashboard and plugins
ingest ships.

``ingest serve`` runs Datasette's own ``serve`` command in-process with the plugins in
``ingest.query.datasette.plugin`` and ``.pages`` registered, the templates of ``templates/``,
and the metadata of ``ingest.query.datasette.metadata`` written to a temporary file. Datasette
opens the database read-only (``mode=ro``) and runs only SELECT statements, so a crawl can go
on writing while it is browsed.
"""

from __future__ import annotations

import errno
import json
import socket
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ingest.query.datasette.metadata import build_metadata

#: Datasette's templates as ingest changes them (table order, article heading, canned queries).
TEMPLATES = Path(__file__).parent / "templates"

#: Datasette settings ingest serves with (more can be given after ``--``).
SETTINGS = {
    "sql_time_limit_ms": "3000",  # the same-story and quality queries read every article
    "facet_time_limit_ms": "500",
}


def register_plugin() -> None:
    """Register ingest's Datasette plugins with Datasette's plugin manager (once)."""
    from datasette.plugins import pm

    from ingest.query.datasette import pages, plugin, requests

    for module, name in (
        (plugin, "ingest"),
        (pages, "ingest-pages"),
        (requests, "ingest-requests"),
    ):
        if not pm.is_registered(module):
            pm.register(module, name=name)
    if pm.has_plugin(requests.DATASETTE_HANDLER):  # ours answers every error instead
        pm.unregister(name=requests.DATASETTE_HANDLER)


def cannot_listen(host: str, port: int) -> str | None:
    """Why Datasette could not listen on ``host:port``, found by binding it first: a port in
    use (another ``serve``) had ended in uvicorn's log lines and exit 3. Bound as uvicorn
    binds, so a port a closed server left in TIME_WAIT is free for both."""
    if not 0 <= port <= 65535:
        return None  # Datasette's own option check says so, as a usage error
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as exc:
        hint = " (another serve? --port picks another)" if exc.errno == errno.EADDRINUSE else ""
        return f"can't listen on {host}:{port}: {exc.strerror or exc}{hint}"
    return None


def datasette_args(
    db: str, host: str, port: int, metadata_path: str, extra: Sequence[str] = ()
) -> list[str]:
    args = [db, "--host", host, "--port", str(port), "--metadata", metadata_path]
    args += ["--template-dir", str(TEMPLATES)]
    for name, value in SETTINGS.items():
        args += ["--setting", name, value]
    return [*args, *extra]


def serve(db: str, host: str = "127.0.0.1", port: int = 8001, extra: Sequence[str] = ()) -> None:
    """Run Datasette on ``db`` until interrupted. Its ``serve`` command is run itself, not
    through Datasette's group: the group's name and the command's would both be in the
    usage of an option Datasette refuses (``ingest serve serve``)."""
    from datasette.cli import serve as datasette_serve

    register_plugin()
    with tempfile.TemporaryDirectory(prefix="ingest-datasette-") as folder:
        metadata_path = Path(folder) / "metadata.json"
        metadata_path.write_text(json.dumps(build_metadata(db), indent=2, ensure_ascii=False))
        datasette_serve.main(
            datasette_args(db, host, port, str(metadata_path), extra),
            prog_name="ingest serve",
            standalone_mode=False,
        )
