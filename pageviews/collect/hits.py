"""Pure parsing of one collect request into a validated hit.

No Django response and no CQL here: the caller hands over plain mappings and
gets back a :class:`Hit` (a pageview), an :class:`Engagement` (time on a
pageview), an :class:`Event` (an outbound or download click), or ``None``
(answer normally, store nothing). Only the fields named here are ever kept.
"""

from __future__ import annotations

import ipaddress
import math
import re
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

#: Longest stored value, in characters, of each client-sent text field.
#: Longer values are cut to this length.
FIELD_CAPS: Mapping[str, int] = {
    "path": 2048,
    "title": 512,
    "referrer": 2048,
    "platform": 64,
    "language": 35,
    "screensize": 11,
    "host": 253,
    "utm_source": 256,
    "utm_medium": 256,
    "utm_campaign": 256,
    "utm_term": 256,
    "utm_content": 256,
    "url": 2048,
}
#: Longest stored user agent (a server-side field, from the header).
USERAGENT_CAP = 512
MIN_PIXELRATIO = 0.1
MAX_PIXELRATIO = 16.0
#: Longest engaged time accepted for one pageview: a day, in milliseconds.
MAX_ENGAGED_MS = 24 * 60 * 60 * 1000
#: Kinds of hit the endpoint takes (the ``type`` field; absent means pageview).
KINDS = ("pageview", "engagement", "event")
#: Event names the snippet sends.
EVENT_NAMES = ("outbound", "download")
#: Every client-sent field name; anything else in a request is never read.
CLIENT_FIELDS = frozenset({"app", "type", "pv", "pixelratio", "engaged", "name", *FIELD_CAPS})

#: Unicode categories replaced by a space: controls, surrogates, line/paragraph separators.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})
_SCREENSIZE = re.compile(r"\d{1,5}x\d{1,5}")
_LANGUAGE = re.compile(r"[A-Za-z0-9-]+")
_UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")


@dataclass(frozen=True, slots=True)
class Hit:
    """One pageview, validated (and, once enriched, ready to store)."""

    app: uuid.UUID
    visitor: uuid.UUID | None
    session: uuid.UUID | None
    received_at: datetime
    pv: uuid.UUID
    path: str = ""
    title: str = ""
    referrer: str = ""
    platform: str = ""
    language: str = ""
    screensize: str = ""
    pixelratio: float | None = None
    host: str = ""
    utm_source: str = ""
    utm_medium: str = ""
    utm_campaign: str = ""
    utm_term: str = ""
    utm_content: str = ""
    ip: str = ""
    useragent: str = ""
    # Derived at ingest (pageviews.enrich, pageviews.privacy).
    browser: str = ""
    browser_version: str = ""
    os: str = ""
    os_version: str = ""
    device: str = ""
    is_bot: bool = False
    referrer_host: str = ""
    referrer_source: str = ""
    country: str = ""
    visitor_next: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class Engagement:
    """The engaged time (the page visible) of one pageview so far."""

    app: uuid.UUID
    pv: uuid.UUID
    engaged_ms: int
    received_at: datetime


@dataclass(frozen=True, slots=True)
class Event:
    """A click worth counting: a link to another host, or to a file."""

    app: uuid.UUID
    name: str
    url: str
    path: str
    pv: uuid.UUID | None
    visitor: uuid.UUID | None
    session: uuid.UUID | None
    received_at: datetime


@dataclass(frozen=True, slots=True)
class Identity:
    """The visitor and session ids of a hit, and whether each was new."""

    visitor: uuid.UUID
    session: uuid.UUID
    new_visitor: bool
    new_session: bool


def parse_uuid(value: object) -> uuid.UUID | None:
    """Return the UUID written in ``value`` (hex, with or without dashes), else None."""
    if not isinstance(value, str) or not _UUID_TEXT.fullmatch(value):
        return None
    return uuid.UUID(value)


def kind_of(params: Mapping[str, object]) -> str | None:
    """The hit's kind: ``pageview`` when no ``type`` is given, None when it is unknown."""
    kind = params.get("type", "pageview") or "pageview"
    return kind if kind in KINDS else None


def identity_from_cookies(cookies: Mapping[str, str], visitor_name: str, session_name: str) -> Identity:
    """Visitor and session ids from their cookies; a missing or malformed one is new."""
    visitor = parse_uuid(cookies.get(visitor_name))
    session = parse_uuid(cookies.get(session_name))
    return Identity(
        visitor=visitor or uuid.uuid4(),
        session=session or uuid.uuid4(),
        new_visitor=visitor is None,
        new_session=session is None,
    )


def clean_text(value: object, cap: int) -> str:
    """A printable single-line string of at most ``cap`` characters ('' for non-text).

    Control characters, line and paragraph separators and lone surrogates
    (which JSON can carry and UTF-8 cannot encode) become spaces; format
    characters such as the zero-width joiner of emoji sequences are kept.
    """
    if not isinstance(value, str):
        return ""
    if not value.isprintable():
        value = "".join(" " if unicodedata.category(ch) in _UNSAFE_CATEGORIES else ch for ch in value[: cap * 2])
    return value.strip()[:cap]


