"""The dashboard page in headless Chromium: it renders, its chart has the expected points, no console errors.

The page's HTML comes from the real view (called in-process for a staff user:
Django's ORM is off-limits in this thread while Playwright runs, see
conftest.py); Chromium loads it at the site server's URL, so the real static
files (uPlot, dashboard.js, CSS) come from the server.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.test import RequestFactory

from pageviews.models import App
from pageviews.reports import dashboard
from tests.browser.conftest import Servers, Tab
from tests.conftest import write_pageviews

pytestmark = [pytest.mark.browser, pytest.mark.cassandra]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


def dashboard_html(app: App, query: str) -> str:
    request = RequestFactory().get(f"/pageviews/dashboard/{app.id}/?{query}")
    request.user = SimpleNamespace(is_authenticated=True, is_active=True, is_staff=True)  # type: ignore[assignment]
    response = dashboard.app_page(request, str(app.id))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(("query", "points"), [("period=today", 24), ("period=30d", 30), ("period=7d", 7)])
def test_dashboard_renders_with_its_chart(
    servers: Servers, tab: Tab, make_app: Callable[..., App], query: str, points: int
) -> None:
    app = make_app(name="Chart site", url=f"{servers.site.origin}/")
    for n in range(5):
        write_pageviews(app, 1, f"/p{n}")
    html = dashboard_html(app, query)
    url = f"{servers.site.origin}/pageviews/dashboard/{app.id}/"
    tab.page.route(url, lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html))

    tab.page.goto(url)
    chart = tab.page.locator("#pv-chart")
    chart.locator("canvas").wait_for()
    assert chart.get_attribute("data-rendered") == str(points)
    assert tab.page.evaluate("JSON.parse(document.getElementById('pv-chart-data').textContent).x.length") == points
    assert tab.page.locator("#pv-pageviews").inner_text() == "5"
    assert tab.page.locator(".pv-table").count() == 11
    assert tab.page.locator("canvas").first.bounding_box()["width"] > 300  # type: ignore[index]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.page.screenshot(path=str(SCREENSHOTS / f"dashboard-{query.split('=')[1]}.png"), full_page=True)
    assert tab.console_errors == []
    assert tab.page_errors == []
