"""``manage.py unregister_app ID [--delete]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...storage.errors import StorageUnavailableError
from ...storage.registry import RegistryError, deactivate_app, delete_app


class Command(BaseCommand):
    help = "Stop collecting an app's pageviews (data kept), or with --delete remove it and its data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("app_id", help="The app's id, as list_apps shows it.")
        parser.add_argument("--delete", action="store_true", help="Delete the app and all its pageviews.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["delete"]:
                app, days = delete_app(options["app_id"])
                self.stdout.write(f"Deleted {app.name!r} ({app.id}) and its pageviews ({days} day partitions).")
            else:
                app = deactivate_app(options["app_id"])
                self.stdout.write(f"Deactivated {app.name!r} ({app.id}): new hits are ignored, data is kept.")
        except (RegistryError, StorageUnavailableError) as exc:
            raise CommandError(str(exc)) from None
