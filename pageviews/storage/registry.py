"""Registering, listing and removing apps: the service behind the app commands."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from cassandra.concurrent import execute_concurrent_with_args

from ..checks import MAX_RETENTION_DAYS
from ..collect.hits import normalize_origin, parse_uuid
from ..models import App
from ..reports.periods import PeriodError, zone
from .apps_cache import known_apps
from .errors import storage_errors
from .statements import prepared


class RegistryError(ValueError):
    """A bad argument (name, URL, timezone, retention, app id), with a one-line message for the user.

    Cassandra being unavailable is not a RegistryError: it raises
    :class:`pageviews.storage.errors.StorageUnavailableError`.
    """


class InvalidAppIdError(RegistryError):
    """The app id is not a UUID."""


class AppNotFoundError(RegistryError):
    """No app has this id."""


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of an absolute http(s) URL, lower-cased; RegistryError otherwise."""
    try:
        _ = urlsplit(url.strip()).port
    except ValueError:
        raise RegistryError(f"{url!r} has an invalid port") from None
    origin = normalize_origin(url)
    if origin is None:
        raise RegistryError(f"{url!r} is not an absolute http(s) URL")
    return origin


@storage_errors()
def register_app(
    name: str,
    url: str,
    origins: Iterable[str] = (),
    app_id: uuid.UUID | None = None,
    timezone: str = "UTC",
    retention_days: int | None = None,
) -> App:
    """Create an active app; its URL's origin is always allowed, plus ``origins``."""
    name = name.strip()
    if not name:
        raise RegistryError("the app name is empty")
    allowed = {origin_of(url), *(origin_of(origin) for origin in origins)}
    try:
        zone(timezone)
    except PeriodError as exc:
        raise RegistryError(str(exc)) from None
    if retention_days is not None and not 1 <= retention_days <= MAX_RETENTION_DAYS:
        raise RegistryError(f"retention must be 1 to {MAX_RETENTION_DAYS} days, not {retention_days}")
    if app_id is not None and App.objects.filter(id=app_id).count():
        raise RegistryError(f"an app with id {app_id} already exists")
    app: App = App.create(
        id=app_id or uuid.uuid4(),
        name=name,
        url=url.strip(),
        origins=allowed,
        active=True,
        timezone=timezone,
        retention_days=retention_days,
    )
    known_apps.invalidate()
    return app


@storage_errors()
def get_app(app_id: str) -> App:
    """The app with this id; RegistryError if malformed or unknown."""
    parsed = parse_uuid(app_id)
    if parsed is None:
        raise InvalidAppIdError(f"{app_id!r} is not a valid app id (a UUID)")
    app: App | None = App.objects.filter(id=parsed).first()
    if app is None:
        raise AppNotFoundError(f"no app with id {parsed}")
    return app


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@storage_errors()
def issue_token(app_id: str) -> tuple[App, str]:
    """A new stats API read token for the app (replacing any older one); only its hash is stored."""
    app = get_app(app_id)
    token = secrets.token_urlsafe(32)
    app.update(token_hash=hash_token(token))
    return app, token


def token_matches(app: App, token: str) -> bool:
    """Whether ``token`` is the app's current read token (constant-time comparison)."""
    return bool(app.token_hash) and hmac.compare_digest(app.token_hash, hash_token(token))


@storage_errors()
def list_apps() -> list[App]:
    """Every registered app, active or not, by name."""
    return sorted(App.objects.all(), key=lambda app: (app.name.lower(), str(app.id)))


@storage_errors()
def deactivate_app(app_id: str) -> App:
    """Stop storing the app's hits; its data is kept."""
    app = get_app(app_id)
    app.update(active=False)
    known_apps.invalidate()
    return app


@storage_errors()
def delete_app(app_id: str) -> tuple[App, int]:
    """Remove the app and every day partition of its pageviews; returns (app, days)."""
    app = get_app(app_id)
    days = list(_days_since(app.created_at))
    session, statement = prepared("DELETE FROM {pageviews} WHERE app = ? AND day = ?")
    results = execute_concurrent_with_args(session, statement, [(app.id, day) for day in days], concurrency=32)
    failures = [result for success, result in results if not success]
    if failures:
        raise RegistryError(f"could not delete all pageviews of {app.id}: {failures[0]!r}")
    app.delete()
    known_apps.invalidate()
    return app, len(days)


def _days_since(created_at: datetime | None) -> Iterable[date]:
    today = datetime.now(UTC).date()
    first = (created_at.date() if created_at else today) - timedelta(days=1)
    day = first
    while day <= today + timedelta(days=1):
        yield day
        day += timedelta(days=1)
