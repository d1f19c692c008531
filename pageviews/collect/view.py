"""Thin HTTP views: the collect endpoint."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import http
from .ingest import CollectRequest, Outcome, ingest

logger = logging.getLogger(__name__)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def collect_view(request: HttpRequest) -> HttpResponse:
    """Record one hit; always answer with the pixel (GET) or 204 (POST)."""
    response = http.pixel_response(request)
    outcome: Outcome | None = None
    try:
        outcome = ingest(
            CollectRequest(
                fields=http.client_fields(request),
                cookies=request.COOKIES,
                headers=request.headers,
                ip=http.client_ip(request),
                useragent=request.META.get("HTTP_USER_AGENT", ""),
                received_at=datetime.now(UTC),
            )
        )
        if outcome.cookies is not None:
            http.set_identity_cookies(request, response, outcome.cookies)
    except Exception as exc:  # the page must never see an error from us
        logger.exception("pageview not recorded")
        outcome = Outcome("error", detail=type(exc).__name__)
    if outcome is not None and http.outcome_shown():
        http.show_outcome(response, outcome.describe())
    return response
