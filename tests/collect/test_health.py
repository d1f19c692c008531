"""Health endpoint and command: Cassandra reachability, spool depth, write counts."""

from __future__ import annotations

import json
import uuid
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client

from pageviews.storage import connection, errors
from pageviews.storage.spool import spool
from tests.storage.test_spool import pageview_record


def test_healthy(cassandra_keyspace: str) -> None:
    response = Client().get("/pageviews/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}  # no details for anonymous callers
    out = StringIO()
    call_command("pageviews_health", stdout=out)
    report = json.loads(out.getvalue())
    assert report["cassandra"]["reachable"] is True
    assert report["spool"]["hits"] == 0


@pytest.mark.django_db
def test_spooled_hits_make_it_degraded(cassandra_keyspace: str) -> None:
    spool.append(pageview_record(uuid.uuid4()))
    assert Client().get("/pageviews/health/").status_code == 503
    staff = Client()
    staff.force_login(User.objects.create_user("ops", is_staff=True))
    details = staff.get("/pageviews/health/").json()
    assert details["status"] == "degraded"
    assert details["spool"]["hits"] == 1
    assert details["spool"]["oldest_seconds"] >= 0
    with pytest.raises(CommandError, match="degraded"):
        call_command("pageviews_health", stdout=StringIO())


def test_unreachable_cassandra_is_degraded(cassandra_keyspace: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def down() -> None:
        raise errors.CassandraUnavailableError("down")

    monkeypatch.setattr(connection, "session_and_keyspace", down)
    response = Client().get("/pageviews/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "degraded"}
