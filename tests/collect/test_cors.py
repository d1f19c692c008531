"""CORS on the collect URL, with real preflight requests through django-cors-headers."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from pageviews.models import App
from pageviews.storage import apps_cache

URL = "/pageviews/collect/"


def preflight(client: Client, origin: str, url: str = URL) -> dict[str, str]:
    response = client.options(
        url,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )
    assert response.status_code == 200
    return dict(response.headers)


def test_preflight_from_a_registered_origin_is_allowed(client: Client, make_app: Callable[..., App]) -> None:
    make_app(url="https://shop.test/", origins=("https://m.shop.test",))
    for origin in ("https://shop.test", "https://m.shop.test"):
        headers = preflight(client, origin)
        assert headers["access-control-allow-origin"] == origin
        assert headers["access-control-allow-credentials"] == "true"
        assert "POST" in headers["access-control-allow-methods"]
        assert "content-type" in headers["access-control-allow-headers"]


def test_preflight_from_another_origin_is_refused(client: Client, make_app: Callable[..., App]) -> None:
    make_app(url="https://shop.test/")
    headers = preflight(client, "https://attacker.test")
    assert "access-control-allow-origin" not in headers


def test_registered_origin_is_refused_on_other_urls(client: Client, make_app: Callable[..., App]) -> None:
    make_app(url="https://shop.test/")
    response = client.get("/other/", HTTP_ORIGIN="https://shop.test")
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


def test_actual_post_carries_the_allow_origin_header(client: Client, make_app: Callable[..., App]) -> None:
    app = make_app(url="https://shop.test/")
    response = client.post(URL, {"app": str(app.id), "path": "/"}, HTTP_ORIGIN="https://shop.test")
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "https://shop.test"


def test_deactivated_app_origin_is_refused(client: Client, make_app: Callable[..., App]) -> None:
    app = make_app(url="https://gone.test/")
    assert preflight(client, "https://gone.test").get("access-control-allow-origin") == "https://gone.test"
    app.update(active=False)
    apps_cache.known_apps.invalidate()
    assert "access-control-allow-origin" not in preflight(client, "https://gone.test")
