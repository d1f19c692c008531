"""``manage.py list_apps [--json]``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...storage.errors import StorageUnavailableError
from ...storage.registry import RegistryError, list_apps


def _utc(moment: datetime) -> datetime:
    """cqlengine reads timestamps back as naive UTC datetimes."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Command(BaseCommand):
    help = "List the registered apps."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print a JSON array instead of a table.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            apps = list_apps()
        except (RegistryError, StorageUnavailableError) as exc:
            raise CommandError(str(exc)) from None
        rows = [
            {
                "id": str(app.id),
                "name": app.name,
                "url": app.url,
                "origins": sorted(app.origins or ()),
                "active": bool(app.active),
                "created_at": _utc(app.created_at).isoformat() if app.created_at else None,
            }
            for app in apps
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        if not rows:
            self.stdout.write("No apps registered. Add one with: manage.py register_app NAME URL")
            return
        table = [("ID", "NAME", "URL", "ACTIVE", "ORIGINS")] + [
            (row["id"], row["name"], row["url"], "yes" if row["active"] else "no", " ".join(row["origins"]))
            for row in rows
        ]
        widths = [max(len(str(line[col])) for line in table) for col in range(4)]
        for line in table:
            cells = [str(cell).ljust(width) for cell, width in zip(line[:4], widths, strict=True)]
            self.stdout.write("  ".join([*cells, str(line[4])]).rstrip())
