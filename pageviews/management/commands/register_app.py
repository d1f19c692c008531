"""``manage.py register_app NAME URL [--origin ORIGIN ...]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...collect.hits import parse_uuid
from ...storage.errors import StorageUnavailableError
from ...storage.registry import RegistryError, issue_token, register_app


class Command(BaseCommand):
    help = "Register a site whose pageviews are collected; prints its id and the snippet line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="A name for the site, e.g. 'Blog'.")
        parser.add_argument("url", help="The site's URL, e.g. https://blog.example.org/.")
        parser.add_argument(
            "--origin",
            action="append",
            default=[],
            help="Another origin allowed to send pageviews (repeatable); the URL's own origin always is.",
        )
        parser.add_argument("--id", dest="app_id", help="Use this UUID as the app id (e.g. when migrating).")
        parser.add_argument("--timezone", default="UTC", help="IANA timezone of the reports' days (default UTC).")
        parser.add_argument(
            "--retention-days",
            type=int,
            help="Keep raw hits this many days (default: PAGEVIEWS_RETENTION_DAYS, else forever).",
        )
        parser.add_argument("--token", action="store_true", help="Also issue a stats API read token.")

    def handle(self, *args: Any, **options: Any) -> None:
        app_id = None
        if options["app_id"] is not None:
            app_id = parse_uuid(options["app_id"])
            if app_id is None:
                raise CommandError(f"{options['app_id']!r} is not a valid app id (a UUID)")
        try:
            app = register_app(
                options["name"],
                options["url"],
                options["origin"],
                app_id=app_id,
                timezone=options["timezone"],
                retention_days=options["retention_days"],
            )
            token = issue_token(str(app.id))[1] if options["token"] else None
        except (RegistryError, StorageUnavailableError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Registered {app.name!r} ({app.url}) with id {app.id}")
        self.stdout.write(f"Allowed origins: {', '.join(sorted(app.origins))}")
        self.stdout.write("Paste this into your base template:")
        self.stdout.write(f'{{% load pageviews %}}{{% pageview_snippet "{app.id}" %}}')
        if token:
            self.stdout.write(f"Stats API read token (shown once): {token}")
