"""``manage.py setup_demo``: register the example site under PAGEVIEWS_APP_ID (idempotent)."""

import uuid
from typing import Any

from django.core.management.base import BaseCommand

from pageviews.conf import conf
from pageviews.models import App
from pageviews.registry import register_app


class Command(BaseCommand):
    help = "Register the example site in Cassandra unless it already is."

    def handle(self, *args: Any, **options: Any) -> None:
        app_id = uuid.UUID(conf.APP_ID)
        if App.objects.filter(id=app_id).count():
            self.stdout.write(f"Example site already registered as {app_id}.")
            return
        register_app(
            "Example site",
            "http://127.0.0.1:8000/",
            origins=["http://localhost:8000"],
            app_id=app_id,
        )
        self.stdout.write(f"Registered the example site as {app_id}.")
