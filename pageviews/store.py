"""The only module that speaks CQL on the request path.

One shared driver session per process (django-cassandra-engine's), one
prepared INSERT, asynchronous writes with completion accounting, and the
in-process cache of registered apps that spares every hit a database read.
"""

from __future__ import annotations

import atexit
import logging
import re
import secrets
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from cassandra.cqlengine import connection as cqlengine_connection
from cassandra.query import UNSET_VALUE
from cassandra.util import uuid_from_time
from django.db import connections

from .conf import conf
from .hits import Engagement, Event, Hit
from .spool import Record, ReplayResult, describe, spool

logger = logging.getLogger("pageviews.store")
#: Seconds a replayed write may take.
REPLAY_TIMEOUT = 10.0
#: How often a process looks for spool files of other processes to replay.
SPOOL_CHECK_SECONDS = 60.0

#: Columns of ``pageviews`` after its key (app, day, id), each a field of :class:`Hit`.
PAGEVIEW_COLUMNS = (
    "pv",
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
    "host",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "browser",
    "browser_version",
    "os",
    "os_version",
    "device",
    "is_bot",
    "referrer_host",
    "referrer_source",
    "country",
    "visitor_next",
)
EVENT_COLUMNS = ("name", "url", "path", "pv", "visitor", "session")
ENGAGEMENT_COLUMNS = ("app", "day", "pv", "engaged_ms", "updated_at")
#: The INSERTs the writer makes (and so the only ones a spool replay may make).
WRITABLE = {
    "pageviews": ("app", "day", "id", *PAGEVIEW_COLUMNS),
    "events": ("app", "day", "id", *EVENT_COLUMNS),
    "engagement": ENGAGEMENT_COLUMNS,
}


def unset_nulls(values: tuple[object, ...]) -> tuple[object, ...]:
    """None as UNSET: a null would write a tombstone per empty column, read back on every scan."""
    return tuple(UNSET_VALUE if value is None else value for value in values)


class BackPressureError(Exception):
    """Too many writes in flight: the hit was spooled instead of sent."""


class SpoolRecordError(ValueError):
    """A spool line that is not one of the writer's INSERTs."""


class CassandraNotConfiguredError(Exception):
    """No django-cassandra-engine database is configured."""


class CassandraUnavailableError(Exception):
    """The driver has no session (it could not connect)."""


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
    """The shared driver session and the keyspace of the Cassandra alias.

    With ``lazy_connect``, cqlengine marks the connection as made before it is
    (its handle_lazy_connect clears the flag, then connects under a lock), so a
    second thread can get ``None`` meanwhile: wait on that lock for the first.
    """
    alias = cassandra_alias()
    wrapper = connections[alias]
    session = wrapper.connection.session
    if session is None:
        with cqlengine_connection.get_connection(alias).lazy_connect_lock:
            session = wrapper.connection.session
    if session is None:
        raise CassandraUnavailableError(f"no Cassandra session for {alias!r}")
    return session, wrapper.settings_dict["NAME"]


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


