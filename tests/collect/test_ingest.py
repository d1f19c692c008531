"""The collection rules with fake collaborators: no Cassandra, no HTTP, milliseconds per test."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime

import pytest
from django.test.utils import override_settings

from pageviews.collect import ratelimit
from pageviews.collect.ingest import Collaborators, CollectRequest, ingest
from tests.fakes import ListWriter

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
APP = uuid.UUID("5f0c3b7e-8d2a-4c1e-9b6f-0a1b2c3d4e5f")
ORIGIN = "https://site.test"
NOON = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


class FakeApps:
    def __init__(self, origins: Mapping[uuid.UUID, set[str]]) -> None:
        self.origins = origins

    def is_active(self, app: uuid.UUID) -> bool:
        return app in self.origins

    def origin_allowed(self, app: uuid.UUID, origin: str) -> bool:
        return origin in self.origins.get(app, set())


class FakeSalts:
    def __init__(self) -> None:
        self.asked: list[date] = []

    def for_day(self, day: date) -> bytes:
        self.asked.append(day)
        return day.isoformat().encode() * 2


@pytest.fixture
def writer() -> ListWriter:
    return ListWriter()


@pytest.fixture
def salts() -> FakeSalts:
    return FakeSalts()


@pytest.fixture
def using(writer: ListWriter, salts: FakeSalts) -> Collaborators:
    return Collaborators(writer, FakeApps({APP: {ORIGIN}}), salts)


def request(
    fields: Mapping[str, object] | None = None,
    *,
    headers: Mapping[str, str] | None = None,
    cookies: Mapping[str, str] | None = None,
    useragent: str = BROWSER,
    at: datetime = NOON,
) -> CollectRequest:
    return CollectRequest(
        fields={"app": str(APP), "path": "/", **(fields or {})},
        cookies=cookies or {},
        headers={"Origin": ORIGIN, **(headers or {})},
        ip="203.0.113.77",
        useragent=useragent,
        received_at=at,
    )


def test_a_pageview_is_enriched_anonymised_and_given_cookies(using: Collaborators, writer: ListWriter) -> None:
    outcome = ingest(request({"referrer": "https://news.ycombinator.com/item?id=1", "host": "site.test"}), using)
    assert outcome.stored
    [hit] = writer.hits
    assert (hit.app, hit.path, hit.ip) == (APP, "/", "203.0.113.0")
    assert (hit.browser, hit.device, hit.referrer_source) == ("Chrome", "desktop", "Hacker News")
    assert outcome.cookies is not None
    assert outcome.cookies.new_visitor
    assert (hit.visitor, hit.session) == (outcome.cookies.visitor, outcome.cookies.session)


def test_cookies_that_come_back_are_kept(using: Collaborators, writer: ListWriter) -> None:
    visitor, session = uuid.uuid4(), uuid.uuid4()
    outcome = ingest(request(cookies={"_utma": str(visitor), "_utmb": str(session)}), using)
    assert outcome.cookies is not None
    assert not outcome.cookies.new_visitor
    assert (writer.hits[0].visitor, writer.hits[0].session) == (visitor, session)


@pytest.mark.parametrize(
    ("fields", "result"),
    [
        ({"app": "not-a-uuid"}, "invalid"),
        ({"type": "purchase"}, "invalid"),
        ({"app": str(uuid.uuid4())}, "unknown app"),
        ({"type": "engagement", "pv": "x", "engaged": "5"}, "invalid"),
        ({"type": "event", "name": "outbound"}, "invalid"),  # no url
    ],
)
def test_refused_requests_store_nothing(
    using: Collaborators, writer: ListWriter, fields: dict[str, str], result: str
) -> None:
    assert ingest(request(fields), using).result == result
    assert writer.everything == []


def test_the_origin_is_checked_from_origin_then_referer(using: Collaborators, writer: ListWriter) -> None:
    assert ingest(request(headers={"Origin": "https://evil.test"}), using).result == "origin not allowed"
    image = request(headers={"Origin": "", "Referer": "https://evil.test/page"})
    assert ingest(image, using).result == "origin not allowed"
    assert ingest(request(headers={"Origin": "null"}), using).stored  # no information: no check
    assert len(writer.hits) == 1


@override_settings(PAGEVIEWS_RATE_LIMIT=2)
def test_the_rate_limit_refuses_the_third_hit(using: Collaborators, writer: ListWriter) -> None:
    ratelimit.limiter.reset()
    results = [ingest(request(), using).result for _ in range(3)]
    assert results == ["stored", "stored", "rate limited"]
    assert len(writer.hits) == 2
    ratelimit.limiter.reset()


def test_bots_are_dropped_unless_kept(using: Collaborators, writer: ListWriter) -> None:
    assert ingest(request(useragent=GOOGLEBOT), using).result == "bot"
    with override_settings(PAGEVIEWS_STORE_BOTS=True):
        assert ingest(request(useragent=GOOGLEBOT), using).stored
    assert [hit.is_bot for hit in writer.hits] == [True]


def test_privacy_signals(using: Collaborators, writer: ListWriter) -> None:
    with override_settings(PAGEVIEWS_PRIVACY_SIGNALS="drop"):
        assert ingest(request(headers={"Sec-GPC": "1"}), using).result == "opted out"
    with override_settings(PAGEVIEWS_PRIVACY_SIGNALS="anonymous"):
        outcome = ingest(request(headers={"DNT": "1"}), using)
    assert outcome.stored
    assert outcome.cookies is None
    [hit] = writer.hits
    assert (hit.visitor, hit.session) == (None, None)


def test_engagement_and_events_go_to_their_own_writes(using: Collaborators, writer: ListWriter) -> None:
    pv = str(uuid.uuid4())
    assert ingest(request({"type": "engagement", "pv": pv, "engaged": "1500"}), using).stored
    event = {"type": "event", "name": "download", "url": "https://site.test/a.pdf", "pv": pv}
    assert ingest(request(event), using).stored
    assert [(e.pv, e.engaged_ms) for e in writer.engagements] == [(uuid.UUID(pv), 1500)]
    assert [(e.name, e.url) for e in writer.events] == [("download", "https://site.test/a.pdf")]
    assert writer.hits == []


@override_settings(PAGEVIEWS_COOKIELESS=True)
def test_cookieless_ids_come_from_the_days_salt(using: Collaborators, writer: ListWriter, salts: FakeSalts) -> None:
    first = ingest(request(), using)
    again = ingest(request(), using)
    assert first.cookies is None
    assert again.cookies is None
    assert writer.hits[0].visitor == writer.hits[1].visitor == writer.hits[0].session
    assert writer.hits[0].visitor_next is None  # noon: far from midnight
    assert salts.asked == [NOON.date(), NOON.date()]


@override_settings(PAGEVIEWS_COOKIELESS=True)
def test_cookieless_hits_near_midnight_name_tomorrows_id(
    using: Collaborators, writer: ListWriter, salts: FakeSalts
) -> None:
    late = datetime(2026, 12, 1, 23, 50, tzinfo=UTC)
    ingest(request(at=late), using)
    ingest(request(at=datetime(2026, 12, 2, 0, 5, tzinfo=UTC)), using)
    before, after = writer.hits
    assert before.visitor_next == after.visitor != before.visitor
    assert salts.asked == [late.date(), date(2026, 12, 2), date(2026, 12, 2)]
