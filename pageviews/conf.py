"""Every ``PAGEVIEWS_*`` setting, typed, with its default, read at access time."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

YEAR_SECONDS = 365 * 24 * 60 * 60


@dataclass(frozen=True)
class Setting:
    """One setting: its name without the prefix, accepted types and default."""

    name: str
    types: tuple[type, ...]
    default: Any
    choices: tuple[str, ...] = ()

    @property
    def full_name(self) -> str:
        return f"PAGEVIEWS_{self.name}"


_NONE = type(None)

#: The single list of settings; ``checks.py`` validates their types from it.
SETTINGS: tuple[Setting, ...] = (
    Setting("DATABASE", (str, _NONE), None),
    Setting("APP_ID", (str, _NONE), None),
    Setting("ENDPOINT_URL", (str, _NONE), None),
    Setting("SHOULD_TRACK_CALLBACK", (str, _NONE), None),
    Setting("VISITOR_COOKIE_NAME", (str,), "_utma"),
    Setting("VISITOR_COOKIE_AGE", (int,), 2 * YEAR_SECONDS),
    Setting("SESSION_COOKIE_NAME", (str,), "_utmb"),
    Setting("SESSION_COOKIE_AGE", (int,), 30 * 60),
    Setting("COOKIE_DOMAIN", (str, _NONE), None),
    Setting("COOKIE_SECURE", (bool, _NONE), None),
    Setting("COOKIE_SAMESITE", (str, _NONE), None),
    Setting("IP_HEADER", (str, _NONE), None),
    Setting("APPS_REFRESH_SECONDS", (int, float), 30),
    Setting("MAX_BODY_BYTES", (int,), 8192),
    Setting("RATE_LIMIT", (int, _NONE), None),
    Setting("RATE_LIMIT_WINDOW", (int,), 60),
    Setting("COLLECT_PATH", (str,), "collect/"),
    Setting("SPOOL_DIR", (str,), os.path.join(tempfile.gettempdir(), "django-pageviews-spool")),
    Setting("SPOOL_FSYNC", (str,), "interval", choices=("always", "interval", "never")),
    Setting("AUTO_REPLAY", (bool,), True),
    Setting("MAX_PENDING_WRITES", (int,), 2000),
    Setting("WRITER_CLASS", (str,), "pageviews.storage.writer.CassandraWriter"),
    Setting("ROLLUP_TOP_N", (int,), 100),
    Setting("RETENTION_DAYS", (int, _NONE), None),
    Setting("PARAM_NAMES", (dict,), {}),
    Setting("IP_MODE", (str,), "anonymize", choices=("anonymize", "full", "none")),
    Setting("PRIVACY_SIGNALS", (str,), "ignore", choices=("ignore", "anonymous", "drop")),
    Setting("COOKIELESS", (bool,), False),
    Setting("STORE_BOTS", (bool,), False),
    Setting("TRACK_SPA", (bool,), False),
    Setting("TRACK_HASH", (bool,), False),
    Setting("TRACK_ENGAGEMENT", (bool,), True),
    Setting("TRACK_OUTBOUND", (bool,), False),
    Setting("TRACK_DOWNLOADS", (bool,), False),
    Setting(
        "DOWNLOAD_EXTENSIONS",
        (list, tuple),
        ("pdf", "zip", "gz", "tgz", "dmg", "exe", "msi", "deb", "rpm", "apk", "csv", "xlsx", "docx", "pptx"),
    ),
)
_BY_NAME = {setting.name: setting for setting in SETTINGS}
#: Values read so far; emptied whenever a setting changes (override_settings in tests).
_values: dict[str, Any] = {}
_MISSING = object()


def _get(name: str) -> Any:
    """The setting's value, cached: the request path reads settings without a lookup miss each time."""
    value = _values.get(name, _MISSING)
    if value is _MISSING:
        value = _values[name] = getattr(settings, f"PAGEVIEWS_{name}", _BY_NAME[name].default)
    return value


@receiver(setting_changed)
def _forget_values(**kwargs: Any) -> None:
    _values.clear()


