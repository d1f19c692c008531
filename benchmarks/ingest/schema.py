"""Keyspaces of the ingest benchmark: django-pageviews' own (via sync_cassandra) and the recipe's."""

from __future__ import annotations

from typing import Any

RECIPE_TABLES = (
    "CREATE TABLE IF NOT EXISTS {ks}.apps (id uuid PRIMARY KEY, name text, url text)",
    "CREATE TABLE IF NOT EXISTS {ks}.pageviews (app uuid, date timestamp, utma uuid, utmb uuid, path text, "
    "title text, ip text, referrer text, useragent text, platform text, language text, screensize text, "
    "pixelratio float, PRIMARY KEY (app, date))",
)


def create_recipe_keyspace(session: Any, keyspace: str) -> None:
    """The recipe's keyspace and tables, exactly as published (SimpleStrategy, one replica)."""
    session.execute(
        f"CREATE KEYSPACE IF NOT EXISTS {keyspace} WITH REPLICATION = "
        "{'class': 'SimpleStrategy', 'replication_factor': 1}"
    )
    for statement in RECIPE_TABLES:
        session.execute(statement.format(ks=keyspace))
