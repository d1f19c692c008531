"""``manage.py send_test_hit APP_ID [--url URL] [--origin ORIGIN] [--user-agent UA] [--keep]``."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...collect import trial_hit
from ...storage.errors import StorageUnavailableError, storage_errors
from ...storage.registry import RegistryError, get_app


class Command(BaseCommand):
    help = "Send a test pageview through the collect endpoint and say where it went (stored, or why not)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("app_id")
        parser.add_argument(
            "--url",
            help="The collect URL of a running server, e.g. http://127.0.0.1:8000/pageviews/collect/ "
            "(default: the endpoint's view, in this process).",
        )
        parser.add_argument("--origin", help="The Origin header to send (default: the app's URL's origin).")
        parser.add_argument("--user-agent", default=trial_hit.BROWSER_UA, help="Default: a desktop Chrome's.")
        parser.add_argument("--timeout", type=float, default=5.0, help="Seconds to wait for the row (default 5).")
        parser.add_argument("--keep", action="store_true", help="Keep the test pageview (default: delete it).")

    def handle(self, *args: Any, **options: Any) -> None:
        url = options["url"]
        if url is not None and urlsplit(url).scheme not in ("http", "https"):
            raise CommandError(f"--url must be an http(s) URL, not {url!r}")
        if not 0 < options["timeout"] <= 60:
            raise CommandError("--timeout must be more than 0 and at most 60 seconds")
        try:
            app = get_app(options["app_id"])
            origin = options["origin"] or trial_hit.default_origin(app)
            with storage_errors():
                if url is None:
                    result = trial_hit.send_in_process(app, origin, options["user_agent"], options["timeout"])
                else:
                    result = trial_hit.send_over_http(app, url, origin, options["user_agent"], options["timeout"])
                if result.found and not options["keep"]:
                    trial_hit.delete(app, result)
        except OSError as exc:
            raise CommandError(f"cannot reach {url}: {exc}") from None
        except (RegistryError, StorageUnavailableError) as exc:
            raise CommandError(str(exc)) from None
        via = url or "the collect view, in this process"
        self.stdout.write(f"Sent a test pageview of {app.name!r} ({app.id}) to {via}, Origin {origin}")
        self.stdout.write(f"Path {result.path}; answered {result.status}: {result.outcome or '(no outcome header)'}")
        if not result.found:
            raise CommandError(result.advice())
        kept = "kept (--keep)" if options["keep"] else "deleted again"
        self.stdout.write(
            f"Stored in Cassandra with id {result.pageview_id}, found after {result.seconds:.1f} s; {kept}."
        )
