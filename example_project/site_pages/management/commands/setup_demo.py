"""``manage.py setup_demo [--port 8000]``: register the example site under PAGEVIEWS_APP_ID (idempotent)."""

import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pageviews.conf import conf
from pageviews.models import App
from pageviews.storage.registry import register_app

#: A staff account for the local demo's dashboard (the demo binds to 127.0.0.1 only).
DEMO_USER = "demo"
DEMO_PASSWORD = "demo"


class Command(BaseCommand):
    help = "Register the example site in Cassandra unless it already is; allow its origins on --port."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="The port the demo serves on (default 8000).")

    def handle(self, *args: Any, **options: Any) -> None:
        port = options["port"]
        if not 1 <= port <= 65535:
            raise CommandError(f"--port must be 1 to 65535, not {port}")
        origins = {f"http://127.0.0.1:{port}", f"http://localhost:{port}"}
        app_id = uuid.UUID(str(conf.APP_ID))
        user_model = get_user_model()
        if not user_model.objects.filter(username=DEMO_USER).exists():
            user_model.objects.create_superuser(DEMO_USER, password=DEMO_PASSWORD)
        self.stdout.write(f"Dashboard sign-in (local demo only): {DEMO_USER} / {DEMO_PASSWORD}")
        app = App.objects.filter(id=app_id).first()
        if app is not None:
            if not origins <= set(app.origins or ()):
                app.update(origins=set(app.origins or ()) | origins)  # the demo now also serves on this port
            self.stdout.write(f"Example site already registered as {app_id}; origins: {', '.join(sorted(app.origins))}")
            return
        register_app("Example site", f"http://127.0.0.1:{port}/", origins=sorted(origins), app_id=app_id)
        self.stdout.write(f"Registered the example site as {app_id}; seeding 30 days of sample pageviews ...")
        call_command("seed_pageviews", str(app_id), days=30, per_day=300, stdout=self.stdout)
