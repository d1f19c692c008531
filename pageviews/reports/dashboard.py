"""Staff-only dashboard views: the apps, and one page per app in Plausible's spirit."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from ..storage.errors import StorageUnavailableError
from ..storage.registry import RegistryError, get_app, list_apps
from .access import staff_required
from .query import ReportRequestError, parse_query, run_query

#: Breakdown tables on the app page, with their titles and the count's name.
TABLES = [
    ("path", "Top pages", "Pageviews"),
    ("entry_page", "Entry pages", "Visits"),
    ("exit_page", "Exit pages", "Visits"),
    ("referrer_source", "Sources", "Pageviews"),
    ("utm_campaign", "Campaigns", "Pageviews"),
    ("country", "Countries", "Pageviews"),
    ("browser", "Browsers", "Pageviews"),
    ("os", "Operating systems", "Pageviews"),
    ("device", "Devices", "Pageviews"),
    ("screensize", "Screen sizes", "Pageviews"),
    ("language", "Languages", "Pageviews"),
]
PERIOD_LABELS = {
    "today": "Today",
    "yesterday": "Yesterday",
    "7d": "Last 7 days",
    "30d": "Last 30 days",
    "month": "This month",
    "lastmonth": "Last month",
    "custom": "Custom",
}


def _unavailable(request: HttpRequest) -> HttpResponse:
    return render(request, "pageviews/unavailable.html", status=503)


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    try:
        apps = list_apps()
    except StorageUnavailableError:
        return _unavailable(request)
    return render(request, "pageviews/index.html", {"apps": apps})


@staff_required
def app_page(request: HttpRequest, app_id: str) -> HttpResponse:
    """One app's report; a bad period shows its error above the default period's report."""
    asked = request.GET
    error = None
    try:
        app = get_app(app_id)
        try:
            query = parse_query(app, asked.get("period"), asked.get("since"), asked.get("until"), default_period="30d")
        except ReportRequestError as exc:
            error = str(exc)
            query = parse_query(app, "30d")
        result = run_query(app, query)
    except RegistryError as exc:
        raise Http404(str(exc)) from None
    except StorageUnavailableError:
        return _unavailable(request)
    report, period = result.report, query.period
    chart = {
        "labels": [point.start.isoformat() for point in report.series],
        "x": [int(point.start.timestamp()) for point in report.series],
        "pageviews": [point.pageviews for point in report.series],
        "visitors": [point.visitors for point in report.series],
        "hourly": period.hourly,
    }
    context = {
        "app": app,
        "period": period,
        "periods": PERIOD_LABELS.items(),
        "error": error,
        "headline": report.headline,
        "current": result.current_visitors,
        "tables": [(title, unit, report.breakdown(dimension)) for dimension, title, unit in TABLES],
        "chart": chart,
        "days_live": report.days_live,
        "days_from_rollup": report.days_from_rollup,
    }
    return render(request, "pageviews/app.html", context)
