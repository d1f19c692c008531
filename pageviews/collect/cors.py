"""django-cors-headers hook: allow registered apps' origins on the collect URL only."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from ..storage.apps_cache import known_apps


def allow_registered_origins(sender: Any, request: HttpRequest, **kwargs: Any) -> bool:
    """``check_request_enabled`` receiver: True for an active app's origin on the collect URL."""
    try:
        if request.path != reverse("pageviews:collect"):
            return False
    except NoReverseMatch:
        return False
    origin = request.headers.get("Origin", "")
    return origin in known_apps.snapshot().all_origins
