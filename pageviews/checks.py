"""System checks for a misconfigured django-pageviews (``pageviews.E00x``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import connections

from .collect.hits import CLIENT_FIELDS
from .conf import SETTINGS

CASSANDRA_ENGINE = "django_cassandra_engine"
CORS_MIDDLEWARE = "corsheaders.middleware.CorsMiddleware"


@register(Tags.compatibility)
def check_settings(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """Run every check of this module."""
    return [
        *check_database(),
        *check_installed_apps(),
        *check_cors(),
        *check_setting_types(),
        *check_setting_values(),
    ]


def check_database() -> list[CheckMessage]:
    databases = cast(dict[str, dict[str, Any]], settings.DATABASES)
    aliases = [alias for alias, db in databases.items() if db.get("ENGINE") == CASSANDRA_ENGINE]
    wanted = getattr(settings, "PAGEVIEWS_DATABASE", None)
    if not aliases:
        return [
            Error(
                "DATABASES has no database with ENGINE 'django_cassandra_engine'.",
                hint="Add a Cassandra alias; see the installation docs.",
                id="pageviews.E001",
            )
        ]
    if isinstance(wanted, str) and wanted in aliases:
        aliases = [wanted]
    elif isinstance(wanted, str):
        return [
            Error(
                f"PAGEVIEWS_DATABASE is {wanted!r}, which is not a django_cassandra_engine alias.",
                hint=f"Use one of: {', '.join(aliases)}.",
                id="pageviews.E006",
            )
        ]
    if not _connects_lazily(aliases[0], databases[aliases[0]]):
        return [
            Warning(
                f"DATABASES[{aliases[0]!r}] connects to Cassandra while Django starts: "
                "the whole site fails to start when Cassandra is down.",
                hint="Set OPTIONS['connection']['lazy_connect'] = True (and retry_connect = True).",
                id="pageviews.W001",
            )
        ]
    return []


def _connects_lazily(alias: str, database: dict[str, Any]) -> bool:
    # django-cassandra-engine pops "lazy_connect" out of the settings dict when it
    # connects and keeps it in its connection's connection_options instead.
    if alias in connections.settings and getattr(connections[alias], "connected", False):
        return bool(connections[alias].connection.connection_options.get("lazy_connect", False))
    return bool(database.get("OPTIONS", {}).get("connection", {}).get("lazy_connect", False))


def check_installed_apps() -> list[CheckMessage]:
    apps = list(settings.INSTALLED_APPS)
    if CASSANDRA_ENGINE not in apps:
        return [
            Error(
                "'django_cassandra_engine' is not in INSTALLED_APPS.",
                hint="List it before 'pageviews'.",
                id="pageviews.E002",
            )
        ]
    if "pageviews" in apps and apps.index(CASSANDRA_ENGINE) > apps.index("pageviews"):
        return [
            Error(
                "'django_cassandra_engine' is listed after 'pageviews' in INSTALLED_APPS.",
                hint="Move it before 'pageviews' (ideally first) so its connection exists when models load.",
                id="pageviews.E002",
            )
        ]
    return []


def check_cors() -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    if "corsheaders" not in settings.INSTALLED_APPS:
        errors.append(
            Error("'corsheaders' is not in INSTALLED_APPS.", hint="Add django-cors-headers.", id="pageviews.E003")
        )
    if CORS_MIDDLEWARE not in settings.MIDDLEWARE:
        errors.append(
            Error(
                f"'{CORS_MIDDLEWARE}' is not in MIDDLEWARE.",
                hint="Add it as high as possible, before CommonMiddleware.",
                id="pageviews.E004",
            )
        )
    return errors


#: Cassandra's largest TTL is 20 years.
MAX_RETENTION_DAYS = 20 * 365


def check_setting_values() -> list[CheckMessage]:
    """Values of the right type that still cannot work."""
    errors: list[CheckMessage] = []
    names = getattr(settings, "PAGEVIEWS_PARAM_NAMES", {})
    if isinstance(names, dict):
        unknown = sorted(set(names) - CLIENT_FIELDS)
        wire = list(names.values())
        if unknown or not all(isinstance(v, str) and v for v in wire) or len(set(wire)) != len(wire):
            errors.append(
                Error(
                    "PAGEVIEWS_PARAM_NAMES must map field names to distinct, non-empty wire names"
                    + (f"; unknown fields: {', '.join(unknown)}" if unknown else "")
                    + ".",
                    hint=f"Fields: {', '.join(sorted(CLIENT_FIELDS))}.",
                    id="pageviews.E008",
                )
            )
    top_n = getattr(settings, "PAGEVIEWS_ROLLUP_TOP_N", 100)
    if isinstance(top_n, int) and not isinstance(top_n, bool) and top_n < 1:
        errors.append(Error(f"PAGEVIEWS_ROLLUP_TOP_N is {top_n}; it must be at least 1.", id="pageviews.E010"))
    for name in ("PAGEVIEWS_RATE_LIMIT", "PAGEVIEWS_RATE_LIMIT_WINDOW"):
        value = getattr(settings, name, None)
        if isinstance(value, int) and not isinstance(value, bool) and value < 1:
            errors.append(Error(f"{name} is {value}; it must be at least 1.", id="pageviews.E011"))
    retention = getattr(settings, "PAGEVIEWS_RETENTION_DAYS", None)
    if isinstance(retention, int) and not 1 <= retention <= MAX_RETENTION_DAYS:
        errors.append(
            Error(
                f"PAGEVIEWS_RETENTION_DAYS is {retention}; it must be None or 1 to {MAX_RETENTION_DAYS} days.",
                id="pageviews.E009",
            )
        )
    return errors


def check_setting_types() -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for setting in SETTINGS:
        if not hasattr(settings, setting.full_name):
            continue
        value = getattr(settings, setting.full_name)
        ok = False if isinstance(value, bool) and bool not in setting.types else isinstance(value, setting.types)
        if not ok:
            expected = " or ".join("None" if t is type(None) else t.__name__ for t in setting.types)
            errors.append(
                Error(
                    f"{setting.full_name} must be {expected}, not {type(value).__name__}.",
                    id="pageviews.E005",
                )
            )
        elif setting.choices and value not in setting.choices:
            errors.append(
                Error(
                    f"{setting.full_name} is {value!r}; it must be one of {', '.join(map(repr, setting.choices))}.",
                    id="pageviews.E007",
                )
            )
    return errors
