"""System checks for a misconfigured django-pageviews (``pageviews.E00x``), derived from ``conf.py`` where they can."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any, cast

from django.apps import AppConfig, apps
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import connections
from django.utils.module_loading import import_string

from .collect.hits import CLIENT_FIELDS
from .conf import SETTINGS, Conf, Setting, conf

CASSANDRA_ENGINE = "django_cassandra_engine"
CORS_MIDDLEWARE = "corsheaders.middleware.CorsMiddleware"


@register(Tags.compatibility)
def check_settings(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """Run every check of this module."""
    return [
        *check_database(),
        *check_installed_apps(),
        *check_cors(),
        *check_declared_settings(),
        *check_setting_values(),
        *check_driver(),
    ]


@register(Tags.security, deploy=True)
def check_deployment(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """``manage.py check --deploy``: what works in development and loses hits or cookies in production."""
    return [*check_spool_dir(), *check_cookies_behind_https()]


#: Distributions that install the ``cassandra`` Python package; installed together, they overwrite each other.
CASSANDRA_DRIVERS = ("scylla-driver", "cassandra-driver")


def check_driver() -> list[CheckMessage]:
    """Exactly one distribution may provide the ``cassandra`` module (``pip check`` cannot see the clash)."""
    installed = []
    for name in CASSANDRA_DRIVERS:
        try:
            installed.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    if len(installed) < 2:
        return []
    return [
        Error(
            f"Both {' and '.join(installed)} are installed: they write the same 'cassandra' package over each other.",
            hint="pip uninstall -y cassandra-driver scylla-driver && pip install scylla-driver "
            "(django-cassandra-engine needs scylla-driver; see the driver docs).",
            id="pageviews.E013",
        )
    ]


def check_spool_dir() -> list[CheckMessage]:
    """The spool keeps hits through an outage: not in a temporary directory that a reboot empties."""
    spool = Path(str(conf.SPOOL_DIR)).resolve()
    temporary = Path(tempfile.gettempdir()).resolve()
    if spool != temporary and temporary not in spool.parents:
        return []
    return [
        Warning(
            f"PAGEVIEWS_SPOOL_DIR is {str(spool)!r}, in the system's temporary directory: often emptied at boot, "
            "shared with every local user, private per service under systemd's PrivateTmp.",
            hint="Set it to a private directory on durable local storage, the same for every collector process.",
            id="pageviews.W003",
        )
    ]


def check_cookies_behind_https() -> list[CheckMessage]:
    """An HTTPS site whose pageview cookies would go out without ``Secure`` (and so without SameSite=None)."""
    secure = conf.COOKIE_SECURE
    https_site = bool(settings.SESSION_COOKIE_SECURE or settings.CSRF_COOKIE_SECURE)
    if not https_site or secure is True:
        return []
    if secure is None and (settings.SECURE_PROXY_SSL_HEADER or settings.SECURE_SSL_REDIRECT):
        return []  # Django knows when a request is HTTPS: the cookies follow it
    reason = (
        "PAGEVIEWS_COOKIE_SECURE is False"
        if secure is False
        else "behind a proxy that terminates TLS, without SECURE_PROXY_SSL_HEADER, request.is_secure() is False"
    )
    return [
        Warning(
            f"The site's own cookies are Secure, but the pageview cookies would not be: {reason}. "
            "They then go out without Secure and with SameSite=Lax, so visitors are not recognised cross-site.",
            hint="Set PAGEVIEWS_COOKIE_SECURE = True, or SECURE_PROXY_SSL_HEADER for your proxy.",
            id="pageviews.W004",
        )
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
    alias, database = aliases[0], databases[aliases[0]]
    warnings: list[CheckMessage] = []
    if not _connection_option(alias, database, "lazy_connect"):
        warnings.append(
            Warning(
                f"DATABASES[{alias!r}] connects to Cassandra while Django starts: "
                "the whole site fails to start when Cassandra is down.",
                hint="Set OPTIONS['connection']['lazy_connect'] = True (and retry_connect = True).",
                id="pageviews.W001",
            )
        )
    if _connection_option(alias, database, "consistency") is not None:
        warnings.append(
            Warning(
                f"DATABASES[{alias!r}] sets OPTIONS['connection']['consistency']: the driver then warns "
                "(DeprecationWarning) on the first query, an error where warnings are errors.",
                hint="Set the level in OPTIONS['connection']['execution_profiles'] = "
                "{EXEC_PROFILE_DEFAULT: ExecutionProfile(consistency_level=...)} instead.",
                id="pageviews.W002",
            )
        )
    return warnings


def _connection_option(alias: str, database: dict[str, Any], name: str) -> Any:
    """An option of ``OPTIONS["connection"]`` as the settings set it, before django-cassandra-engine connected.

    It pops ``lazy_connect``, ``retry_connect`` and ``consistency`` out of the
    settings dict when it connects, and keeps them on a connection that is per
    thread: the app config read them first, and a connected wrapper of this
    thread knows them too. A dict that still has the option
    (``override_settings``, or no connection made yet) is read as it is.
    """
    options = database.get("OPTIONS", {}).get("connection", {})
    if name in options:
        return options[name]
    if alias in connections.settings and getattr(connections[alias], "connected", False):
        return connections[alias].connection.connection_options.get(name)
    config = apps.get_app_config("pageviews")
    seen: dict[str, dict[str, Any]] = getattr(config, "connection_options", {})
    return seen.get(alias, {}).get(name)


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


def _required(bound: int | None) -> int:
    if bound is None:
        raise ValueError("the declaration has no such bound")
    return bound


#: Cassandra's largest TTL is 20 years: the maximum of ``PAGEVIEWS_RETENTION_DAYS`` (and of an app's own).
MAX_RETENTION_DAYS: int = _required(Conf.RETENTION_DAYS.maximum)

#: The checks written by hand; every other id comes from the declarations in ``conf.py``.
_HAND_WRITTEN_IDS = (
    "pageviews.E001",
    "pageviews.E002",
    "pageviews.E003",
    "pageviews.E004",
    "pageviews.E006",
    "pageviews.E008",
    "pageviews.E012",
    "pageviews.E013",
    "pageviews.W001",
    "pageviews.W002",
    "pageviews.W003",
    "pageviews.W004",
)
_DECLARED_IDS = (
    "pageviews.E005",
    "pageviews.E007",
    *(setting.bound_check for setting in SETTINGS if setting.bound_check),
)
#: Every check id this app can report, sorted.
CHECK_IDS: tuple[str, ...] = tuple(sorted({*_HAND_WRITTEN_IDS, *_DECLARED_IDS}))


def check_setting_values() -> list[CheckMessage]:
    """Values of the right type that still cannot work, beyond what their declarations say."""
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
    writer_class = getattr(settings, "PAGEVIEWS_WRITER_CLASS", None)
    if isinstance(writer_class, str):
        errors.extend(check_writer_class(writer_class))
    return errors


#: What the collection rules call on a writer (``pageviews.collect.ingest.HitWriter``).
WRITER_METHODS = ("save", "save_event", "save_engagement", "wait_idle", "counts")


def check_writer_class(dotted: str) -> list[CheckMessage]:
    """``PAGEVIEWS_WRITER_CLASS`` must import and have the writer's methods: otherwise no hit would be stored."""
    try:
        cls = import_string(dotted)
    except ImportError as exc:
        return [Error(f"PAGEVIEWS_WRITER_CLASS {dotted!r} cannot be imported: {exc}.", id="pageviews.E012")]
    missing = [name for name in WRITER_METHODS if not callable(getattr(cls, name, None))]
    if missing:
        return [
            Error(
                f"PAGEVIEWS_WRITER_CLASS {dotted!r} lacks the writer methods {', '.join(missing)}.",
                hint="See the protocol pageviews.collect.ingest.HitWriter.",
                id="pageviews.E012",
            )
        ]
    return []


