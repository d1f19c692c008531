"""Rows by name: the columns of each table the writer fills, derived from the models, and the rows themselves.

``pageviews.models`` is the one declaration of a table's columns; everything
else (the INSERTs, the spool's writable columns, exports, report reads) takes
its column names from here, and builds rows as ``{column: value}``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import Any

from cassandra.query import UNSET_VALUE
from cassandra.util import uuid_from_time

from ..collect.hits import Engagement, Event, Hit
from ..models import Engagement as EngagementModel
from ..models import Event as EventModel
from ..models import Pageview

Row = dict[str, object]


def columns_of(model: Any) -> tuple[str, ...]:
    """Every column of a cqlengine model, in declaration order (the key first)."""
    return tuple(model._columns)


def key_of(model: Any) -> tuple[str, ...]:
    """The primary key columns of a cqlengine model (partition key, then clustering)."""
    return tuple(model._primary_keys)


#: The key of ``pageviews`` (app, day, id), then its value columns: each a field of :class:`Hit`.
PAGEVIEW_KEY = key_of(Pageview)
PAGEVIEW_COLUMNS = tuple(name for name in columns_of(Pageview) if name not in PAGEVIEW_KEY)
EVENT_KEY = key_of(EventModel)
EVENT_COLUMNS = tuple(name for name in columns_of(EventModel) if name not in EVENT_KEY)
#: The INSERTs the writer makes (and so the only ones a spool replay may make), by table.
WRITABLE: Mapping[str, tuple[str, ...]] = {
    "pageviews": columns_of(Pageview),
    "events": columns_of(EventModel),
    "engagement": columns_of(EngagementModel),
}


def new_id(moment: datetime) -> uuid.UUID:
    """A TimeUUID of ``moment``: unique per hit, ordered by time."""
    made: uuid.UUID = uuid_from_time(moment)
    return made


def pageview_row(hit: Hit, hit_id: uuid.UUID) -> Row:
    """The ``pageviews`` row of a hit, whose id is ``hit_id`` (see :func:`new_id`)."""
    key: Row = {"app": hit.app, "day": hit.received_at.date(), "id": hit_id}
    return key | {name: getattr(hit, name) for name in PAGEVIEW_COLUMNS}


def event_row(event: Event, event_id: uuid.UUID) -> Row:
    """The ``events`` row of an outbound or download click, whose id is ``event_id``."""
    key: Row = {"app": event.app, "day": event.received_at.date(), "id": event_id}
    return key | {name: getattr(event, name) for name in EVENT_COLUMNS}


def engagement_row(engagement: Engagement) -> Row:
    """The ``engagement`` row of a beacon: the engaged time so far (the latest write wins)."""
    return {
        "app": engagement.app,
        "day": engagement.received_at.date(),
        "pv": engagement.pv,
        "engaged_ms": engagement.engaged_ms,
        "updated_at": engagement.received_at,
    }


@cache
def insert_cql(table: str, ttl: bool) -> str:
    """The INSERT of a writable table with named bind markers (and ``USING TTL :ttl``); one string per table."""
    columns = WRITABLE[table]
    markers = ", ".join(f":{name}" for name in columns)
    return f"INSERT INTO {{{table}}} ({', '.join(columns)}) VALUES ({markers})" + (" USING TTL :ttl" if ttl else "")  # noqa: S608


def bind_values(row: Mapping[str, object], ttl: int | None = None) -> dict[str, object]:
    """Values of a named INSERT: None as UNSET (a null writes a tombstone per empty column), and the TTL."""
    values = {name: UNSET_VALUE if value is None else value for name, value in row.items()}
    return values if ttl is None else values | {"ttl": ttl}
