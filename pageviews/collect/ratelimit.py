"""Per-IP rate limit of the collect endpoint: hits per client address in fixed windows, in this process.

The counts live in the memory of each worker process, so the effective limit
is ``PAGEVIEWS_RATE_LIMIT`` times the number of worker processes, and a
restart forgets them. For one limit shared by every process and host, use the
reverse proxy's (e.g. nginx ``limit_req``).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from ..conf import conf

#: Most client addresses counted at once per process; the least recently seen is forgotten first.
MAX_TRACKED_IPS = 100_000


class RateLimiter:
    """Hits per key in fixed windows aligned on ``clock``; thread-safe, at most ``max_keys`` keys.

    All counts start again at each window boundary, so a client can get up to
    twice the limit through in a short span across one. A key forgotten to
    make room (least recently seen first) starts again from zero.
    """

    def __init__(self, max_keys: int = MAX_TRACKED_IPS, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_keys = max_keys
        self.clock = clock
        self.limited = 0
        self._lock = threading.Lock()
        self._counts: OrderedDict[str, int] = OrderedDict()
        self._window: tuple[int, int] | None = None  # (length, index) of the window counted

    def allow(self, key: str, limit: int, window: int) -> bool:
        """Count one hit of ``key``; False (and counted as limited) past ``limit`` in this ``window`` seconds."""
        limit, window = max(limit, 1), max(window, 1)
        current = (window, int(self.clock() // window))
        with self._lock:
            if current != self._window:
                self._counts.clear()
                self._window = current
            count = self._counts.get(key, 0)
            if count >= limit:
                self._counts.move_to_end(key)
                self.limited += 1
                return False
            if count == 0 and len(self._counts) >= self.max_keys:
                self._counts.popitem(last=False)
            self._counts[key] = count + 1
            self._counts.move_to_end(key)
            return True

    @property
    def tracked(self) -> int:
        """Keys counted in the current window."""
        with self._lock:
            return len(self._counts)

    def reset(self) -> None:
        """Forget every count, and the limited total."""
        with self._lock:
            self._counts.clear()
            self._window = None
            self.limited = 0


#: This process's limiter of the collect endpoint.
limiter = RateLimiter()


def allow(ip: str) -> bool:
    """Whether a hit from ``ip`` (the raw client address) is within ``PAGEVIEWS_RATE_LIMIT``; always when None."""
    limit = conf.RATE_LIMIT
    if limit is None:
        return True
    return limiter.allow(ip, limit, conf.RATE_LIMIT_WINDOW)


def stats() -> dict[str, int]:
    """Hits refused by the limit since the process started, and client addresses counted now."""
    return {"limited": limiter.limited, "tracked_ips": limiter.tracked}
