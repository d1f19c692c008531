"""From one collect request to what is stored: the rules, in order, with no HTTP in sight.

The view turns the HTTP request into a :class:`CollectRequest`; :func:`ingest`
applies the rules (known app, allowed origin, rate limit, privacy signals, bots,
identity, enrichment) and hands the hit to the writer; the view sets the cookies
the :class:`Outcome` names.

The rules speak to storage only through three collaborators, passed in (the
defaults are the process's own): a :class:`HitWriter` (``PAGEVIEWS_WRITER_CLASS``),
an :class:`AppDirectory` (the in-process app cache) and a :class:`SaltSource`
(the daily cookieless salts). Tests pass fakes and need no Cassandra. Nothing
here reads Cassandra per request, except the daily cookieless salt once per
process and day.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from ..conf import conf
from ..storage.apps_cache import known_apps
from ..storage.salts import salts
from ..storage.writer import get_writer
from . import agents, enrich, hits, privacy, ratelimit


class HitWriter(Protocol):
    """Where stored hits go: the write path (``PAGEVIEWS_WRITER_CLASS`` names the class)."""

    def save(self, hit: hits.Hit) -> uuid.UUID:
        """Take a pageview (never raises: a writer keeps what it cannot write now) and return its id."""
        ...

    def save_event(self, event: hits.Event) -> uuid.UUID:
        """Take an outbound/download click and return its id."""
        ...

    def save_engagement(self, engagement: hits.Engagement) -> None:
        """Take the engaged time of a pageview."""
        ...

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until everything taken is stored or kept safe; False on timeout."""
        ...

    def counts(self) -> dict[str, int]:
        """Counters for the health report (e.g. started, written, failed, pending)."""
        ...


class AppDirectory(Protocol):
    """Which apps are registered and active, and their origins, without a database read per hit."""

    def is_active(self, app: uuid.UUID) -> bool: ...

    def origin_allowed(self, app: uuid.UUID, origin: str) -> bool: ...


class SaltSource(Protocol):
    """The secret of each UTC day for cookieless ids."""

    def for_day(self, day: date) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Collaborators:
    """What the rules store to and look up in."""

    writer: HitWriter
    apps: AppDirectory
    salts: SaltSource


def default_collaborators() -> Collaborators:
    """The process's writer (``PAGEVIEWS_WRITER_CLASS``), app cache and salts."""
    return Collaborators(get_writer(), known_apps, salts)


