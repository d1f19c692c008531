"""The report path's CQL: raw rows of day partitions, engagement, the rollup tables, export pages.

Every query reads named day partitions (never a scan of history) through the
one prepared-statement cache, and returns rows by column name.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import datasketches
from cassandra.query import BatchStatement, BatchType

from ..reports import periods
from ..reports.aggregate import ROW_COLUMNS, Figures, Row, new_sketch, timeuuid_datetime, top
from .rows import PAGEVIEW_COLUMNS
from .statements import prepared

_RANGE = "WHERE app = ? AND day = ? AND id >= minTimeuuid(?) AND id < minTimeuuid(?)"
ROWS = f"SELECT {', '.join(ROW_COLUMNS)}, is_bot FROM {{pageviews}} {_RANGE}"  # noqa: S608
EXPORT = f"SELECT {', '.join(('day', 'id', *PAGEVIEW_COLUMNS))} FROM {{pageviews}} {_RANGE}"  # noqa: S608
ENGAGED = "SELECT pv, engaged_ms FROM {engagement} WHERE app = ? AND day = ?"
STATS = "SELECT * FROM {daily_stats} WHERE app = ? AND year = ? AND day >= ? AND day <= ?"
TOP = "SELECT dimension, value, count FROM {daily_top} WHERE app = ? AND day = ?"
PUT_STATS = (
    "INSERT INTO {daily_stats} (app, year, day, pageviews, visits, bounces, duration_ms, visitors_sketch, computed_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
CLEAR_TOP = "DELETE FROM {daily_top} WHERE app = ? AND day = ?"
PUT_TOP = "INSERT INTO {daily_top} (app, day, dimension, value, count) VALUES (?, ?, ?, ?, ?)"
#: Rows fetched per page when exporting.
EXPORT_PAGE_SIZE = 2_000


def read_rows(app: uuid.UUID, start: datetime, end: datetime) -> list[Row]:
    """Every non-bot pageview of ``app`` in [start, end), from the UTC-day partitions it spans."""
    session, statement = prepared(ROWS)
    rows: list[Row] = []
    for day in periods.utc_days(start, end):
        for found in session.execute(statement, (app, day, start, end)):
            if not found["is_bot"]:
                rows.append(Row(**{name: found[name] for name in ROW_COLUMNS}))
    return rows


def read_engaged(app: uuid.UUID, start: datetime, end: datetime) -> dict[uuid.UUID, int]:
    """Engaged ms by pageview key, from beacons received from ``start``'s UTC day to the day after ``end``."""
    session, statement = prepared(ENGAGED)
    engaged: dict[uuid.UUID, int] = {}
    for day in periods.utc_days(start, end + timedelta(days=1)):
        for found in session.execute(statement, (app, day)):
            engaged[found["pv"]] = max(engaged.get(found["pv"], 0), found["engaged_ms"] or 0)
    return engaged


def iter_export_rows(app: uuid.UUID, start: datetime, end: datetime) -> Iterator[dict[str, Any]]:
    """Every stored pageview of ``app`` in [start, end), oldest partition first, page by page, with its time."""
    session, statement = prepared(EXPORT)
    for day in periods.utc_days(start, end):
        bound = statement.bind((app, day, start, end))
        bound.fetch_size = EXPORT_PAGE_SIZE
        for row in session.execute(bound):
            yield {"time": timeuuid_datetime(row["id"]).isoformat(), **row}


def store_day(app: uuid.UUID, day: date, figures: Figures, top_n: int) -> None:
    """Write a day's rollup: its ``daily_stats`` row and its ``daily_top`` partition (``top_n`` per breakdown), anew."""
    session, put_stats = prepared(PUT_STATS)
    sketch = figures.sketch.serialize_compact()
    stats = (app, day.year, day, figures.pageviews, figures.visits, figures.bounces, figures.duration_ms, sketch)
    session.execute(put_stats, (*stats, datetime.now(UTC)))
    session.execute(prepared(CLEAR_TOP)[1], (app, day))
    put_top = prepared(PUT_TOP)[1]
    batch = BatchStatement(batch_type=BatchType.UNLOGGED)  # one partition: applied together
    for dimension, counts in figures.breakdowns.items():
        for value, count in top(counts, top_n):
            batch.add(put_top, (app, day, dimension, value, count))
    if len(batch):
        session.execute(batch)


def load_days(app: uuid.UUID, days: Iterable[date]) -> dict[date, Figures]:
    """Rolled-up figures of those ``days`` that have a rollup."""
    wanted: Sequence[date] = sorted(set(days))
    if not wanted:
        return {}
    session, stats = prepared(STATS)
    found: dict[date, Figures] = {}
    for year in range(wanted[0].year, wanted[-1].year + 1):
        for row in session.execute(stats, (app, year, wanted[0], wanted[-1])):
            day = row["day"].date() if hasattr(row["day"], "date") else row["day"]
            sketch = row["visitors_sketch"]
            found[day] = Figures(
                pageviews=row["pageviews"] or 0,
                visits=row["visits"] or 0,
                bounces=row["bounces"] or 0,
                duration_ms=row["duration_ms"] or 0,
                sketch=datasketches.hll_sketch.deserialize(sketch) if sketch else new_sketch(),
            )
    wanted_set = set(wanted)
    top_statement = prepared(TOP)[1]
    futures = {day: session.execute_async(top_statement, (app, day)) for day in found if day in wanted_set}
    for day, future in futures.items():
        for row in future.result():
            found[day].breakdowns.setdefault(row["dimension"], Counter())[row["value"]] = row["count"]
    return {day: figures for day, figures in found.items() if day in wanted_set}


DELETE_PAGEVIEW = "DELETE FROM {pageviews} WHERE app = ? AND day = ? AND id = ?"


def find_pageview(app: uuid.UUID, path: str, start: datetime, end: datetime) -> Row | None:
    """The first non-bot pageview of ``app`` with ``path`` in [start, end) (a short span: its partitions are read)."""
    return next((row for row in read_rows(app, start, end) if row.path == path), None)


def delete_pageview(app: uuid.UUID, day: date, pageview_id: uuid.UUID) -> None:
    """Delete one stored pageview (a trial hit), by its key."""
    session, statement = prepared(DELETE_PAGEVIEW)
    session.execute(statement, (app, day, pageview_id))
