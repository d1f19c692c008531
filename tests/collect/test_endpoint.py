"""The collect endpoint against the real Cassandra node: responses, cookies, stored rows."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from http.cookies import SimpleCookie
from typing import Any

import pytest
from django.test import Client
from django.test.utils import override_settings

from pageviews.collect.hits import FIELD_CAPS, USERAGENT_CAP
from pageviews.collect.http import PIXEL_GIF
from pageviews.models import App
from pageviews.storage import apps_cache, connection, writer
from tests.conftest import BROWSER_UA

URL = "/pageviews/collect/"
Stored = Callable[[uuid.UUID], list[Any]]


def fields(app: App, **extra: str) -> dict[str, str]:
    return {
        "app": str(app.id),
        "path": "/blog/",
        "title": "The blog",
        "platform": "Linux x86_64",
        "language": "en-GB",
        "screensize": "1920x1080",
        "pixelratio": "2",
        "referrer": "https://search.test/",
        **extra,
    }


def test_gif_answer_and_no_cache_headers(client: Client, app: App, stored: Stored) -> None:
    response = client.get(URL, fields(app), HTTP_USER_AGENT="Mozilla/5.0 test")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert response.content == PIXEL_GIF
    assert PIXEL_GIF.startswith(b"GIF89a")
    assert len(PIXEL_GIF) == 43
    assert response["Cache-Control"] == "no-cache, no-store, must-revalidate"
    assert response["Pragma"] == "no-cache"
    assert response["Expires"] == "0"
    [row] = stored(app.id)
    assert (row.path, row.title, row.platform, row.language) == ("/blog/", "The blog", "Linux x86_64", "en-GB")
    assert (row.screensize, row.pixelratio, row.referrer) == ("1920x1080", 2.0, "https://search.test/")
    assert (row.ip, row.useragent) == ("127.0.0.0", "Mozilla/5.0 test")  # the IP anonymised by default
    assert row.id.version == 1  # a TimeUUID


def test_cookies_over_http(client: Client, app: App, stored: Stored) -> None:
    response = client.get(URL, fields(app))
    visitor, session = response.cookies["_utma"], response.cookies["_utmb"]
    assert visitor["max-age"] == 2 * 365 * 24 * 3600
    assert session["max-age"] == 30 * 60
    for cookie in (visitor, session):
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
        assert not cookie["secure"]
    [row] = stored(app.id)
    assert (str(row.visitor), str(row.session)) == (visitor.value, session.value)


def test_cookies_over_https_work_cross_site(app: App) -> None:
    response = Client(HTTP_USER_AGENT=BROWSER_UA).get(URL, fields(app), secure=True)
    for name in ("_utma", "_utmb"):
        assert response.cookies[name]["secure"] is True
        assert response.cookies[name]["samesite"] == "None"


@override_settings(
    PAGEVIEWS_VISITOR_COOKIE_NAME="vid",
    PAGEVIEWS_SESSION_COOKIE_NAME="sid",
    PAGEVIEWS_SESSION_COOKIE_AGE=600,
    PAGEVIEWS_COOKIE_DOMAIN=".site.test",
)
def test_cookie_names_lifetimes_and_domain_are_settings(client: Client, app: App) -> None:
    response = client.get(URL, fields(app))
    assert set(response.cookies) == {"vid", "sid"}
    assert response.cookies["sid"]["max-age"] == 600
    assert response.cookies["vid"]["domain"] == ".site.test"


def test_returning_visitor_keeps_ids_and_session_slides(client: Client, app: App, stored: Stored) -> None:
    first = client.get(URL, fields(app, path="/one/"))
    second = client.get(URL, fields(app, path="/two/"))
    assert second.cookies["_utma"].value == first.cookies["_utma"].value
    assert second.cookies["_utmb"].value == first.cookies["_utmb"].value
    assert second.cookies["_utmb"]["max-age"] == 30 * 60  # set again: 30 minutes from this hit
    rows = stored(app.id)
    assert sorted(row.path for row in rows) == ["/one/", "/two/"]
    assert len({row.visitor for row in rows}) == 1
    assert len({row.id for row in rows}) == 2


def test_malformed_cookies_get_fresh_ids(app: App, stored: Stored) -> None:
    client = Client(HTTP_USER_AGENT=BROWSER_UA)
    client.cookies = SimpleCookie({"_utma": "not-a-uuid", "_utmb": "'; DROP TABLE pageviews; --"})
    response = client.get(URL, fields(app))
    assert response.status_code == 200
    visitor = uuid.UUID(response.cookies["_utma"].value)
    [row] = stored(app.id)
    assert row.visitor == visitor


def test_post_form_beacon_answers_204(client: Client, app: App, stored: Stored) -> None:
    response = client.post(URL, fields(app, path="/form/"))  # multipart, as the test client sends
    assert response.status_code == 204
    assert response.content == b""
    assert response["Cache-Control"] == "no-cache, no-store, must-revalidate"
    assert "_utma" in response.cookies
    [row] = stored(app.id)
    assert row.path == "/form/"


def test_post_urlencoded_json_and_text_bodies(client: Client, app: App, stored: Stored) -> None:
    body = "&".join(f"{key}={value}" for key, value in fields(app, path="/urlencoded/").items())
    assert client.post(URL, body, content_type="application/x-www-form-urlencoded").status_code == 204
    assert client.post(URL, json.dumps(fields(app, path="/json/")), content_type="application/json").status_code == 204
    text = body.replace("/urlencoded/", "/text/")
    assert client.post(URL, text, content_type="text/plain;charset=UTF-8").status_code == 204
    assert sorted(row.path for row in stored(app.id)) == ["/json/", "/text/", "/urlencoded/"]


def test_post_json_with_invalid_utf8_is_stored_with_replacement_characters(
    client: Client, app: App, stored: Stored
) -> None:
    body = b'{"app": "%s", "title": "caf\xe9"}' % str(app.id).encode()
    assert client.post(URL, body, content_type="application/json").status_code == 204
    [row] = stored(app.id)
    assert row.title == "caf\ufffd"


def test_post_answer_has_no_body_type(client: Client, app: App) -> None:
    response = client.post(URL, fields(app))
    assert response.status_code == 204
    assert "Content-Type" not in response


@pytest.mark.parametrize(
    "body",
    ["[1, 2]", "{not json", '"a string"', "null", '{"app": 5}'],
)
def test_post_unusable_json_stores_nothing(client: Client, app: App, stored: Stored, body: str) -> None:
    response = client.post(URL, body, content_type="application/json")
    assert response.status_code == 204
    assert stored(app.id) == []


def test_post_json_with_odd_types_is_cleaned(client: Client, app: App, stored: Stored) -> None:
    body = {"app": str(app.id), "path": ["/x"], "title": {"a": 1}, "pixelratio": "huge", "screensize": 1920}
    assert client.post(URL, json.dumps(body), content_type="application/json").status_code == 204
    [row] = stored(app.id)
    assert (row.path, row.title, row.pixelratio, row.screensize) == ("", "", None, "")


@override_settings(PAGEVIEWS_MAX_BODY_BYTES=300)
@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded", "text/plain"])
def test_oversized_body_is_answered_and_not_stored(client: Client, app: App, stored: Stored, content_type: str) -> None:
    small = fields(app, title="fits")
    big = fields(app, title="t" * 500)
    if content_type == "application/json":
        bodies = [json.dumps(small), json.dumps(big)]
    else:
        bodies = ["&".join(f"{k}={v}" for k, v in data.items()) for data in (small, big)]
    assert len(bodies[0]) < 300 < len(bodies[1])
    for body in bodies:
        assert client.post(URL, body, content_type=content_type).status_code == 204
    assert [row.title for row in stored(app.id)] == ["fits"]


def test_unknown_app_writes_nothing_and_sets_no_cookie(client: Client, app: App, stored: Stored) -> None:
    unknown = uuid.uuid4()
    response = client.get(URL, {"app": str(unknown), "path": "/"})
    assert response.status_code == 200
    assert response.content == PIXEL_GIF
    assert "_utma" not in response.cookies
    assert stored(unknown) == []


@pytest.mark.parametrize("app_value", ["", "nope", "' OR 1=1", "0" * 40])
def test_malformed_app_id_gets_the_normal_answer(client: Client, app_value: str) -> None:
    writes = writer.cassandra_writer.stats.started
    response = client.get(URL, {"app": app_value, "path": "/"})
    assert response.status_code == 200
    assert response.content == PIXEL_GIF
    assert writer.cassandra_writer.stats.started == writes


def test_missing_user_agent_is_stored_empty(app: App, stored: Stored) -> None:
    Client().get(URL, fields(app))
    [row] = stored(app.id)
    assert row.useragent == ""


@override_settings(PAGEVIEWS_MAX_BODY_BYTES=100_000)  # the query string itself is over the default limit
def test_oversized_values_are_capped(client: Client, app: App, stored: Stored) -> None:
    huge = {name: "x" * (cap * 3) for name, cap in FIELD_CAPS.items()}
    response = client.get(URL, {"app": str(app.id), **huge}, HTTP_USER_AGENT="U" * 3000)
    assert response.status_code == 200
    [row] = stored(app.id)
    assert len(row.path) == FIELD_CAPS["path"]
    assert len(row.title) == FIELD_CAPS["title"]
    assert len(row.referrer) == FIELD_CAPS["referrer"]
    assert len(row.useragent) == USERAGENT_CAP


def test_non_utf8_query_is_stored_with_replacement_characters(client: Client, app: App, stored: Stored) -> None:
    response = client.get(f"{URL}?app={app.id}&title=caf%E9&path=%FF%FE/x")
    assert response.status_code == 200
    [row] = stored(app.id)
    assert row.title == "caf\ufffd"
    assert row.path.endswith("/x")
    assert "\ufffd" in row.path


def test_unknown_and_server_side_params_are_ignored(client: Client, app: App, stored: Stored) -> None:
    client.get(
        URL, fields(app, ip="1.1.1.1", useragent="forged", id=str(uuid.uuid4()), evil="x"), HTTP_USER_AGENT="real"
    )
    [row] = stored(app.id)
    assert (row.ip, row.useragent) == ("127.0.0.0", "real")


@override_settings(PAGEVIEWS_IP_HEADER="HTTP_X_FORWARDED_FOR")
def test_ip_header_setting_reads_the_proxy_header(client: Client, app: App, stored: Stored) -> None:
    client.get(URL, fields(app), HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.1")
    [row] = stored(app.id)
    assert row.ip == "203.0.113.0"  # the proxy header's address, anonymised


def test_unsupported_method_is_405_not_500(client: Client, app: App) -> None:
    assert client.put(URL, fields(app)).status_code == 405
    assert client.delete(URL).status_code == 405


def test_registered_origin_is_stored_other_origins_are_not(
    client: Client, make_app: Callable[..., App], stored: Stored
) -> None:
    app = make_app(url="https://blog.test/", origins=("https://www.blog.test",))
    for origin, path in (("https://blog.test", "/a"), ("https://www.blog.test", "/b"), ("https://evil.test", "/c")):
        response = client.post(URL, fields(app, path=path), HTTP_ORIGIN=origin)
        assert response.status_code == 204
    assert sorted(row.path for row in stored(app.id)) == ["/a", "/b"]


def test_image_requests_are_checked_by_their_referer(
    client: Client, make_app: Callable[..., App], stored: Stored
) -> None:
    app = make_app(url="https://blog.test/")
    for referer, path in (
        ("https://blog.test/post/1", "/a"),
        ("https://evil.test/copied-snippet", "/b"),
        ("", "/c"),  # no Referer (a strict referrer policy): no information, stored
    ):
        response = client.get(URL, fields(app, path=path), HTTP_REFERER=referer)
        assert response.status_code == 200
    assert sorted(row.path for row in stored(app.id)) == ["/a", "/c"]


def test_origin_null_is_no_information(client: Client, make_app: Callable[..., App], stored: Stored) -> None:
    app = make_app(url="https://blog.test/")
    client.post(URL, fields(app, path="/null"), HTTP_ORIGIN="null")
    assert [row.path for row in stored(app.id)] == ["/null"]


def test_hits_in_the_same_millisecond_are_all_kept(client: Client, app: App, stored: Stored) -> None:
    for i in range(50):
        client.get(URL, fields(app, path=f"/burst/{i}"))
    rows = stored(app.id)
    assert len(rows) == 50
    assert len({row.id for row in rows}) == 50


def test_rows_come_back_newest_first(client: Client, app: App, stored: Stored) -> None:
    for i in range(3):
        client.get(URL, fields(app, path=f"/{i}"))
    rows = stored(app.id)
    assert [row.path for row in rows] == ["/2", "/1", "/0"]


def test_deactivated_app_is_not_stored(client: Client, app: App, stored: Stored) -> None:
    app.update(active=False)
    apps_cache.known_apps.invalidate()
    response = client.get(URL, fields(app))
    assert response.status_code == 200
    assert response.content == PIXEL_GIF
    assert stored(app.id) == []


def test_cassandra_write_failure_still_answers_at_once(
    client: Client, app: App, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A real error from Cassandra (the keyspace does not exist): logged, counted, page unharmed."""
    apps_cache.known_apps.snapshot()  # load the apps before breaking the writes
    real = connection.session_and_keyspace
    monkeypatch.setattr(connection, "session_and_keyspace", lambda: (real()[0], "no_such_keyspace"))
    failed = writer.cassandra_writer.stats.failed
    response = client.get(URL, fields(app))
    assert response.status_code == 200
    assert response.content == PIXEL_GIF
    assert writer.cassandra_writer.stats.wait_idle(10)
    assert writer.cassandra_writer.stats.failed == failed + 1
    assert "pageview write failed" in caplog.text


def test_a_crash_inside_recording_is_logged_and_answered(
    client: Client, app: App, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("unexpected")

    monkeypatch.setattr("pageviews.collect.hits.parse_hit", boom)
    response = client.post(URL, fields(app))
    assert response.status_code == 204
    assert "pageview not recorded" in caplog.text
