"""The shared driver session of django-cassandra-engine, and keyspace-qualified table names."""

from __future__ import annotations

import re
import time
from typing import Any

from cassandra.cqlengine import connection as cqlengine_connection
from django.db import connections

from ..conf import conf
from .errors import CassandraNotConfiguredError, CassandraUnavailableError

#: Seconds the health probe may take.
PROBE_TIMEOUT = 2.0
_KEYSPACE_NAME = re.compile(r"\w{1,48}", re.ASCII)


def cassandra_alias() -> str:
    """``PAGEVIEWS_DATABASE``, else the first django_cassandra_engine alias."""
    if conf.DATABASE:
        return conf.DATABASE
    for alias in connections:
        if connections.settings[alias].get("ENGINE") == "django_cassandra_engine":
            return alias
    raise CassandraNotConfiguredError("DATABASES has no django_cassandra_engine alias")


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
        raise CassandraUnavailableError(f"cannot use Cassandra: no session for {alias!r}")
    return session, wrapper.settings_dict["NAME"]


def probe(timeout: float = PROBE_TIMEOUT) -> dict[str, Any]:
    """Whether Cassandra answers a trivial query now, and how fast: ``{"reachable": bool, "ms"|"error": ...}``."""
    started = time.monotonic()
    try:
        session, _ = session_and_keyspace()
        session.execute("SELECT release_version FROM system.local", timeout=timeout)
    except Exception as exc:  # any failure is "not reachable"; the type names it
        return {"reachable": False, "error": type(exc).__name__}
    return {"reachable": True, "ms": round((time.monotonic() - started) * 1000, 1)}
