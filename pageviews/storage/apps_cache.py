"""The in-process cache of registered, active apps: the request path never reads the apps table per hit."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..conf import conf
from . import connection

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AppsSnapshot:
    """Active app ids, each one's allowed origins and retention, as of ``loaded_at``."""

    origins: Mapping[uuid.UUID, frozenset[str]]
    loaded_at: float
    retention_days: Mapping[uuid.UUID, int] = field(default_factory=dict)
    #: False when the apps could not be read (Cassandra down): hits are then taken
    #: (and spooled), and the replay drops those of apps that are not active.
    verified: bool = True

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
        snap = self.snapshot()
        return app in snap.origins or not snap.verified

    def origin_allowed(self, app: uuid.UUID, origin: str) -> bool:
        snap = self.snapshot()
        return origin in snap.origins.get(app, frozenset()) or not snap.verified

    def ttl_seconds(self, app: uuid.UUID) -> int:
        """Seconds the app's raw hits live: its retention, else PAGEVIEWS_RETENTION_DAYS; 0 is forever."""
        days = self.snapshot().retention_days.get(app) or conf.RETENTION_DAYS or 0
        return days * 24 * 60 * 60

    def _query(self) -> tuple[Any, str]:
        session, keyspace = connection.session_and_keyspace()
        table = connection.qualified(keyspace, "apps")
        return session, f"SELECT id, active, origins, retention_days FROM {table}"  # noqa: S608

    @staticmethod
    def _build(rows: Any) -> AppsSnapshot:
        # cqlengine's sessions return rows as dicts (dict_factory).
        active = [row for row in rows if row["active"]]
        return AppsSnapshot(
            origins={row["id"]: frozenset(row["origins"] or ()) for row in active},
            loaded_at=time.monotonic(),
            retention_days={row["id"]: row["retention_days"] for row in active if row["retention_days"]},
        )

    def _load_now(self) -> AppsSnapshot:
        try:
            session, query = self._query()
            snap = self._build(session.execute(query))
        except Exception as exc:
            logger.error("could not load the registered apps: %r", exc)
            # Unknown, and stale in one second: retried soon, not on every request.
            previous = self._snapshot
            if previous is not None and previous.verified:
                return previous
            snap = AppsSnapshot(
                origins={}, loaded_at=time.monotonic() - conf.APPS_REFRESH_SECONDS + 1.0, verified=False
            )
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


#: This process's cache of the registered apps.
known_apps = KnownApps()
