"""The write path to Cassandra: one prepared INSERT per table, asynchronous writes, the spool on failure.

:class:`CassandraWriter` is the default writer; ``PAGEVIEWS_WRITER_CLASS``
names another (any class with the methods of
:class:`pageviews.collect.ingest.HitWriter`), and :func:`get_writer` gives the
process's instance.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.signals import setting_changed
from django.utils.module_loading import import_string

from ..collect.hits import Engagement, Event, Hit
from ..conf import conf
from .apps_cache import KnownApps, known_apps
from .replay import Replayer
from .rows import WRITABLE, bind_values, engagement_row, event_row, insert_cql, new_id, pageview_row
from .spool import Record, spool
from .statements import prepared

if TYPE_CHECKING:
    from ..collect.ingest import HitWriter

logger = logging.getLogger(__name__)
#: Seconds a replayed write may take.
REPLAY_TIMEOUT = 10.0
#: How often a process looks for spool files of other processes to replay.
SPOOL_CHECK_SECONDS = 60.0
#: Seconds a stopping process waits for its writes in flight (a deploy's graceful restart).
DRAIN_SECONDS = 5.0


class BackPressureError(Exception):
    """Too many writes in flight: the hit was spooled instead of sent."""


class SpoolRecordError(ValueError):
    """A spool line that is not one of the writer's INSERTs."""


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

    def as_dict(self) -> dict[str, int]:
        return {"started": self.started, "written": self.written, "failed": self.failed, "pending": self.pending}


class CassandraWriter:
    """Writes each hit with its own asynchronous INSERT; a failed write goes to the spool, replayed later."""

    def __init__(self, apps: KnownApps | None = None) -> None:
        self.apps = apps or known_apps
        self.stats = WriteStats()
        self.replayer = Replayer(self.write_record, self.apps)
        self._next_spool_check = 0.0

    # -- HitWriter ---------------------------------------------------------------------------------------

    def save(self, hit: Hit, hit_id: uuid.UUID | None = None) -> uuid.UUID:
        """Start writing a pageview and return its TimeUUID id."""
        hit_id = hit_id or new_id(hit.received_at)
        self._write(Record("pageviews", pageview_row(hit, hit_id), self.apps.ttl_seconds(hit.app)))
        return hit_id

    def save_event(self, event: Event) -> uuid.UUID:
        """Start writing an outbound/download click and return its TimeUUID id."""
        event_id = new_id(event.received_at)
        self._write(Record("events", event_row(event, event_id), self.apps.ttl_seconds(event.app)))
        return event_id

    def save_engagement(self, engagement: Engagement) -> None:
        """Start writing the engaged time of a pageview (the latest value wins)."""
        self._write(Record("engagement", engagement_row(engagement), self.apps.ttl_seconds(engagement.app)))

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until every write started has succeeded or been spooled; False on timeout."""
        return self.stats.wait_idle(timeout)

    def counts(self) -> dict[str, int]:
        """Writes started, written, failed (and spooled) and in flight, in this process."""
        return self.stats.as_dict()

    # -- Cassandra ---------------------------------------------------------------------------------------

    def _write(self, record: Record) -> None:
        """Start one INSERT (the record's TTL: seconds to live, 0 forever); never raises: a failure is spooled."""
        self.stats.begin()
        if self.stats.pending > conf.MAX_PENDING_WRITES:
            # Cassandra is not keeping up: queue on disk, not in memory (replayed once writes succeed).
            self._failed(BackPressureError(f"{self.stats.pending} writes in flight"), record)
            return
        try:
            session, statement = prepared(insert_cql(record.table, ttl=record.ttl is not None))
            future = session.execute_async(statement, bind_values(record.row, record.ttl))
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
                self.replayer.kick()

    def write_record(self, record: Record) -> None:
        """Write one spooled record synchronously (replay); raises on failure.

        Only the INSERTs this module makes are accepted: a spool line naming
        another table or other columns is refused (the files are data, not code).
        """
        if WRITABLE.get(record.table) != tuple(record.row) or record.ttl is None:
            raise SpoolRecordError(f"not a pageviews write: {record.table} {tuple(record.row)}")
        session, statement = prepared(insert_cql(record.table, ttl=True))
        session.execute(statement, bind_values(record.row, record.ttl), timeout=REPLAY_TIMEOUT)

    def pageview_statement(self) -> tuple[Any, Any]:
        """The session and the prepared pageview INSERT (named markers, TTL included), for bulk loaders."""
        return prepared(insert_cql("pageviews", ttl=True))

    def pageview_values(self, hit: Hit) -> dict[str, object]:
        """The bound values of a hit's pageview INSERT, as :meth:`save` binds them."""
        return bind_values(pageview_row(hit, new_id(hit.received_at)), self.apps.ttl_seconds(hit.app))


#: The process's Cassandra writer: the default ``PAGEVIEWS_WRITER_CLASS``, the spool's replayer.
cassandra_writer = CassandraWriter()
_writers: dict[str, HitWriter] = {}
_writers_lock = threading.Lock()


def get_writer() -> HitWriter:
    """The process's writer of the class ``PAGEVIEWS_WRITER_CLASS`` names (one instance per class)."""
    path = conf.WRITER_CLASS
    writer = _writers.get(path)
    if writer is None:
        with _writers_lock:
            writer = _writers.get(path)
            if writer is None:
                cls = import_string(path)
                writer = _writers[path] = cassandra_writer if cls is CassandraWriter else cls()
    return writer


def _forget_writers(*, setting: str, **kwargs: Any) -> None:
    if setting == "PAGEVIEWS_WRITER_CLASS":
        _writers.clear()


setting_changed.connect(_forget_writers, dispatch_uid="pageviews.storage.writer")


@atexit.register
def _drain() -> None:
    for writer in {id(w): w for w in (cassandra_writer, *_writers.values())}.values():
        if not writer.wait_idle(DRAIN_SECONDS):
            logger.error("pageview writes still in flight at exit: %s", writer.counts())
