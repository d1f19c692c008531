"""Health of the collector: Cassandra reachability, spool depth and replay lag, write and rate-limit counts."""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from . import ratelimit, store
from .access import is_staff
from .spool import spool

#: Seconds the Cassandra probe may take.
PROBE_TIMEOUT = 2.0


def check() -> dict[str, Any]:
    """The collector's health; ``status`` is ``ok``, or ``degraded`` when Cassandra fails or hits are spooled."""
    started = time.monotonic()
    try:
        session, _ = store.session_and_keyspace()
        session.execute("SELECT release_version FROM system.local", timeout=PROBE_TIMEOUT)
        cassandra: dict[str, Any] = {"reachable": True, "ms": round((time.monotonic() - started) * 1000, 1)}
    except Exception as exc:
        cassandra = {"reachable": False, "error": type(exc).__name__}
    lines, oldest = spool.depth()
    stats = store.writer.stats
    return {
        "status": "ok" if cassandra["reachable"] and not lines else "degraded",
        "cassandra": cassandra,
        "spool": {
            "hits": lines,
            "oldest_seconds": round(oldest, 1) if oldest is not None else None,
            "directory": str(spool.directory()),
            "lost": spool.lost,
        },
        "writes": {
            "started": stats.started,
            "written": stats.written,
            "failed": stats.failed,
            "pending": stats.pending,
        },
        "rate_limit": ratelimit.stats(),
    }


@require_GET
def health_view(request: HttpRequest) -> JsonResponse:
    """200 when healthy, 503 otherwise: for load balancers. Staff also get the details."""
    report = check()
    body = report if is_staff(request) else {"status": report["status"]}
    return JsonResponse(body, status=200 if report["status"] == "ok" else 503)
