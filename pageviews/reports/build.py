"""Reports for the dashboard, the API and the CLI: rollups for past days, raw partitions for today.

A report reads only the day partitions of its period: past days from the
rollup tables when the rollup job has written them, and otherwise (today, or
a day not rolled up yet) from the raw ``pageviews`` partitions of that day.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..models import App
from ..storage import queries
from . import aggregate, periods, rollup
from .aggregate import Figures

#: Breakdown rows a report returns per dimension.
BREAKDOWN_LIMIT = 10
#: "Current visitors": distinct visitors in this many last minutes.
CURRENT_MINUTES = 5


@dataclass(frozen=True)
class Point:
    """One point of the time series: the start of its hour or day, and its counts."""

    start: datetime
    pageviews: int
    visitors: int | None


@dataclass(frozen=True)
class Report:
    """Everything a report shows for one app and period."""

    app: uuid.UUID
    period: periods.Period
    figures: Figures
    series: list[Point]
    days_from_rollup: int
    days_live: int

    @property
    def headline(self) -> dict[str, Any]:
        f = self.figures
        low, high = f.visitors_bounds()
        return {
            "visitors": f.visitors,
            "visitors_bounds": [low, high],
            "visits": f.visits,
            "pageviews": f.pageviews,
            "views_per_visit": round(f.pageviews / f.visits, 2) if f.visits else 0.0,
            "bounce_rate": round(100 * f.bounces / f.visits, 1) if f.visits else 0.0,
            "visit_duration_s": round(f.duration_ms / f.visits / 1000, 1) if f.visits else 0.0,
        }

    def breakdown(self, dimension: str, limit: int = BREAKDOWN_LIMIT) -> list[tuple[str, int]]:
        return aggregate.top(self.figures.breakdowns.get(dimension, Counter()), limit)

    def as_dict(self, limit: int = BREAKDOWN_LIMIT) -> dict[str, Any]:
        """The report as JSON-ready data (the stats API's body)."""
        return {
            "app": str(self.app),
            "period": {
                "name": self.period.name,
                "from": self.period.first.isoformat(),
                "to": self.period.last.isoformat(),
                "timezone": self.period.tz.key,
                "interval": "hour" if self.period.hourly else "day",
            },
            "headline": self.headline,
            "series": [
                {"start": p.start.isoformat(), "pageviews": p.pageviews, "visitors": p.visitors} for p in self.series
            ],
            "breakdowns": {
                dimension: [{"value": value, "count": count} for value, count in self.breakdown(dimension, limit)]
                for dimension in aggregate.ALL_DIMENSIONS
            },
        }


def app_timezone(app: App) -> ZoneInfo:
    return periods.zone(app.timezone or "UTC")


def build(app: App, period: periods.Period, now: datetime | None = None) -> Report:
    """The report of ``app`` over ``period``."""
    now = now or datetime.now(UTC)
    today = now.astimezone(period.tz).date()
    past = [day for day in period.days if day < today]
    rolled = queries.load_days(app.id, past)
    figures = Figures()
    daily: dict[date, Figures] = {}
    for day in period.days:
        if day > today:
            continue
        day_figures = rolled.get(day) or rollup.live_day(app.id, day, period.tz)
        daily[day] = day_figures
        figures.merge(day_figures)
    series = _hourly(app.id, period, now) if period.hourly else _daily(period, daily)
    live = sum(1 for day in daily if day not in rolled)
    return Report(app.id, period, figures, series, days_from_rollup=len(daily) - live, days_live=live)


def _daily(period: periods.Period, daily: dict[date, Figures]) -> list[Point]:
    return [
        Point(
            start=periods.local_midnight(day, period.tz).astimezone(period.tz),
            pageviews=daily[day].pageviews if day in daily else 0,
            visitors=daily[day].visitors if day in daily else 0,
        )
        for day in period.days
    ]


def _hourly(app: uuid.UUID, period: periods.Period, now: datetime) -> list[Point]:
    counts = aggregate.hourly_counts(queries.read_rows(app, period.start_utc, min(period.end_utc, now)), period.tz)
    points = []
    hour = period.start_utc
    while hour < period.end_utc:
        local = hour.astimezone(period.tz)
        points.append(Point(start=local, pageviews=counts.get(local, 0), visitors=None))
        hour += timedelta(hours=1)
    return points


def current_visitors(app: App, now: datetime | None = None) -> int:
    """Distinct visitors in the last :data:`CURRENT_MINUTES` minutes, from today's partition."""
    now = now or datetime.now(UTC)
    rows = queries.read_rows(app.id, now - timedelta(minutes=CURRENT_MINUTES), now + timedelta(seconds=1))
    return len({row.visitor or row.session or row.pv for row in rows})
