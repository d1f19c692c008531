"""Aggregation of raw rows into figures (pure)."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

from cassandra.util import uuid_from_time

from pageviews.reports.aggregate import Figures, Row, aggregate, hourly_counts, midnight_aliases, timeuuid_datetime, top
from pageviews.reports.periods import zone

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def row(at: datetime, path: str, visitor: uuid.UUID | None, session: uuid.UUID | None, **extra: str) -> Row:
    fields = dict.fromkeys(("referrer_source", "utm_campaign", "browser", "os", "device", "screensize"), "")
    fields.update(language="", country="")
    fields.update(extra)
    return Row(uuid_from_time(at), uuid.uuid4(), visitor, session, path, **fields)  # type: ignore[arg-type]


def test_timeuuid_datetime_round_trips() -> None:
    assert abs(timeuuid_datetime(uuid_from_time(T0)) - T0) < timedelta(microseconds=1)


def test_visits_bounces_entry_exit_and_duration_from_hit_times() -> None:
    alice, bob = uuid.uuid4(), uuid.uuid4()
    s1, s2, s3 = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    rows = [
        row(T0, "/", alice, s1, country="FR"),
        row(T0 + timedelta(minutes=2), "/blog", alice, s1, country="FR"),
        row(T0 + timedelta(minutes=5), "/about", alice, s1, country="FR"),
        row(T0 + timedelta(hours=3), "/blog", alice, s2, country="FR"),  # a second visit: a bounce
        row(T0, "/contact", bob, s3, country="DE"),  # a bounce
        row(T0, "/", None, None),  # anonymous: a visit of its own, no visitor
    ]
    figures = aggregate(reversed(rows), {})
    assert (figures.pageviews, figures.visits, figures.bounces) == (6, 4, 3)
    assert figures.duration_ms == 5 * 60 * 1000
    assert figures.visitors == 2
    assert figures.breakdowns["entry_page"] == {"/": 2, "/blog": 1, "/contact": 1}
    assert figures.breakdowns["exit_page"] == {"/about": 1, "/blog": 1, "/contact": 1, "/": 1}
    assert figures.breakdowns["path"]["/blog"] == 2
    assert figures.breakdowns["country"] == {"FR": 4, "DE": 1, "": 1}


def test_engaged_time_wins_over_the_gap_between_hits() -> None:
    visitor, session = uuid.uuid4(), uuid.uuid4()
    first, second = row(T0, "/", visitor, session), row(T0 + timedelta(minutes=1), "/b", visitor, session)
    figures = aggregate([first, second], {first.pv: 30_000, second.pv: 45_000})  # type: ignore[dict-item]
    assert figures.duration_ms == 75_000
    bounce = row(T0, "/x", uuid.uuid4(), uuid.uuid4())
    assert aggregate([bounce], {bounce.pv: 12_000}).duration_ms == 12_000  # type: ignore[dict-item]


def test_merging_days_does_not_count_a_returning_visitor_twice() -> None:
    visitor = uuid.uuid4()
    days = [aggregate([row(T0 + timedelta(days=d), "/", visitor, uuid.uuid4())], {}) for d in range(3)]
    total = Figures()
    for day in days:
        total.merge(day)
    assert sum(day.visitors for day in days) == 3
    assert total.visitors == 1
    assert (total.pageviews, total.visits) == (3, 3)


def test_sketch_estimate_is_within_its_bounds() -> None:
    rng = random.Random(12)  # noqa: S311 - fixed ids: a 2-sigma bound misses about 1 random draw in 20
    ids = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(40_000)]
    rows = [row(T0, "/", ids[2 * n], ids[2 * n + 1]) for n in range(20_000)]
    figures = aggregate(rows, {})
    low, high = figures.visitors_bounds()
    assert low <= 20_000 <= high
    assert abs(figures.visitors - 20_000) / 20_000 < 0.05


def test_hourly_counts_in_local_time() -> None:
    rows = [
        row(T0, "/", None, None),
        row(T0 + timedelta(minutes=59), "/", None, None),
        row(T0 + timedelta(hours=1), "/", None, None),
    ]
    counts = hourly_counts(rows, zone("Asia/Kolkata"))  # UTC+5:30
    assert sorted((hour.strftime("%H:%M"), n) for hour, n in counts.items()) == [("15:00", 1), ("16:00", 2)]


def test_top_orders_by_count_then_value_with_empty_last() -> None:
    counts = Counter({"b": 2, "": 2, "a": 2, "c": 5, "d": 1})
    assert top(counts, 4) == [("c", 5), ("a", 2), ("b", 2), ("", 2)]
    assert top(counts, 1) == [("c", 5)]


def test_midnight_aliases_join_a_cookieless_visit_across_midnight() -> None:
    before, after = uuid.uuid4(), uuid.uuid4()
    late = row(T0, "/late", before, before)._replace(visitor_next=after)
    aliases = midnight_aliases([late, row(T0, "/x", uuid.uuid4(), uuid.uuid4())])
    assert aliases == {after: before}
    day_one = aggregate([late], {})
    day_two = aggregate([row(T0 + timedelta(days=1), "/early", after, after)], {}, aliases)
    total = Figures()
    total.merge(day_one)
    total.merge(day_two)
    assert total.visitors == 1
    unjoined = Figures()
    unjoined.merge(day_one)
    unjoined.merge(aggregate([row(T0 + timedelta(days=1), "/early", after, after)], {}))
    assert unjoined.visitors == 2
