"""System checks pageviews.E001..E012, W001 and W002; the declared ones derived from pageviews/conf.py."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any, cast

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.test.utils import override_settings

from pageviews.checks import (
    CHECK_IDS,
    MAX_RETENTION_DAYS,
    check_declared_value,
    check_deployment,
    check_driver,
    check_settings,
)
from pageviews.conf import SETTINGS, Conf, conf
from pageviews.models import App

ROOT = Path(__file__).resolve().parents[1]

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
def test_w002_the_legacy_consistency_key() -> None:
    legacy = {**DATABASES["cassandra"], "OPTIONS": {"connection": {"lazy_connect": True, "consistency": 1}}}
    with override_settings(DATABASES={"default": settings.DATABASES["default"], "other": legacy}):
        [warning] = check_settings()
    assert warning.id == "pageviews.W002"
    assert "execution_profiles" in str(warning.hint)


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_w001_eager_connection() -> None:
    eager = {**DATABASES["cassandra"], "OPTIONS": {"connection": {"retry_connect": True}}}
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


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("PAGEVIEWS_RETENTION_DAYS", 1, []),
        ("PAGEVIEWS_RETENTION_DAYS", 7300, []),
        ("PAGEVIEWS_RETENTION_DAYS", 7301, ["pageviews.E009"]),
        ("PAGEVIEWS_RETENTION_DAYS", None, []),
        ("PAGEVIEWS_RETENTION_DAYS", False, ["pageviews.E005"]),
        ("PAGEVIEWS_RETENTION_DAYS", 30.0, ["pageviews.E005"]),
        ("PAGEVIEWS_ROLLUP_TOP_N", 0, ["pageviews.E010"]),
        ("PAGEVIEWS_ROLLUP_TOP_N", 1, []),
        ("PAGEVIEWS_ROLLUP_TOP_N", True, ["pageviews.E005"]),
        ("PAGEVIEWS_ROLLUP_TOP_N", False, ["pageviews.E005"]),
        ("PAGEVIEWS_RATE_LIMIT", False, ["pageviews.E005"]),
        ("PAGEVIEWS_RATE_LIMIT_WINDOW", -60, ["pageviews.E011"]),
        ("PAGEVIEWS_RATE_LIMIT_WINDOW", True, ["pageviews.E005"]),
    ],
)
def test_bound_checks_derive_from_the_declarations(name: str, value: object, expected: list[str]) -> None:
    """A bool is not a number here: it gets E005 (wrong type), never a bound check."""
    with override_settings(**{name: value}):
        assert ids() == expected


def test_bound_messages_state_the_declared_bounds() -> None:
    with override_settings(PAGEVIEWS_RETENTION_DAYS=0, PAGEVIEWS_RATE_LIMIT=0, PAGEVIEWS_RATE_LIMIT_WINDOW=0):
        assert [message.msg for message in check_settings()] == [
            "PAGEVIEWS_RATE_LIMIT is 0; it must be None or at least 1.",
            "PAGEVIEWS_RATE_LIMIT_WINDOW is 0; it must be at least 1.",
            "PAGEVIEWS_RETENTION_DAYS is 0; it must be None or 1 to 7300 days.",
        ]


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda setting: setting.name)
def test_each_default_passes_its_own_checks(setting: Any) -> None:
    assert check_declared_value(setting, setting.default) == []
    with override_settings(**{setting.full_name: setting.default}):
        assert ids() == []


def test_check_ids_list_every_id_the_app_reports() -> None:
    expected = (*(f"pageviews.E{n:03}" for n in range(1, 14)), *(f"pageviews.W{n:03}" for n in range(1, 5)))
    assert expected == CHECK_IDS


def test_max_retention_days_is_the_declared_maximum() -> None:
    assert MAX_RETENTION_DAYS == Conf.RETENTION_DAYS.maximum == 7300


def test_conf_reads_the_declared_default_the_setting_and_a_change() -> None:
    assert conf.ROLLUP_TOP_N == 100
    assert conf.SPOOL_FSYNC == "interval"
    with override_settings(PAGEVIEWS_ROLLUP_TOP_N=5, PAGEVIEWS_DOWNLOAD_EXTENSIONS=[".PDF", "Zip"]):
        assert conf.ROLLUP_TOP_N == 5
        assert conf.DOWNLOAD_EXTENSIONS == ("pdf", "zip")
    assert conf.ROLLUP_TOP_N == 100
    assert conf.DOWNLOAD_EXTENSIONS[:2] == ("pdf", "zip")


def test_settings_lists_every_declaration_of_conf_in_order() -> None:
    names = [setting.name for setting in SETTINGS]
    assert names[:2] == ["DATABASE", "APP_ID"]
    assert names[-1] == "DOWNLOAD_EXTENSIONS"
    assert len(names) == len(set(names)) == 36
    assert all(getattr(Conf, name) is setting for name, setting in zip(names, SETTINGS, strict=True))


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("tests.fakes.NoSuchWriter", "cannot be imported"),
        ("no_such_module.Writer", "cannot be imported"),
        ("tests.fakes.uuid", "lacks the writer methods save, save_event, save_engagement, wait_idle, counts"),
    ],
)
def test_a_writer_class_that_cannot_store_is_an_error(path: str, message: str) -> None:
    with override_settings(PAGEVIEWS_WRITER_CLASS=path):
        [error] = [e for e in check_settings() if e.id == "pageviews.E012"]
    assert message in error.msg


def test_a_writer_class_with_the_methods_passes() -> None:
    with override_settings(PAGEVIEWS_WRITER_CLASS="tests.fakes.ListWriter"):
        assert [e for e in check_settings() if e.id == "pageviews.E012"] == []


def runserver_checks(tmp_path: Any, options: str) -> str:
    """What ``manage.py runserver`` (with its autoreloader: checks in another thread) prints on start.

    A settings module of its own sets ``OPTIONS["connection"]`` of the test settings' Cassandra alias to
    ``options``; the server binds to a free loopback port and is stopped once the checks have run.
    """
    (tmp_path / "runserver_settings.py").write_text(
        "from tests.settings import *  # noqa: F403\n"
        f"DATABASES['cassandra']['OPTIONS']['connection'] = {options}  # noqa: F405\n"
    )
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}:{ROOT}", "DJANGO_SETTINGS_MODULE": "runserver_settings"}
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output: list[str] = []
    try:
        assert server.stdout is not None
        deadline = time.monotonic() + 60
        for line in server.stdout:
            output.append(line)
            if "Quit the server with" in line or time.monotonic() > deadline:
                break
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        if server.stdout is not None:
            server.stdout.close()
    return "".join(output)


def test_runserver_sees_lazy_connect_in_its_checks_thread(tmp_path: Any) -> None:
    text = runserver_checks(tmp_path, "{'lazy_connect': True, 'retry_connect': True}")
    assert "System check identified no issues" in text, text
    assert "pageviews.W001" not in text


@pytest.mark.cassandra  # an eager connection is made while Django starts: it needs a node
def test_runserver_warns_of_an_eager_connection(tmp_path: Any) -> None:
    text = runserver_checks(tmp_path, "{'retry_connect': True}")
    assert "pageviews.W001" in text, text


def deploy_ids() -> list[str]:
    return [message.id or "" for message in check_deployment()]


def test_w003_a_spool_in_the_temporary_directory(tmp_path: Path) -> None:
    with override_settings(PAGEVIEWS_SPOOL_DIR=os.path.join(tempfile.gettempdir(), "django-pageviews-spool")):
        assert deploy_ids() == ["pageviews.W003"]
    with override_settings(PAGEVIEWS_SPOOL_DIR="/var/lib/pageviews/spool"):
        assert deploy_ids() == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, []),  # an HTTP site: nothing to say
        ({"SESSION_COOKIE_SECURE": True}, ["pageviews.W004"]),  # HTTPS behind a proxy Django cannot see
        ({"SESSION_COOKIE_SECURE": True, "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https")}, []),
        ({"CSRF_COOKIE_SECURE": True, "PAGEVIEWS_COOKIE_SECURE": True}, []),
        ({"SESSION_COOKIE_SECURE": True, "SECURE_SSL_REDIRECT": True}, []),
        (
            {"SESSION_COOKIE_SECURE": True, "SECURE_SSL_REDIRECT": True, "PAGEVIEWS_COOKIE_SECURE": False},
            ["pageviews.W004"],
        ),
    ],
)
def test_w004_insecure_pageview_cookies_on_an_https_site(overrides: dict[str, object], expected: list[str]) -> None:
    with override_settings(PAGEVIEWS_SPOOL_DIR="/var/lib/pageviews/spool", **overrides):
        assert deploy_ids() == expected


def test_deploy_checks_run_only_with_deploy() -> None:
    with override_settings(SESSION_COOKIE_SECURE=True):
        assert "pageviews.W004" not in {message.id for message in run_checks(include_deployment_checks=False)}
        assert "pageviews.W004" in {message.id for message in run_checks(include_deployment_checks=True)}


def test_e013_two_drivers_overwrite_each_other(monkeypatch: pytest.MonkeyPatch) -> None:
    assert check_driver() == []  # this environment: scylla-driver alone
    real = metadata.version

    def both(name: str) -> str:
        return "3.29.0" if name == "cassandra-driver" else real(name)

    monkeypatch.setattr(metadata, "version", both)
    [error] = check_driver()
    assert error.id == "pageviews.E013"
    assert "scylla-driver" in error.msg
    assert "cassandra-driver 3.29.0" in error.msg
