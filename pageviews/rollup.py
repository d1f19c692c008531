"""Reading raw day partitions, and the idempotent rollup into ``daily_stats`` and ``daily_top``.

A local day of an app's timezone is read from the one or two UTC-day
partitions it spans, restricted by TimeUUID to the day's instants; its
engagement beacons from the same UTC days and the next one. Rolling a day up
twice writes the same rows: the day's ``daily_top`` partition is deleted and
written anew, and its ``daily_stats`` row overwritten.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import datasketches
from cassandra.query import BatchStatement, BatchType

from . import aggregate, periods, store
from .aggregate import Figures, Row
from .conf import conf

#: CQL of the report paths; ``{name}`` is a keyspace-qualified table (see store.qualified).
_CQL = {
    "rows": "SELECT {row_columns}, is_bot FROM {pageviews} WHERE app = ? AND day = ? "
    "AND id >= minTimeuuid(?) AND id < minTimeuuid(?)",
    "engaged": "SELECT pv, engaged_ms FROM {engagement} WHERE app = ? AND day = ?",
    "stats": "SELECT * FROM {daily_stats} WHERE app = ? AND year = ? AND day >= ? AND day <= ?",
    "top": "SELECT dimension, value, count FROM {daily_top} WHERE app = ? AND day = ?",
    "put_stats": "INSERT INTO {daily_stats} (app, year, day, pageviews, visits, bounces, duration_ms, "
    "visitors_sketch, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "clear_top": "DELETE FROM {daily_top} WHERE app = ? AND day = ?",
    "put_top": "INSERT INTO {daily_top} (app, day, dimension, value, count) VALUES (?, ?, ?, ?, ?)",
}
_TABLES = ("pageviews", "engagement", "daily_stats", "daily_top")


class _Statements:
    """Prepared statements of the report paths, per session and keyspace."""

    def __init__(self) -> None:
        self._cache: dict[tuple[int, str], dict[str, Any]] = {}

    def get(self) -> tuple[Any, dict[str, Any]]:
        session, keyspace = store.session_and_keyspace()
        key = (id(session), keyspace)
        prepared = self._cache.get(key)
        if prepared is None:
            names = {table: store.qualified(keyspace, table) for table in _TABLES}
            names["row_columns"] = ", ".join(aggregate.ROW_COLUMNS)
            prepared = self._cache[key] = {name: session.prepare(cql.format(**names)) for name, cql in _CQL.items()}
        return session, prepared


statements = _Statements()


def read_rows(app: uuid.UUID, start: datetime, end: datetime) -> list[Row]:
    """Every non-bot pageview of ``app`` in [start, end), from the UTC-day partitions it spans."""
    session, prepared = statements.get()
    rows: list[Row] = []
    width = len(aggregate.ROW_COLUMNS)
    for day in periods.utc_days(start, end):
        for found in session.execute(prepared["rows"], (app, day, start, end)):
            values = tuple(found.values())
            if not values[width]:
                rows.append(Row(*values[:width]))
    return rows


def read_engaged(app: uuid.UUID, start: datetime, end: datetime) -> dict[uuid.UUID, int]:
    """Engaged ms by pageview key, from beacons received from ``start``'s UTC day to the day after ``end``."""
    session, prepared = statements.get()
    engaged: dict[uuid.UUID, int] = {}
    for day in periods.utc_days(start, end + timedelta(days=1)):
        for found in session.execute(prepared["engaged"], (app, day)):
            engaged[found["pv"]] = max(engaged.get(found["pv"], 0), found["engaged_ms"] or 0)
    return engaged


def live_day(app: uuid.UUID, day: date, tz: ZoneInfo) -> Figures:
    """A local day's figures computed from its raw partitions.

    Cookieless ids change at UTC midnight: the rows of the half hour before
    the day's UTC midnights tell which new ids continue an earlier visitor.
    """
    start, end = periods.local_day_bounds(day, tz)
    rows = read_rows(app, start, end)
    aliases: dict[uuid.UUID, uuid.UUID] = {}
    if any(_cookieless(row) for row in rows):
        for midnight in periods.utc_midnights(start, end):
            before = read_rows(app, midnight - timedelta(seconds=conf.SESSION_COOKIE_AGE), midnight)
            aliases.update(aggregate.midnight_aliases(before))
    return aggregate.aggregate(rows, read_engaged(app, start, end), aliases)


