"""Every ``PAGEVIEWS_*`` setting, declared once: default, types, choices, bounds, doc; read at access time."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

YEAR_SECONDS = 365 * 24 * 60 * 60
#: Cassandra's largest TTL is 20 years.
_CASSANDRA_MAX_TTL_DAYS = 20 * 365

T = TypeVar("T")
_NONE = type(None)

#: Values read so far, by name without the prefix; emptied whenever a setting changes (override_settings in tests).
_values: dict[str, Any] = {}
_MISSING = object()


class Setting(Generic[T]):
    """One ``PAGEVIEWS_*`` setting, as a class attribute of :class:`Conf`.

    ``conf.NAME`` returns the value of ``settings.PAGEVIEWS_NAME`` (or ``default``), passed through
    ``convert`` when given, read on first access and cached until ``setting_changed``. The rest of the
    declaration is what ``checks.py`` validates (``types``, ``choices``, ``minimum``/``maximum`` reported
    as ``bound_check``) and what ``docs/settings.md`` shows (``doc``, ``items``, ``default_note``,
    ``default_doc``; the test ``tests/test_settings_docs.py`` keeps the page in step).
    """

    name: str

    def __init__(
        self,
        *,
        default: T,
        types: tuple[type | None, ...],
        doc: str,
        choices: tuple[str, ...] = (),
        minimum: int | None = None,
        maximum: int | None = None,
        bound_check: str | None = None,
        unit: str = "",
        convert: Callable[[Any], T] | None = None,
        items: type | None = None,
        default_note: str = "",
        default_doc: str | None = None,
    ) -> None:
        if (minimum is not None or maximum is not None) != (bound_check is not None):
            raise ValueError("a setting with a minimum or maximum names the bound_check reported, and only then")
        self.default = default
        #: Accepted runtime types; ``None`` stands for ``type(None)``. ``bool`` is accepted only when listed.
        self.types: tuple[type, ...] = tuple(_NONE if t is None else t for t in types)
        self.doc = doc
        self.choices = choices
        self.minimum = minimum
        self.maximum = maximum
        self.bound_check = bound_check
        #: Unit of the bounds in the bound check's message, e.g. ``days``.
        self.unit = unit
        self.convert = convert
        #: Documented type of the items of a list or tuple (not checked).
        self.items = items
        #: Shown after the default in the docs, e.g. ``30 minutes``.
        self.default_note = default_note
        #: Shown instead of the default in the docs, when the value depends on the machine.
        self.default_doc = default_doc

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self.name = name

    @property
    def full_name(self) -> str:
        return f"PAGEVIEWS_{self.name}"

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> Setting[T]: ...

    @overload
    def __get__(self, instance: Conf, owner: type[Any]) -> T: ...

    def __get__(self, instance: Conf | None, owner: type[Any]) -> Setting[T] | T:
        if instance is None:
            return self
        value = _values.get(self.name, _MISSING)
        if value is _MISSING:
            value = getattr(settings, self.full_name, self.default)
            if self.convert is not None:
                value = self.convert(value)
            _values[self.name] = value
        return value  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return f"<Setting {self.full_name}>"


@receiver(setting_changed)
def _forget_values(**kwargs: Any) -> None:
    _values.clear()


def _extensions(value: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    return tuple(str(ext).lower().lstrip(".") for ext in value)


class Conf:
    """Typed access to the app's settings: ``conf.NAME`` reads ``settings.PAGEVIEWS_NAME`` (cached)."""

    DATABASE: Setting[str | None] = Setting(
        default=None, types=(str, None), doc="Alias of the Cassandra database in `DATABASES`; `None`: the first one."
    )
    APP_ID: Setting[str | None] = Setting(
        default=None, types=(str, None), doc="Default app id of `{% pageview_snippet %}`."
    )
    ENDPOINT_URL: Setting[str | None] = Setting(
        default=None, types=(str, None), doc="Absolute URL of the collect endpoint; `None`: built from the request."
    )
    SHOULD_TRACK_CALLBACK: Setting[str | None] = Setting(
        default=None, types=(str, None), doc="Dotted path of `callback(request) -> bool`: render the snippet or not."
    )
    VISITOR_COOKIE_NAME: Setting[str] = Setting(
        default="_utma", types=(str,), doc="Name of the cookie holding the visitor id."
    )
    VISITOR_COOKIE_AGE: Setting[int] = Setting(
        default=2 * YEAR_SECONDS,
        types=(int,),
        default_note="2 years",
        doc="Lifetime of the visitor cookie, in seconds since the last stored hit.",
    )
    SESSION_COOKIE_NAME: Setting[str] = Setting(
        default="_utmb", types=(str,), doc="Name of the cookie holding the session id."
    )
    SESSION_COOKIE_AGE: Setting[int] = Setting(
        default=30 * 60,
        types=(int,),
        default_note="30 minutes",
        doc="Lifetime of the session cookie, in seconds since the last stored hit.",
    )
    COOKIE_DOMAIN: Setting[str | None] = Setting(
        default=None, types=(str, None), doc="`Domain` of both cookies; `None`: host-only cookies."
    )
    COOKIE_SECURE: Setting[bool | None] = Setting(
        default=None,
        types=(bool, None),
        doc="`True`/`False` forces the `Secure` flag; `None`: `Secure` when the request is HTTPS.",
    )
    COOKIE_SAMESITE: Setting[str | None] = Setting(
        default=None,
        types=(str, None),
        doc='`SameSite` of both cookies; `None`: `"None"` on `Secure` cookies, else `"Lax"`.',
    )
    IP_HEADER: Setting[str | None] = Setting(
        default=None,
        types=(str, None),
        doc="`request.META` key holding the client address behind a proxy; `None`: `REMOTE_ADDR`.",
    )
    APPS_REFRESH_SECONDS: Setting[float] = Setting(
        default=30, types=(int, float), doc="How long the in-process cache of registered apps is trusted."
    )
    MAX_BODY_BYTES: Setting[int] = Setting(
        default=8192,
        types=(int,),
        doc="Larger `POST` bodies and `GET` query strings are answered normally and not stored.",
    )
    RATE_LIMIT: Setting[int | None] = Setting(
        default=None,
        types=(int, None),
        minimum=1,
        bound_check="pageviews.E011",
        default_note="no limit",
        doc="Hits stored per client address and `RATE_LIMIT_WINDOW`, per process; `None`: no limit.",
    )
    RATE_LIMIT_WINDOW: Setting[int] = Setting(
        default=60,
        types=(int,),
        minimum=1,
        bound_check="pageviews.E011",
        doc="Length, in seconds, of the windows that `RATE_LIMIT` counts in.",
    )
    COLLECT_PATH: Setting[str] = Setting(
        default="collect/",
        types=(str,),
        doc="Route of the collect endpoint under the include prefix (read when the URLconf loads).",
    )
    SPOOL_DIR: Setting[str] = Setting(
        default=os.path.join(tempfile.gettempdir(), "django-pageviews-spool"),
        types=(str,),
        default_doc="`django-pageviews-spool` in the system's temporary directory",
        doc="Directory of the spool files (failed writes kept for replay); use durable storage.",
    )
    SPOOL_FSYNC: Setting[str] = Setting(
        default="interval",
        types=(str,),
        choices=("always", "interval", "never"),
        doc="Fsync each spooled hit, at most once a second, or never.",
    )
    AUTO_REPLAY: Setting[bool] = Setting(
        default=True, types=(bool,), doc="Replay the spool in the background once Cassandra accepts writes again."
    )
    MAX_PENDING_WRITES: Setting[int] = Setting(
        default=2000,
        types=(int,),
        doc="Writes in flight per process above which new hits go straight to the spool (back-pressure).",
    )
    DEBUG_OUTCOME: Setting[bool | None] = Setting(
        default=None,
        types=(bool, None),
        doc="Name each hit's outcome in an `X-Pageviews-Outcome` header and log it at INFO; `None`: when `DEBUG`.",
    )
    WRITER_CLASS: Setting[str] = Setting(
        default="pageviews.storage.writer.CassandraWriter",
        types=(str,),
        doc="Dotted path of the class that stores hits; the process makes one instance of it.",
    )
    RETENTION_DAYS: Setting[int | None] = Setting(
        default=None,
        types=(int, None),
        minimum=1,
        maximum=_CASSANDRA_MAX_TTL_DAYS,
        bound_check="pageviews.E009",
        unit="days",
        doc="Days raw hits are kept (a TTL set at write time), unless the app sets its own; `None`: forever.",
    )
    ROLLUP_TOP_N: Setting[int] = Setting(
        default=100,
        types=(int,),
        minimum=1,
        bound_check="pageviews.E010",
        doc="Values of each breakdown kept per day by the rollup.",
    )
    PARAM_NAMES: Setting[dict[str, str]] = Setting(
        default={},
        types=(dict,),
        doc='Wire names of the snippet\'s fields, e.g. `{"app": "a"}`; unnamed fields keep theirs.',
    )
    IP_MODE: Setting[str] = Setting(
        default="anonymize",
        types=(str,),
        choices=("anonymize", "full", "none"),
        doc="Store the address anonymised (IPv4 /24, IPv6 /48), in full, or not at all.",
    )
    PRIVACY_SIGNALS: Setting[str] = Setting(
        default="ignore",
        types=(str,),
        choices=("ignore", "anonymous", "drop"),
        doc="On DNT or GPC: store as usual, store without cookies or identity, or store nothing.",
    )
    COOKIELESS: Setting[bool] = Setting(
        default=False,
        types=(bool,),
        doc="No cookies: ids from a keyed hash of (app, IP, user agent) with a daily salt.",
    )
    STORE_BOTS: Setting[bool] = Setting(
        default=False, types=(bool,), doc="Store bot hits (flagged `is_bot`) instead of dropping them."
    )
    TRACK_SPA: Setting[bool] = Setting(
        default=False,
        types=(bool,),
        doc="Snippet default: record `history.pushState`/`replaceState`/`popstate` navigations.",
    )
    TRACK_HASH: Setting[bool] = Setting(
        default=False, types=(bool,), doc="Snippet default: a changed `location.hash` is a new pageview too."
    )
    TRACK_ENGAGEMENT: Setting[bool] = Setting(
        default=True,
        types=(bool,),
        doc="Snippet default: send the engaged time of each pageview when the page is hidden.",
    )
    TRACK_OUTBOUND: Setting[bool] = Setting(
        default=False,
        types=(bool,),
        doc="Snippet default: record clicks on links to other hosts as `outbound` events.",
    )
    TRACK_DOWNLOADS: Setting[bool] = Setting(
        default=False,
        types=(bool,),
        doc="Snippet default: record clicks on links to files as `download` events.",
    )
    DOWNLOAD_EXTENSIONS: Setting[tuple[str, ...]] = Setting(
        default=("pdf", "zip", "gz", "tgz", "dmg", "exe", "msi", "deb", "rpm", "apk", "csv", "xlsx", "docx", "pptx"),
        types=(list, tuple),
        items=str,
        convert=_extensions,
        doc="File extensions (lower case, no dot) that make a link a download.",
    )


#: Every declaration, in the order of ``Conf`` (and of the docs' table); ``checks.py`` validates from it.
SETTINGS: tuple[Setting[Any], ...] = tuple(value for value in vars(Conf).values() if isinstance(value, Setting))

conf = Conf()
