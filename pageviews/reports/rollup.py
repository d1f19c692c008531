"""Live figures of a local day from its raw partitions, and the idempotent rollup into ``daily_stats``/``daily_top``.

A local day of an app's timezone is read from the one or two UTC-day
partitions it spans, restricted by TimeUUID to the day's instants; its
engagement beacons from the same UTC days and the next one. Rolling a day up
twice writes the same rows: the day's ``daily_top`` partition is deleted and
written anew, and its ``daily_stats`` row overwritten.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..conf import conf
from ..storage import queries
from . import aggregate, periods
from .aggregate import Figures, Row


def live_day(app: uuid.UUID, day: date, tz: ZoneInfo) -> Figures:
    """A local day's figures computed from its raw partitions.

    Cookieless ids change at UTC midnight: the rows of the half hour before
    the day's UTC midnights tell which new ids continue an earlier visitor.
    """
    start, end = periods.local_day_bounds(day, tz)
    rows = queries.read_rows(app, start, end)
    aliases: dict[uuid.UUID, uuid.UUID] = {}
    if any(_cookieless(row) for row in rows):
        for midnight in periods.utc_midnights(start, end):
            before = queries.read_rows(app, midnight - timedelta(seconds=conf.SESSION_COOKIE_AGE), midnight)
            aliases.update(aggregate.midnight_aliases(before))
    return aggregate.aggregate(rows, queries.read_engaged(app, start, end), aliases)


def _cookieless(row: Row) -> bool:
    """A cookieless row: its session id is its visitor id (the day's hash)."""
    return row.visitor is not None and row.visitor == row.session


def rollup(app: uuid.UUID, tz: ZoneInfo, first: date, last: date) -> list[date]:
    """Roll up the local days ``first``..``last`` of one app; returns the days written."""
    written = []
    for day in periods.days_between(first, last):
        figures = live_day(app, day, tz)
        if not figures.pageviews and queries.load_days(app, [day]).get(day, Figures()).pageviews:
            # The raw rows are gone (retention) but the rollup has them: keep the rollup.
            continue
        queries.store_day(app, day, figures, conf.ROLLUP_TOP_N)
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
