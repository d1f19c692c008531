"""Request plumbing of the collect endpoint: fields in, cookies and pixel out."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Literal, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict

from ..conf import conf
from .hits import CLIENT_FIELDS, Identity

logger = logging.getLogger(__name__)

#: The smallest transparent 1x1 GIF (43 bytes).
PIXEL_GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")

SameSite = Literal["Lax", "Strict", "None"]

#: The response header naming what happened to a hit, when PAGEVIEWS_DEBUG_OUTCOME (or DEBUG) is on.
OUTCOME_HEADER = "X-Pageviews-Outcome"
NO_CACHE_HEADERS = {
    "Cache-Control": "no-cache, no-store, must-revalidate",
    "Pragma": "no-cache",
    "Expires": "0",
}


def _whitelisted(source: Mapping[str, object]) -> dict[str, object]:
    """The client fields of ``source`` by canonical name (``PAGEVIEWS_PARAM_NAMES`` maps wire names)."""
    names = conf.PARAM_NAMES
    found: dict[str, object] = {}
    for field in CLIENT_FIELDS:
        wire = names.get(field, field)
        if wire in source:
            found[field] = source[wire]
    return found


def client_fields(request: HttpRequest) -> dict[str, object]:
    """The whitelisted client fields of a GET query or a POST body ({} if unusable).

    POST bodies may be JSON (an object), form-encoded, multipart or
    ``text/plain`` holding a query string (``navigator.sendBeacon`` with a
    string). Bodies, and GET query strings, over ``PAGEVIEWS_MAX_BODY_BYTES``
    are ignored.
    """
    if request.method != "POST":
        if len(request.META.get("QUERY_STRING", "")) > conf.MAX_BODY_BYTES:
            return {}
        return _whitelisted(request.GET)
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return {}
    if declared > conf.MAX_BODY_BYTES:
        return {}
    body = request.body  # read (and measured) even when chunked, without Content-Length
    if len(body) > conf.MAX_BODY_BYTES:
        return {}
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return _whitelisted(request.POST)
    if content_type == "application/json":
        try:
            data = json.loads(body.decode("utf-8", errors="replace"))
        except ValueError:
            return {}
        return _whitelisted(data) if isinstance(data, dict) else {}
    return _whitelisted(QueryDict(body, encoding="utf-8"))


def client_ip(request: HttpRequest) -> str:
    """The raw client address: ``PAGEVIEWS_IP_HEADER`` if set, else REMOTE_ADDR."""
    header = conf.IP_HEADER
    value = request.META.get(header) if header else None
    return str(value or request.META.get("REMOTE_ADDR") or "")


def pixel_response(request: HttpRequest) -> HttpResponse:
    """The normal answer: a GIF to GET, 204 to POST, never cached."""
    if request.method == "POST":
        response = HttpResponse(status=204)
        del response["Content-Type"]
    else:
        response = HttpResponse(PIXEL_GIF, content_type="image/gif")
    for name, value in NO_CACHE_HEADERS.items():
        response[name] = value
    return response


def outcome_shown() -> bool:
    """Whether responses name their outcome: ``PAGEVIEWS_DEBUG_OUTCOME``, else ``DEBUG``."""
    return conf.DEBUG_OUTCOME if conf.DEBUG_OUTCOME is not None else bool(settings.DEBUG)


def show_outcome(response: HttpResponse, outcome: str) -> None:
    """Name the outcome in :data:`OUTCOME_HEADER` (readable by the page's script too) and log it at INFO."""
    response[OUTCOME_HEADER] = outcome.encode("ascii", "backslashreplace").decode("ascii")
    response["Access-Control-Expose-Headers"] = OUTCOME_HEADER
    logger.info("pageview %s", outcome)


def set_identity_cookies(request: HttpRequest, response: HttpResponse, identity: Identity) -> None:
    """Set (and so slide) the visitor and session cookies on every stored hit."""
    secure = conf.COOKIE_SECURE if conf.COOKIE_SECURE is not None else request.is_secure()
    samesite = cast(SameSite, conf.COOKIE_SAMESITE or ("None" if secure else "Lax"))
    for name, value, max_age in (
        (conf.VISITOR_COOKIE_NAME, identity.visitor, conf.VISITOR_COOKIE_AGE),
        (conf.SESSION_COOKIE_NAME, identity.session, conf.SESSION_COOKIE_AGE),
    ):
        response.set_cookie(
            name,
            str(value),
            max_age=max_age,
            domain=conf.COOKIE_DOMAIN,
            secure=secure,
            httponly=True,
            samesite=samesite,
        )
