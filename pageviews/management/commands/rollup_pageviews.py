"""``manage.py rollup_pageviews [--app ID] [--since DATE] [--until DATE]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...reports import rollup
from ...reports.periods import PeriodError, parse_date
from ...storage.errors import StorageUnavailableError, storage_errors
from ...storage.registry import RegistryError, get_app, list_apps


class Command(BaseCommand):
    help = "Roll up raw pageviews into daily figures (idempotent: run it as often as you like, e.g. hourly)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--app", dest="app_id", help="Only this app (default: every active app).")
        parser.add_argument("--since", help="First local day, YYYY-MM-DD (default: two days ago).")
        parser.add_argument("--until", help="Last local day, YYYY-MM-DD (default and latest: yesterday).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            since = parse_date(options["since"]) if options["since"] else None
            until = parse_date(options["until"]) if options["until"] else None
            apps = [get_app(options["app_id"])] if options["app_id"] else [a for a in list_apps() if a.active]
            with storage_errors():
                done = rollup.run(apps, since, until)
        except (PeriodError, RegistryError, StorageUnavailableError) as exc:
            raise CommandError(str(exc)) from None
        for app, days in done:
            span = f"{days[0]} to {days[-1]}" if days else "nothing to do"
            self.stdout.write(f"{app.name} ({app.id}): {len(days)} day(s) rolled up, {span}")
