"""Streaming export of raw pageviews (CSV, JSON Lines, Parquet) for warehouses.

Rows are read partition by partition, page by page (the driver's paging), and
written as they come: memory stays flat however many rows there are.
"""

from __future__ import annotations

import csv
import json
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from . import aggregate, periods, store

FORMATS = ("csv", "jsonl", "parquet")
#: Exported columns: the hit's time, then the stored columns.
COLUMNS = ("time", "day", "id", *store.PAGEVIEW_COLUMNS)
#: Rows fetched per page from Cassandra, and per Parquet row group.
PAGE_SIZE = 2_000


class ExportError(ValueError):
    """A bad format or a missing optional dependency."""


def iter_rows(app: uuid.UUID, start: datetime, end: datetime) -> Iterator[dict[str, Any]]:
    """Every pageview of ``app`` in [start, end), oldest partition first, as plain values."""
    session, keyspace = store.session_and_keyspace()
    columns = ", ".join(("day", "id", *store.PAGEVIEW_COLUMNS))
    table = store.qualified(keyspace, "pageviews")
    statement = session.prepare(
        f"SELECT {columns} FROM {table} WHERE app = ? AND day = ? "  # noqa: S608
        "AND id >= minTimeuuid(?) AND id < minTimeuuid(?)"
    )
    statement.fetch_size = PAGE_SIZE
    for day in periods.utc_days(start, end):
        for row in session.execute(statement, (app, day, start, end)):
            yield {"time": aggregate.timeuuid_datetime(row["id"]).isoformat(), **row}


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)  # UUIDs and Cassandra dates


def write_csv(rows: Iterator[dict[str, Any]], out: IO[str]) -> None:
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _plain(value) for key, value in row.items()})


def write_jsonl(rows: Iterator[dict[str, Any]], out: IO[str]) -> None:
    for row in rows:
        out.write(json.dumps({key: _plain(value) for key, value in row.items()}, ensure_ascii=False) + "\n")


def write_parquet(rows: Iterator[dict[str, Any]], path: Path) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ExportError("Parquet needs pyarrow: pip install 'django-pageviews[parquet]'") from None
    types = {"pixelratio": pa.float32(), "is_bot": pa.bool_()}
    schema = pa.schema([(name, types.get(name, pa.string())) for name in COLUMNS])
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append({key: value if key in types else _plain(value) for key, value in row.items()})
            if len(batch) >= PAGE_SIZE:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                batch = []
        if batch:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))


def export(rows: Iterator[dict[str, Any]], fmt: str, path: Path, on_row: Callable[[], None] | None = None) -> int:
    """Write ``rows`` to ``path`` in ``fmt``; returns how many were written."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")
    count = 0

    def counted() -> Iterator[dict[str, Any]]:
        nonlocal count
        for row in rows:
            count += 1
            if on_row:
                on_row()
            yield row

    if fmt == "parquet":
        write_parquet(counted(), path)
    else:
        with path.open("w", encoding="utf-8", newline="") as out:
            (write_csv if fmt == "csv" else write_jsonl)(counted(), out)
    return count
