"""Bulk writes for imports, replays and demo data: ``execute_concurrent`` on the prepared INSERT.

The request path writes one hit at a time with ``execute_async``; a loader
writes many, keeping ``concurrency`` requests in flight, with the same
prepared statement and the same per-app TTL.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from cassandra.concurrent import execute_concurrent_with_args
from cassandra.util import uuid_from_time

from . import store
from .hits import Hit

#: Rows handed to the driver per call; memory stays flat whatever the input's size.
CHUNK = 5_000


@dataclass
class LoadResult:
    written: int = 0
    failed: int = 0
    first_error: str = ""


def pageview_rows(hits: Iterable[Hit]) -> Iterator[tuple[object, ...]]:
    """INSERT parameters of each hit: key, columns and TTL, as the request path binds them."""
    for hit in hits:
        hit_id = uuid_from_time(hit.received_at)
        values = (getattr(hit, name) for name in store.PAGEVIEW_COLUMNS)
        row = (hit.app, hit.received_at.date(), hit_id, *values, store.known_apps.ttl_seconds(hit.app))
        yield store.unset_nulls(row)


def load_pageviews(hits: Iterable[Hit], concurrency: int = 64) -> LoadResult:
    """Write every hit, ``concurrency`` at a time; failures are counted, not raised."""
    session, statement = store.writer.pageview_statement()
    return load_rows(session, statement, pageview_rows(hits), concurrency)


def load_rows(session: object, statement: object, rows: Iterable[tuple[object, ...]], concurrency: int) -> LoadResult:
    """Run ``statement`` for each parameter tuple with ``execute_concurrent_with_args``, chunk by chunk."""
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