def clean_field(params: Mapping[str, object], name: str) -> str:
    """``params[name]`` cleaned and capped to its :data:`FIELD_CAPS` length."""
    return clean_text(params.get(name), FIELD_CAPS[name])


def clean_screensize(value: object) -> str:
    """``WIDTHxHEIGHT`` in pixels, else ''."""
    text = clean_text(value, FIELD_CAPS["screensize"])
    return text if _SCREENSIZE.fullmatch(text) else ""


def clean_language(value: object) -> str:
    """A BCP 47 style tag such as ``en-GB``, else ''."""
    text = clean_text(value, FIELD_CAPS["language"])
    return text if _LANGUAGE.fullmatch(text) else ""


def clean_pixelratio(value: object) -> float | None:
    """A device pixel ratio in [0.1, 16] (browsers zoom from 0.25 to 5), else None."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    try:
        ratio = float(value)
    except ValueError:
        return None
    if not math.isfinite(ratio) or not MIN_PIXELRATIO <= ratio <= MAX_PIXELRATIO:
        return None
    return ratio


def clean_milliseconds(value: object) -> int | None:
    """A whole number of milliseconds in [0, one day], else None."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    if not math.isfinite(number) or not 0 <= number <= MAX_ENGAGED_MS:
        return None
    return int(number)


def clean_ip(value: object) -> str:
    """The client address in canonical form; the first of a comma list; '' if invalid."""
    if not isinstance(value, str):
        return ""
    first = value.split(",", 1)[0].strip()
    try:
        return str(ipaddress.ip_address(first))
    except ValueError:
        return ""


def parse_hit(
    params: Mapping[str, object],
    identity: Identity | None,
    *,
    ip: object,
    useragent: object,
    received_at: datetime,
    app: uuid.UUID | None = None,
) -> Hit | None:
    """Validate one pageview; None when the app id is missing or malformed.

    ``params`` are the client-sent fields (query string, form or JSON body);
    keys outside :data:`CLIENT_FIELDS` are ignored. ``identity`` is None when
    no visitor or session id may be stored. ``ip``, ``useragent`` and
    ``received_at`` come from the request itself, never from ``params``. A
    missing or malformed pageview key ``pv`` gets a fresh one. A caller that
    has parsed the app id already passes it as ``app``.
    """
    app = app or parse_uuid(params.get("app"))
    if app is None:
        return None
    return Hit(
        app=app,
        visitor=identity.visitor if identity else None,
        session=identity.session if identity else None,
        received_at=received_at,
        pv=parse_uuid(params.get("pv")) or uuid.uuid4(),
        path=clean_field(params, "path"),
        title=clean_field(params, "title"),
        referrer=clean_field(params, "referrer"),
        platform=clean_field(params, "platform"),
        language=clean_language(params.get("language")),
        screensize=clean_screensize(params.get("screensize")),
        pixelratio=clean_pixelratio(params.get("pixelratio")),
        host=clean_field(params, "host").lower(),
        utm_source=clean_field(params, "utm_source"),
        utm_medium=clean_field(params, "utm_medium"),
        utm_campaign=clean_field(params, "utm_campaign"),
        utm_term=clean_field(params, "utm_term"),
        utm_content=clean_field(params, "utm_content"),
        ip=clean_ip(ip),
        useragent=clean_text(useragent, USERAGENT_CAP),
    )


def parse_engagement(params: Mapping[str, object], *, received_at: datetime) -> Engagement | None:
    """Validate an engagement beacon: app, pageview key and engaged milliseconds, else None."""
    app = parse_uuid(params.get("app"))
    pv = parse_uuid(params.get("pv"))
    engaged = clean_milliseconds(params.get("engaged"))
    if app is None or pv is None or engaged is None:
        return None
    return Engagement(app=app, pv=pv, engaged_ms=engaged, received_at=received_at)


def parse_event(params: Mapping[str, object], identity: Identity | None, *, received_at: datetime) -> Event | None:
    """Validate an outbound/download click: app, a known name and a URL, else None."""
    app = parse_uuid(params.get("app"))
    name = params.get("name")
    url = clean_field(params, "url")
    if app is None or name not in EVENT_NAMES or not url:
        return None
    return Event(
        app=app,
        name=str(name),
        url=url,
        path=clean_field(params, "path"),
        pv=parse_uuid(params.get("pv")),
        visitor=identity.visitor if identity else None,
        session=identity.session if identity else None,
        received_at=received_at,
    )


_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_origin(url: str) -> str | None:
    """``scheme://host[:port]`` of an http(s) URL: lower case, no credentials, no default port; else None."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    suffix = f":{port}" if port and port != _DEFAULT_PORTS[scheme] else ""
    return f"{scheme}://{host}{suffix}"
