"""The stats API: JSON reports for a staff session or an app's read token."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from ..storage.errors import StorageUnavailableError
from ..storage.registry import RegistryError, get_app
from .access import bearer_token, is_staff, may_read
from .query import ReportRequestError, parse_query, run_query

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
        app = get_app(app_id)
    except RegistryError as exc:
        return _error(404, str(exc)) if is_staff(request) else _refusal(request)  # no probing for ids
    except StorageUnavailableError:
        return _error(503, UNAVAILABLE)
    if not may_read(request, app):
        return _refusal(request)
    asked = request.GET
    try:
        query = parse_query(app, asked.get("period"), asked.get("since"), asked.get("until"), asked.get("limit"))
        result = run_query(app, query)
    except ReportRequestError as exc:
        return _error(400, str(exc))
    except StorageUnavailableError:
        return _error(503, UNAVAILABLE)
    return JsonResponse(result.as_dict())
