"""Streaming export of raw pageviews (CSV, JSON Lines, Parquet) for warehouses.

Rows come from :func:`pageviews.storage.queries.iter_export_rows` partition by
partition, page by page, and are written as they come: memory stays flat
however many rows there are.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from ..storage.rows import PAGEVIEW_COLUMNS

FORMATS = ("csv", "jsonl", "parquet")
#: Exported columns: the hit's time, then the stored columns (``storage.queries.iter_export_rows``' rows).
COLUMNS = ("time", "day", "id", *PAGEVIEW_COLUMNS)
#: Rows per Parquet row group.
PAGE_SIZE = 2_000


class ExportError(ValueError):
    """A bad format or a missing optional dependency."""


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
