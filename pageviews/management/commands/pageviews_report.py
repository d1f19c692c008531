"""``manage.py pageviews_report APP_ID [--period 7d] [--since --until] [--limit N] [--json]``."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...reports.periods import PERIODS
from ...reports.query import DEFAULT_LIMIT, MAX_LIMIT, ReportRequestError, ReportResult, run_report
from ...storage.errors import StorageUnavailableError
from ...storage.registry import RegistryError

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
        parser.add_argument(
            "--limit", default=DEFAULT_LIMIT, help=f"Rows per table, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT})."
        )
        parser.add_argument("--json", action="store_true", help="Print the report as JSON (as the stats API).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = run_report(
                options["app_id"], options["period"], options["since"], options["until"], options["limit"]
            )
        except (ReportRequestError, RegistryError, StorageUnavailableError) as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), indent=2))
            return
        self.stdout.write("\n".join(text_report(result)))


def text_report(result: ReportResult) -> list[str]:
    """The report as lines of text: headline figures, then the top pages and sources."""
    app, period, head = result.app, result.query.period, result.report.headline
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
        f"Current visitors  {result.current_visitors:>10,}",
    ]
    for dimension, label in LABELS.items():
        rows = result.report.breakdown(dimension, result.query.limit)
        width = max([len(label), *(len(value or "(none)") for value, _ in rows)])
        lines += ["", f"{label:<{width}}   {'Pageviews':>10}"]
        lines += [f"{(value or '(none)'):<{width}}   {count:>10,}" for value, count in rows] or ["(no data)"]
    return lines
