#!/usr/bin/env python
"""Where a collect request's time goes: pyinstrument over N requests through Django's handler.

    .venv/bin/python -m benchmarks.ingest.profile [--requests 5000]

In-process (Django's test client, the full middleware stack of the test
settings, real Cassandra writes), so the profile shows our code, Django's and
the driver's; the HTTP server's share is measured by benchmarks.ingest.run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

import django

django.setup()

from cassandra.cqlengine.management import drop_keyspace  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from pyinstrument import Profiler  # noqa: E402

from pageviews.storage import writer  # noqa: E402
from pageviews.storage.registry import register_app  # noqa: E402

UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    args = parser.parse_args()
    call_command("sync_cassandra", database="cassandra", stdout=StringIO())
    app = register_app("profile", "http://127.0.0.1/")
    client = Client(HTTP_USER_AGENT=UA, REMOTE_ADDR="203.0.113.7")
    query = {"app": str(app.id), "path": "/bench/", "title": "Bench", "screensize": "1920x1080", "pixelratio": "2"}
    for _ in range(200):  # warm: app cache, prepared statement, enrichment caches
        client.get("/pageviews/collect/", query)
    profiler = Profiler(interval=0.0002)
    started = time.perf_counter()
    with profiler:
        for _ in range(args.requests):
            client.get("/pageviews/collect/", query)
        writer.cassandra_writer.stats.wait_idle(30)
    seconds = time.perf_counter() - started
    print(
        f"{args.requests:,} requests in {seconds:.2f} s: {seconds / args.requests * 1e6:.0f} µs per request in-process"
    )
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    drop_keyspace(settings.DATABASES["cassandra"]["NAME"], connections=["cassandra"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
