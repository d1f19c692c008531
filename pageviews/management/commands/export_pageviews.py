"""``manage.py export_pageviews APP_ID --since DATE --until DATE --format csv|jsonl|parquet -o FILE``."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from ...reports import export
from ...reports.build import app_timezone
from ...reports.periods import PeriodError, resolve
from ...storage.errors import StorageUnavailableError, storage_errors
from ...storage.queries import iter_export_rows
from ...storage.registry import RegistryError, get_app


class Command(BaseCommand):
    help = "Stream an app's raw pageviews to a CSV, JSON Lines or Parquet file (constant memory)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("app_id")
        parser.add_argument("--since", required=True, help="First local day, YYYY-MM-DD.")
        parser.add_argument("--until", required=True, help="Last local day, YYYY-MM-DD.")
        parser.add_argument("--format", default="csv", choices=export.FORMATS)
        parser.add_argument("-o", "--output", required=True, help="File to write.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar on stderr.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["output"])
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent} is not a directory")
        try:
            app = get_app(options["app_id"])
            period = resolve("custom", app_timezone(app), datetime.now(UTC), options["since"], options["until"])
            with (
                tqdm(unit=" rows", file=sys.stderr, disable=options["no_progress"] or None) as bar,
                storage_errors(),
            ):
                rows = iter_export_rows(app.id, period.start_utc, period.end_utc)
                count = export.export(rows, options["format"], path, on_row=lambda: bar.update())
        except (PeriodError, RegistryError, StorageUnavailableError, export.ExportError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Wrote {count:,} pageviews of {app.name!r} to {path} ({options['format']}).")
