"""``manage.py pageviews_health``: Cassandra reachability, spool depth and replay lag, as JSON."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ...collect.health import check


class Command(BaseCommand):
    help = "Report the collector's health (exit status 1 when degraded)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = check()
        self.stdout.write(json.dumps(report, indent=2))
        if report["status"] != "ok":
            raise CommandError(f"degraded: {json.dumps({k: report[k] for k in ('cassandra', 'spool')})}")
