"""A trial hit: one pageview sent through the collect endpoint, then looked for in Cassandra.

Behind ``manage.py send_test_hit``: in-process (the endpoint's view, with the
outcome header on), or over HTTP to a running server; either way the stored
row is looked up by its unique path, and deleted again unless kept.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.test import RequestFactory
from django.test.utils import override_settings
from django.urls import reverse

from ..models import App
from ..reports.aggregate import timeuuid_datetime
from ..storage import queries
from ..storage.writer import get_writer
from .hits import normalize_origin
from .http import OUTCOME_HEADER
from .view import collect_view

#: Paths of trial hits start with this, so they are easy to tell apart (and to filter out).
TRIAL_PATH = "/__pageviews_test__/"
#: A desktop browser's user agent: a trial hit should pass the bot filter, as a visitor's would.
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
#: Why a hit was refused, and what to do about it.
ADVICE = {
    "invalid": "the hit is malformed",
    "unknown app": "register the app with manage.py register_app, or reactivate it",
    "origin not allowed": "the page's origin must be one the app was registered with (register_app --origin)",
    "rate limited": "PAGEVIEWS_RATE_LIMIT refused it; wait for the window to pass",
    "opted out": "the request carried DNT or Sec-GPC and PAGEVIEWS_PRIVACY_SIGNALS is 'drop'",
    "bot": "PAGEVIEWS_STORE_BOTS is off; browsers' user agents pass, headless browsers' and HTTP libraries' do not",
    "error": "the endpoint failed; its log (logger pageviews.collect.view) has the traceback",
}


@dataclass(frozen=True)
class TrialResult:
    """What became of a trial hit."""

    path: str
    status: int
    #: The endpoint's own word (``X-Pageviews-Outcome``), or None when it did not say.
    outcome: str | None
    #: The stored row's id (a TimeUUID: its UTC day is the partition), when it was found in Cassandra.
    pageview_id: uuid.UUID | None = None
    seconds: float = 0.0
    #: In-process only: the write failed and the hit went to the spool.
    spooled: bool = False

    @property
    def found(self) -> bool:
        return self.pageview_id is not None

    def advice(self) -> str:
        """Why it was not stored, and what to do, in one line."""
        if self.found:
            return ""
        if self.outcome is None:
            return (
                f"the endpoint answered {self.status} without saying why (it names the outcome in "
                f"{OUTCOME_HEADER} when DEBUG or PAGEVIEWS_DEBUG_OUTCOME is on) and the hit is not in Cassandra"
            )
        result = self.outcome.split(":", 1)[0]
        if result == "stored":
            where = "it went to the spool (Cassandra refused it: see manage.py pageviews_health)"
            return f"answered stored, but not in Cassandra after {self.seconds:.1f} s; " + (
                where if self.spooled else "is Cassandra slow, or another keyspace?"
            )
        return f"not stored: {self.outcome}; {ADVICE.get(result, '')}".rstrip("; ")


def default_origin(app: App) -> str:
    """The origin a page of the app's own URL sends."""
    return normalize_origin(app.url) or ""


def send_in_process(app: App, origin: str, useragent: str = BROWSER_UA, timeout: float = 5.0) -> TrialResult:
    """Run one pageview through the collect view in this process (the outcome header on), then find it."""
    path = TRIAL_PATH + uuid.uuid4().hex
    writer = get_writer()
    failed_before = writer.counts().get("failed", 0)
    request = RequestFactory().get(
        reverse("pageviews:collect"),
        {"app": str(app.id), "path": path, "title": "django-pageviews test hit"},
        HTTP_ORIGIN=origin,
        HTTP_USER_AGENT=useragent,
        REMOTE_ADDR="127.0.0.1",
    )
    sent = datetime.now(UTC)
    with override_settings(PAGEVIEWS_DEBUG_OUTCOME=True):
        response = collect_view(request)
    writer.wait_idle(timeout)
    outcome = response.headers.get(OUTCOME_HEADER)
    found = _look_for(app, path, sent, timeout if outcome == "stored" else 0.0)
    spooled = writer.counts().get("failed", 0) > failed_before
    return TrialResult(path, response.status_code, outcome, *found, spooled=spooled)


def send_over_http(app: App, url: str, origin: str, useragent: str = BROWSER_UA, timeout: float = 5.0) -> TrialResult:
    """GET one pageview from a running server's collect URL, then look for it in Cassandra for ``timeout`` s."""
    path = TRIAL_PATH + uuid.uuid4().hex
    query = urllib.parse.urlencode({"app": str(app.id), "path": path, "title": "django-pageviews test hit"})
    request = urllib.request.Request(  # noqa: S310 - the URL is the operator's own, http(s) checked by the caller
        f"{url}{'&' if '?' in url else '?'}{query}", headers={"Origin": origin, "User-Agent": useragent}
    )
    sent = datetime.now(UTC)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status, outcome = response.status, response.headers.get(OUTCOME_HEADER)
    except urllib.error.HTTPError as exc:
        status, outcome = exc.code, exc.headers.get(OUTCOME_HEADER)
    wait = timeout if outcome is None or outcome == "stored" else 0.0
    return TrialResult(path, status, outcome, *_look_for(app, path, sent, wait))


def _look_for(app: App, path: str, sent: datetime, timeout: float) -> tuple[uuid.UUID | None, float]:
    """(id, seconds waited) of the trial row, polled for up to ``timeout`` seconds."""
    started = time.monotonic()
    while True:
        row = queries.find_pageview(app.id, path, sent - timedelta(seconds=5), datetime.now(UTC) + timedelta(seconds=5))
        waited = time.monotonic() - started
        if row is not None:
            return row.id, waited
        if waited >= timeout:
            return None, waited
        time.sleep(0.2)


def delete(app: App, result: TrialResult) -> None:
    """Delete the trial row again (a tombstone in its day partition)."""
    if result.pageview_id is not None:
        day = timeuuid_datetime(result.pageview_id).date()
        queries.delete_pageview(app.id, day, result.pageview_id)