class Writer:
    """Writes hits asynchronously, with one prepared statement per table, session and keyspace."""

    def __init__(self) -> None:
        self.stats = WriteStats()
        self._lock = threading.Lock()
        self._prepared: dict[tuple[int, str, str], Any] = {}
        self._next_spool_check = 0.0

    def _statement(self, table: str, columns: tuple[str, ...], ttl: bool) -> tuple[Any, Any]:
        session, keyspace = session_and_keyspace()
        key = (id(session), keyspace, table)
        statement = self._prepared.get(key)
        if statement is None:
            with self._lock:
                placeholders = ", ".join("?" for _ in columns)
                target = qualified(keyspace, table)
                cql = f"INSERT INTO {target} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608
                statement = self._prepared[key] = session.prepare(cql + (" USING TTL ?" if ttl else ""))
        return session, statement

    def _write(self, table: str, columns: tuple[str, ...], values: tuple[object, ...], ttl: int | None = None) -> None:
        """Start one INSERT (``ttl``: seconds to live, 0 forever); never raises: a failed write is spooled."""
        self.stats.begin()
        record: Record = (table, columns, values if ttl is None else (*values, ttl), ttl is not None)
        if self.stats.pending > conf.MAX_PENDING_WRITES:
            # Cassandra is not keeping up: queue on disk, not in memory (replayed once writes succeed).
            self._failed(BackPressureError(f"{self.stats.pending} writes in flight"), record)
            return
        try:
            session, statement = self._statement(table, columns, ttl is not None)
            future = session.execute_async(statement, unset_nulls(record[2]))
        except Exception as exc:  # the driver raises many types: never break the page
            self._failed(exc, record)
            return
        future.add_callbacks(self._succeeded, self._failed, errback_args=(record,))

    def _failed(self, exc: BaseException, record: Record) -> None:
        spool.append(record)  # before counting: once wait_idle() returns, the hit is on disk
        self.stats.fail(exc)

    def _succeeded(self, _result: object = None) -> None:
        self.stats.succeed()
        if not conf.AUTO_REPLAY:
            return
        now = time.monotonic()
        if spool.appended or now >= self._next_spool_check:
            # Our own failures at once; files of other (perhaps gone) processes once a minute.
            self._next_spool_check = now + SPOOL_CHECK_SECONDS
            if spool.appended or spool.files():
                replayer.kick()

    def write_record(self, record: Record) -> None:
        """Write one spooled record synchronously (replay); raises on failure.

        Only the INSERTs this module makes are accepted: a spool line naming
        another table or other columns is refused (the files are data, not code).
        """
        table, columns, values, ttl = record
        if WRITABLE.get(table) != columns or not ttl:
            raise SpoolRecordError(f"not a pageviews write: {table} {columns}")
        session, statement = self._statement(table, columns, ttl)
        session.execute(statement, unset_nulls(values), timeout=REPLAY_TIMEOUT)

    def pageview_statement(self) -> tuple[Any, Any]:
        """The session and the prepared pageview INSERT (with its TTL marker), for bulk loaders."""
        return self._statement("pageviews", ("app", "day", "id", *PAGEVIEW_COLUMNS), ttl=True)

    def save(self, hit: Hit, hit_id: uuid.UUID | None = None) -> uuid.UUID:
        """Start writing a pageview and return its TimeUUID id."""
        hit_id = hit_id or uuid_from_time(hit.received_at)
        values = (hit.app, hit.received_at.date(), hit_id, *(getattr(hit, name) for name in PAGEVIEW_COLUMNS))
        self._write("pageviews", ("app", "day", "id", *PAGEVIEW_COLUMNS), values, known_apps.ttl_seconds(hit.app))
        return hit_id

    def save_engagement(self, engagement: Engagement) -> None:
        """Start writing the engaged time of a pageview (the latest value wins)."""
        values = (
            engagement.app,
            engagement.received_at.date(),
            engagement.pv,
            engagement.engaged_ms,
            engagement.received_at,
        )
        ttl = known_apps.ttl_seconds(engagement.app)
        self._write("engagement", ENGAGEMENT_COLUMNS, values, ttl)

    def save_event(self, event: Event) -> uuid.UUID:
        """Start writing an outbound/download click and return its TimeUUID id."""
        event_id: uuid.UUID = uuid_from_time(event.received_at)
        values = (event.app, event.received_at.date(), event_id, *(getattr(event, name) for name in EVENT_COLUMNS))
        self._write("events", ("app", "day", "id", *EVENT_COLUMNS), values, known_apps.ttl_seconds(event.app))
        return event_id


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
        session, keyspace = session_and_keyspace()
        return session, f"SELECT id, active, origins, retention_days FROM {qualified(keyspace, 'apps')}"  # noqa: S608

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


class SaltUnavailableError(Exception):
    """The day's cookieless salt could not be read or created."""


class Salts:
    """Daily secrets for cookieless ids, shared by every process through Cassandra.

    A day's salt is created once (a lightweight transaction: the first
    process wins, the others read its value), cached in-process, and stored
    with a TTL that deletes it 48 hours after its day began. The request path
    reads Cassandra for it once per process and day.
    """

    def __init__(self) -> None:
        self._cache: dict[date, bytes] = {}
        self._lock = threading.Lock()
        self._retry_at = 0.0

    #: After a failure to reach Cassandra, requests fail fast for this many seconds.
    RETRY_SECONDS = 5.0

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
        session, keyspace = session_and_keyspace()
        expires = datetime.combine(day + timedelta(days=2), datetime.min.time(), UTC)
        ttl = max(int((expires - datetime.now(UTC)).total_seconds()), 1)
        table = qualified(keyspace, "salts")
        candidate = secrets.token_bytes(32)
        row = session.execute(
            f"INSERT INTO {table} (day, salt) VALUES (%s, %s) IF NOT EXISTS USING TTL %s",  # noqa: S608
            (day, candidate, ttl),
        ).one()
        # Applied: ours is the day's salt; not applied: the result row holds the winner's.
        salt: bytes = candidate if row["[applied]"] else row["salt"]
        return salt


class Replayer:
    """Replays the spool: on demand, or in the background after a write succeeds again."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = False
        self.last: ReplayResult | None = None

    def run(self) -> ReplayResult:
        """Replay every spool file now (records of apps no longer active are dropped)."""
        known_apps.invalidate()
        snap = known_apps.snapshot()
        if not snap.verified:
            raise CassandraUnavailableError("the registered apps cannot be read: the spool is kept")
        active = set(snap.origins)

        def write(record: Record) -> None:
            if record[2] and record[2][0] not in active:
                logger.warning("spooled hit of an unknown or inactive app %s dropped", record[2][0])
                return
            writer.write_record(record)

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


writer = Writer()
replayer = Replayer()
#: Seconds a stopping process waits for its writes in flight (a deploy's graceful restart).
DRAIN_SECONDS = 5.0


@atexit.register
def _drain() -> None:
    if writer.stats.pending and not writer.stats.wait_idle(DRAIN_SECONDS):
        logger.error("%d pageview writes still in flight at exit", writer.stats.pending)


known_apps = KnownApps()
salts = Salts()
