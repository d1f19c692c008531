"""Health of the collector: Cassandra reachability, spool depth and replay lag, write and rate-limit counts."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from ..reports.access import is_staff
from ..storage.connection import probe
from ..storage.spool import spool
from ..storage.writer import get_writer
from . import ratelimit


def check() -> dict[str, Any]:
    """The collector's health; ``status`` is ``ok``, or ``degraded`` when Cassandra fails or hits are spooled."""
    cassandra = probe()
    lines, oldest = spool.depth()
    return {
        "status": "ok" if cassandra["reachable"] and not lines else "degraded",
        "cassandra": cassandra,
        "spool": {
            "hits": lines,
            "oldest_seconds": round(oldest, 1) if oldest is not None else None,
            "directory": str(spool.directory()),
            "lost": spool.lost,
        },
        "writes": get_writer().counts(),
        "rate_limit": ratelimit.stats(),
    }


@require_GET
def health_view(request: HttpRequest) -> JsonResponse:
    """200 when healthy, 503 otherwise: for load balancers. Staff also get the details."""
    report = check()
    body = report if is_staff(request) else {"status": report["status"]}
    return JsonResponse(body, status=200 if report["status"] == "ok" else 503)
