#!/usr/bin/env python
"""Bulk path: pageviews.bulk.load_pageviews against the raw driver writing the same prepared INSERT.

    .venv/bin/python -m benchmarks.ingest.bulk [--rows 100000] [--concurrency 64] [--rounds 3]

Both write the same pre-generated hits with ``execute_concurrent_with_args``
at the same concurrency; the raw side gets its parameter tuples ready-made,
so the ratio shows what the loader's own work (row building, TTL lookup,
chunking, accounting) costs. Rounds alternate (loader, raw, loader, raw...).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

import django

django.setup()

from cassandra.concurrent import execute_concurrent_with_args  # noqa: E402
from cassandra.cqlengine.management import drop_keyspace  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from pageviews.collect import sampledata  # noqa: E402
from pageviews.reports import periods  # noqa: E402
from pageviews.storage import bulk, writer  # noqa: E402
from pageviews.storage.registry import register_app  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    call_command("sync_cassandra", database="cassandra", stdout=StringIO())
    loader_s, raw_s = [], []
    for round_ in range(args.rounds):
        for side in ("loader", "raw") if round_ % 2 == 0 else ("raw", "loader"):
            app = register_app(f"bulk {side} {round_}", "https://bulk.test/")
            first = datetime.now(UTC).date() - timedelta(days=3)
            hits = list(sampledata.generate(app.id, first, 2, args.rows // 2, periods.zone("UTC"), seed=round_))
            if side == "loader":
                started = time.perf_counter()
                result = bulk.load_pageviews(hits, concurrency=args.concurrency)
                loader_s.append(time.perf_counter() - started)
                assert result.failed == 0, result.first_error
            else:
                rows = [writer.cassandra_writer.pageview_values(hit) for hit in hits]
                session, statement = writer.cassandra_writer.pageview_statement()
                started = time.perf_counter()
                results = execute_concurrent_with_args(session, statement, rows, concurrency=args.concurrency)
                raw_s.append(time.perf_counter() - started)
                assert all(success for success, _ in results)
            seconds = loader_s[-1] if side == "loader" else raw_s[-1]
            print(f"round {round_} {side:<6} {len(hits) / seconds:>9,.0f} rows/s", flush=True)
    loader_rate = args.rows / statistics.median(loader_s)
    raw_rate = args.rows / statistics.median(raw_s)
    print(
        f"\nloader {loader_rate:,.0f} rows/s, raw driver {raw_rate:,.0f} rows/s: ratio {loader_rate / raw_rate:.2f} "
        f"(target >= 0.80), concurrency {args.concurrency}, {args.rows:,} rows a side, median of {args.rounds}"
    )
    drop_keyspace(settings.DATABASES["cassandra"]["NAME"], connections=["cassandra"])
    return 0 if loader_rate / raw_rate >= 0.8 else 1


if __name__ == "__main__":
    sys.exit(main())
