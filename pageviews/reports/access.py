"""Who may read reports: staff users (dashboard, API) and per-app read tokens (API)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from ..models import App
from ..storage.registry import token_matches

View = Callable[..., HttpResponse]


def is_staff(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_active and user.is_staff)


def staff_required(view: View) -> View:
    """Anonymous users go to the login page; signed-in users who are not staff get 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_staff(request):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def bearer_token(request: HttpRequest) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def may_read(request: HttpRequest, app: App) -> bool:
    """Staff, or the app's own read token in ``Authorization: Bearer``."""
    token = bearer_token(request)
    return is_staff(request) or (token is not None and token_matches(app, token))
