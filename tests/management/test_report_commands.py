"""rollup_pageviews, pageviews_report, export_pageviews, seed_pageviews and issue_token via call_command."""

from __future__ import annotations

import csv
import json
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from pageviews.models import App, DailyStats
from tests.conftest import write_pageviews


def run(*args: str, **options: Any) -> str:
    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def test_report_pageviews_equal_what_was_stored(make_app: Callable[..., App]) -> None:
    app = make_app(name="Reported", url="https://rep.test/")
    write_pageviews(app, 5, "/a")
    write_pageviews(app, 2, "/b")
    output = run("pageviews_report", str(app.id), "--period", "today")
    assert re.search(r"^Pageviews\s+7$", output, re.MULTILINE)
    assert re.search(r"^/a\s+5$", output, re.MULTILINE)
    data = json.loads(run("pageviews_report", str(app.id), "--period", "7d", "--json"))
    assert data["headline"]["pageviews"] == 7
    assert data["current_visitors"] == 7


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "is not a valid app id"),
        ([str(uuid.uuid4())], "no app with id"),
        (["{app}", "--period", "custom", "--since", "2026-01-05", "--until", "2026-01-01"], "before it starts"),
        (["{app}", "--period", "custom"], "needs a start and an end"),
    ],
)
def test_report_bad_arguments(app: App, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run("pageviews_report", *(arg.format(app=app.id) for arg in args))


def test_rollup_command_is_idempotent(make_app: Callable[..., App]) -> None:
    app = make_app(url="https://roll.test/")
    yesterday = datetime.now(UTC) - timedelta(days=1)
    write_pageviews(app, 1, "/y", at=yesterday)
    first = run("rollup_pageviews", "--app", str(app.id))
    assert "2 day(s) rolled up" in first
    rows = [(r.day, r.pageviews, r.visits) for r in DailyStats.objects.filter(app=app.id, year=yesterday.year)]
    assert run("rollup_pageviews", "--app", str(app.id)) == first
    assert [(r.day, r.pageviews, r.visits) for r in DailyStats.objects.filter(app=app.id, year=yesterday.year)] == rows
    assert sum(pageviews for _, pageviews, _ in rows) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--app", "zzz"], "not a valid app id"), (["--since", "2026-13-01"], "is not a date")],
)
def test_rollup_command_bad_arguments(cassandra_keyspace: str, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run("rollup_pageviews", *args)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_export_streams_every_hit(make_app: Callable[..., App], tmp_path: Path, fmt: str) -> None:
    app = make_app(url="https://exp.test/")
    write_pageviews(app, 12, "/exported")
    today = datetime.now(UTC).date()
    target = tmp_path / f"hits.{fmt}"
    since, until = (today - timedelta(days=1)).isoformat(), today.isoformat()
    output = run(
        "export_pageviews", str(app.id), "--since", since, "--until", until, "--format", fmt, "-o", str(target)
    )
    assert "Wrote 12 pageviews" in output
    if fmt == "csv":
        with target.open() as handle:
            rows = list(csv.DictReader(handle))
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in target.read_text().splitlines()]
    else:
        import pyarrow.parquet as pq  # the optional [parquet] extra: imported by the test that needs it

        rows = pq.read_table(target).to_pylist()
    assert len(rows) == 12
    assert {row["path"] for row in rows} == {"/exported"}
    assert all(row["time"].startswith(str(today.year)) for row in rows)


def test_export_bad_arguments(app: App, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="is not a directory"):
        run(
            "export_pageviews",
            str(app.id),
            "--since",
            "2026-01-01",
            "--until",
            "2026-01-02",
            "-o",
            "/nonexistent/x.csv",
        )
    with pytest.raises(CommandError, match="before it starts"):
        run(
            "export_pageviews", str(app.id), "--since", "2026-01-02", "--until", "2026-01-01", "-o", str(tmp_path / "x")
        )


def test_seed_then_report(make_app: Callable[..., App]) -> None:
    app = make_app(url="https://seed.test/")
    output = run("seed_pageviews", str(app.id), "--days", "3", "--per-day", "40")
    written = int(re.search(r"Wrote ([\d,]+) pageviews", output).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert 40 <= written <= 120
    data = json.loads(run("pageviews_report", str(app.id), "--period", "7d", "--json"))
    assert data["headline"]["pageviews"] == written
    assert data["headline"]["visits"] > 0


def test_issue_token_prints_a_token_once(app: App) -> None:
    output = run("issue_token", str(app.id))
    token = output.splitlines()[1]
    assert len(token) >= 40
    assert App.objects.get(id=app.id).token_hash not in output  # only the hash is stored