class Conf:
    """Typed access to the app's settings; each property reads settings anew."""

    @property
    def DATABASE(self) -> str | None:
        """Alias of the Cassandra database in ``DATABASES``; None: the first one."""
        value: str | None = _get("DATABASE")
        return value

    @property
    def APP_ID(self) -> str | None:
        """Default app id for ``{% pageview_snippet %}``."""
        value: str | None = _get("APP_ID")
        return value

    @property
    def ENDPOINT_URL(self) -> str | None:
        """Absolute URL of the collect endpoint; None: built from the request."""
        value: str | None = _get("ENDPOINT_URL")
        return value

    @property
    def SHOULD_TRACK_CALLBACK(self) -> str | None:
        """Dotted path of ``callback(request) -> bool``: render the snippet or not."""
        value: str | None = _get("SHOULD_TRACK_CALLBACK")
        return value

    @property
    def VISITOR_COOKIE_NAME(self) -> str:
        value: str = _get("VISITOR_COOKIE_NAME")
        return value

    @property
    def VISITOR_COOKIE_AGE(self) -> int:
        value: int = _get("VISITOR_COOKIE_AGE")
        return value

    @property
    def SESSION_COOKIE_NAME(self) -> str:
        value: str = _get("SESSION_COOKIE_NAME")
        return value

    @property
    def SESSION_COOKIE_AGE(self) -> int:
        value: int = _get("SESSION_COOKIE_AGE")
        return value

    @property
    def COOKIE_DOMAIN(self) -> str | None:
        value: str | None = _get("COOKIE_DOMAIN")
        return value

    @property
    def COOKIE_SECURE(self) -> bool | None:
        """True/False forces the Secure flag; None: Secure when the request is HTTPS."""
        value: bool | None = _get("COOKIE_SECURE")
        return value

    @property
    def COOKIE_SAMESITE(self) -> str | None:
        """None: ``None`` on Secure cookies (cross-site works), else ``Lax``."""
        value: str | None = _get("COOKIE_SAMESITE")
        return value

    @property
    def IP_HEADER(self) -> str | None:
        """``request.META`` key holding the client IP behind a proxy; None: REMOTE_ADDR."""
        value: str | None = _get("IP_HEADER")
        return value

    @property
    def APPS_REFRESH_SECONDS(self) -> float:
        """How long the in-process cache of registered apps is trusted."""
        value: float = _get("APPS_REFRESH_SECONDS")
        return value

    @property
    def MAX_BODY_BYTES(self) -> int:
        """Larger POST bodies and GET query strings are answered normally and not stored."""
        value: int = _get("MAX_BODY_BYTES")
        return value

    @property
    def RATE_LIMIT(self) -> int | None:
        """Hits stored per client address and ``RATE_LIMIT_WINDOW``, per process; None: no limit."""
        value: int | None = _get("RATE_LIMIT")
        return value

    @property
    def RATE_LIMIT_WINDOW(self) -> int:
        """Length, in seconds, of the windows that ``RATE_LIMIT`` counts in."""
        value: int = _get("RATE_LIMIT_WINDOW")
        return value

    @property
    def WRITER_CLASS(self) -> str:
        """Dotted path of the class that stores hits (its one instance per process is the writer)."""
        value: str = _get("WRITER_CLASS")
        return value

    @property
    def ROLLUP_TOP_N(self) -> int:
        """Values of each breakdown kept per day by the rollup."""
        value: int = _get("ROLLUP_TOP_N")
        return value

    @property
    def RETENTION_DAYS(self) -> int | None:
        """Days raw hits are kept (Cassandra TTL set at write time), unless the app sets its own; None: forever."""
        value: int | None = _get("RETENTION_DAYS")
        return value

    @property
    def SPOOL_DIR(self) -> str:
        """Directory of the spool files (failed writes kept for replay); use durable storage."""
        value: str = _get("SPOOL_DIR")
        return value

    @property
    def SPOOL_FSYNC(self) -> str:
        """``always`` (fsync each spooled hit), ``interval`` (at most once a second) or ``never``."""
        value: str = _get("SPOOL_FSYNC")
        return value

    @property
    def AUTO_REPLAY(self) -> bool:
        """Replay the spool in the background once Cassandra accepts writes again."""
        value: bool = _get("AUTO_REPLAY")
        return value

    @property
    def MAX_PENDING_WRITES(self) -> int:
        """Writes in flight per process above which new hits go straight to the spool (back-pressure)."""
        value: int = _get("MAX_PENDING_WRITES")
        return value

    @property
    def COLLECT_PATH(self) -> str:
        """Path of the collect endpoint under the include prefix (read when the URLconf loads)."""
        value: str = _get("COLLECT_PATH")
        return value

    @property
    def PARAM_NAMES(self) -> dict[str, str]:
        """Wire names for the snippet's fields, e.g. ``{"app": "a"}``; unnamed fields keep theirs."""
        value: dict[str, str] = _get("PARAM_NAMES")
        return value

    @property
    def IP_MODE(self) -> str:
        """``anonymize`` (IPv4 /24, IPv6 /48), ``full`` or ``none`` (no IP stored)."""
        value: str = _get("IP_MODE")
        return value

    @property
    def PRIVACY_SIGNALS(self) -> str:
        """On DNT or GPC: ``ignore``, ``anonymous`` (no cookies, no identity) or ``drop`` (no hit)."""
        value: str = _get("PRIVACY_SIGNALS")
        return value

    @property
    def COOKIELESS(self) -> bool:
        """No cookies: ids from a keyed hash of (app, IP, user agent) with a daily salt."""
        value: bool = _get("COOKIELESS")
        return value

    @property
    def STORE_BOTS(self) -> bool:
        """Store bot hits (flagged ``is_bot``) instead of dropping them."""
        value: bool = _get("STORE_BOTS")
        return value

    @property
    def TRACK_SPA(self) -> bool:
        """Snippet default: record history.pushState/replaceState/popstate navigations."""
        value: bool = _get("TRACK_SPA")
        return value

    @property
    def TRACK_HASH(self) -> bool:
        """Snippet default: a changed ``location.hash`` is a new pageview too."""
        value: bool = _get("TRACK_HASH")
        return value

    @property
    def TRACK_ENGAGEMENT(self) -> bool:
        """Snippet default: send the engaged time of each pageview when the page is hidden."""
        value: bool = _get("TRACK_ENGAGEMENT")
        return value

    @property
    def TRACK_OUTBOUND(self) -> bool:
        """Snippet default: record clicks on links to other hosts as ``outbound`` events."""
        value: bool = _get("TRACK_OUTBOUND")
        return value

    @property
    def TRACK_DOWNLOADS(self) -> bool:
        """Snippet default: record clicks on links to files as ``download`` events."""
        value: bool = _get("TRACK_DOWNLOADS")
        return value

    @property
    def DOWNLOAD_EXTENSIONS(self) -> tuple[str, ...]:
        """File extensions (lower case, no dot) that make a link a download."""
        value: list[str] | tuple[str, ...] = _get("DOWNLOAD_EXTENSIONS")
        return tuple(str(ext).lower().lstrip(".") for ext in value)


conf = Conf()
