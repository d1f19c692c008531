"""The only module that speaks CQL on the request path.

One shared driver session per process (django-cassandra-engine's), one
prepared INSERT, asynchronous writes with completion accounting, and the
in-process cache of registered apps that spares every hit a database read.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cassandra.util import uuid_from_time
from django.db import connections

from .conf import conf
from .hits import Hit

logger = logging.getLogger("pageviews.store")

_INSERT_COLUMNS = (
    "app",
    "day",
    "id",
    "visitor",
    "session",
    "path",
    "title",
    "referrer",
    "ip",
    "useragent",
    "platform",
    "language",
    "screensize",
    "pixelratio",
)


class CassandraNotConfiguredError(Exception):
    """No django-cassandra-engine database is configured."""


def cassandra_alias() -> str:
    """``PAGEVIEWS_DATABASE``, else the first django_cassandra_engine alias."""
    if conf.DATABASE:
        return conf.DATABASE
    for alias in connections:
        if connections.settings[alias].get("ENGINE") == "django_cassandra_engine":
            return alias
    raise CassandraNotConfiguredError("DATABASES has no django_cassandra_engine alias")


_KEYSPACE_NAME = re.compile(r"\w{1,48}", re.ASCII)


def qualified(keyspace: str, table: str) -> str:
    """``"keyspace".table`` for CQL text; the keyspace (from settings) is validated."""
    if not _KEYSPACE_NAME.fullmatch(keyspace):
        raise ValueError(f"invalid keyspace name {keyspace!r}")
    return f'"{keyspace}".{table}'


def session_and_keyspace() -> tuple[Any, str]:
    """The shared driver session and the keyspace of the Cassandra alias."""
    wrapper = connections[cassandra_alias()]
    return wrapper.connection.session, wrapper.settings_dict["NAME"]


@dataclass
class WriteStats:
    """Counts of asynchronous writes: started, succeeded, failed, in flight."""

    started: int = 0
    written: int = 0
    failed: int = 0
    _cond: threading.Condition = field(default_factory=threading.Condition, repr=False)

    @property
    def pending(self) -> int:
        return self.started - self.written - self.failed

    def begin(self) -> None:
        with self._cond:
            self.started += 1

    def succeed(self, _result: object = None) -> None:
        with self._cond:
            self.written += 1
            self._cond.notify_all()

    def fail(self, exc: BaseException) -> None:
        with self._cond:
            self.failed += 1
            self._cond.notify_all()
        logger.error("pageview write failed: %r", exc)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until no write is in flight; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: self.pending == 0, timeout)


class PageviewWriter:
    """Writes hits with one prepared statement per session and keyspace."""

    def __init__(self) -> None:
        self.stats = WriteStats()
        self._lock = threading.Lock()
        self._prepared: tuple[int, str, Any] | None = None

    def _statement(self) -> tuple[Any, Any]:
        session, keyspace = session_and_keyspace()
        cached = self._prepared
        if cached is None or cached[0] != id(session) or cached[1] != keyspace:
            with self._lock:
                placeholders = ", ".join("?" for _ in _INSERT_COLUMNS)
                columns = ", ".join(_INSERT_COLUMNS)
                table = qualified(keyspace, "pageviews")
                statement = session.prepare(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})")  # noqa: S608
                cached = self._prepared = (id(session), keyspace, statement)
        return session, cached[2]

    def save(self, hit: Hit, hit_id: uuid.UUID | None = None) -> uuid.UUID:
        """Start writing ``hit`` asynchronously and return its TimeUUID id.

        Never raises: a failure to reach Cassandra is logged and counted.
        """
        hit_id = hit_id or uuid_from_time(hit.received_at)
        self.stats.begin()
        try:
            session, statement = self._statement()
            future = session.execute_async(statement, _row(hit, hit_id))
        except Exception as exc:  # the driver raises many types: never break the page
            self.stats.fail(exc)
            return hit_id
        future.add_callbacks(self.stats.succeed, self.stats.fail)
        return hit_id


def _row(hit: Hit, hit_id: uuid.UUID) -> tuple[object, ...]:
    return (
        hit.app,
        hit.received_at.date(),
        hit_id,
        hit.visitor,
        hit.session,
        hit.path,
        hit.title,
        hit.referrer,
        hit.ip,
        hit.useragent,
        hit.platform,
        hit.language,
        hit.screensize,
        hit.pixelratio,
    )


@dataclass(frozen=True)
class AppsSnapshot:
    """Active app ids and each one's allowed origins, as of ``loaded_at``."""

    origins: Mapping[uuid.UUID, frozenset[str]]
    loaded_at: float

    @property
    def all_origins(self) -> frozenset[str]:
        return frozenset().union(*self.origins.values()) if self.origins else frozenset()


class KnownApps:
    """In-process cache of registered, active apps.

    Loaded once synchronously, then refreshed in the background (an async
    query) when older than ``PAGEVIEWS_APPS_REFRESH_SECONDS``: hits never wait
    on it after the first. A failed refresh keeps the previous snapshot.
    """

    def __init__(self) -> None:
        self._snapshot: AppsSnapshot | None = None
        self._refreshing = False
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        """Forget the snapshot: the next use loads the apps again."""
        self._snapshot = None

    def snapshot(self) -> AppsSnapshot:
        snap = self._snapshot
        if snap is None:
            return self._load_now()
        if time.monotonic() - snap.loaded_at > conf.APPS_REFRESH_SECONDS:
            self._refresh_in_background()
        return snap

    def is_active(self, app: uuid.UUID) -> bool:
        return app in self.snapshot().origins

    def origin_allowed(self, app: uuid.UUID, origin: str) -> bool:
        return origin in self.snapshot().origins.get(app, frozenset())

    def _query(self) -> tuple[Any, str]:
        session, keyspace = session_and_keyspace()
        return session, f"SELECT id, active, origins FROM {qualified(keyspace, 'apps')}"  # noqa: S608

    @staticmethod
    def _build(rows: Any) -> AppsSnapshot:
        # cqlengine's sessions return rows as dicts (dict_factory).
        origins = {row["id"]: frozenset(row["origins"] or ()) for row in rows if row["active"]}
        return AppsSnapshot(origins=origins, loaded_at=time.monotonic())

    def _load_now(self) -> AppsSnapshot:
        try:
            session, query = self._query()
            snap = self._build(session.execute(query))
        except Exception as exc:
            logger.error("could not load the registered apps: %r", exc)
            # Empty, and stale in one second: retried soon, not on every request.
            snap = AppsSnapshot(origins={}, loaded_at=time.monotonic() - conf.APPS_REFRESH_SECONDS + 1.0)
        self._snapshot = snap
        return snap

    def _refresh_in_background(self) -> None:
        with self._lock:
            if self._refreshing:
                return
            self._refreshing = True
        try:
            session, query = self._query()
            future = session.execute_async(query)
        except Exception as exc:
            self._refresh_failed(exc)
            return
        future.add_callbacks(self._refreshed, self._refresh_failed)

    def _refreshed(self, rows: Any) -> None:
        self._snapshot = self._build(rows)
        self._refreshing = False

    def _refresh_failed(self, exc: BaseException) -> None:
        logger.warning("could not refresh the registered apps: %r", exc)
        self._refreshing = False


writer = PageviewWriter()
known_apps = KnownApps()
