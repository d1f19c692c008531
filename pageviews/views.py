"""Thin HTTP views: the collect endpoint."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import collect, hits, store
from .conf import conf

logger = logging.getLogger("pageviews.views")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def collect_view(request: HttpRequest) -> HttpResponse:
    """Record one pageview; always answer with the pixel (GET) or 204 (POST)."""
    response = collect.pixel_response(request)
    try:
        _record(request, response)
    except Exception:  # the page must never see an error from us
        logger.exception("pageview not recorded")
    return response


def _record(request: HttpRequest, response: HttpResponse) -> None:
    identity = hits.identity_from_cookies(request.COOKIES, conf.VISITOR_COOKIE_NAME, conf.SESSION_COOKIE_NAME)
    hit = hits.parse_hit(
        collect.client_fields(request),
        identity,
        ip=collect.client_ip(request),
        useragent=request.META.get("HTTP_USER_AGENT", ""),
        received_at=datetime.now(UTC),
    )
    if hit is None or not store.known_apps.is_active(hit.app):
        return
    origin = request.headers.get("Origin")
    if origin is not None and not store.known_apps.origin_allowed(hit.app, origin):
        return
    store.writer.save(hit)
    collect.set_identity_cookies(request, response, identity)
