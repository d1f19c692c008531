"""Pure parsing of one collect request into a validated :class:`Hit`.

No Django response and no CQL here: the view hands over plain mappings and
gets back either a ``Hit`` (store it) or ``None`` (answer normally, store
nothing). Only the fields in :data:`FIELD_CAPS` are ever kept.
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

#: Longest stored value, in characters, of each client-sent text field.
#: Longer values are cut to this length.
FIELD_CAPS: Mapping[str, int] = {
    "path": 2048,
    "title": 512,
    "referrer": 2048,
    "platform": 64,
    "language": 35,
    "screensize": 11,
}
#: Longest stored user agent (a server-side field, from the header).
USERAGENT_CAP = 512
MAX_PIXELRATIO = 16.0

#: Unicode categories replaced by a space: controls, surrogates, line/paragraph separators.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})
_SCREENSIZE = re.compile(r"\d{1,5}x\d{1,5}")
_LANGUAGE = re.compile(r"[A-Za-z0-9-]+")
_UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")


@dataclass(frozen=True, slots=True)
class Hit:
    """One pageview, validated and ready to store."""

    app: uuid.UUID
    visitor: uuid.UUID
    session: uuid.UUID
    received_at: datetime
    path: str = ""
    title: str = ""
    referrer: str = ""
    platform: str = ""
    language: str = ""
    screensize: str = ""
    pixelratio: float | None = None
    ip: str = ""
    useragent: str = ""


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


def clean_screensize(value: object) -> str:
    """``WIDTHxHEIGHT`` in pixels, else ''."""
    text = clean_text(value, FIELD_CAPS["screensize"])
    return text if _SCREENSIZE.fullmatch(text) else ""


def clean_language(value: object) -> str:
    """A BCP 47 style tag such as ``en-GB``, else ''."""
    text = clean_text(value, FIELD_CAPS["language"])
    return text if _LANGUAGE.fullmatch(text) else ""


def clean_pixelratio(value: object) -> float | None:
    """A device pixel ratio in (0, 16], else None."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    try:
        ratio = float(value)
    except ValueError:
        return None
    if not math.isfinite(ratio) or not 0 < ratio <= MAX_PIXELRATIO:
        return None
    return ratio


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
    identity: Identity,
    *,
    ip: object,
    useragent: object,
    received_at: datetime,
) -> Hit | None:
    """Validate one pageview; None when the app id is missing or malformed.

    ``params`` are the client-sent fields (query string, form or JSON body);
    keys other than ``app`` and those of :data:`FIELD_CAPS` and ``pixelratio``
    are ignored. ``ip``, ``useragent`` and ``received_at`` come from the
    request itself, never from ``params``.
    """
    app = parse_uuid(params.get("app"))
    if app is None:
        return None
    return Hit(
        app=app,
        visitor=identity.visitor,
        session=identity.session,
        received_at=received_at,
        path=clean_text(params.get("path"), FIELD_CAPS["path"]),
        title=clean_text(params.get("title"), FIELD_CAPS["title"]),
        referrer=clean_text(params.get("referrer"), FIELD_CAPS["referrer"]),
        platform=clean_text(params.get("platform"), FIELD_CAPS["platform"]),
        language=clean_language(params.get("language")),
        screensize=clean_screensize(params.get("screensize")),
        pixelratio=clean_pixelratio(params.get("pixelratio")),
        ip=clean_ip(ip),
        useragent=clean_text(useragent, USERAGENT_CAP),
    )