def check_declared_settings() -> list[CheckMessage]:
    """Every set ``PAGEVIEWS_*`` setting against its declaration: type (E005), choices (E007), bounds."""
    errors: list[CheckMessage] = []
    for setting in SETTINGS:
        if hasattr(settings, setting.full_name):
            errors.extend(check_declared_value(setting, getattr(settings, setting.full_name)))
    return errors


def check_declared_value(setting: Setting[Any], value: object) -> list[CheckMessage]:
    """The errors of one value of one setting; ``True`` and ``False`` are numbers only where ``bool`` is declared."""
    ok = False if isinstance(value, bool) and bool not in setting.types else isinstance(value, setting.types)
    if not ok:
        expected = " or ".join("None" if t is type(None) else t.__name__ for t in setting.types)
        return [Error(f"{setting.full_name} must be {expected}, not {type(value).__name__}.", id="pageviews.E005")]
    if setting.choices and value not in setting.choices:
        return [
            Error(
                f"{setting.full_name} is {value!r}; it must be one of {', '.join(map(repr, setting.choices))}.",
                id="pageviews.E007",
            )
        ]
    if setting.bound_check and isinstance(value, int | float) and not isinstance(value, bool):
        too_low = setting.minimum is not None and value < setting.minimum
        too_high = setting.maximum is not None and value > setting.maximum
        if too_low or too_high:
            return [Error(f"{setting.full_name} is {value!r}; {bound_rule(setting)}.", id=setting.bound_check)]
    return []


def bound_rule(setting: Setting[Any]) -> str:
    """What a bound check's message says a value must be, e.g. ``it must be None or 1 to 7300 days``."""
    if setting.minimum is not None and setting.maximum is not None:
        rule = f"{setting.minimum} to {setting.maximum}"
    elif setting.minimum is not None:
        rule = f"at least {setting.minimum}"
    else:
        rule = f"at most {setting.maximum}"
    none = "None or " if type(None) in setting.types else ""
    unit = f" {setting.unit}" if setting.unit else ""
    return f"it must be {none}{rule}{unit}"
