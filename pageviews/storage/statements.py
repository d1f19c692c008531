"""The one prepared-statement cache: each CQL text prepared once per session and keyspace.

CQL texts name tables as ``{table}``; :func:`prepared` fills in the
keyspace-qualified name, so callers never format a keyspace themselves.
"""

from __future__ import annotations

import threading
from typing import Any

from . import connection


class _Tables(dict[str, str]):
    """``{table}`` placeholders of a CQL text, each as ``"keyspace".table``."""

    def __init__(self, keyspace: str) -> None:
        super().__init__()
        self.keyspace = keyspace

    def __missing__(self, table: str) -> str:
        return connection.qualified(self.keyspace, table)


class PreparedStatements:
    """Prepared statements by (session, keyspace, CQL text); thread-safe, prepared at most once each."""

    def __init__(self) -> None:
        self._cache: dict[tuple[int, str, str], Any] = {}
        self._lock = threading.Lock()

    def get(self, cql: str) -> tuple[Any, Any]:
        """The session and the prepared statement of ``cql`` (``{table}`` placeholders filled in)."""
        session, keyspace = connection.session_and_keyspace()
        key = (id(session), keyspace, cql)
        statement = self._cache.get(key)
        if statement is None:
            with self._lock:
                statement = self._cache.get(key)
                if statement is None:
                    statement = self._cache[key] = session.prepare(cql.format_map(_Tables(keyspace)))
        return session, statement

    def clear(self) -> None:
        self._cache.clear()


statements = PreparedStatements()


def prepared(cql: str) -> tuple[Any, Any]:
    """The session and the prepared statement of ``cql``, from the process's one cache."""
    return statements.get(cql)
