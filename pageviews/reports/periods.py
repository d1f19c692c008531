"""Report periods in an app's timezone: which local days, and which UTC instants they span.

Pure: no Django, no CQL. Raw pageviews live in UTC-day partitions; a local
day spans one or two of them, and :func:`utc_days` names exactly those.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: Named periods, as the dashboard, the API and the CLI accept them.
PERIODS = ("today", "yesterday", "7d", "30d", "month", "lastmonth", "custom")
#: Periods up to this many days get an hourly series; longer ones a daily series.
HOURLY_MAX_DAYS = 2


class PeriodError(ValueError):
    """An unknown period, a bad date or an unknown timezone, with a one-line message."""


@dataclass(frozen=True)
class Period:
    """Local days ``first``..``last`` (inclusive) in ``tz``."""

    name: str
    first: date
    last: date
    tz: ZoneInfo

    @property
    def days(self) -> list[date]:
        return list(days_between(self.first, self.last))

    @property
    def hourly(self) -> bool:
        return (self.last - self.first).days + 1 <= HOURLY_MAX_DAYS

    @property
    def start_utc(self) -> datetime:
        return local_midnight(self.first, self.tz)

    @property
    def end_utc(self) -> datetime:
        """The first instant after the period."""
        return local_midnight(self.last + timedelta(days=1), self.tz)


def zone(name: str) -> ZoneInfo:
    """The IANA timezone ``name``; PeriodError if unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise PeriodError(f"unknown timezone {name!r}") from None


def days_between(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The UTC instant at which local ``day`` begins in ``tz``."""
    return datetime.combine(day, time.min, tz).astimezone(UTC)


def local_day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """UTC [start, end) of local ``day``."""
    return local_midnight(day, tz), local_midnight(day + timedelta(days=1), tz)


def utc_days(start: datetime, end: datetime) -> list[date]:
    """The UTC-day partitions that hold instants in [start, end)."""
    last = (end - timedelta(microseconds=1)).astimezone(UTC).date()
    return list(days_between(start.astimezone(UTC).date(), last))


def utc_midnights(start: datetime, end: datetime) -> list[datetime]:
    """The UTC midnights in (start, end] and at start: where cookieless ids change."""
    return [
        datetime.combine(day, time.min, UTC)
        for day in utc_days(start, end + timedelta(microseconds=1))
        if start <= datetime.combine(day, time.min, UTC) <= end
    ]


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PeriodError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def resolve(name: str, tz: ZoneInfo, now: datetime, since: str | None = None, until: str | None = None) -> Period:
    """The period ``name`` as of ``now``, in ``tz``; ``custom`` takes ``since`` and ``until`` (inclusive)."""
    today = now.astimezone(tz).date()
    if name == "today":
        return Period(name, today, today, tz)
    if name == "yesterday":
        day = today - timedelta(days=1)
        return Period(name, day, day, tz)
    if name in ("7d", "30d"):
        return Period(name, today - timedelta(days=int(name[:-1]) - 1), today, tz)
    if name == "month":
        return Period(name, today.replace(day=1), today, tz)
    if name == "lastmonth":
        last = today.replace(day=1) - timedelta(days=1)
        return Period(name, last.replace(day=1), last, tz)
    if name == "custom":
        if not since or not until:
            raise PeriodError("a custom period needs a start and an end date")
        first, last = parse_date(since), parse_date(until)
        if last < first:
            raise PeriodError(f"the period ends ({last}) before it starts ({first})")
        if (last - first).days > 3660:
            raise PeriodError("a custom period is at most ten years")
        return Period(name, first, last, tz)
    raise PeriodError(f"unknown period {name!r}; use one of: {', '.join(PERIODS)}")
