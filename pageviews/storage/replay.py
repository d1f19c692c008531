"""Replaying the spool: on demand, or in the background once a write succeeds again."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from .apps_cache import KnownApps
from .errors import CassandraUnavailableError
from .spool import Record, ReplayResult, describe, spool

logger = logging.getLogger(__name__)


class Replayer:
    """Writes spooled records back with ``write`` (synchronous, raises on failure), one replay at a time."""

    def __init__(self, write: Callable[[Record], None], apps: KnownApps) -> None:
        self._write = write
        self._apps = apps
        self._lock = threading.Lock()
        self._running = False
        self.last: ReplayResult | None = None

    def run(self) -> ReplayResult:
        """Replay every spool file now (records of apps no longer active are dropped)."""
        self._apps.invalidate()
        snap = self._apps.snapshot()
        if not snap.verified:
            raise CassandraUnavailableError("cannot use Cassandra: the apps cannot be read, the spool is kept")
        active = set(snap.origins)

        def write(record: Record) -> None:
            app = record.row.get("app")
            if app not in active:
                logger.warning("spooled hit of an unknown or inactive app %s dropped", app)
                return
            self._write(record)

        self.last = spool.replay(write)
        spool.appended = 0 if not spool.files() else spool.appended
        return self.last

    def kick(self) -> None:
        """Start a background replay unless one runs."""
        with self._lock:
            if self._running:
                return
            self._running = True
        threading.Thread(target=self._background, name="pageviews-replay", daemon=True).start()

    def _background(self) -> None:
        try:
            result = self.run()
            if result.replayed or result.corrupt:
                logger.warning("spool replayed: %s", describe(result))
        except Exception:
            logger.exception("spool replay failed")
        finally:
            self._running = False
