"""The one report use case: the dashboard, the API and the CLI validate period, dates and limit alike."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from pageviews.models import App
from pageviews.reports.query import MAX_LIMIT, ReportRequestError, parse_limit, parse_query
from pageviews.storage.registry import AppNotFoundError, InvalidAppIdError, get_app

NOW = datetime(2026, 12, 2, 10, tzinfo=UTC)


def unsaved_app(timezone: str = "Europe/Paris") -> App:
    return App(id=uuid.uuid4(), name="Site", url="https://site.test/", timezone=timezone)


@pytest.mark.parametrize(("value", "expected"), [(None, 10), ("", 10), ("3", 3), (" 7 ", 7), ("0", 1), ("5000", 1000)])
def test_limits_are_whole_numbers_clamped_to_their_bounds(value: object, expected: int) -> None:
    assert parse_limit(value) == expected


@pytest.mark.parametrize("value", ["many", "2.5", True])
def test_other_limits_are_refused(value: object) -> None:
    with pytest.raises(ReportRequestError, match=f"limit must be a whole number from 1 to {MAX_LIMIT}"):
        parse_limit(value)


def test_periods_are_resolved_in_the_apps_timezone() -> None:
    query = parse_query(unsaved_app(), "custom", "2026-11-01", "2026-11-30", "4", now=NOW)
    assert (query.period.first, query.period.last, query.period.tz.key, query.limit) == (
        date(2026, 11, 1),
        date(2026, 11, 30),
        "Europe/Paris",
        4,
    )
    assert parse_query(unsaved_app(), None, default_period="30d", now=NOW).period.name == "30d"


@pytest.mark.parametrize(
    ("period", "since", "until", "message"),
    [
        ("week", None, None, "unknown period 'week'"),
        ("custom", "2026-11-01", None, "needs a start and an end date"),
        ("custom", "2026-11-30", "2026-11-01", "ends"),
        ("custom", "2026-02-30", "2026-03-01", "is not a date"),
    ],
)
def test_bad_periods_are_one_error_type(period: str, since: str | None, until: str | None, message: str) -> None:
    with pytest.raises(ReportRequestError, match=message):
        parse_query(unsaved_app(), period, since, until, now=NOW)


def test_unknown_and_malformed_apps_are_told_apart(cassandra_keyspace: str) -> None:
    with pytest.raises(InvalidAppIdError):
        get_app("nope")
    with pytest.raises(AppNotFoundError):
        get_app(str(uuid.uuid4()))


def test_the_cli_refuses_what_the_api_refuses_in_one_line(app: App) -> None:
    for args, message in [
        (["--limit", "many"], "limit must be a whole number"),
        (["--period", "custom", "--since", "2026-11-02"], "needs a start and an end date"),
    ]:
        with pytest.raises(CommandError, match=message) as error:
            call_command("pageviews_report", str(app.id), *args, stdout=StringIO())
        assert "\n" not in str(error.value)
