"""register_app, list_apps and unregister_app through call_command, and one real subprocess."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from pageviews.models import App
from tests.conftest import BROWSER_UA

Stored = Callable[[uuid.UUID], list[Any]]


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_register_app_prints_id_and_snippet(cassandra_keyspace: str) -> None:
    output = run("register_app", "My blog", "https://blog.test/path/", "--origin", "https://www.blog.test")
    app_id = uuid.UUID(output.split("with id ", 1)[1].split()[0])
    app = App.objects.get(id=app_id)
    assert (app.name, app.url, app.active) == ("My blog", "https://blog.test/path/", True)
    assert app.origins == {"https://blog.test", "https://www.blog.test"}
    assert f'{{% load pageviews %}}{{% pageview_snippet "{app_id}" %}}' in output.splitlines()


def test_register_app_with_a_given_id(cassandra_keyspace: str) -> None:
    wanted = uuid.uuid4()
    run("register_app", "Migrated", "http://localhost:8000", "--id", str(wanted))
    assert App.objects.get(id=wanted).origins == {"http://localhost:8000"}
    with pytest.raises(CommandError, match="already exists"):
        run("register_app", "Again", "http://localhost:8000", "--id", str(wanted))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Blog", "not a url"], "is not an absolute http(s) URL"),
        (["Blog", "ftp://blog.test/"], "is not an absolute http(s) URL"),
        (["Blog", "https://blog.test:99999/"], "invalid port"),
        (["  ", "https://blog.test/"], "the app name is empty"),
        (["Blog", "https://blog.test/", "--origin", "javascript:alert(1)"], "is not an absolute http(s) URL"),
        (["Blog", "https://blog.test/", "--id", "nope"], "is not a valid app id"),
    ],
)
def test_register_app_bad_arguments(cassandra_keyspace: str, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=re.escape(message)):
        run("register_app", *args)


def test_list_apps_table_and_json(make_app: Callable[..., App]) -> None:
    app = make_app(name="Listed site", url="https://listed.test/")
    table = run("list_apps")
    assert table.splitlines()[0].split() == ["ID", "NAME", "URL", "ACTIVE", "ORIGINS"]
    [line] = [line for line in table.splitlines() if str(app.id) in line]
    assert "Listed site" in line
    assert "https://listed.test/" in line
    assert " yes " in line
    rows = json.loads(run("list_apps", "--json"))
    [row] = [row for row in rows if row["id"] == str(app.id)]
    assert row["name"] == "Listed site"
    assert row["origins"] == ["https://listed.test"]
    assert row["active"] is True
    assert row["created_at"].endswith("+00:00")


def test_unregister_app_stops_collection_and_keeps_data(make_app: Callable[..., App], stored: Stored) -> None:
    app = make_app(url="https://keep.test/")
    client = Client(HTTP_USER_AGENT=BROWSER_UA)
    client.get("/pageviews/collect/", {"app": str(app.id), "path": "/before"})
    output = run("unregister_app", str(app.id))
    assert "Deactivated" in output
    assert App.objects.get(id=app.id).active is False
    client.get("/pageviews/collect/", {"app": str(app.id), "path": "/after"})
    assert [row.path for row in stored(app.id)] == ["/before"]
    assert "no" in next(line for line in run("list_apps").splitlines() if str(app.id) in line).split()


def test_unregister_app_delete_removes_app_and_pageviews(make_app: Callable[..., App], stored: Stored) -> None:
    app = make_app(url="https://gone.test/")
    Client(HTTP_USER_AGENT=BROWSER_UA).get("/pageviews/collect/", {"app": str(app.id), "path": "/x"})
    assert len(stored(app.id)) == 1
    output = run("unregister_app", str(app.id), "--delete")
    assert "Deleted" in output
    assert App.objects.filter(id=app.id).count() == 0
    assert stored(app.id) == []


@pytest.mark.parametrize(
    ("app_id", "message"), [("nope", "is not a valid app id"), (str(uuid.uuid4()), "no app with id")]
)
def test_unregister_app_bad_ids(cassandra_keyspace: str, app_id: str, message: str) -> None:
    for extra in ([], ["--delete"]):
        with pytest.raises(CommandError, match=message):
            run("unregister_app", app_id, *extra)


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """A real ``django-admin`` process on the test settings, as a user runs it."""
    root = Path(__file__).parents[2]
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(root), **env}
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=root,
        timeout=120,
        check=False,
    )


def test_command_errors_are_one_line_with_nonzero_exit(cassandra_keyspace: str) -> None:
    result = manage("unregister_app", "not-a-uuid")
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == ["CommandError: 'not-a-uuid' is not a valid app id (a UUID)"]


@pytest.mark.parametrize(
    "args",
    [
        ["list_apps"],
        ["register_app", "Blog", "https://blog.test/"],
        ["unregister_app", "6f1c7a52-3b0e-4d7e-9a4b-0d6f3b2f9e10"],
    ],
)
def test_unreachable_cassandra_is_a_one_line_error(args: list[str]) -> None:
    result = manage(*args, PAGEVIEWS_CASSANDRA_HOSTS="127.0.0.2")  # nothing listens there
    assert result.returncode != 0
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("CommandError: cannot use Cassandra: NoHostAvailable: ")
