"""``manage.py send_test_hit``: a test pageview through the real endpoint, and where it went."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from pageviews.collect.trial_hit import TRIAL_PATH
from pageviews.models import App

ROOT = Path(__file__).resolve().parents[2]
Stored = Callable[[uuid.UUID], list[Any]]


def send(*args: str) -> str:
    out = StringIO()
    call_command("send_test_hit", *args, stdout=out)
    return out.getvalue()


def test_a_stored_test_hit_is_found_and_deleted_again(app: App, stored: Stored) -> None:
    text = send(str(app.id))
    assert "answered 200: stored" in text
    assert "Stored in Cassandra with id" in text
    assert "deleted again" in text
    assert stored(app.id) == []


def test_keep_keeps_it(app: App, stored: Stored) -> None:
    assert "kept (--keep)" in send(str(app.id), "--keep")
    [row] = stored(app.id)
    assert row.path.startswith(TRIAL_PATH)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--origin", "http://localhost:8000"], "not stored: origin not allowed: http://localhost:8000 is not"),
        (
            ["--user-agent", "curl/8.5.0"],
            "not stored: bot: the User-Agent is a bot's: curl/8.5.0; PAGEVIEWS_STORE_BOTS",
        ),
    ],
)
def test_a_refused_hit_says_why_in_one_line(app: App, stored: Stored, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message) as error:
        send(str(app.id), *args)
    assert "\n" not in str(error.value)
    assert stored(app.id) == []


def test_bad_arguments_are_one_line_errors(cassandra_keyspace: str) -> None:
    for args, message in [
        ([str(uuid.uuid4())], "no app with id"),
        (["nope"], "not a valid app id"),
        ([str(uuid.uuid4()), "--url", "ftp://x/"], "--url must be an http"),
        ([str(uuid.uuid4()), "--timeout", "0"], "--timeout must be"),
    ]:
        with pytest.raises(CommandError, match=message):
            send(*args)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Callable[[bool], str]]:
    """Start ``runserver`` (a real process, the test settings and keyspace) with DEBUG on or off; its collect URL."""
    started: list[subprocess.Popen[bytes]] = []

    keyspace: str = settings.TEST_KEYSPACE

    def start(debug: bool) -> str:
        name = f"server_settings_{len(started)}"
        (tmp_path / f"{name}.py").write_text(
            "from tests.settings import *  # noqa: F403\n"
            f"DEBUG = {debug}\n"
            f"DATABASES['cassandra']['NAME'] = {keyspace!r}  # noqa: F405\n"
            f"PAGEVIEWS_SPOOL_DIR = {str(tmp_path / 'spool')!r}\n"
        )
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env = {**os.environ, "PYTHONPATH": f"{tmp_path}:{ROOT}", "DJANGO_SETTINGS_MODULE": name}
        process = subprocess.Popen(
            [sys.executable, "-m", "django", "runserver", "--noreload", f"127.0.0.1:{port}"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(process)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        return f"http://127.0.0.1:{port}/pageviews/collect/"

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=30)


def test_over_http_to_a_running_server(app: App, stored: Stored, server: Callable[[bool], str]) -> None:
    url = server(True)
    text = send(str(app.id), "--url", url)
    assert f"to {url}" in text
    assert "answered 200: stored" in text
    assert "Stored in Cassandra" in text
    with pytest.raises(CommandError, match="not stored: origin not allowed"):
        send(str(app.id), "--url", url, "--origin", "http://localhost:8000")
    assert stored(app.id) == []


def test_a_server_that_does_not_say_why(app: App, server: Callable[[bool], str]) -> None:
    url = server(False)
    with pytest.raises(CommandError, match="answered 200 without saying why"):
        send(str(app.id), "--url", url, "--origin", "http://localhost:8000", "--timeout", "1")


def test_an_unreachable_server(app: App) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(CommandError, match="cannot reach"):
        send(str(app.id), "--url", f"http://127.0.0.1:{port}/pageviews/collect/")
