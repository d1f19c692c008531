"""Property-based hostile input against the real endpoint and Cassandra (Hypothesis).

Whatever arrives in query strings, form and JSON bodies, cookies and headers:
never a 5xx, never a write for an unknown app, every stored value within its
cap, and nothing stored but whitelisted fields.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pageviews.collect.hits import CLIENT_FIELDS, FIELD_CAPS, USERAGENT_CAP
from pageviews.models import App, Pageview
from pageviews.storage import writer
from tests.conftest import BROWSER_UA

URL = "/pageviews/collect/"
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

text = st.text(max_size=3000)
junk_keys = st.text(min_size=1, max_size=20).filter(lambda key: key not in CLIENT_FIELDS)
field_values = st.one_of(
    text, st.integers(), st.floats(allow_nan=True), st.booleans(), st.none(), st.lists(text, max_size=3)
)
known_fields = st.dictionaries(st.sampled_from(sorted(CLIENT_FIELDS - {"app", "type"})), field_values, max_size=12)
junk_fields = st.dictionaries(junk_keys, st.text(min_size=8, max_size=40), max_size=5)
header_values = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=300)


def today_rows(app_id: uuid.UUID) -> list[Any]:
    assert writer.cassandra_writer.stats.wait_idle(10)
    today = datetime.now(UTC).date()
    return [row for day in (today - timedelta(days=1), today) for row in Pageview.objects.filter(app=app_id, day=day)]


def assert_within_caps(row: Any) -> None:
    for name, cap in FIELD_CAPS.items():
        if name != "url":
            assert len(getattr(row, name) or "") <= cap, name
    assert len(row.useragent or "") <= USERAGENT_CAP
    assert row.pixelratio is None or 0 < row.pixelratio <= 16


@pytest.fixture
def hostile_app(make_app: Callable[..., App]) -> App:
    return make_app(name="Hostile", url="https://hostile.test/")


def as_query(fields: dict[str, object]) -> dict[str, str]:
    return {key: json.dumps(value) if not isinstance(value, str) else value for key, value in fields.items()}


@SETTINGS
@given(fields=known_fields, junk=junk_fields, useragent=header_values, cookie=header_values)
def test_get_with_anything_answers_the_gif_and_stores_within_caps(
    hostile_app: App, fields: dict[str, object], junk: dict[str, str], useragent: str, cookie: str
) -> None:
    client = Client(HTTP_USER_AGENT=BROWSER_UA + useragent, HTTP_COOKIE=f"_utma={cookie}; _utmb={cookie}")
    before = writer.cassandra_writer.stats.started
    response = client.get(URL, {**as_query(fields), **junk, "app": str(hostile_app.id)})
    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert writer.cassandra_writer.stats.started - before <= 1
    rows = today_rows(hostile_app.id)
    for row in rows:
        assert_within_caps(row)
        stored_values = {str(value) for value in dict(row).values()}
        assert not any(value in stored_values for value in junk.values() if len(value) >= 8)


@SETTINGS
@given(fields=known_fields, junk=junk_fields, as_json=st.booleans(), dnt=st.sampled_from(["", "1", "0", "x"]))
def test_post_with_anything_answers_204_and_never_writes_for_an_unknown_app(
    cassandra_keyspace: str, fields: dict[str, object], junk: dict[str, str], as_json: bool, dnt: str
) -> None:
    client = Client(HTTP_USER_AGENT=BROWSER_UA, HTTP_DNT=dnt)
    unknown = str(uuid.uuid4())
    body = {**fields, **junk, "app": unknown}
    before = writer.cassandra_writer.stats.started
    if as_json:
        response = client.post(URL, json.dumps(body, default=str), content_type="application/json")
    else:
        response = client.post(URL, as_query(body))
    assert response.status_code == 204
    assert writer.cassandra_writer.stats.started == before
    assert not response.cookies


@SETTINGS
@given(
    body=st.binary(max_size=4000),
    content_type=st.sampled_from(
        [
            "application/json",
            "application/x-www-form-urlencoded",
            "text/plain",
            "multipart/form-data; boundary=x",
            "",
            "image/png",
        ]
    ),
)
def test_raw_bytes_in_a_post_body_never_fail(hostile_app: App, body: bytes, content_type: str) -> None:
    response = Client(HTTP_USER_AGENT=BROWSER_UA).generic("POST", URL, body, content_type=content_type)
    assert response.status_code == 204
    for row in today_rows(hostile_app.id):
        assert_within_caps(row)


@SETTINGS
@given(
    headers=st.dictionaries(
        st.sampled_from(["Origin", "Referer", "X-Forwarded-For", "DNT", "Sec-GPC", "User-Agent"]),
        header_values,
    )
)
def test_any_headers_answer_normally(hostile_app: App, headers: dict[str, str]) -> None:
    response = Client().get(URL, {"app": str(hostile_app.id), "path": "/h"}, headers=headers)
    assert response.status_code == 200
    assert response.content.startswith(b"GIF89a")
