"""The one report use case: validate what a caller asks for (app, period, since, until, limit) and build it.

The dashboard, the stats API and ``manage.py pageviews_report`` all go
through :func:`run_report`, so they accept and refuse the same things with the
same messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from ..models import App
from ..storage.errors import storage_errors
from ..storage.registry import get_app
from . import build, periods

#: Breakdown rows per dimension, by default and at most.
DEFAULT_LIMIT = build.BREAKDOWN_LIMIT
MAX_LIMIT = 1000


class ReportRequestError(ValueError):
    """A bad period, date or limit, with a one-line message (a 400, or a ``CommandError``)."""


@dataclass(frozen=True)
class ReportQuery:
    """A validated report request."""

    period: periods.Period
    limit: int


@dataclass(frozen=True)
class ReportResult:
    """A built report, with the app and the query it answers."""

    app: App
    query: ReportQuery
    report: build.Report
    current_visitors: int

    def as_dict(self) -> dict[str, object]:
        """The stats API's body (and ``pageviews_report --json``'s)."""
        return {**self.report.as_dict(self.query.limit), "current_visitors": self.current_visitors}


def parse_limit(value: object) -> int:
    """Rows per breakdown: a whole number, clamped to 1..:data:`MAX_LIMIT`; None is the default."""
    if value is None or value == "":
        return DEFAULT_LIMIT
    if isinstance(value, bool):
        raise ReportRequestError(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ReportRequestError(f"limit must be a whole number from 1 to {MAX_LIMIT}") from None
    return min(max(number, 1), MAX_LIMIT)


def parse_query(
    app: App,
    period: str | None,
    since: str | None = None,
    until: str | None = None,
    limit: object = None,
    *,
    default_period: str = "7d",
    now: datetime | None = None,
) -> ReportQuery:
    """The validated query; :class:`ReportRequestError` for a bad limit, period or date."""
    rows = parse_limit(limit)
    try:
        resolved = periods.resolve(
            period or default_period, build.app_timezone(app), now or datetime.now(UTC), since, until
        )
    except periods.PeriodError as exc:
        raise ReportRequestError(str(exc)) from None
    return ReportQuery(resolved, rows)


def run_query(app: App, query: ReportQuery, now: datetime | None = None) -> ReportResult:
    """Build the report of a validated query; :class:`StorageUnavailableError` when Cassandra fails."""
    with storage_errors():
        report = build.build(app, query.period, now)
        current = build.current_visitors(app, now)
    return ReportResult(app, query, report, current)


def run_report(
    app_id: str,
    period: str | None,
    since: str | None = None,
    until: str | None = None,
    limit: object = None,
    *,
    default_period: str = "7d",
    now: datetime | None = None,
) -> ReportResult:
    """Look the app up, validate the request and build the report.

    Raises ``InvalidAppIdError``/``AppNotFoundError`` (the app),
    :class:`ReportRequestError` (the request) or ``StorageUnavailableError``
    (Cassandra), each with a one-line message.
    """
    app = get_app(app_id)
    query = parse_query(app, period, since, until, limit, default_period=default_period, now=now)
    return run_query(app, query, now)
