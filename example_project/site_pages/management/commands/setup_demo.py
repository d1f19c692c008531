"""``manage.py setup_demo``: register the example site under PAGEVIEWS_APP_ID (idempotent)."""

import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from pageviews.conf import conf
from pageviews.models import App
from pageviews.storage.registry import register_app

#: A staff account for the local demo's dashboard (the demo binds to 127.0.0.1 only).
DEMO_USER = "demo"
DEMO_PASSWORD = "demo"


class Command(BaseCommand):
    help = "Register the example site in Cassandra unless it already is."

    def handle(self, *args: Any, **options: Any) -> None:
        app_id = uuid.UUID(conf.APP_ID)
        user_model = get_user_model()
        if not user_model.objects.filter(username=DEMO_USER).exists():
            user_model.objects.create_superuser(DEMO_USER, password=DEMO_PASSWORD)
        self.stdout.write(f"Dashboard sign-in (local demo only): {DEMO_USER} / {DEMO_PASSWORD}")
        if App.objects.filter(id=app_id).count():
            self.stdout.write(f"Example site already registered as {app_id}.")
            return
        register_app(
            "Example site",
            "http://127.0.0.1:8000/",
            origins=["http://localhost:8000"],
            app_id=app_id,
        )
        self.stdout.write(f"Registered the example site as {app_id}; seeding 30 days of sample pageviews ...")
        call_command("seed_pageviews", str(app_id), days=30, per_day=300, stdout=self.stdout)
