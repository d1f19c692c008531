"""The stats API: JSON reports for a staff session or an app's read token."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from . import reports
from .access import bearer_token, is_staff, may_read
from .periods import PeriodError, resolve
from .registry import RegistryError, cassandra_errors, get_app

UNAVAILABLE = "the stats store (Cassandra) is unavailable; try again later"


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _refusal(request: HttpRequest) -> JsonResponse:
    user = getattr(request, "user", None)
    if bearer_token(request) or (user is not None and user.is_authenticated):
        return _error(403, "not allowed to read this app's stats")
    return _error(401, "authentication required: a staff session or 'Authorization: Bearer <read token>'")


@require_GET
def stats(request: HttpRequest, app_id: str) -> JsonResponse:
    """``GET .../api/apps/<id>/stats/?period=7d[&since=&until=][&limit=10]``: the report as JSON."""
    if not is_staff(request) and not bearer_token(request):
        return _refusal(request)
    try:
        with cassandra_errors():
            app = get_app(app_id)
    except RegistryError as exc:
        if str(exc).startswith("cannot use Cassandra"):
            return _error(503, UNAVAILABLE)
        return _error(404, str(exc)) if is_staff(request) else _refusal(request)  # no probing for ids
    if not may_read(request, app):
        return _refusal(request)
    try:
        limit = min(max(int(request.GET.get("limit", reports.BREAKDOWN_LIMIT)), 1), 1000)
    except ValueError:
        return _error(400, "limit must be a whole number from 1 to 1000")
    try:
        period = resolve(
            request.GET.get("period", "7d"),
            reports.app_timezone(app),
            reports.now(),
            request.GET.get("since"),
            request.GET.get("until"),
        )
    except PeriodError as exc:
        return _error(400, str(exc))
    try:
        with cassandra_errors():
            report = reports.build(app, period)
            current = reports.current_visitors(app)
    except RegistryError:
        return _error(503, UNAVAILABLE)
    return JsonResponse({**report.as_dict(limit), "current_visitors": current})
