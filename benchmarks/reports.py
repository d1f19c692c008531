#!/usr/bin/env python
"""Report speed: 30-day dashboard data from rollups against a scan of the raw partitions.

    .venv/bin/python benchmarks/reports.py [--pageviews 1000000] [--days 30]

Needs the local Cassandra node (`make cassandra`). Writes N generated
pageviews for one app over D days with the bulk loader (execute_concurrent),
rolls the days up, then times the dashboard's data for the period (from the
rollups) and the same figures computed by scanning the raw day partitions, in
the same run. Checks: pageview counts identical, unique visitors within the
HyperLogLog sketch's 95 % bounds of the exact count. Uses its own keyspace
(bench_pageviews), dropped at the end unless --keep.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

import django

django.setup()

from io import StringIO  # noqa: E402

from cassandra.cqlengine.management import drop_keyspace  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from pageviews.collect import sampledata  # noqa: E402
from pageviews.reports import (  # noqa: E402
    aggregate,
    build,
    periods,
    rollup,
)
from pageviews.storage import bulk, queries  # noqa: E402
from pageviews.storage.registry import register_app  # noqa: E402


def timed(fn, repeat: int = 1):  # type: ignore[no-untyped-def]
    """(result of the last call, seconds of each call)."""
    seconds = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        seconds.append(time.perf_counter() - started)
    return result, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pageviews", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=96)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of the rollup-based report")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark keyspace")
    args = parser.parse_args()
    keyspace = settings.DATABASES["cassandra"]["NAME"]
    call_command("sync_cassandra", database="cassandra", stdout=StringIO())
    tz = periods.zone("UTC")
    app = register_app("Benchmark", "https://bench.test/")
    today = datetime.now(UTC).date()
    first, last = today - timedelta(days=args.days), today - timedelta(days=1)
    per_day = args.pageviews // args.days
    print(f"keyspace {keyspace}: {per_day * args.days:,} pageviews, {args.days} days {first}..{last}", flush=True)

    hits = sampledata.generate(app.id, first, args.days, per_day, tz, seed=7, visitor_pool=per_day * args.days // 6)
    loaded, load_s = timed(lambda: bulk.load_pageviews(hits, concurrency=args.concurrency))
    assert loaded.failed == 0, loaded.first_error
    print(f"load: {loaded.written:,} rows in {load_s[0]:.1f} s = {loaded.written / load_s[0]:,.0f} rows/s", flush=True)

    _, rollup_s = timed(lambda: rollup.rollup(app.id, tz, first, last))
    print(f"rollup: {args.days} days in {rollup_s[0]:.1f} s", flush=True)

    period = periods.resolve("custom", tz, datetime.now(UTC), first.isoformat(), last.isoformat())
    fast, fast_s = timed(lambda: build.build(app, period).as_dict(), repeat=args.repeat)

    def raw_scan() -> tuple[aggregate.Figures, int]:
        """The same figures from every raw partition, plus the exact distinct visitor count."""
        total, visitors = aggregate.Figures(), set()
        for day in period.days:
            start, end = periods.local_day_bounds(day, tz)
            rows = queries.read_rows(app.id, start, end)
            visitors.update(row.visitor for row in rows)
            total.merge(aggregate.aggregate(rows, queries.read_engaged(app.id, start, end)))
        return total, len(visitors)

    (raw, exact_visitors), raw_s = timed(raw_scan)
    fast_median = statistics.median(fast_s)
    low, high = fast["headline"]["visitors_bounds"]
    # Visits that start late on the last day spill into today: outside the period, in neither figure.
    pageviews_equal = fast["headline"]["pageviews"] == raw.pageviews
    visitors_ok = low <= exact_visitors <= high
    error = abs(fast["headline"]["visitors"] - exact_visitors) / exact_visitors
    print()
    print(f"{'':34}{'rollups':>12}{'raw scan':>12}")
    print(f"{'30-day dashboard data, s':34}{fast_median:>12.3f}{raw_s[0]:>12.2f}")
    print(f"{'pageviews':34}{fast['headline']['pageviews']:>12,}{raw.pageviews:>12,}")
    print(
        f"{'unique visitors (exact ' + format(exact_visitors, ',') + ')':34}"
        f"{fast['headline']['visitors']:>12,}{raw.visitors:>12,}"
    )
    print()
    print(
        f"speed-up: {raw_s[0] / fast_median:.0f}x (target >= 20x); dashboard data {fast_median * 1000:.0f} ms "
        f"(target < 1000 ms; runs: {', '.join(f'{s * 1000:.0f}' for s in fast_s)} ms)"
    )
    print(
        f"pageviews identical: {pageviews_equal}; visitors error {error:.2%}, exact count inside the "
        f"sketch's 95 % bounds [{low:,}, {high:,}]: {visitors_ok}"
    )
    print(
        f"load rate {loaded.written / load_s[0]:,.0f} rows/s ({loaded.written:,} rows incl. generation); "
        f"rollup {rollup_s[0]:.1f} s"
    )
    if not args.keep:
        drop_keyspace(keyspace, connections=["cassandra"])
    return 0 if pageviews_equal and visitors_ok else 1


if __name__ == "__main__":
    sys.exit(main())
