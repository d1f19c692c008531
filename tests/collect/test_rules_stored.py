"""Collection rules end to end (endpoint -> Cassandra): bots, privacy modes, cookieless ids,
engagement, events, wire names and the enrichment of stored rows."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.test.utils import override_settings

from pageviews.models import App, Engagement, Event
from pageviews.storage import connection, salts, writer

URL = "/pageviews/collect/"
Stored = Callable[[uuid.UUID], list[Any]]
IPHONE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
GOOGLEBOT_UA = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def rows_of(model: Any, app_id: uuid.UUID) -> list[Any]:
    assert writer.cassandra_writer.stats.wait_idle(10)
    today = datetime.now(UTC).date()
    return [row for day in (today - timedelta(days=1), today) for row in model.objects.filter(app=app_id, day=day)]


def test_stored_rows_are_enriched(client: Client, app: App, stored: Stored) -> None:
    client.get(
        URL,
        {
            "app": str(app.id),
            "path": "/",
            "host": "site.test",
            "referrer": "https://www.google.co.uk/search?q=x",
            "utm_source": "newsletter",
            "utm_medium": "email",
            "utm_campaign": "november",
        },
        HTTP_USER_AGENT=IPHONE_UA,
        REMOTE_ADDR="8.8.8.8",
    )
    [row] = stored(app.id)
    assert (row.browser, row.os, row.device, row.is_bot) == ("Mobile Safari", "iOS", "mobile", False)
    assert row.browser_version.startswith("17")
    assert row.os_version.startswith("17")
    assert (row.referrer_host, row.referrer_source) == ("www.google.co.uk", "Google")
    assert (row.utm_source, row.utm_medium, row.utm_campaign) == ("newsletter", "email", "november")
    assert row.country == "US"
    assert row.ip == "8.8.8.0"  # anonymised by default
    assert row.useragent == IPHONE_UA  # the raw field is kept


def test_bots_are_not_stored_by_default(client: Client, app: App, stored: Stored) -> None:
    response = client.get(URL, {"app": str(app.id), "path": "/"}, HTTP_USER_AGENT=GOOGLEBOT_UA)
    assert response.status_code == 200
    assert "_utma" not in response.cookies
    assert stored(app.id) == []


@override_settings(PAGEVIEWS_STORE_BOTS=True)
def test_bots_are_kept_flagged_when_asked(client: Client, app: App, stored: Stored) -> None:
    client.get(URL, {"app": str(app.id), "path": "/"}, HTTP_USER_AGENT=GOOGLEBOT_UA)
    [row] = stored(app.id)
    assert (row.is_bot, row.device) == (True, "bot")


@pytest.mark.parametrize(("mode", "expected"), [("full", "203.0.113.77"), ("none", ""), ("anonymize", "203.0.113.0")])
def test_ip_modes(client: Client, app: App, stored: Stored, mode: str, expected: str) -> None:
    with override_settings(PAGEVIEWS_IP_MODE=mode):
        client.get(URL, {"app": str(app.id)}, REMOTE_ADDR="203.0.113.77")
    [row] = stored(app.id)
    assert row.ip == expected


@pytest.mark.parametrize("header", [{"DNT": "1"}, {"Sec-GPC": "1"}])
def test_privacy_signals_ignored_by_default(client: Client, app: App, stored: Stored, header: dict[str, str]) -> None:
    response = client.get(URL, {"app": str(app.id)}, headers=header)
    assert "_utma" in response.cookies
    [row] = stored(app.id)
    assert row.visitor is not None


@override_settings(PAGEVIEWS_PRIVACY_SIGNALS="anonymous")
@pytest.mark.parametrize("header", [{"DNT": "1"}, {"Sec-GPC": "1"}])
def test_privacy_signals_anonymous(client: Client, app: App, stored: Stored, header: dict[str, str]) -> None:
    response = client.get(URL, {"app": str(app.id), "path": "/p"}, headers=header)
    assert response.status_code == 200
    assert not response.cookies
    [row] = stored(app.id)
    assert (row.path, row.visitor, row.session) == ("/p", None, None)


@override_settings(PAGEVIEWS_PRIVACY_SIGNALS="drop")
def test_privacy_signals_drop(client: Client, app: App, stored: Stored) -> None:
    response = client.get(URL, {"app": str(app.id)}, HTTP_SEC_GPC="1")
    assert response.status_code == 200
    assert not response.cookies
    client.get(URL, {"app": str(app.id), "path": "/no-signal"})
    assert [row.path for row in stored(app.id)] == ["/no-signal"]


@override_settings(PAGEVIEWS_COOKIELESS=True)
def test_cookieless_mode_sets_no_cookie_and_keeps_the_visitor_for_the_day(app: App, stored: Stored) -> None:
    client = Client(HTTP_USER_AGENT=IPHONE_UA, REMOTE_ADDR="203.0.113.9")
    for path in ("/a", "/b"):
        response = client.get(URL, {"app": str(app.id), "path": path})
        assert response.status_code == 200
        assert not response.cookies
    Client(HTTP_USER_AGENT=IPHONE_UA, REMOTE_ADDR="203.0.113.10").get(URL, {"app": str(app.id), "path": "/c"})
    rows = {row.path: row for row in stored(app.id)}
    assert rows["/a"].visitor == rows["/b"].visitor == rows["/a"].session
    assert rows["/c"].visitor != rows["/a"].visitor
    assert rows["/a"].ip == "203.0.113.0"


@override_settings(PAGEVIEWS_COOKIELESS=True)
def test_cookieless_salts_are_shared_through_cassandra_with_a_48_hour_ttl(cassandra_keyspace: str) -> None:
    today = datetime.now(UTC).date()
    salts.salts.forget()
    first = salts.salts.for_day(today)
    salts.salts.forget()  # as another process would: it must read the same salt back
    assert salts.salts.for_day(today) == first
    assert len(first) == 32
    session, keyspace = connection.session_and_keyspace()
    query = f"SELECT TTL(salt) AS ttl FROM {connection.qualified(keyspace, 'salts')} WHERE day = %s"  # noqa: S608
    row = session.execute(query, (today,)).one()
    assert 24 * 3600 < row["ttl"] <= 48 * 3600


def test_engagement_beacon_is_stored_against_the_pageview_key(client: Client, app: App, stored: Stored) -> None:
    pv = uuid.uuid4()
    client.post(URL, {"app": str(app.id), "path": "/read", "pv": str(pv)})
    for engaged in ("1200", "5300"):
        response = client.post(URL, {"app": str(app.id), "type": "engagement", "pv": str(pv), "engaged": engaged})
        assert response.status_code == 204
    [row] = stored(app.id)
    assert row.pv == pv
    [engagement] = rows_of(Engagement, app.id)
    assert (engagement.pv, engagement.engaged_ms) == (pv, 5300)


@pytest.mark.parametrize(
    "fields",
    [
        {"type": "engagement", "pv": "nope", "engaged": "10"},
        {"type": "engagement", "engaged": "10"},
        {"type": "engagement", "pv": "6f1c7a52-3b0e-4d7e-9a4b-0d6f3b2f9e10", "engaged": "-5"},
        {"type": "engagement", "pv": "6f1c7a52-3b0e-4d7e-9a4b-0d6f3b2f9e10", "engaged": str(10**12)},
        {"type": "event", "name": "purchase", "url": "https://x.test/"},
        {"type": "event", "name": "outbound"},
        {"type": "telemetry"},
    ],
)
def test_bad_engagement_and_event_hits_store_nothing(
    client: Client, app: App, stored: Stored, fields: dict[str, str]
) -> None:
    response = client.post(URL, {"app": str(app.id), **fields})
    assert response.status_code == 204
    assert stored(app.id) == []
    assert rows_of(Engagement, app.id) == []
    assert rows_of(Event, app.id) == []


def test_outbound_and_download_events_are_stored(client: Client, app: App) -> None:
    pv = uuid.uuid4()
    first = client.post(
        URL, {"app": str(app.id), "type": "event", "name": "outbound", "url": "https://o.test/", "pv": str(pv)}
    )
    client.post(
        URL, {"app": str(app.id), "type": "event", "name": "download", "url": "https://s.test/a.pdf", "path": "/docs"}
    )
    events = sorted(rows_of(Event, app.id), key=lambda e: e.name)
    assert [(e.name, e.url) for e in events] == [("download", "https://s.test/a.pdf"), ("outbound", "https://o.test/")]
    assert events[1].pv == pv
    assert str(events[1].visitor) == first.cookies["_utma"].value


@override_settings(PAGEVIEWS_PARAM_NAMES={"app": "a", "path": "p", "title": "t"})
def test_wire_names_are_read_back_to_fields(client: Client, app: App, stored: Stored) -> None:
    client.get(URL, {"a": str(app.id), "p": "/renamed", "t": "Renamed", "path": "/ignored"})
    [row] = stored(app.id)
    assert (row.path, row.title) == ("/renamed", "Renamed")
