"""Rollups and reports against the real Cassandra node."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from pageviews.collect.hits import Identity, parse_hit
from pageviews.models import App, DailyTop
from pageviews.reports import build, rollup
from pageviews.reports.periods import local_day_bounds, resolve, zone
from pageviews.storage import queries, writer

NEW_YORK = zone("America/New_York")


def put(app: App, at: datetime, path: str, visitor: uuid.UUID, session: uuid.UUID, **fields: str) -> uuid.UUID:
    identity = Identity(visitor, session, new_visitor=False, new_session=False)
    hit = parse_hit({"app": str(app.id), "path": path, **fields}, identity, ip="", useragent="", received_at=at)
    assert hit is not None
    return writer.cassandra_writer.save(hit)


@pytest.fixture
def ny_app(make_app: Callable[..., App]) -> App:
    app = make_app(name="NY", url="https://ny.test/")
    app.update(timezone="America/New_York")
    return app


@pytest.fixture
def three_days(ny_app: App) -> dict[str, Any]:
    """The same visitor on three local days, and another visitor on the second; two hits at 23:30 local."""
    alice, bob = uuid.uuid4(), uuid.uuid4()
    days = [date(2026, 11, 10), date(2026, 11, 11), date(2026, 11, 12)]
    for day in days:
        start, _ = local_day_bounds(day, NEW_YORK)
        session = uuid.uuid4()
        put(ny_app, start + timedelta(hours=9), "/", alice, session, title="Home")
        put(ny_app, start + timedelta(hours=9, minutes=3), "/blog", alice, session)
        put(ny_app, start + timedelta(hours=23, minutes=30), "/late", alice, uuid.uuid4())  # next UTC day
    start, _ = local_day_bounds(days[1], NEW_YORK)
    put(ny_app, start + timedelta(hours=12), "/contact", bob, uuid.uuid4())
    assert writer.cassandra_writer.stats.wait_idle(10)
    return {"days": days, "alice": alice, "bob": bob}


def test_live_day_reads_both_utc_partitions_of_a_local_day(ny_app: App, three_days: dict[str, Any]) -> None:
    figures = rollup.live_day(ny_app.id, three_days["days"][1], NEW_YORK)
    assert (figures.pageviews, figures.visits, figures.visitors) == (4, 3, 2)
    assert figures.breakdowns["path"]["/late"] == 1


def test_rollup_matches_live_and_is_idempotent(ny_app: App, three_days: dict[str, Any]) -> None:
    days = three_days["days"]
    rollup.rollup(ny_app.id, NEW_YORK, days[0], days[-1])
    stored_top = sorted((r.dimension, r.value, r.count) for r in DailyTop.objects.filter(app=ny_app.id, day=days[1]))
    rolled = queries.load_days(ny_app.id, days)
    assert sorted(rolled) == days
    for day in days:
        live = rollup.live_day(ny_app.id, day, NEW_YORK)
        assert (rolled[day].pageviews, rolled[day].visits, rolled[day].bounces) == (
            live.pageviews,
            live.visits,
            live.bounces,
        )
        assert rolled[day].duration_ms == live.duration_ms
        assert rolled[day].visitors == live.visitors
        assert rolled[day].breakdowns["path"] == live.breakdowns["path"]
    rollup.rollup(ny_app.id, NEW_YORK, days[0], days[-1])  # again: nothing changes
    again = sorted((r.dimension, r.value, r.count) for r in DailyTop.objects.filter(app=ny_app.id, day=days[1]))
    assert again == stored_top
    assert queries.load_days(ny_app.id, days)[days[1]].pageviews == 4


def test_range_visitors_are_not_the_sum_of_daily_visitors(ny_app: App, three_days: dict[str, Any]) -> None:
    days = three_days["days"]
    rollup.rollup(ny_app.id, NEW_YORK, days[0], days[-1])
    now = local_day_bounds(days[-1] + timedelta(days=1), NEW_YORK)[0] + timedelta(hours=10)
    period = resolve("custom", NEW_YORK, now, days[0].isoformat(), days[-1].isoformat())
    report = build.build(ny_app, period, now)
    assert (report.days_from_rollup, report.days_live) == (3, 0)
    assert sum(point.visitors or 0 for point in report.series) == 4  # 1 + 2 + 1 daily uniques
    assert report.headline["visitors"] == 2
    assert report.headline["pageviews"] == 10
    assert report.headline["visits"] == 7
    assert report.breakdown("entry_page")[0] == ("/", 3)


def test_report_without_rollups_reads_raw_partitions(ny_app: App, three_days: dict[str, Any]) -> None:
    days = three_days["days"]
    now = local_day_bounds(days[-1], NEW_YORK)[0] + timedelta(hours=23, minutes=45)
    period = resolve("7d", NEW_YORK, now)
    report = build.build(ny_app, period, now)
    assert (report.days_from_rollup, report.days_live) == (0, 7)
    assert report.headline["pageviews"] == 10
    assert [p.pageviews for p in report.series][-3:] == [3, 4, 3]


def test_today_is_hourly_and_live(make_app: Callable[..., App]) -> None:
    app = make_app(url="https://live.test/")
    now = datetime.now(UTC)
    visitor = uuid.uuid4()
    put(app, now - timedelta(seconds=30), "/now", visitor, uuid.uuid4())
    put(app, now - timedelta(seconds=20), "/now", uuid.uuid4(), uuid.uuid4())
    assert writer.cassandra_writer.stats.wait_idle(10)
    report = build.build(app, resolve("today", zone("UTC"), now), now)
    assert len(report.series) == 24
    assert sum(p.pageviews for p in report.series) == 2
    assert report.headline["pageviews"] == 2
    assert build.current_visitors(app, now) == 2


def test_report_as_dict_has_every_breakdown(ny_app: App, three_days: dict[str, Any]) -> None:
    days = three_days["days"]
    now = local_day_bounds(days[-1], NEW_YORK)[0] + timedelta(hours=23, minutes=45)
    data = build.build(ny_app, resolve("yesterday", NEW_YORK, now), now).as_dict()
    assert data["period"] == {
        "name": "yesterday",
        "from": "2026-11-11",
        "to": "2026-11-11",
        "timezone": "America/New_York",
        "interval": "hour",
    }
    assert len(data["series"]) == 24
    assert set(data["breakdowns"]) >= {"path", "entry_page", "exit_page", "country", "device", "referrer_source"}
    assert data["headline"]["pageviews"] == 4


def test_a_cookieless_visit_across_utc_midnight_is_one_visitor(make_app: Callable[..., App]) -> None:
    app = make_app(url="https://cookieless.test/")
    before, after = uuid.uuid4(), uuid.uuid4()
    midnight = datetime(2026, 11, 20, tzinfo=UTC)
    late = parse_hit(
        {"app": str(app.id), "path": "/late"},
        Identity(before, before, new_visitor=False, new_session=False),
        ip="",
        useragent="",
        received_at=midnight - timedelta(minutes=10),
    )
    assert late is not None
    writer.cassandra_writer.save(dataclasses.replace(late, visitor_next=after))
    put(app, midnight + timedelta(minutes=5), "/early", after, after)
    assert writer.cassandra_writer.stats.wait_idle(10)
    utc = zone("UTC")
    period = resolve("custom", utc, midnight + timedelta(days=2), "2026-11-19", "2026-11-20")
    report = build.build(app, period, midnight + timedelta(days=2))
    assert report.headline["pageviews"] == 2
    assert report.headline["visitors"] == 1
    assert [rollup.live_day(app.id, day, utc).visitors for day in period.days] == [1, 1]  # one a day too
