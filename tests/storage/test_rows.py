"""One declaration of a pageview's columns (the model): the writer, the spool, the reports, the export and the
sample data all agree with it, and rows are built by name."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from cassandra.query import UNSET_VALUE

from pageviews.collect import sampledata
from pageviews.collect.hits import Engagement, Event, Hit
from pageviews.models import Engagement as EngagementModel
from pageviews.models import Event as EventModel
from pageviews.models import Pageview
from pageviews.reports import aggregate, export
from pageviews.storage import queries, rows
from pageviews.storage.spool import Record, decode_line, encode_line

#: Fields of the dataclasses that are not columns: the arrival time makes the day and the id.
NOT_COLUMNS = {"app", "received_at"}


def fields_of(cls: type) -> set[str]:
    return {field.name for field in dataclasses.fields(cls)}


def test_the_model_is_the_declaration() -> None:
    assert rows.PAGEVIEW_KEY == ("app", "day", "id")
    assert rows.WRITABLE["pageviews"] == (*rows.PAGEVIEW_KEY, *rows.PAGEVIEW_COLUMNS) == tuple(Pageview._columns)
    assert rows.WRITABLE["events"] == tuple(EventModel._columns)
    assert rows.WRITABLE["engagement"] == tuple(EngagementModel._columns)


def test_every_pageview_column_is_a_hit_field_and_back() -> None:
    assert set(rows.PAGEVIEW_COLUMNS) == fields_of(Hit) - NOT_COLUMNS
    assert set(rows.EVENT_COLUMNS) == fields_of(Event) - NOT_COLUMNS


def test_report_rows_and_export_read_declared_columns() -> None:
    declared = set(Pageview._columns)
    assert aggregate.Row._fields == aggregate.ROW_COLUMNS
    assert set(aggregate.ROW_COLUMNS) <= declared
    assert set(aggregate.DIMENSIONS) <= declared
    assert ("time", *(name for name in Pageview._columns if name != "app")) == export.COLUMNS
    for cql in (queries.ROWS, queries.EXPORT):
        selected = cql.removeprefix("SELECT ").split(" FROM ")[0].split(", ")
        assert set(selected) <= declared, cql


def test_rows_are_built_by_name() -> None:
    at = datetime(2026, 12, 1, 23, 59, tzinfo=UTC)
    hit = Hit(app=uuid.uuid4(), visitor=uuid.uuid4(), session=uuid.uuid4(), received_at=at, pv=uuid.uuid4())
    hit = dataclasses.replace(hit, path="/p", title="T", country="FR", pixelratio=2.0, is_bot=True)
    hit_id = rows.new_id(at)
    row = rows.pageview_row(hit, hit_id)
    assert tuple(row) == rows.WRITABLE["pageviews"]
    assert (row["app"], row["day"], row["id"]) == (hit.app, date(2026, 12, 1), hit_id)
    assert all(row[name] == getattr(hit, name) for name in rows.PAGEVIEW_COLUMNS)
    event = Event(hit.app, "outbound", "https://x.test/", "/p", hit.pv, hit.visitor, hit.session, at)
    assert rows.event_row(event, hit_id) == {"app": hit.app, "day": at.date(), "id": hit_id} | {
        name: getattr(event, name) for name in rows.EVENT_COLUMNS
    }
    engagement = rows.engagement_row(Engagement(hit.app, hit.pv, 1200, at))
    assert tuple(engagement) == rows.WRITABLE["engagement"]
    assert (engagement["pv"], engagement["engaged_ms"], engagement["updated_at"]) == (hit.pv, 1200, at)


def test_inserts_bind_every_column_by_name_with_unset_for_none() -> None:
    cql = rows.insert_cql("pageviews", ttl=True)
    assert all(f":{name}" in cql for name in rows.WRITABLE["pageviews"])
    assert cql.endswith("USING TTL :ttl")
    values = rows.bind_values({"app": 1, "title": None}, ttl=60)
    assert values["app"] == 1
    assert values["ttl"] == 60
    assert values["title"] is UNSET_VALUE


def test_sample_data_fills_the_declared_columns() -> None:
    [hit, *_] = sampledata.generate(uuid.uuid4(), date(2026, 11, 1), 1, 5, ZoneInfo("UTC"))
    row = rows.pageview_row(hit, rows.new_id(hit.received_at))
    assert tuple(row) == rows.WRITABLE["pageviews"]
    filled = {name for name, value in row.items() if value not in (None, "")}
    assert {"visitor", "session", "path", "browser", "device", "country", "language", "screensize"} <= filled


def test_a_spooled_row_keeps_its_columns_and_values() -> None:
    at = datetime(2026, 12, 1, 8, tzinfo=UTC)
    hit = Hit(app=uuid.uuid4(), visitor=None, session=None, received_at=at, pv=uuid.uuid4(), path="/é")
    record = Record("pageviews", rows.pageview_row(hit, rows.new_id(at)), 86_400)
    again = decode_line(encode_line(record))
    assert again == record
    assert tuple(again.row) == rows.WRITABLE["pageviews"]
