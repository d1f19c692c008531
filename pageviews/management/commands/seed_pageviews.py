"""``manage.py seed_pageviews APP_ID [--days 30] [--per-day 300] [--seed 1]``: demo data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...collect import sampledata
from ...reports import rollup
from ...reports.build import app_timezone
from ...storage import bulk
from ...storage.errors import StorageUnavailableError, storage_errors
from ...storage.registry import RegistryError, get_app


class Command(BaseCommand):
    help = "Write generated, realistic pageviews for the last days (for demos; not for real sites)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("app_id")
        parser.add_argument("--days", type=int, default=30)
        parser.add_argument("--per-day", type=int, default=300)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        days, per_day = options["days"], options["per_day"]
        if not 1 <= days <= 3660 or not 1 <= per_day <= 1_000_000:
            raise CommandError("--days must be 1 to 3660 and --per-day 1 to 1000000")
        try:
            app = get_app(options["app_id"])
            tz = app_timezone(app)
            now = datetime.now(UTC)
            today = now.astimezone(tz).date()
            first = today - timedelta(days=days - 1)
            with storage_errors():
                hits = sampledata.generate(app.id, first, days, per_day, tz, seed=options["seed"])
                result = bulk.load_pageviews(hit for hit in hits if hit.received_at <= now)
                rolled = rollup.rollup(app.id, tz, first, today - timedelta(days=1)) if days > 1 else []
        except (RegistryError, StorageUnavailableError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Wrote {result.written:,} pageviews of {app.name!r} over {days} days")
        if result.failed:
            raise CommandError(f"{result.failed} writes failed, the first: {result.first_error}")
        self.stdout.write(f"Rolled up {len(rolled)} day(s).")
