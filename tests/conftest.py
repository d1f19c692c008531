"""Fixtures: a real Cassandra keyspace for the run, fresh apps, stored-hit lookups."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from cassandra.cqlengine.management import drop_keyspace
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from pageviews.collect.hits import Identity, parse_hit
from pageviews.models import App, Pageview
from pageviews.storage import writer
from pageviews.storage.registry import register_app
from pageviews.storage.spool import spool

#: tests/cluster needs three nodes: `make cluster-test` starts them and sets PAGEVIEWS_CLUSTER_TEST.
collect_ignore = [] if os.environ.get("PAGEVIEWS_CLUSTER_TEST") else ["cluster"]

#: Fixtures that reach the run's Cassandra keyspace: a test using one (even indirectly) is marked ``cassandra``.
CASSANDRA_FIXTURES = frozenset({"cassandra_keyspace"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses a Cassandra fixture, so ``-m "not cassandra"`` runs only what needs none."""
    for item in items:
        if CASSANDRA_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.cassandra)


#: A real desktop browser's user agent: hits without one, or from bots, are not stored by default.
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"


@pytest.fixture(autouse=True)
def spool_dir(tmp_path: Any, settings: Any) -> Any:
    """Each test spools failed writes into a directory of its own."""
    settings.PAGEVIEWS_SPOOL_DIR = str(tmp_path / "spool")
    yield tmp_path / "spool"
    spool.close()


@pytest.fixture
def client() -> Client:
    """Django's test client, sending a browser's User-Agent."""
    return Client(HTTP_USER_AGENT=BROWSER_UA)


@pytest.fixture(scope="session")
def cassandra_keyspace() -> Iterator[str]:
    """Create the run's keyspace and tables with sync_cassandra; drop them at the end."""
    keyspace: str = settings.TEST_KEYSPACE
    call_command("sync_cassandra", database="cassandra", stdout=StringIO())
    yield keyspace
    drop_keyspace(keyspace, connections=["cassandra"])


@pytest.fixture
def make_app(cassandra_keyspace: str) -> Callable[..., App]:
    """Register a fresh app; every test gets its own ids, so its data is its own."""

    def make(name: str = "Test site", url: str = "https://site.test/", origins: tuple[str, ...] = ()) -> App:
        return register_app(name, url, origins)

    return make


@pytest.fixture
def app(make_app: Callable[..., App]) -> App:
    return make_app()


def stored_pageviews(app_id: uuid.UUID) -> list[Any]:
    """Every stored pageview of an app from yesterday and today (UTC), after in-flight writes finish."""
    assert writer.cassandra_writer.stats.wait_idle(10), "writes still in flight after 10 s"
    today = datetime.now(UTC).date()
    rows: list[Any] = []
    for day in (today - timedelta(days=1), today):
        rows.extend(Pageview.objects.filter(app=app_id, day=day))
    return rows


@pytest.fixture
def stored(cassandra_keyspace: str) -> Callable[[uuid.UUID], list[Any]]:
    return stored_pageviews


def write_pageviews(app: App, count: int, path: str = "/", at: datetime | None = None) -> None:
    """Store ``count`` pageviews of new visitors, a second apart back from ``at`` (default now)."""
    at = at or datetime.now(UTC)
    for n in range(count):
        identity = Identity(uuid.uuid4(), uuid.uuid4(), new_visitor=True, new_session=True)
        received_at = at - timedelta(seconds=n)
        hit = parse_hit({"app": str(app.id), "path": path}, identity, ip="", useragent="", received_at=received_at)
        assert hit is not None
        writer.cassandra_writer.save(hit)
    assert writer.cassandra_writer.stats.wait_idle(10)
