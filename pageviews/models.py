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
    #: IANA timezone whose days the reports use.
    timezone = columns.Text(default="UTC")
    #: Days raw hits are kept (a TTL set at write time); None: PAGEVIEWS_RETENTION_DAYS.
    retention_days = columns.Integer()
    #: SHA-256 of the stats API read token (the token itself is shown once).
    token_hash = columns.Text()


class Pageview(DjangoCassandraModel):  # type: ignore[misc]
    """One pageview (table ``pageviews``): a partition per app and UTC day.

    ``id`` is a TimeUUID made at ingest: unique per hit (no two hits in the
    same millisecond overwrite each other) and ordered by time, newest first.
    ``pv`` is the pageview key the snippet made, which engagement beacons name.
    """

    __table_name__ = "pageviews"

    app = columns.UUID(partition_key=True)
    day = columns.Date(partition_key=True)
    id = columns.TimeUUID(primary_key=True, clustering_order="DESC")
    pv = columns.UUID()
    visitor = columns.UUID()
    session = columns.UUID()
    # The recipe's fields, as sent (ip: as PAGEVIEWS_IP_MODE stores it).
    path = columns.Text()
    title = columns.Text()
    referrer = columns.Text()
    ip = columns.Text()
    useragent = columns.Text()
    platform = columns.Text()
    language = columns.Text()
    screensize = columns.Text()
    pixelratio = columns.Float()
    host = columns.Text()
    utm_source = columns.Text()
    utm_medium = columns.Text()
    utm_campaign = columns.Text()
    utm_term = columns.Text()
    utm_content = columns.Text()
    # Derived at ingest.
    browser = columns.Text()
    browser_version = columns.Text()
    os = columns.Text()
    os_version = columns.Text()
    device = columns.Text()
    is_bot = columns.Boolean()
    referrer_host = columns.Text()
    referrer_source = columns.Text()
    country = columns.Text()
    visitor_next = columns.UUID()

    class Meta:
        get_pk_field = "id"


class Engagement(DjangoCassandraModel):  # type: ignore[misc]
    """Engaged time of a pageview (table ``engagement``), by the day the beacon came.

    Each beacon carries the total so far, so the last write is the answer.
    """

    __table_name__ = "engagement"

    app = columns.UUID(partition_key=True)
    day = columns.Date(partition_key=True)
    pv = columns.UUID(primary_key=True)
    engaged_ms = columns.Integer()
    updated_at = columns.DateTime()

    class Meta:
        get_pk_field = "pv"


class Event(DjangoCassandraModel):  # type: ignore[misc]
    """An outbound-link or file-download click (table ``events``), a partition per app and day."""

    __table_name__ = "events"

    app = columns.UUID(partition_key=True)
    day = columns.Date(partition_key=True)
    id = columns.TimeUUID(primary_key=True, clustering_order="DESC")
    name = columns.Text()
    url = columns.Text()
    path = columns.Text()
    pv = columns.UUID()
    visitor = columns.UUID()
    session = columns.UUID()

    class Meta:
        get_pk_field = "id"


class Salt(DjangoCassandraModel):  # type: ignore[misc]
    """The secret of one UTC day for cookieless ids (table ``salts``); expires after 48 hours."""

    __table_name__ = "salts"

    day = columns.Date(primary_key=True)
    salt = columns.Blob()


class DailyStats(DjangoCassandraModel):  # type: ignore[misc]
    """Rolled-up figures of one local day (table ``daily_stats``), a partition per app and year.

    ``visitors_sketch`` is a serialized HyperLogLog sketch of the day's visitor
    ids: sketches of several days merge into the unique visitors of a range.
    """

    __table_name__ = "daily_stats"

    app = columns.UUID(partition_key=True)
    year = columns.Integer(partition_key=True)
    day = columns.Date(primary_key=True)
    pageviews = columns.BigInt()
    visits = columns.BigInt()
    bounces = columns.BigInt()
    duration_ms = columns.BigInt()
    visitors_sketch = columns.Blob()
    computed_at = columns.DateTime()

    class Meta:
        get_pk_field = "day"


class DailyTop(DjangoCassandraModel):  # type: ignore[misc]
    """The top values of each breakdown on one local day (table ``daily_top``).

    ``count`` is pageviews, or visits for ``entry_page`` and ``exit_page``.
    """

    __table_name__ = "daily_top"

    app = columns.UUID(partition_key=True)
    day = columns.Date(partition_key=True)
    dimension = columns.Text(primary_key=True)
    value = columns.Text(primary_key=True)
    count = columns.BigInt()

    class Meta:
        get_pk_field = "dimension"
