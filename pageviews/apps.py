"""App configuration: registers the system checks and the CORS signal receiver."""

from __future__ import annotations

from typing import Any, cast

from django.apps import AppConfig
from django.conf import settings

#: The connection options that django-cassandra-engine removes from ``DATABASES`` when it connects.
CONNECTION_OPTIONS = ("lazy_connect", "retry_connect", "consistency")


def cassandra_connection_options() -> dict[str, dict[str, Any]]:
    """``OPTIONS["connection"]``'s :data:`CONNECTION_OPTIONS` of each django_cassandra_engine alias, as set."""
    found: dict[str, dict[str, Any]] = {}
    databases = cast(dict[str, dict[str, Any]], settings.DATABASES)
    for alias, database in databases.items():
        if database.get("ENGINE") == "django_cassandra_engine":
            options = database.get("OPTIONS", {}).get("connection", {})
            found[alias] = {name: options[name] for name in CONNECTION_OPTIONS if name in options}
    return found


class PageviewsConfig(AppConfig):
    name = "pageviews"
    verbose_name = "Pageviews"
    default_auto_field = "django.db.models.AutoField"

    def __init__(self, app_name: str, app_module: Any) -> None:
        super().__init__(app_name, app_module)
        # Read now: app configs are made before any app's models are imported, and
        # django-cassandra-engine pops these options out of DATABASES when its models
        # load (it connects then). Checks run later, in another thread under runserver's
        # autoreloader, where that connection is not visible (pageviews.W001 relies on it).
        self.connection_options = cassandra_connection_options()

    def ready(self) -> None:
        from corsheaders.signals import check_request_enabled

        from . import checks  # noqa: F401  (registers the checks)
        from .collect.cors import allow_registered_origins

        check_request_enabled.connect(allow_registered_origins, dispatch_uid="pageviews.cors")
