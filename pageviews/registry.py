"""Registering, listing and removing apps: the service behind the app commands."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from cassandra import DriverException
from cassandra.cluster import NoHostAvailable
from cassandra.concurrent import execute_concurrent_with_args
from cassandra.cqlengine import CQLEngineException

from . import store
from .checks import MAX_RETENTION_DAYS
from .hits import normalize_origin, parse_uuid
from .models import App
from .periods import PeriodError, zone


class RegistryError(ValueError):
    """A bad argument or an unreachable database, with a one-line message for the user."""


_DATABASE_ERRORS = (
    NoHostAvailable,
    DriverException,
    CQLEngineException,
    store.CassandraNotConfiguredError,
    store.CassandraUnavailableError,
)


@contextmanager
def cassandra_errors() -> Iterator[None]:
    """Turn the driver's errors into a one-line RegistryError."""
    try:
        yield
    except _DATABASE_ERRORS as exc:
        summary = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise RegistryError(f"cannot use Cassandra: {type(exc).__name__}: {summary[:300]}") from None


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


@cassandra_errors()
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
    store.known_apps.invalidate()
    return app


@cassandra_errors()
def get_app(app_id: str) -> App:
    """The app with this id; RegistryError if malformed or unknown."""
    parsed = parse_uuid(app_id)
    if parsed is None:
        raise RegistryError(f"{app_id!r} is not a valid app id (a UUID)")
    app: App | None = App.objects.filter(id=parsed).first()
    if app is None:
        raise RegistryError(f"no app with id {parsed}")
    return app


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@cassandra_errors()
def issue_token(app_id: str) -> tuple[App, str]:
    """A new stats API read token for the app (replacing any older one); only its hash is stored."""
    app = get_app(app_id)
    token = secrets.token_urlsafe(32)
    app.update(token_hash=hash_token(token))
    return app, token


def token_matches(app: App, token: str) -> bool:
    """Whether ``token`` is the app's current read token (constant-time comparison)."""
    return bool(app.token_hash) and hmac.compare_digest(app.token_hash, hash_token(token))


@cassandra_errors()
def list_apps() -> list[App]:
    """Every registered app, active or not, by name."""
    return sorted(App.objects.all(), key=lambda app: (app.name.lower(), str(app.id)))


@cassandra_errors()
def deactivate_app(app_id: str) -> App:
    """Stop storing the app's hits; its data is kept."""
    app = get_app(app_id)
    app.update(active=False)
    store.known_apps.invalidate()
    return app


@cassandra_errors()
def delete_app(app_id: str) -> tuple[App, int]:
    """Remove the app and every day partition of its pageviews; returns (app, days)."""
    app = get_app(app_id)
    days = list(_days_since(app.created_at))
    session, keyspace = store.session_and_keyspace()
    statement = session.prepare(
        f"DELETE FROM {store.qualified(keyspace, 'pageviews')} WHERE app = ? AND day = ?"  # noqa: S608
    )
    results = execute_concurrent_with_args(session, statement, [(app.id, day) for day in days], concurrency=32)
    failures = [result for success, result in results if not success]
    if failures:
        raise RegistryError(f"could not delete all pageviews of {app.id}: {failures[0]!r}")
    app.delete()
    store.known_apps.invalidate()
    return app, len(days)


def _days_since(created_at: datetime | None) -> Iterable[date]:
    today = datetime.now(UTC).date()
    first = (created_at.date() if created_at else today) - timedelta(days=1)
    day = first
    while day <= today + timedelta(days=1):
        yield day
        day += timedelta(days=1)
