"""Report periods in an app's timezone (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pageviews.reports.periods import PeriodError, local_day_bounds, resolve, utc_days, zone

NOW = datetime(2026, 3, 15, 2, 30, tzinfo=UTC)  # 14 March, 22:30 in New York
NEW_YORK = zone("America/New_York")


@pytest.mark.parametrize(
    ("name", "first", "last"),
    [
        ("today", date(2026, 3, 14), date(2026, 3, 14)),
        ("yesterday", date(2026, 3, 13), date(2026, 3, 13)),
        ("7d", date(2026, 3, 8), date(2026, 3, 14)),
        ("30d", date(2026, 2, 13), date(2026, 3, 14)),
        ("month", date(2026, 3, 1), date(2026, 3, 14)),
        ("lastmonth", date(2026, 2, 1), date(2026, 2, 28)),
    ],
)
def test_named_periods_are_local_days(name: str, first: date, last: date) -> None:
    period = resolve(name, NEW_YORK, NOW)
    assert (period.first, period.last) == (first, last)
    assert len(period.days) == (last - first).days + 1


def test_custom_period() -> None:
    period = resolve("custom", NEW_YORK, NOW, "2026-01-30", "2026-02-02")
    assert period.days == [date(2026, 1, 30), date(2026, 1, 31), date(2026, 2, 1), date(2026, 2, 2)]
    assert not period.hourly
    assert resolve("yesterday", NEW_YORK, NOW).hourly


@pytest.mark.parametrize(
    ("name", "since", "until", "message"),
    [
        ("week", None, None, "unknown period 'week'"),
        ("custom", None, "2026-01-01", "needs a start and an end"),
        ("custom", "2026-02-01", "2026-01-01", "ends (2026-01-01) before it starts"),
        ("custom", "yesterday", "2026-01-01", "is not a date"),
    ],
)
def test_bad_periods(name: str, since: str | None, until: str | None, message: str) -> None:
    with pytest.raises(PeriodError, match=message.replace("(", r"\(").replace(")", r"\)")):
        resolve(name, NEW_YORK, NOW, since, until)


def test_unknown_timezone() -> None:
    with pytest.raises(PeriodError, match="unknown timezone"):
        zone("Mars/Olympus_Mons")


def test_a_local_day_spans_two_utc_partitions() -> None:
    start, end = local_day_bounds(date(2026, 3, 14), NEW_YORK)
    assert (start, end) == (datetime(2026, 3, 14, 4, tzinfo=UTC), datetime(2026, 3, 15, 4, tzinfo=UTC))
    assert utc_days(start, end) == [date(2026, 3, 14), date(2026, 3, 15)]


def test_dst_change_day_is_23_hours() -> None:
    start, end = local_day_bounds(date(2026, 3, 8), NEW_YORK)  # clocks spring forward
    assert (end - start).total_seconds() == 23 * 3600


def test_a_utc_day_is_one_partition() -> None:
    start, end = local_day_bounds(date(2026, 3, 14), zone("UTC"))
    assert utc_days(start, end) == [date(2026, 3, 14)]
