"""End to end in Debian's headless Chromium: the snippet on a page, the collect endpoint, Cassandra.

The pages live on other origins than the collector (see ``conftest.py``), as on
a real deployment: ``site`` is cross-site, ``same_site`` only cross-origin.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import BrowserContext

from pageviews.conf import conf
from pageviews.models import App, Engagement
from pageviews.storage import writer
from tests.browser.conftest import USER_AGENT, Servers, Tab, WaitForPageviews

pytestmark = [pytest.mark.browser, pytest.mark.cassandra]

#: Non-ASCII and an ampersand: escaped in the HTML, URL-encoded by the snippet, decoded by Django.
TITLE = "Prüfseite über Café & Crème"

#: A credentialed, preflighted CORS request from the page; resolves to its status or its error.
CORS_FETCH = """async ({url, body}) => {
  try {
    const response = await fetch(url, {
      method: "POST", mode: "cors", credentials: "include",
      headers: {"Content-Type": "application/json"}, body: JSON.stringify(body),
    });
    return {status: response.status};
  } catch (error) {
    return {error: `${error.name}: ${error.message}`};
  }
}"""

MakeApp = Callable[..., App]


def test_beacon_from_another_site_stores_what_the_browser_reports(
    servers: Servers, tab: Tab, make_app: MakeApp, wait_for_pageviews: WaitForPageviews
) -> None:
    site, collector, page = servers.site, servers.collector, tab.page
    app = make_app(name="Browser site", url=f"{site.origin}/")

    with page.expect_request(lambda request: request.url == collector.collect_url) as beacon:
        page.goto(site.page_url("home", app.id, TITLE))
    [row] = wait_for_pageviews(app.id)

    assert page.evaluate("typeof navigator.sendBeacon") == "function"
    assert (beacon.value.method, beacon.value.resource_type) == ("POST", "ping")
    [seen] = collector.log.pageviews_of(app.id)
    assert (seen.method, seen.status, seen.origin) == ("POST", 204, site.origin)

    assert page.title() == TITLE
    assert row.title == TITLE
    # Headless Chromium's screen is the viewport, in CSS pixels.
    screen = page.evaluate("screen.width + 'x' + screen.height")
    assert screen == "1280x720"
    assert row.screensize == screen
    assert page.evaluate("window.devicePixelRatio") == 2
    assert row.pixelratio == 2.0
    assert page.evaluate("navigator.language") == "de-DE"
    assert row.language == "de-DE"
    assert row.path == "/browser/home/"
    platform = page.evaluate("navigator.platform")
    assert platform
    assert row.platform == platform
    assert row.useragent == USER_AGENT
    assert row.referrer == page.evaluate("document.referrer")


def test_without_sendbeacon_the_image_request_stores_the_hit(
    servers: Servers,
    browser_context: BrowserContext,
    tab: Tab,
    make_app: MakeApp,
    wait_for_pageviews: WaitForPageviews,
) -> None:
    site, collector, page = servers.site, servers.collector, tab.page
    app = make_app(url=f"{site.origin}/")
    browser_context.add_init_script("delete Navigator.prototype.sendBeacon;")

    with page.expect_request(lambda request: request.url.startswith(collector.collect_url)) as pixel:
        page.goto(site.page_url("fallback", app.id, TITLE))
    [row] = wait_for_pageviews(app.id)

    assert page.evaluate("typeof navigator.sendBeacon") == "undefined"
    assert (pixel.value.method, pixel.value.resource_type) == ("GET", "image")
    [seen] = collector.log.pageviews_of(app.id)
    assert (seen.method, seen.status, seen.headers["content-type"]) == ("GET", 200, "image/gif")
    # An image is a no-cors GET: it carries no Origin header, so no origin check applies.
    assert seen.origin is None
    assert (row.title, row.path, row.screensize, row.pixelratio) == (TITLE, "/browser/fallback/", "1280x720", 2.0)
    assert row.useragent == USER_AGENT


def test_a_second_visit_keeps_the_visitor_id(
    servers: Servers,
    browser_context: BrowserContext,
    tab: Tab,
    make_app: MakeApp,
    wait_for_pageviews: WaitForPageviews,
) -> None:
    # Over plain HTTP the collector's cookies are SameSite=Lax and not Secure, so
    # the browser stores and sends them on same-site requests only: the page is on
    # 127.0.0.1 like the collector (another port: cross-origin, same site). A
    # cross-site deployment needs HTTPS, where the cookies are `SameSite=None;
    # Secure`; these servers speak plain HTTP, so that case is not tested here.
    same_site, collector, page = servers.same_site, servers.collector, tab.page
    app = make_app(url=f"{same_site.origin}/")

    page.goto(same_site.page_url("first", app.id))
    wait_for_pageviews(app.id)
    cookies = {cookie["name"]: cookie for cookie in browser_context.cookies(collector.origin)}
    visitor_cookie = cookies[conf.VISITOR_COOKIE_NAME]
    assert (visitor_cookie["sameSite"], visitor_cookie["secure"], visitor_cookie["httpOnly"]) == ("Lax", False, True)
    visitor = uuid.UUID(visitor_cookie["value"])

    page.goto(same_site.page_url("second", app.id))
    rows = wait_for_pageviews(app.id, count=2)

    assert sorted(row.path for row in rows) == ["/browser/first/", "/browser/second/"]
    assert {row.visitor for row in rows} == {visitor}
    assert len({row.session for row in rows}) == 1
    first, second = collector.log.pageviews_of(app.id)
    assert first.cookie == ""
    assert f"{conf.VISITOR_COOKIE_NAME}={visitor}" in second.cookie


def test_beacon_from_an_origin_not_registered_for_the_app_is_not_stored(
    servers: Servers, tab: Tab, make_app: MakeApp, stored: Callable[[uuid.UUID], list[Any]]
) -> None:
    site, collector = servers.site, servers.collector
    app = make_app(url="https://elsewhere.test/")

    tab.page.goto(site.page_url("refused", app.id))
    # The collector logs a request once its view has returned, so any write it
    # started is in flight, and `stored` waits for in-flight writes: no sleep needed.
    [seen] = collector.log.wait_for_pageviews_of(app.id)

    assert stored(app.id) == []
    assert (seen.method, seen.status, seen.origin) == ("POST", 204, site.origin)
    assert "set-cookie" not in seen.headers


def test_cors_preflight_from_an_unregistered_origin_fails_the_fetch(
    servers: Servers, tab: Tab, make_app: MakeApp, stored: Callable[[uuid.UUID], list[Any]]
) -> None:
    stranger, collector, page = servers.stranger, servers.collector, tab.page
    app = make_app(url="https://elsewhere.test/")
    page.goto(stranger.page_url("cors"))
    mark = collector.log.mark()

    body = {"app": str(app.id), "path": "/fetched/"}
    outcome = page.evaluate(CORS_FETCH, {"url": collector.collect_url, "body": body})

    assert outcome == {"error": "TypeError: Failed to fetch"}
    [preflight] = collector.log.matching(lambda seen: seen.origin == stranger.origin, since=mark)
    assert preflight.method == "OPTIONS"
    assert "access-control-allow-origin" not in preflight.headers
    assert any("blocked by CORS policy" in error for error in tab.console_errors), tab.console_errors
    assert stored(app.id) == []


def test_cors_preflight_from_a_registered_origin_allows_a_credentialed_post(
    servers: Servers, tab: Tab, make_app: MakeApp, wait_for_pageviews: WaitForPageviews
) -> None:
    site, collector, page = servers.site, servers.collector, tab.page
    app = make_app(url=f"{site.origin}/")
    page.goto(site.page_url("cors"))
    mark = collector.log.mark()

    body = {"app": str(app.id), "path": "/fetched/", "title": "Fetched"}
    outcome = page.evaluate(CORS_FETCH, {"url": collector.collect_url, "body": body})

    assert outcome == {"status": 204}
    preflight, post = collector.log.matching(lambda seen: seen.origin == site.origin, since=mark)
    assert preflight.method == "OPTIONS"
    assert preflight.headers["access-control-allow-origin"] == site.origin
    assert preflight.headers["access-control-allow-credentials"] == "true"
    assert (post.method, post.status) == ("POST", 204)
    [row] = wait_for_pageviews(app.id)
    assert (row.path, row.title) == ("/fetched/", "Fetched")


def test_the_snippet_logs_no_console_errors(
    servers: Servers, tab: Tab, make_app: MakeApp, wait_for_pageviews: WaitForPageviews
) -> None:
    site, page = servers.site, tab.page
    app = make_app(url=f"{site.origin}/")

    page.goto(site.page_url("quiet", app.id, TITLE))
    wait_for_pageviews(app.id)

    assert page.evaluate("document.readyState") == "complete"  # also delivers pending events
    assert tab.console_errors == []
    assert tab.page_errors == []
    assert tab.failed_requests == []


def test_a_spa_navigation_records_a_second_pageview(
    servers: Servers, tab: Tab, make_app: MakeApp, wait_for_pageviews: WaitForPageviews
) -> None:
    site, page = servers.same_site, tab.page  # same site: the visitor cookie comes back
    app = make_app(url=f"{site.origin}/")
    page.goto(site.page_url("spa", app.id, "SPA") + "&spa=1")
    wait_for_pageviews(app.id)
    page.evaluate("history.replaceState({}, '', location.href)")  # same page: no pageview
    page.evaluate("history.pushState({}, '', '/browser/spa/inbox/'); document.title = 'Inbox'")
    rows = wait_for_pageviews(app.id, count=2)
    page.wait_for_timeout(300)  # time for a wrongly double-fired beacon to arrive
    rows = wait_for_pageviews(app.id, count=2)
    assert sorted(row.path for row in rows) == ["/browser/spa/", "/browser/spa/inbox/"]
    second = next(row for row in rows if row.path == "/browser/spa/inbox/")
    assert second.referrer.startswith(f"{site.origin}/browser/spa/?")
    assert len({row.pv for row in rows}) == 2
    assert len({row.visitor for row in rows}) == 1


def test_the_engagement_beacon_records_the_time_on_page(
    servers: Servers, tab: Tab, make_app: MakeApp, wait_for_pageviews: WaitForPageviews
) -> None:
    site, page = servers.site, tab.page
    app = make_app(url=f"{site.origin}/")
    page.goto(site.page_url("read", app.id, "Long read"))
    [row] = wait_for_pageviews(app.id)
    page.wait_for_timeout(1200)
    page.goto("about:blank")  # pagehide: the snippet sends the engaged time
    deadline = time.monotonic() + 10
    engaged: list[Any] = []
    while not engaged and time.monotonic() < deadline:
        assert writer.cassandra_writer.stats.wait_idle(10)
        today = datetime.now(UTC).date()
        engaged = [
            e for day in (today - timedelta(days=1), today) for e in Engagement.objects.filter(app=app.id, day=day)
        ]
        time.sleep(0.05)
    [engagement] = engaged
    assert engagement.pv == row.pv
    assert 1200 <= engagement.engaged_ms < 30_000
