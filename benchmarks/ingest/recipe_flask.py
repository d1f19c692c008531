"""The original recipe's collector, as published ("Collect pageviews with Flask and Cassandra").

A faithful reference for the ingest benchmark, NOT code to use: a new
``Cluster()`` per request, the app looked up in Cassandra on every hit, CQL
built by string formatting from whatever query parameters arrive, pageviews
keyed ``PRIMARY KEY (app, date)`` (two hits in the same millisecond
overwrite each other), cookies ``_utma``/``_utmb`` parsed without checks.
Only what the benchmark needs changed: the keyspace and contact point come
from the environment, the GIF is in memory, and ``datetime.now`` uses
zoneinfo instead of pytz.

    BENCH_KEYSPACE=bench_recipe gunicorn -w 2 benchmarks.ingest.recipe_flask:app
"""

from __future__ import annotations

import io
import os
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from cassandra.cluster import Cluster
from flask import Flask, request, send_file

from benchmarks.ingest.gif import PIXEL_GIF

KEYSPACE = os.environ.get("BENCH_KEYSPACE", "bench_recipe")
HOSTS = [os.environ.get("BENCH_CASSANDRA_HOST", "127.0.0.1")]

app = Flask(__name__)


@app.before_request
def before_request() -> None:
    app.cluster = Cluster(HOSTS)  # type: ignore[attr-defined]
    app.db = app.cluster.connect(KEYSPACE)  # type: ignore[attr-defined]


@app.teardown_request
def teardown_request(exception: BaseException | None) -> None:
    app.cluster.shutdown()  # type: ignore[attr-defined]


@app.route("/")
def pageview() -> Any:
    data: dict[str, Any] = request.args.to_dict()
    response = send_file(io.BytesIO(PIXEL_GIF), mimetype="image/gif")
    # Verify app.
    try:
        data["app"] = UUID(data["app"])
    except ValueError:
        return response
    query = "SELECT id FROM apps WHERE id=%s"
    if not list(app.db.execute(query, [data["app"]])):  # type: ignore[attr-defined]
        return response
    # Tracking cookies.
    now = datetime.now(ZoneInfo("Europe/London"))
    if "_utma" in request.cookies:
        utma = UUID(request.cookies["_utma"])
    else:
        utma = uuid4()
        response.set_cookie("_utma", str(utma), expires=now + timedelta(days=730))
    if "_utmb" in request.cookies:
        utmb = UUID(request.cookies["_utmb"])
    else:
        utmb = uuid4()
        response.set_cookie("_utmb", str(utmb), expires=now + timedelta(seconds=1800))
    # Save pageview.
    data.update(
        utma=utma,
        utmb=utmb,
        date=now,
        ip=request.remote_addr,
        useragent=request.headers["User-Agent"],
        pixelratio=float(data.get("pixelratio") or 1),
    )
    query = "INSERT INTO pageviews (%s) VALUES (%s)" % (",".join(data.keys()), ",".join(["%s"] * len(data)))  # noqa: UP031
    app.db.execute(query, list(data.values()))  # type: ignore[attr-defined]
    # Prevent HTTP caching.
    response.headers["Last-Modified"] = now
    response.headers["Cache-Control"] = "no-cache, no-store, must-revalidate"
    response.headers["Pragma"] = "no-cache"
    response.headers["Expires"] = "0"
    return response
