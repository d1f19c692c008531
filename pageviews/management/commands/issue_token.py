"""``manage.py issue_token APP_ID``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...storage.errors import StorageUnavailableError
from ...storage.registry import RegistryError, issue_token


class Command(BaseCommand):
    help = "Issue a new stats API read token for an app (the previous one stops working)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("app_id")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            app, token = issue_token(options["app_id"])
        except (RegistryError, StorageUnavailableError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Read token for {app.name!r} ({app.id}), shown once:")
        self.stdout.write(token)
        self.stdout.write(f"Use it as: Authorization: Bearer {token}")
