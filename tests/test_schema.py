"""The schema sync_cassandra created in the real node, read back from Cassandra's metadata."""

from __future__ import annotations

from pageviews.storage import connection


def table(keyspace: str, name: str) -> object:
    session, _ = connection.session_and_keyspace()
    cluster = session.cluster
    cluster.refresh_schema_metadata()
    return cluster.metadata.keyspaces[keyspace].tables[name]


def test_pageviews_key_is_app_day_partition_and_timeuuid_desc(cassandra_keyspace: str) -> None:
    pageviews = table(cassandra_keyspace, "pageviews")
    assert [c.name for c in pageviews.partition_key] == ["app", "day"]  # type: ignore[attr-defined]
    assert [c.name for c in pageviews.clustering_key] == ["id"]  # type: ignore[attr-defined]
    columns = pageviews.columns  # type: ignore[attr-defined]
    assert columns["id"].cql_type == "timeuuid"
    assert columns["id"].is_reversed
    assert columns["day"].cql_type == "date"
    recipe = {"visitor", "session", "path", "title", "ip", "referrer", "useragent"}
    recipe |= {"platform", "language", "screensize", "pixelratio"}
    assert recipe <= set(columns)
    assert columns["pixelratio"].cql_type == "float"


def test_apps_table(cassandra_keyspace: str) -> None:
    apps = table(cassandra_keyspace, "apps")
    columns = apps.columns  # type: ignore[attr-defined]
    assert [c.name for c in apps.partition_key] == ["id"]  # type: ignore[attr-defined]
    assert {name: columns[name].cql_type for name in ("id", "name", "url", "origins", "created_at", "active")} == {
        "id": "uuid",
        "name": "text",
        "url": "text",
        "origins": "set<text>",
        "created_at": "timestamp",
        "active": "boolean",
    }


def test_keyspace_replication_comes_from_databases(cassandra_keyspace: str) -> None:
    """replication_factor 1 from DATABASES. scylla-driver's cqlengine creates even a
    "SimpleStrategy" keyspace as NetworkTopologyStrategy with that factor in every
    datacenter, which Cassandra 4+ accepts and which is also right for production."""
    session, _ = connection.session_and_keyspace()
    keyspace = session.cluster.metadata.keyspaces[cassandra_keyspace]
    assert keyspace.replication_strategy.name == "NetworkTopologyStrategy"
    assert keyspace.replication_strategy.dc_replication_factors == {"datacenter1": 1}
