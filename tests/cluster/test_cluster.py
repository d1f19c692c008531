"""A real three-node cluster (make cluster-test): replication factor 3, QUORUM writes, one node taken down.

Nodes on 127.0.0.2, .3 and .4 (devtools/cassandra/cassandra.sh cluster-start 3);
the suite's settings read the replication factor and consistency from the
environment the make target sets.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cassandra import ConsistencyLevel
from django.conf import settings
from django.test import Client

from pageviews.models import App
from pageviews.storage import connection, writer
from pageviews.storage.spool import spool
from tests.conftest import BROWSER_UA

SCRIPT = Path(__file__).resolve().parents[2] / "devtools" / "cassandra" / "cassandra.sh"


def test_the_keyspace_has_three_replicas_and_writes_go_at_quorum(cassandra_keyspace: str) -> None:
    session, _ = connection.session_and_keyspace()
    hosts = session.cluster.metadata.all_hosts()
    assert sorted(host.address for host in hosts) == ["127.0.0.2", "127.0.0.3", "127.0.0.4"]
    replication = session.cluster.metadata.keyspaces[cassandra_keyspace].replication_strategy
    assert replication.dc_replication_factors == {"datacenter1": 3}
    assert settings.CONSISTENCY == ConsistencyLevel.QUORUM
    # The default execution profile: what every query, the prepared writes among them, runs at.
    assert session.cluster.profile_manager.default.consistency_level == ConsistencyLevel.QUORUM


def test_a_node_down_during_load_loses_nothing_and_fails_nothing(
    make_app: Callable[..., App], stored: Callable[[Any], list[Any]]
) -> None:
    app = make_app(url="https://cluster.test/")
    client = Client(HTTP_USER_AGENT=BROWSER_UA)
    statuses: list[int] = []
    failed_before = writer.cassandra_writer.stats.failed

    def node_three_goes_down() -> None:
        time.sleep(1.5)
        subprocess.run(["bash", str(SCRIPT), "node-stop", "3"], check=True, capture_output=True, timeout=120)

    stopper = threading.Thread(target=node_three_goes_down)
    stopper.start()
    started = time.monotonic()
    sent = 0
    while time.monotonic() - started < 6 or stopper.is_alive():
        statuses.append(client.get("/pageviews/collect/", {"app": str(app.id), "path": f"/c/{sent}"}).status_code)
        sent += 1
        time.sleep(0.01)
    stopper.join()
    assert writer.cassandra_writer.stats.wait_idle(30)
    assert set(statuses) == {200}
    assert writer.cassandra_writer.stats.failed == failed_before  # QUORUM (2 of 3) held with one node down
    assert spool.depth()[0] == 0
    rows = stored(app.id)  # read at QUORUM too
    assert len(rows) == sent
    assert len({row.path for row in rows}) == sent
    print(f"\ncluster: {sent} hits sent while node 3 went down, {len(rows)} stored, 0 failed writes")
