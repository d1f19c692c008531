"""The original recipe's collector done properly: same schema, routes and cookies, but one
shared session, prepared statements, the app ids cached in-process, whitelisted fields.

    BENCH_KEYSPACE=bench_recipe gunicorn -w 2 benchmarks.ingest.proper_flask:app
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from cassandra.cluster import Cluster
from flask import Flask, Response, request

from benchmarks.ingest.gif import PIXEL_GIF

KEYSPACE = os.environ.get("BENCH_KEYSPACE", "bench_recipe")
HOSTS = [os.environ.get("BENCH_CASSANDRA_HOST", "127.0.0.1")]
FIELDS = ("path", "title", "referrer", "platform", "language", "screensize")

app = Flask(__name__)
_state: dict[str, Any] = {}


def session() -> Any:
    """One cluster and session per worker process, made on first use (after gunicorn forks)."""
    if "session" not in _state:
        db = Cluster(HOSTS).connect(KEYSPACE)
        _state["session"] = db
        _state["insert"] = db.prepare(
            "INSERT INTO pageviews (app, date, utma, utmb, path, title, referrer, platform, language, "
            "screensize, pixelratio, ip, useragent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        _state["apps"] = {row.id for row in db.execute("SELECT id FROM apps")}
    return _state["session"]


def _uuid(value: str | None) -> UUID | None:
    try:
        return UUID(value) if value else None
    except ValueError:
        return None


@app.route("/")
def pageview() -> Response:
    response = Response(PIXEL_GIF, mimetype="image/gif")
    response.headers["Cache-Control"] = "no-cache, no-store, must-revalidate"
    response.headers["Pragma"] = "no-cache"
    response.headers["Expires"] = "0"
    db = session()
    app_id = _uuid(request.args.get("app"))
    if app_id is None or app_id not in _state["apps"]:
        return response
    now = datetime.now(UTC)
    utma = _uuid(request.cookies.get("_utma")) or uuid4()
    utmb = _uuid(request.cookies.get("_utmb")) or uuid4()
    response.set_cookie("_utma", str(utma), max_age=730 * 86400)
    response.set_cookie("_utmb", str(utmb), max_age=1800)
    try:
        ratio = float(request.args.get("pixelratio") or 1)
    except ValueError:
        ratio = 1.0
    values = [request.args.get(name, "")[:2048] for name in FIELDS]
    db.execute(
        _state["insert"],
        (app_id, now, utma, utmb, *values, ratio, request.remote_addr or "", request.headers.get("User-Agent", "")),
    )
    return response
