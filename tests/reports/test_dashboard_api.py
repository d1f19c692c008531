"""Dashboard and stats API: access rules, and figures equal to what was stored."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from pageviews.models import App
from pageviews.storage.registry import issue_token
from tests.conftest import write_pageviews

pytestmark = pytest.mark.django_db  # users live in the SQL database


@pytest.fixture
def staff_client() -> Client:
    client = Client()
    client.force_login(User.objects.create_user("staff", is_staff=True))
    return client


@pytest.fixture
def user_client() -> Client:
    client = Client()
    client.force_login(User.objects.create_user("user"))
    return client


def test_dashboard_needs_a_login_and_staff(client: Client, user_client: Client, app: App) -> None:
    for url in ("/pageviews/dashboard/", f"/pageviews/dashboard/{app.id}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
        assert user_client.get(url).status_code == 403


def test_dashboard_shows_the_apps_and_an_app_page(staff_client: Client, make_app: Callable[..., App]) -> None:
    app = make_app(name="Dashboard site", url="https://dash.test/")
    write_pageviews(app, 3, "/landing")
    index = staff_client.get("/pageviews/dashboard/")
    assert index.status_code == 200
    assert f"/pageviews/dashboard/{app.id}/" in index.content.decode()
    page = staff_client.get(f"/pageviews/dashboard/{app.id}/?period=today")
    html = page.content.decode()
    assert page.status_code == 200
    assert page.context["headline"]["pageviews"] == 3
    assert '<div class="pv-value" id="pv-pageviews">3</div>' in html
    assert "/landing" in html
    assert page.context["chart"]["pageviews"].count(0) >= 21  # 24 hours, hits in at most 3 of them
    assert len(page.context["chart"]["x"]) == 24


def test_dashboard_bad_custom_period_says_so(staff_client: Client, app: App) -> None:
    page = staff_client.get(f"/pageviews/dashboard/{app.id}/?period=custom&since=2026-02-01&until=2026-01-01")
    assert page.status_code == 200
    assert "ends (2026-01-01) before it starts" in page.content.decode()
    assert page.context["period"].name == "30d"


@pytest.mark.cassandra
def test_dashboard_unknown_app_is_404(staff_client: Client) -> None:
    assert staff_client.get(f"/pageviews/dashboard/{uuid.uuid4()}/").status_code == 404
    assert staff_client.get("/pageviews/dashboard/not-a-uuid/").status_code == 404


def stats_url(app: App | uuid.UUID, query: str = "period=today") -> str:
    app_id = app.id if isinstance(app, App) else app
    return f"/pageviews/api/apps/{app_id}/stats/?{query}"


def test_api_refuses_without_credentials(client: Client, user_client: Client, app: App) -> None:
    response = client.get(stats_url(app))
    assert response.status_code == 401
    assert "Authorization: Bearer" in response.json()["error"]
    assert user_client.get(stats_url(app)).status_code == 403
    assert client.get(stats_url(app), headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert client.get(stats_url(uuid.uuid4())).status_code == 401  # no probing for app ids


def test_api_with_a_read_token(client: Client, make_app: Callable[..., App]) -> None:
    app, other = make_app(url="https://api.test/"), make_app(url="https://other.test/")
    write_pageviews(app, 4)
    _, token = issue_token(str(app.id))
    auth = {"Authorization": f"Bearer {token}"}
    response = client.get(stats_url(app), headers=auth)
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    assert data["headline"]["pageviews"] == 4
    assert data["headline"]["visitors"] == 4
    assert data["period"]["interval"] == "hour"
    assert data["current_visitors"] == 4
    assert data["breakdowns"]["path"] == [{"value": "/", "count": 4}]
    assert client.get(stats_url(other), headers=auth).status_code == 403  # a token reads its own app only
    _, newer = issue_token(str(app.id))
    assert client.get(stats_url(app), headers=auth).status_code == 403  # the old token no longer works
    assert client.get(stats_url(app), headers={"Authorization": f"Bearer {newer}"}).status_code == 200


def test_api_for_staff_and_bad_input(staff_client: Client, app: App) -> None:
    assert staff_client.get(stats_url(app, "period=7d&limit=3")).status_code == 200
    assert staff_client.get(stats_url(app, "period=fortnight")).status_code == 400
    assert staff_client.get(stats_url(app, "period=custom&since=2026-01-01")).status_code == 400
    assert staff_client.get(stats_url(app, "limit=many")).status_code == 400
    assert staff_client.get(stats_url(uuid.uuid4())).status_code == 404
    assert staff_client.post(stats_url(app)).status_code == 405
