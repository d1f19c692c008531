"""The durable spool and its replay: failed writes kept on disk, written back with their ids, once."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.test.utils import override_settings

from pageviews.models import App
from pageviews.storage import apps_cache, connection, rows, writer
from pageviews.storage.spool import Record, Spool, decode_line, encode_line
from pageviews.storage.spool import spool as process_spool

URL = "/pageviews/collect/"
Stored = Callable[[uuid.UUID], list[Any]]
RECORD = Record(
    "pageviews",
    {"app": uuid.uuid4(), "day": date(2026, 11, 29), "id": uuid.uuid1(), "path": "/p", "pixelratio": 2.0}
    | {"is_bot": False, "visitor": None},
    0,
)


def test_lines_round_trip_every_type() -> None:
    assert decode_line(encode_line(RECORD)) == RECORD
    moment = Record("events", {"app": uuid.uuid4(), "updated_at": datetime(2026, 11, 29, 12, tzinfo=UTC)}, None)
    assert decode_line(encode_line(moment)) == moment


@pytest.mark.parametrize(
    "line",
    [
        '{"table": "pageviews", "columns": ["app"], "val',
        "not json",
        '{"table": "x", "columns": ["a", "b"], "values": [1], "ttl": false}',
        "[]",
    ],
)
def test_corrupt_lines_are_refused(line: str) -> None:
    with pytest.raises((ValueError, KeyError, TypeError)):
        decode_line(line)


@pytest.fixture
def spool(spool_dir: Path) -> Any:
    own = Spool()
    yield own
    own.close()


def test_replay_skips_corrupt_lines_and_keeps_what_fails(spool: Spool) -> None:
    assert spool.append(RECORD)
    path = spool.files()[0]
    with path.open("a") as handle:
        handle.write('{"table": "pageviews", "colu\n')  # a truncated line, as after a crash
    assert spool.append(RECORD)
    written: list[Record] = []
    result = spool.replay(written.append)
    assert (result.files, result.replayed, result.corrupt, result.returned) == (1, 2, 1, 0)
    assert written == [RECORD, RECORD]
    assert spool.files() == []

    spool.append(RECORD)

    def refuse(record: Record) -> None:
        raise OSError("Cassandra is down")

    result = spool.replay(refuse)
    assert (result.replayed, result.returned) == (0, 1)
    assert len(spool.files()) == 1  # kept for the next replay
    assert spool.depth()[0] == 1


def test_a_writer_notices_its_file_was_taken(spool: Spool) -> None:
    spool.append(RECORD)
    [path] = spool.files()
    path.rename(path.with_suffix(".replaying"))  # what a replay does
    spool.append(RECORD)
    assert sorted(p.suffix for p in spool.files()) == [".jsonl", ".replaying"]


def test_unwritable_spool_counts_the_loss(tmp_path: Path, spool: Spool) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with override_settings(PAGEVIEWS_SPOOL_DIR=str(blocker / "spool")):
        assert spool.append(RECORD) is False
    assert spool.lost == 1


def pageview_record(app: uuid.UUID) -> Record:
    """A spool record exactly as the writer makes one for a pageview."""
    key = {"app": app, "day": datetime.now(UTC).date(), "id": uuid.uuid1()}
    return Record("pageviews", key | dict.fromkeys(rows.PAGEVIEW_COLUMNS), 0)


def test_replay_refuses_records_the_writer_does_not_make(spool_dir: Path) -> None:
    forged = Record("apps", {"id": uuid.uuid4(), "token_hash": "x"}, 0)
    with pytest.raises(writer.SpoolRecordError):
        writer.cassandra_writer.write_record(forged)
    with pytest.raises(writer.SpoolRecordError):
        writer.cassandra_writer.write_record(
            Record("pageviews", {"app": uuid.uuid4(), "day": date.today(), "id": uuid.uuid1()}, 0)
        )


def test_spool_files_are_private(spool: Spool, spool_dir: Path) -> None:
    spool.append(RECORD)
    assert spool_dir.stat().st_mode & 0o777 == 0o700
    assert spool.files()[0].stat().st_mode & 0o777 == 0o600


@pytest.fixture
def broken_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real write failures: Cassandra refuses a keyspace that does not exist."""
    apps_cache.known_apps.snapshot()
    real = connection.session_and_keyspace
    monkeypatch.setattr(connection, "session_and_keyspace", lambda: (real()[0], "no_such_keyspace"))


