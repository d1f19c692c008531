"""``X-Pageviews-Outcome``: with DEBUG (or PAGEVIEWS_DEBUG_OUTCOME) each answer says why a hit was or was not stored."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import pytest
from django.test import Client
from django.test.utils import override_settings

from pageviews.collect import ratelimit
from pageviews.models import App

URL = "/pageviews/collect/"
HEADER = "X-Pageviews-Outcome"
ORIGIN = "https://site.test"


def hit(client: Client, app_id: object, **headers: Any) -> str | None:
    response = client.get(URL, {"app": str(app_id), "path": "/"}, **{"HTTP_ORIGIN": ORIGIN, **headers})
    assert response.status_code == 200
    value: str | None = response.headers.get(HEADER)
    return value


def test_silent_by_default_without_debug(client: Client, app: App) -> None:
    assert hit(client, app.id) is None


@override_settings(DEBUG=True)
def test_debug_names_the_outcome_unless_turned_off(client: Client, app: App) -> None:
    assert hit(client, app.id) == "stored"
    with override_settings(PAGEVIEWS_DEBUG_OUTCOME=False):
        assert hit(client, app.id) is None


@override_settings(PAGEVIEWS_DEBUG_OUTCOME=True)
def test_each_refusal_is_named(client: Client, app: App, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="pageviews.collect.http")
    unknown = uuid.uuid4()
    assert hit(client, unknown) == f"unknown app: {unknown} is not registered and active"
    assert hit(client, "nope") == "invalid: no app id (a UUID)"
    assert hit(client, app.id, HTTP_ORIGIN="http://localhost:8000") == (
        f"origin not allowed: http://localhost:8000 is not an origin of app {app.id}"
    )
    headless = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0"
    assert hit(client, app.id, HTTP_USER_AGENT=headless) == f"bot: the User-Agent is a bot's: {headless[:100]}"
    with override_settings(PAGEVIEWS_PRIVACY_SIGNALS="drop"):
        assert hit(client, app.id, HTTP_DNT="1") == "opted out"
    with override_settings(PAGEVIEWS_RATE_LIMIT=1):
        ratelimit.limiter.reset()
        assert hit(client, app.id) == "stored"
        assert hit(client, app.id) == "rate limited"
    ratelimit.limiter.reset()
    logged = [record.getMessage() for record in caplog.records if record.name == "pageviews.collect.http"]
    assert "pageview opted out" in logged
    assert f"pageview unknown app: {unknown} is not registered and active" in logged


@override_settings(PAGEVIEWS_DEBUG_OUTCOME=True)
def test_the_header_is_readable_cross_origin_and_ascii(client: Client, app: App) -> None:
    response = client.get(URL, {"app": str(app.id)}, HTTP_ORIGIN="https://bücher.test")
    assert response.headers["Access-Control-Expose-Headers"] == HEADER
    assert response.headers[HEADER].isascii()
    assert response.headers[HEADER].startswith("origin not allowed: https://b")


@override_settings(PAGEVIEWS_DEBUG_OUTCOME=True)
def test_a_crash_is_named_too(client: Client, app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("pageviews.collect.hits.parse_hit", boom)
    assert hit(client, app.id) == "error: RuntimeError"
