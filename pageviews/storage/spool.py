"""The local durable spool: hits whose write failed, kept on disk until Cassandra takes them back.

Each process appends to a file of its own, ``spool-<host>-<pid>.jsonl`` in
``PAGEVIEWS_SPOOL_DIR``, one JSON line per failed INSERT: the table, the
columns and the values (the hit's original TimeUUID among them, so a replay
rewrites the same row: replaying twice creates no duplicates). Durability
follows ``PAGEVIEWS_SPOOL_FSYNC``: ``always`` (fsync every line), ``interval``
(flush every line, fsync at most once a second) or ``never`` (leave it to
the OS).

Replay takes a file by renaming it to ``*.replaying`` (a writer that still
has it open notices and opens a new file), waits for any append in progress
(``flock``), writes its lines back, and deletes it. A corrupt or truncated
line is skipped and counted; a line Cassandra refuses goes back to the spool.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from ..conf import conf

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Record:
    """A spooled INSERT: the table, the row by column name, and its TTL in seconds (0: forever; None: no TTL)."""

    table: str
    row: Mapping[str, object]
    ttl: int | None


def _encode(value: object) -> object:
    if isinstance(value, uuid.UUID):
        return {"uuid": str(value)}
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return {"date": value.date().isoformat()} if hasattr(value, "date") else str(value)  # Cassandra's Date


_DECODERS: dict[str, Callable[[str], object]] = {
    "uuid": uuid.UUID,
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
}


def _decode(value: object) -> object:
    if isinstance(value, dict):
        [(kind, text)] = value.items()
        return _DECODERS[kind](text)
    return value


def encode_line(record: Record) -> str:
    """One JSON line: the table, the column names, their values (then the TTL, if any) and the time spooled."""
    values = [*record.row.values(), *(() if record.ttl is None else (record.ttl,))]
    line = {
        "table": record.table,
        "columns": list(record.row),
        "values": [_encode(v) for v in values],
        "ttl": record.ttl is not None,
        "at": time.time(),
    }
    return json.dumps(line) + "\n"


def decode_line(line: str) -> Record:
    """The record of a spool line; ValueError (or KeyError/TypeError) when it is corrupt or truncated."""
    data = json.loads(line)
    columns = [str(c) for c in data["columns"]]
    values = [_decode(v) for v in data["values"]]
    has_ttl = bool(data["ttl"])
    if not isinstance(data["table"], str) or len(values) != len(columns) + has_ttl:
        raise ValueError("columns and values do not match")
    ttl = values.pop() if has_ttl else None
    if ttl is not None and (isinstance(ttl, bool) or not isinstance(ttl, int)):
        raise ValueError(f"the TTL is not a whole number: {ttl!r}")
    return Record(data["table"], dict(zip(columns, values, strict=True)), ttl)


@dataclass
class ReplayResult:
    files: int = 0
    replayed: int = 0
    corrupt: int = 0
    returned: int = 0
    errors: list[str] = field(default_factory=list)


class Spool:
    """This process's spool file, and the replay of every spool file in the directory."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._file: IO[str] | None = None
        self._path: Path | None = None
        self._synced_at = 0.0
        self.appended = 0
        self.lost = 0

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = self._path = None

    @staticmethod
    def directory() -> Path:
        return Path(conf.SPOOL_DIR)

    def _current(self) -> bool:
        """Whether our open file is still the one at our path (a replay renames it away)."""
        if self._file is None or self._path is None:
            return False
        try:
            return os.stat(self._path).st_ino == os.fstat(self._file.fileno()).st_ino
        except FileNotFoundError:
            return False

    def _open(self) -> IO[str]:
        path = self.directory() / f"spool-{socket.gethostname()}-{os.getpid()}.jsonl"
        if self._file is not None and self._path == path and self._current():
            return self._file
        if self._file is not None:
            self._file.close()
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self._file, self._path = os.fdopen(descriptor, "a", encoding="utf-8"), path
        return self._file

    def append(self, record: Record) -> bool:
        """Keep one failed INSERT on disk; False (logged, counted as lost) if even that fails."""
        line = encode_line(record)
        with self._lock:
            try:
                handle = self._open()
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
                while not self._current():  # a replay took the file while we waited for the lock
                    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
                    handle = self._open()
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
                try:
                    handle.write(line)
                    handle.flush()
                    now = time.monotonic()
                    policy = conf.SPOOL_FSYNC
                    if policy == "always" or (policy == "interval" and now - self._synced_at >= 1.0):
                        os.fsync(handle.fileno())
                        self._synced_at = now
                finally:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            except OSError as exc:
                self.lost += 1
                logger.critical("hit LOST: cannot write the spool in %s: %r", self.directory(), exc)
                return False
            self.appended += 1
        return True

    def files(self) -> list[Path]:
        directory = self.directory()
        if not directory.is_dir():
            return []
        return sorted([*directory.glob("spool-*.jsonl"), *directory.glob("spool-*.replaying")])

    def depth(self) -> tuple[int, float | None]:
        """(spooled lines, seconds since the oldest spooled hit failed, or None): the replay lag."""
        lines, first = 0, None
        for path in self.files():
            try:
                with path.open("rb") as handle:
                    head = handle.readline()
                    lines += bool(head.strip()) + sum(1 for line in handle if line.strip())
                at = float(json.loads(head).get("at", 0)) or path.stat().st_mtime
            except (FileNotFoundError, ValueError, AttributeError):
                continue
            first = at if first is None else min(first, at)
        return lines, None if first is None else max(time.time() - first, 0.0)

    def replay(self, write: Callable[[Record], None]) -> ReplayResult:
        """Write every spooled record back with ``write`` (which raises on failure)."""
        result = ReplayResult()
        directory = self.directory()
        if not directory.is_dir():
            return result
        with (directory / "replay.lock").open("w") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            for path in self.files():
                taken = path if path.suffix == ".replaying" else path.with_suffix(".replaying")
                try:
                    if taken != path:
                        path.rename(taken)
                except FileNotFoundError:
                    continue
                result.files += 1
                self._replay_file(taken, write, result)
        return result

    def _replay_file(self, path: Path, write: Callable[[Record], None], result: ReplayResult) -> None:
        with path.open("r", encoding="utf-8", errors="replace") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)  # an append still in progress finishes first
            failing = False
            for number, line in enumerate(_lines(handle), start=1):
                try:
                    record = decode_line(line)
                except (ValueError, KeyError, TypeError) as exc:
                    result.corrupt += 1
                    logger.error("spool %s line %d skipped (corrupt or truncated): %r", path.name, number, exc)
                    continue
                if not failing:
                    try:
                        write(record)
                        result.replayed += 1
                        continue
                    except ValueError as exc:  # not a record the writer makes: never writable
                        result.corrupt += 1
                        logger.error("spool %s line %d skipped: %r", path.name, number, exc)
                        continue
                    except Exception as exc:
                        failing = True  # Cassandra refuses: keep the rest for the next replay
                        result.errors.append(repr(exc))
                self.append(record)
                result.returned += 1
        path.unlink()


def _lines(handle: IO[str]) -> Iterator[str]:
    for line in handle:
        if line.strip():
            yield line


spool = Spool()


def describe(result: ReplayResult) -> str:
    text = f"{result.replayed} replayed, {result.corrupt} corrupt skipped, {result.returned} kept for later"
    return text + (f" ({result.errors[0]})" if result.errors else "")


def as_dict(result: ReplayResult) -> dict[str, Any]:
    return {"files": result.files, "replayed": result.replayed, "corrupt": result.corrupt, "returned": result.returned}