def test_failed_writes_are_spooled_and_replayed_once_with_their_ids(
    client: Client, app: App, stored: Stored, monkeypatch: pytest.MonkeyPatch, broken_writes: None
) -> None:
    for n in range(3):
        assert client.get(URL, {"app": str(app.id), "path": f"/down/{n}"}).status_code == 200
    assert (
        client.post(
            URL, {"app": str(app.id), "type": "engagement", "pv": str(uuid.uuid4()), "engaged": "900"}
        ).status_code
        == 204
    )
    assert writer.cassandra_writer.stats.wait_idle(10)
    assert process_spool.depth()[0] == 4
    monkeypatch.undo()  # Cassandra is back
    spooled_ids = sorted(
        str(record.row.get("id", record.row.get("pv")))
        for path in process_spool.files()
        for record in map(decode_line, path.read_text().splitlines())
    )
    out = StringIO()
    call_command("replay_pageviews", stdout=out)
    assert "4 replayed, 0 corrupt skipped, 0 kept for later" in out.getvalue()
    rows = stored(app.id)
    assert sorted(row.path for row in rows) == ["/down/0", "/down/1", "/down/2"]
    assert sorted(str(row.id) for row in rows) == [i for i in spooled_ids if i in {str(r.id) for r in rows}]
    assert process_spool.files() == []
    call_command("replay_pageviews", stdout=StringIO())  # nothing left: no duplicates either
    assert len(stored(app.id)) == 3


def test_replay_happens_by_itself_once_a_write_succeeds(
    client: Client, app: App, stored: Stored, monkeypatch: pytest.MonkeyPatch, broken_writes: None
) -> None:
    client.get(URL, {"app": str(app.id), "path": "/while-down"})
    assert writer.cassandra_writer.stats.wait_idle(10)
    monkeypatch.undo()
    client.get(URL, {"app": str(app.id), "path": "/after"})  # succeeds, then kicks the background replay
    for _ in range(100):
        if len(stored(app.id)) == 2 and not process_spool.files():
            break
        time.sleep(0.1)
    assert sorted(row.path for row in stored(app.id)) == ["/after", "/while-down"]


def test_replay_drops_hits_of_apps_that_are_not_active(make_app: Callable[..., App], stored: Stored) -> None:
    ghost = uuid.uuid4()
    process_spool.append(pageview_record(ghost))
    result = writer.cassandra_writer.replayer.run()
    assert result.replayed == 1  # taken off the spool
    assert stored(ghost) == []


def test_replay_command_when_empty_and_when_cassandra_refuses(
    app: App, monkeypatch: pytest.MonkeyPatch, broken_writes: None
) -> None:
    out = StringIO()
    call_command("replay_pageviews", stdout=out)
    assert "is empty" in out.getvalue()
    process_spool.append(pageview_record(app.id))
    with pytest.raises(CommandError, match=r"cannot use Cassandra.*the spool is kept"):
        call_command("replay_pageviews", stdout=StringIO())
    assert process_spool.depth()[0] == 1


def test_back_pressure_spools_instead_of_queueing_in_memory(client: Client, app: App, stored: Stored) -> None:
    with override_settings(PAGEVIEWS_MAX_PENDING_WRITES=-1):  # every write counts as one too many
        assert client.get(URL, {"app": str(app.id), "path": "/pressed"}).status_code == 200
    assert writer.cassandra_writer.stats.wait_idle(10)
    assert stored(app.id) == []
    assert process_spool.depth()[0] == 1
    call_command("replay_pageviews", stdout=StringIO())
    assert [row.path for row in stored(app.id)] == ["/pressed"]
