"""``ingest export --format warc``: the stored raw pages of the selected articles as WARC
response records, dated when they were fetched."""

from __future__ import annotations

import json
from contextlib import closing
from typing import IO

from warcio.warcwriter import WARCWriter

from ingest.archive.records import write_page
from ingest.article import CorruptBody, decompress
from ingest.query.matching import has_trigram_index
from ingest.query.search import ArticleFilter, connect


def export_warc(db_path: str, out: IO[bytes], filters: ArticleFilter) -> tuple[int, list[str]]:
    """Write the raw page of every article ``filters`` selects; returns how many, and the
    URLs of the pages left out because their stored bodies are corrupt."""
    writer = WARCWriter(out, gzip=True)
    count, corrupt = 0, []
    with closing(connect(db_path)) as conn:
        where, params = filters.where(trigram=has_trigram_index(conn))
        query = (
            "select url, status, headers, fetched_at, body from pages where body is not null"
            f" and url in (select url from articles {'where ' + where if where else ''})"
            " order by fetched_at, url"
        )
        for url, status, headers, fetched_at, body in conn.execute(query, params):
            try:
                raw = decompress(body)
            except CorruptBody:
                corrupt.append(url)
                continue
            write_page(writer, url, status or 200, json.loads(headers or "{}"), raw, fetched_at)
            count += 1
    return count, corrupt
