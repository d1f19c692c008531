"""System checks pageviews.E001..E006."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.conf import settings
from django.test.utils import override_settings

from pageviews.checks import check_settings
from pageviews.models import App

DATABASES = cast(dict[str, dict[str, Any]], settings.DATABASES)


def ids() -> list[str]:
    return [message.id for message in check_settings() if message.id]


def test_the_test_settings_pass() -> None:
    assert ids() == []


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_e001_no_cassandra_database() -> None:
    with override_settings(DATABASES={"default": settings.DATABASES["default"]}):
        assert ids() == ["pageviews.E001"]


def test_e002_engine_missing_or_listed_after_pageviews() -> None:
    apps = [app for app in settings.INSTALLED_APPS if app != "django_cassandra_engine"]
    with override_settings(INSTALLED_APPS=apps):
        assert ids() == ["pageviews.E002"]
    with override_settings(INSTALLED_APPS=[*apps, "django_cassandra_engine"]):
        assert ids() == ["pageviews.E002"]


def test_e003_corsheaders_missing() -> None:
    apps = [app for app in settings.INSTALLED_APPS if app != "corsheaders"]
    with override_settings(INSTALLED_APPS=apps):
        assert ids() == ["pageviews.E003"]


def test_e004_cors_middleware_missing() -> None:
    middleware = [m for m in settings.MIDDLEWARE if "corsheaders" not in m]
    with override_settings(MIDDLEWARE=middleware):
        assert ids() == ["pageviews.E004"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PAGEVIEWS_SESSION_COOKIE_AGE", "1800"),
        ("PAGEVIEWS_SESSION_COOKIE_AGE", True),
        ("PAGEVIEWS_COOKIE_SECURE", "yes"),
        ("PAGEVIEWS_APP_ID", 123),
        ("PAGEVIEWS_APPS_REFRESH_SECONDS", None),
    ],
)
def test_e005_wrong_types(name: str, value: object) -> None:
    with override_settings(**{name: value}):
        [message] = check_settings()
        assert message.id == "pageviews.E005"
        assert name in message.msg


@pytest.mark.parametrize(
    ("name", "value"),
    [("PAGEVIEWS_COOKIE_SECURE", True), ("PAGEVIEWS_COOKIE_SECURE", None), ("PAGEVIEWS_APPS_REFRESH_SECONDS", 2.5)],
)
def test_right_types_pass(name: str, value: object) -> None:
    with override_settings(**{name: value}):
        assert ids() == []


def test_e006_database_setting_names_a_non_cassandra_alias() -> None:
    with override_settings(PAGEVIEWS_DATABASE="default"):
        assert ids() == ["pageviews.E006"]


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_w001_eager_connection() -> None:
    eager = {**DATABASES["cassandra"], "OPTIONS": {"connection": {"consistency": 1}}}
    with override_settings(DATABASES={"default": settings.DATABASES["default"], "other": eager}):
        assert ids() == ["pageviews.W001"]
    lazy = {**eager, "OPTIONS": {"connection": {"lazy_connect": True}}}
    with override_settings(DATABASES={"default": settings.DATABASES["default"], "other": lazy}):
        assert ids() == []


def test_w001_reads_the_registered_connection(cassandra_keyspace: str) -> None:
    """django-cassandra-engine removed lazy_connect from the settings; after a query, the check still sees it."""
    assert list(App.objects.limit(1)) is not None  # connected and queried
    assert "lazy_connect" not in DATABASES["cassandra"]["OPTIONS"]["connection"]
    assert ids() == []


@pytest.mark.parametrize(
    ("name", "value"),
    [("PAGEVIEWS_IP_MODE", "hashed"), ("PAGEVIEWS_PRIVACY_SIGNALS", "respect"), ("PAGEVIEWS_IP_MODE", "")],
)
def test_e007_value_not_among_the_choices(name: str, value: str) -> None:
    with override_settings(**{name: value}):
        [message] = check_settings()
        assert message.id == "pageviews.E007"
        assert name in message.msg
        assert repr(value) in message.msg


@pytest.mark.parametrize(
    "names",
    [{"appp": "a"}, {"app": ""}, {"app": "x", "path": "x"}, {"app": 5}],
)
def test_e008_param_names_that_cannot_work(names: dict[str, object]) -> None:
    with override_settings(PAGEVIEWS_PARAM_NAMES=names):
        assert ids() == ["pageviews.E008"]


def test_param_names_that_work() -> None:
    with override_settings(PAGEVIEWS_PARAM_NAMES={"app": "a", "path": "p", "utm_source": "s"}):
        assert ids() == []


@pytest.mark.parametrize(("days", "expected"), [(0, ["pageviews.E009"]), (-3, ["pageviews.E009"]), (400, [])])
def test_e009_retention_days(days: int, expected: list[str]) -> None:
    with override_settings(PAGEVIEWS_RETENTION_DAYS=days):
        assert ids() == expected
