"""Commands that read a crawl's database: search it, browse it in Datasette."""

from __future__ import annotations

import json
import subprocess
import sys

import click


@click.command()
@click.option("--db", default="ingest.db", show_default=True, type=click.Path(exists=True))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8001, show_default=True)
def serve(db, host, port):
    """Browse and query the database in Datasette."""
    command = [sys.executable, "-m", "datasette", "serve", db, "--host", host, "--port", str(port)]
    raise SystemExit(subprocess.call(command))


@click.command()
@click.argument("query")
@click.option("--db", default="ingest.db", show_default=True, type=click.Path(exists=True))
@click.option("--limit", type=int, default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print results as JSON.")
def search(query, db, limit, as_json):
    """Full-text search over article titles and text, best matches first."""
    from ingest.search import print_results, search_articles

    results = search_articles(db, query, limit)
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        print_results(results, query)


COMMANDS = [serve, search]