def _cookieless(row: Row) -> bool:
    """A cookieless row: its session id is its visitor id (the day's hash)."""
    return row.visitor is not None and row.visitor == row.session


def store_day(app: uuid.UUID, day: date, figures: Figures) -> None:
    """Write a day's rollup: its ``daily_stats`` row and its ``daily_top`` partition, anew."""
    session, prepared = statements.get()
    session.execute(
        prepared["put_stats"],
        (
            app,
            day.year,
            day,
            figures.pageviews,
            figures.visits,
            figures.bounces,
            figures.duration_ms,
            figures.sketch.serialize_compact(),
            datetime.now(UTC),
        ),
    )
    session.execute(prepared["clear_top"], (app, day))
    batch = BatchStatement(batch_type=BatchType.UNLOGGED)  # one partition: applied together
    for dimension, counts in figures.breakdowns.items():
        for value, count in aggregate.top(counts, conf.ROLLUP_TOP_N):
            batch.add(prepared["put_top"], (app, day, dimension, value, count))
    if len(batch):
        session.execute(batch)


def load_days(app: uuid.UUID, days: Iterable[date]) -> dict[date, Figures]:
    """Rolled-up figures of those ``days`` that have a rollup."""
    wanted = sorted(set(days))
    if not wanted:
        return {}
    session, prepared = statements.get()
    found: dict[date, Figures] = {}
    for year in range(wanted[0].year, wanted[-1].year + 1):
        for row in session.execute(prepared["stats"], (app, year, wanted[0], wanted[-1])):
            day = row["day"].date() if hasattr(row["day"], "date") else row["day"]
            found[day] = Figures(
                pageviews=row["pageviews"] or 0,
                visits=row["visits"] or 0,
                bounces=row["bounces"] or 0,
                duration_ms=row["duration_ms"] or 0,
                sketch=datasketches.hll_sketch.deserialize(row["visitors_sketch"])
                if row["visitors_sketch"]
                else aggregate.new_sketch(),
            )
    futures = {day: session.execute_async(prepared["top"], (app, day)) for day in found if day in set(wanted)}
    for day, future in futures.items():
        for row in future.result():
            found[day].breakdowns.setdefault(row["dimension"], Counter())[row["value"]] = row["count"]
    return {day: figures for day, figures in found.items() if day in set(wanted)}


def rollup(app: uuid.UUID, tz: ZoneInfo, first: date, last: date) -> list[date]:
    """Roll up the local days ``first``..``last`` of one app; returns the days written."""
    written = []
    for day in periods.days_between(first, last):
        figures = live_day(app, day, tz)
        if not figures.pageviews and load_days(app, [day]).get(day, Figures()).pageviews:
            # The raw rows are gone (retention) but the rollup has them: keep the rollup.
            continue
        store_day(app, day, figures)
        written.append(day)
    return written


def run(
    apps: Iterable[Any], since: date | None, until: date | None, now: datetime | None = None
) -> list[tuple[Any, list[date]]]:
    """The rollup job: for each app, its local days ``since``..``until``.

    Defaults: from two days ago (late engagement beacons are then counted on
    the next run) to yesterday, in each app's timezone. Today is never rolled
    up: reports read it live.
    """
    now = now or datetime.now(UTC)
    done = []
    for app in apps:
        tz = periods.zone(app.timezone or "UTC")
        today = now.astimezone(tz).date()
        last = min(until or today - timedelta(days=1), today - timedelta(days=1))
        first = since or today - timedelta(days=2)
        done.append((app, rollup(app.id, tz, first, last) if first <= last else []))
    return done
