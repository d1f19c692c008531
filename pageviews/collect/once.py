"""A value built on first use, once per process: the enrichment data is loaded lazily, never at import."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

_T = TypeVar("_T")

#: Entries kept by each enrichment LRU cache (``parse_agent``, ``referrer_source``, ``country_of``).
#: A site sees far fewer distinct user agents than this in a day; an entry is a short
#: string key and a small tuple or dataclass (about 10 MiB for the three when full).
CACHE_SIZE = 10_000


class Once(Generic[_T]):
    """A value built on first use, once per process even under threads (double-checked lock)."""

    __slots__ = ("_build", "_lock", "_value")

    def __init__(self, build: Callable[[], _T]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._value: _T | None = None

    def __call__(self) -> _T:
        value = self._value
        if value is None:
            with self._lock:
                if self._value is None:
                    self._value = self._build()
                value = self._value
        return value

    @property
    def loaded(self) -> bool:
        return self._value is not None
