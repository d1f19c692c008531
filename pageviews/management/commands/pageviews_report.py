"""``manage.py pageviews_report APP_ID [--period 7d] [--since --until] [--limit N] [--json]``."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ... import reports
from ...periods import PERIODS, PeriodError, resolve
from ...registry import RegistryError, cassandra_errors, get_app

LABELS = {"path": "Top pages", "referrer_source": "Top sources"}


def duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"


class Command(BaseCommand):
    help = "Print an app's headline figures and top pages for a period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("app_id")
        parser.add_argument("--period", default="7d", choices=PERIODS)
        parser.add_argument("--since", help="First day of a custom period, YYYY-MM-DD.")
        parser.add_argument("--until", help="Last day of a custom period, YYYY-MM-DD.")
        parser.add_argument("--limit", type=int, default=10, help="Rows per table (default 10).")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON (as the stats API).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            app = get_app(options["app_id"])
            tz = reports.app_timezone(app)
            period = resolve(options["period"], tz, reports.now(), options["since"], options["until"])
            with cassandra_errors():
                report = reports.build(app, period)
                current = reports.current_visitors(app)
        except (PeriodError, RegistryError) as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps({**report.as_dict(options["limit"]), "current_visitors": current}, indent=2))
            return
        head = report.headline
        low, high = head["visitors_bounds"]
        lines = [
            f"{app.name} ({app.id})",
            f"{period.name}: {period.first} to {period.last} ({period.tz.key})",
            "",
            f"Unique visitors   {head['visitors']:>10,}   (95 %: {low:,} to {high:,})",
            f"Visits            {head['visits']:>10,}",
            f"Pageviews         {head['pageviews']:>10,}",
            f"Views per visit   {head['views_per_visit']:>10}",
            f"Bounce rate       {head['bounce_rate']:>9}%",
            f"Visit duration    {duration(head['visit_duration_s']):>10}",
            f"Current visitors  {current:>10,}",
        ]
        for dimension, label in LABELS.items():
            rows = report.breakdown(dimension, options["limit"])
            width = max([len(label), *(len(value or "(none)") for value, _ in rows)])
            lines += ["", f"{label:<{width}}   {'Pageviews':>10}"]
            lines += [f"{(value or '(none)'):<{width}}   {count:>10,}" for value, count in rows] or ["(no data)"]
        self.stdout.write("\n".join(lines))
