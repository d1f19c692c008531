"""CQL/SQL injection strings in every text field are stored verbatim, and change nothing else; long query strings.

Against the real Cassandra node: each hostile value comes back exactly as sent
(within its field's cap), the tables are all still there and no app appears.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.test.utils import override_settings

from pageviews.collect.hits import FIELD_CAPS
from pageviews.collect.http import PIXEL_GIF
from pageviews.models import App, Event
from pageviews.storage import connection, writer

URL = "/pageviews/collect/"
Stored = Callable[[uuid.UUID], list[Any]]

INJECTIONS = [
    "'; DROP TABLE pageviews; --",
    "' OR 1=1 --",
    "x') IF NOT EXISTS; --",
    "%s%s%s",
    "$$",
    "\\",
    "?",
    "\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2039\u203a\u00ab\u00bb\uff07\uff02\u02bc\u2032\u2033`\u00b4",
    "); INSERT INTO apps (id) VALUES (uuid()); --",
]
#: Free text fields of a pageview: stored as sent (``host`` lower-cased).
TEXT_FIELDS = (
    "path",
    "title",
    "referrer",
    "platform",
    "host",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
)
#: Fields with a format rule: anything else is stored empty.
VALIDATED_FIELDS = ("language", "screensize")


def expected(field: str, value: str) -> str:
    value = value[: FIELD_CAPS[field]]
    return value.lower() if field == "host" else value


def send(client: Client, how: str, data: dict[str, str]) -> int:
    if how == "get":
        return client.get(URL, data).status_code
    if how == "json":
        return client.post(URL, json.dumps(data), content_type="application/json").status_code
    return client.post(URL, data).status_code


def events_of(app_id: uuid.UUID) -> list[Any]:
    assert writer.cassandra_writer.stats.wait_idle(10)
    today = datetime.now(UTC).date()
    return [e for day in (today - timedelta(days=1), today) for e in Event.objects.filter(app=app_id, day=day)]


def table_names() -> set[str]:
    session, keyspace = connection.session_and_keyspace()
    query = "SELECT table_name FROM system_schema.tables WHERE keyspace_name = %s"
    return {row["table_name"] for row in session.execute(query, (keyspace,))}


def app_ids() -> set[uuid.UUID]:
    return {app.id for app in App.objects.all()}


@pytest.fixture
def untouched(app: App) -> Any:
    """Check, after the test, that the schema and the registered apps are as before."""
    tables, apps = table_names(), app_ids()
    assert {"apps", "pageviews", "engagement", "events"} <= tables
    yield
    assert writer.cassandra_writer.stats.wait_idle(10)
    assert table_names() == tables
    assert app_ids() == apps


@pytest.mark.parametrize("how", ["get", "json", "form"])
@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_strings_are_stored_verbatim(
    client: Client, app: App, stored: Stored, untouched: None, how: str, value: str
) -> None:
    data = {"app": str(app.id), **dict.fromkeys(TEXT_FIELDS + VALIDATED_FIELDS, value)}
    assert send(client, how, data) == (200 if how == "get" else 204)
    [row] = stored(app.id)
    for field in TEXT_FIELDS:
        assert getattr(row, field) == expected(field, value), field
    for field in VALIDATED_FIELDS:
        assert getattr(row, field) == "", field


@override_settings(PAGEVIEWS_MAX_BODY_BYTES=1_000_000)
@pytest.mark.parametrize("how", ["get", "json"])
@pytest.mark.parametrize("value", INJECTIONS)
def test_long_injection_strings_are_cut_to_their_caps(
    client: Client, app: App, stored: Stored, untouched: None, how: str, value: str
) -> None:
    long = (value * 3000)[:3000].strip()  # longer than every cap; a cap may fall inside the string
    data = {"app": str(app.id), **dict.fromkeys(TEXT_FIELDS, long)}
    send(client, how, data)
    [row] = stored(app.id)
    for field in TEXT_FIELDS:
        assert getattr(row, field) == expected(field, long), field
        assert len(getattr(row, field)) <= FIELD_CAPS[field]


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_strings_in_an_event_url(client: Client, app: App, untouched: None, value: str) -> None:
    response = client.post(URL, {"app": str(app.id), "type": "event", "name": "outbound", "url": value, "path": value})
    assert response.status_code == 204
    assert [(e.url, e.path) for e in events_of(app.id)] == [(value, value)]


@pytest.mark.parametrize("value", ["'; DROP TABLE pageviews; --", "pageview' OR '1'='1", "event; --"])
def test_injection_strings_in_the_type_or_event_name_store_nothing(
    client: Client, app: App, stored: Stored, untouched: None, value: str
) -> None:
    client.post(URL, {"app": str(app.id), "type": value, "path": "/t"})
    client.post(URL, {"app": str(app.id), "type": "event", "name": value, "url": "https://o.test/"})
    assert stored(app.id) == []
    assert events_of(app.id) == []


@override_settings(PAGEVIEWS_MAX_BODY_BYTES=300)
def test_query_string_over_the_limit_is_answered_and_not_stored(client: Client, app: App, stored: Stored) -> None:
    def query(title_length: int) -> str:
        return urlencode({"app": str(app.id), "path": "/q", "title": "t" * title_length})

    base = len(query(0))
    fits, too_long = query(300 - base), query(301 - base)
    assert (len(fits), len(too_long)) == (300, 301)
    answers = [client.get(f"{URL}?{text}") for text in (fits, too_long)]
    for response in answers:
        assert response.status_code == 200
        assert response.content == PIXEL_GIF
    assert "_utma" in answers[0].cookies
    assert "_utma" not in answers[1].cookies
    [row] = stored(app.id)
    assert len(row.title) == 300 - base


def test_default_limit_leaves_room_for_a_long_page(client: Client, app: App, stored: Stored) -> None:
    data = {"app": str(app.id), "path": "/" + "p" * 2047, "title": "t" * 512, "referrer": "https://r.test/" + "r" * 9}
    assert len(urlencode(data)) < 8192
    client.get(URL, data)
    [row] = stored(app.id)
    assert (len(row.path), len(row.title)) == (2048, 512)
