"""Staff-only dashboard views: the apps, and one page per app in Plausible's spirit."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from . import reports
from .access import staff_required
from .periods import PeriodError, resolve
from .registry import RegistryError, cassandra_errors, get_app, list_apps

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
    except RegistryError:
        return _unavailable(request)
    return render(request, "pageviews/index.html", {"apps": apps})


@staff_required
def app_page(request: HttpRequest, app_id: str) -> HttpResponse:
    try:
        app = get_app(app_id)
    except RegistryError as exc:
        if str(exc).startswith("cannot use Cassandra"):
            return _unavailable(request)
        raise Http404(str(exc)) from None
    name = request.GET.get("period", "30d")
    error = None
    try:
        period = resolve(
            name, reports.app_timezone(app), reports.now(), request.GET.get("since"), request.GET.get("until")
        )
    except PeriodError as exc:
        error = str(exc)
        period = resolve("30d", reports.app_timezone(app), reports.now())
    try:
        with cassandra_errors():
            report = reports.build(app, period)
            current = reports.current_visitors(app)
    except RegistryError:
        return _unavailable(request)
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
        "current": current,
        "tables": [(title, unit, report.breakdown(dimension)) for dimension, title, unit in TABLES],
        "chart": chart,
        "days_live": report.days_live,
        "days_from_rollup": report.days_from_rollup,
    }
    return render(request, "pageviews/app.html", context)
