"""Cassandra tables, as cqlengine models through django-cassandra-engine."""

from __future__ import annotations

import uuid

from cassandra.cqlengine import columns
from django.utils import timezone
from django_cassandra_engine.models import DjangoCassandraModel


class App(DjangoCassandraModel):  # type: ignore[misc]
    """A site whose pageviews are collected (table ``apps``)."""

    __table_name__ = "apps"

    id = columns.UUID(primary_key=True, default=uuid.uuid4)
    name = columns.Text(required=True)
    url = columns.Text(required=True)
    origins = columns.Set(columns.Text)
    created_at = columns.DateTime(default=timezone.now)
    active = columns.Boolean(default=True)


class Pageview(DjangoCassandraModel):  # type: ignore[misc]
    """One pageview (table ``pageviews``): a partition per app and UTC day.

    ``id`` is a TimeUUID made at ingest: unique per hit (no two hits in the
    same millisecond overwrite each other) and ordered by time, newest first.
    """

    __table_name__ = "pageviews"

    app = columns.UUID(partition_key=True)
    day = columns.Date(partition_key=True)
    id = columns.TimeUUID(primary_key=True, clustering_order="DESC")
    visitor = columns.UUID()
    session = columns.UUID()
    path = columns.Text()
    title = columns.Text()
    referrer = columns.Text()
    ip = columns.Text()
    useragent = columns.Text()
    platform = columns.Text()
    language = columns.Text()
    screensize = columns.Text()
    pixelratio = columns.Float()

    class Meta:
        get_pk_field = "id"
