"""Articles out of the database as JSON lines, CSV or Parquet, with the search filters."""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, suppress
from typing import IO, Any

from ingest.query.matching import has_trigram_index
from ingest.query.search import ArticleFilter, connect
from ingest.store.schema import JSON_FIELDS

FORMATS = ("jsonl", "csv", "parquet")
#: JSON columns holding lists of strings (Parquet keeps them as lists).
LIST_FIELDS = ("authors", "tags", "plugins")
BATCH = 1000


def article_rows(
    conn: sqlite3.Connection, filters: ArticleFilter
) -> tuple[list[str], Iterator[sqlite3.Row]]:
    """Column names and the matching articles, newest first."""
    where, params = filters.where(trigram=has_trigram_index(conn))
    cursor = conn.execute(
        f"select * from articles {'where ' + where if where else ''} order by published desc, id",
        params,
    )
    return [d[0] for d in cursor.description], cursor


def _decoded(row: sqlite3.Row, columns: list[str]) -> dict[str, Any]:
    record = dict(zip(columns, row, strict=True))
    for name in JSON_FIELDS:
        if isinstance(record.get(name), str):
            with suppress(ValueError):  # else left as stored
                record[name] = json.loads(record[name])
    return record


def export_articles(db_path: str, fmt: str, out: IO, filters: ArticleFilter) -> int:
    """Write the articles ``filters`` selects to ``out`` (text for jsonl and csv, binary for
    parquet); returns how many."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
    with closing(connect(db_path)) as conn:
        columns, rows = article_rows(conn, filters)
        if fmt == "jsonl":
            return _jsonl(columns, rows, out)
        if fmt == "csv":
            return _csv(columns, rows, out)
        return _parquet(columns, rows, out)


def _jsonl(columns: list[str], rows: Iterator[sqlite3.Row], out: IO) -> int:
    count = 0
    for row in rows:
        out.write(json.dumps(_decoded(row, columns), ensure_ascii=False) + "\n")
        count += 1
    return count


def _csv(columns: list[str], rows: Iterator[sqlite3.Row], out: IO) -> int:
    """JSON columns stay JSON text; the text keeps its newlines (quoted, as CSV allows)."""
    writer = csv.writer(out)
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def parquet_schema(columns: list[str], types: dict[str, str]):
    import pyarrow as pa

    fields = []
    for name in columns:
        if name in LIST_FIELDS:
            kind = pa.list_(pa.string())
        elif types.get(name, "").upper() == "INTEGER":
            kind = pa.int64()
        elif types.get(name, "").upper() in ("REAL", "FLOAT"):
            kind = pa.float64()
        else:
            kind = pa.string()  # provenance stays a JSON object as text
        fields.append(pa.field(name, kind))
    return pa.schema(fields)


def _parquet(columns: list[str], rows: Iterator[sqlite3.Row], out: IO) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - pyarrow is a dependency
        raise RuntimeError("Parquet export needs pyarrow: pip install pyarrow") from exc
    conn = rows.connection
    types = {r[1]: r[2] for r in conn.execute("select * from pragma_table_info('articles')")}
    schema = parquet_schema(columns, types)
    count = 0
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        while batch := rows.fetchmany(BATCH):
            records = []
            for row in batch:
                record = dict(zip(columns, row, strict=True))
                for name in LIST_FIELDS:
                    if name in record:
                        record[name] = _as_list(record[name])
                records.append(record)
            writer.write_table(pa.Table.from_pylist(records, schema=schema))
            count += len(records)
    return count


def _as_list(value: Any) -> list[str] | None:
    if value is None:
        return None
    try:
        data = json.loads(value)
    except ValueError:
        return [str(value)]
    return [str(v) for v in data] if isinstance(data, list) else [str(data)]
