"""Daily secrets for cookieless ids, shared by every process through Cassandra."""

from __future__ import annotations

import secrets
import threading
import time
from datetime import UTC, date, datetime, timedelta

from .statements import prepared


class SaltUnavailableError(Exception):
    """The day's cookieless salt could not be read or created."""


_CREATE = "INSERT INTO {salts} (day, salt) VALUES (?, ?) IF NOT EXISTS USING TTL ?"


class Salts:
    """The salt of each UTC day, created once, cached in-process, deleted by a TTL 48 hours after its day began.

    A day's salt is created with a lightweight transaction: the first process
    wins, the others read its value. The request path reads Cassandra for it
    once per process and day.
    """

    #: After a failure to reach Cassandra, requests fail fast for this many seconds.
    RETRY_SECONDS = 5.0

    def __init__(self) -> None:
        self._cache: dict[date, bytes] = {}
        self._lock = threading.Lock()
        self._retry_at = 0.0

    def for_day(self, day: date) -> bytes:
        """The salt of UTC ``day``; raises (quickly, during the back-off) when Cassandra cannot give it."""
        salt = self._cache.get(day)
        if salt is None:
            if time.monotonic() < self._retry_at:
                raise SaltUnavailableError(f"no salt for {day}: Cassandra failed less than {self.RETRY_SECONDS} s ago")
            with self._lock:
                try:
                    salt = self._cache.get(day) or self._load_or_create(day)
                except Exception:
                    self._retry_at = time.monotonic() + self.RETRY_SECONDS
                    raise
                self._cache = {d: s for d, s in self._cache.items() if d >= day - timedelta(days=1)}
                self._cache[day] = salt
        return salt

    def forget(self) -> None:
        self._cache = {}

    @staticmethod
    def _load_or_create(day: date) -> bytes:
        session, statement = prepared(_CREATE)
        expires = datetime.combine(day + timedelta(days=2), datetime.min.time(), UTC)
        ttl = max(int((expires - datetime.now(UTC)).total_seconds()), 1)
        candidate = secrets.token_bytes(32)
        row = session.execute(statement, (day, candidate, ttl)).one()
        # Applied: ours is the day's salt; not applied: the result row holds the winner's.
        salt: bytes = candidate if row["[applied]"] else row["salt"]
        return salt


#: This process's cache of daily salts.
salts = Salts()
