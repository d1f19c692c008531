"""Typed storage errors: Cassandra cannot be used now (as opposed to a bad request)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from cassandra import DriverException
from cassandra.cluster import NoHostAvailable
from cassandra.cqlengine import CQLEngineException


class StorageUnavailableError(Exception):
    """Cassandra cannot be used now: not configured, not reachable, or the driver failed.

    The message is one line, fit for a user: callers answer 503 or exit with a
    ``CommandError``, never match on the text.
    """


class CassandraNotConfiguredError(StorageUnavailableError):
    """No django-cassandra-engine database is configured."""


class CassandraUnavailableError(StorageUnavailableError):
    """The driver has no session (it could not connect)."""


_DRIVER_ERRORS = (NoHostAvailable, DriverException, CQLEngineException)


@contextmanager
def storage_errors() -> Iterator[None]:
    """Turn the driver's many exception types into one :class:`StorageUnavailableError` with a one-line message."""
    try:
        yield
    except StorageUnavailableError:
        raise
    except _DRIVER_ERRORS as exc:
        summary = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise StorageUnavailableError(f"cannot use Cassandra: {type(exc).__name__}: {summary[:300]}") from None
