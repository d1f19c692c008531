"""Bulk writes for imports and demo data: ``execute_concurrent`` on the writer's prepared INSERT.

The request path writes one hit at a time with ``execute_async``; a loader
writes many, keeping ``concurrency`` requests in flight, with the same
prepared statement, the same rows and the same per-app TTL.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cassandra.concurrent import execute_concurrent_with_args

from ..collect.hits import Hit
from .writer import cassandra_writer

#: Rows handed to the driver per call; memory stays flat whatever the input's size.
CHUNK = 5_000


@dataclass
class LoadResult:
    written: int = 0
    failed: int = 0
    first_error: str = ""


def load_pageviews(hits: Iterable[Hit], concurrency: int = 64) -> LoadResult:
    """Write every hit, ``concurrency`` at a time; failures are counted, not raised."""
    session, statement = cassandra_writer.pageview_statement()
    rows = (cassandra_writer.pageview_values(hit) for hit in hits)
    return load_rows(session, statement, rows, concurrency)


def load_rows(
    session: object, statement: object, rows: Iterable[Mapping[str, object] | tuple[object, ...]], concurrency: int
) -> LoadResult:
    """Run ``statement`` for each row of bound values with ``execute_concurrent_with_args``, chunk by chunk."""
    result = LoadResult()
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, CHUNK)):
        for success, outcome in execute_concurrent_with_args(
            session, statement, chunk, concurrency=concurrency, raise_on_first_error=False, results_generator=True
        ):
            if success:
                result.written += 1
            else:
                result.failed += 1
                result.first_error = result.first_error or repr(outcome)
    return result