@dataclass(frozen=True, slots=True)
class CollectRequest:
    """What the endpoint reads from a request: client fields by canonical name, and server facts."""

    fields: Mapping[str, object]
    cookies: Mapping[str, str]
    headers: Mapping[str, str]
    ip: str
    useragent: str
    received_at: datetime


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to a request: ``stored`` or why not, and the identity to set as cookies."""

    result: str
    cookies: hits.Identity | None = None
    #: What the result is about, for a person debugging: the refused origin, the unknown app id, ...
    detail: str = ""

    @property
    def stored(self) -> bool:
        return self.result == "stored"

    def describe(self) -> str:
        """``result`` or ``result: detail``, one line (the ``X-Pageviews-Outcome`` header)."""
        return f"{self.result}: {self.detail}" if self.detail else self.result


def ingest(request: CollectRequest, using: Collaborators | None = None) -> Outcome:
    """Apply the collection rules to one request and hand what is to be stored to the writer."""
    using = using or default_collaborators()
    kind = hits.kind_of(request.fields)
    app = hits.parse_uuid(request.fields.get("app"))
    if kind is None or app is None:
        return Outcome("invalid", detail="no app id (a UUID)" if app is None else "unknown type")
    if not using.apps.is_active(app):
        return Outcome("unknown app", detail=f"{app} is not registered and active")
    origin = sending_origin(request.headers)
    if origin is not None and not using.apps.origin_allowed(app, origin):
        return Outcome("origin not allowed", detail=f"{origin} is not an origin of app {app}")
    if not ratelimit.allow(request.ip):
        return Outcome("rate limited")
    opted_out = conf.PRIVACY_SIGNALS != "ignore" and privacy.opted_out(request.headers)
    if opted_out and conf.PRIVACY_SIGNALS == "drop":
        return Outcome("opted out")
    useragent = hits.clean_text(request.useragent, hits.USERAGENT_CAP)  # as stored, so is_bot agrees
    if agents.parse_agent(useragent).is_bot and not conf.STORE_BOTS:
        return Outcome("bot", detail=f"the User-Agent is a bot's: {useragent[:100]}")
    if kind == "engagement":
        engagement = hits.parse_engagement(request.fields, received_at=request.received_at)
        if engagement is None:
            return Outcome("invalid", detail="an engagement beacon needs pv and engaged")
        using.writer.save_engagement(engagement)
        return Outcome("stored")
    identity, cookies = _identity(request, app, using.salts, anonymous=opted_out)
    if kind == "event":
        event = hits.parse_event(request.fields, identity, received_at=request.received_at)
        if event is None:
            return Outcome("invalid", detail="an event needs a known name and a url")
        using.writer.save_event(event)
        return Outcome("stored", cookies)
    hit = hits.parse_hit(
        request.fields, identity, ip=request.ip, useragent=useragent, received_at=request.received_at, app=app
    )
    if hit is None:  # pragma: no cover - the app id was checked above
        return Outcome("invalid")
    using.writer.save(_enriched(hit, request, app, using.salts))
    return Outcome("stored", cookies)


def sending_origin(headers: Mapping[str, str]) -> str | None:
    """The page's origin: the Origin header (beacons), else the Referer's (image requests); None if unknown.

    Browsers send ``Origin: null`` and no Referer under strict referrer
    policies: no information, so no check.
    """
    origin = headers.get("Origin")
    if origin and origin != "null":
        return hits.normalize_origin(origin) or origin
    return hits.normalize_origin(headers.get("Referer", ""))


#: The Enrichment fields, each a Hit field of the same name.
_ENRICHMENT_FIELDS = tuple(field.name for field in dataclasses.fields(enrich.Enrichment))

Identities = tuple[hits.Identity | None, hits.Identity | None]


def _identity(request: CollectRequest, app: uuid.UUID, salts: SaltSource, *, anonymous: bool) -> Identities:
    """(identity to store, identity to set as cookies) under the privacy settings."""
    if anonymous:
        return None, None
    if conf.COOKIELESS:
        salt = salts.for_day(request.received_at.date())
        visitor = privacy.cookieless_id(salt, app, hits.clean_ip(request.ip), request.useragent)
        return hits.Identity(visitor, visitor, new_visitor=False, new_session=False), None
    identity = hits.identity_from_cookies(request.cookies, conf.VISITOR_COOKIE_NAME, conf.SESSION_COOKIE_NAME)
    return identity, identity


def _enriched(hit: hits.Hit, request: CollectRequest, app: uuid.UUID, salts: SaltSource) -> hits.Hit:
    """The hit with its derived fields, and its IP as ``PAGEVIEWS_IP_MODE`` stores it."""
    derived = enrich.enrich(hit.useragent, hit.referrer, hit.host, hit.ip)
    visitor_next = None
    if conf.COOKIELESS and hit.visitor and privacy.near_midnight(hit.received_at, conf.SESSION_COOKIE_AGE):
        # The id this visitor gets after midnight, so reports can join a visit across it.
        tomorrow = salts.for_day(hit.received_at.date() + timedelta(days=1))
        visitor_next = privacy.cookieless_id(tomorrow, app, hit.ip, request.useragent)
    derived_fields = {name: getattr(derived, name) for name in _ENRICHMENT_FIELDS}
    return dataclasses.replace(
        hit, ip=privacy.stored_ip(hit.ip, conf.IP_MODE), visitor_next=visitor_next, **derived_fields
    )
