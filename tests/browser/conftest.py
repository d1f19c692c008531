"""Real-browser fixtures: in-process Django servers on loopback origins, and Debian's Chromium.

Servers, started once for this package and in the pytest process (so settings
overrides and the write accounting of ``pageviews.store`` apply to them, and
``stored`` sees their writes):

- ``collector``  http://127.0.0.1:<port>  where every snippet reports (``PAGEVIEWS_ENDPOINT_URL``)
- ``site``       http://127.0.0.2:<port>  cross-origin and cross-site to the collector
- ``same_site``  http://127.0.0.1:<port>  cross-origin but same-site (sites ignore ports)
- ``stranger``   http://127.0.0.2:<port>  an origin no test ever registers (CORS refusal)

All four serve the whole test project (``tests.urls``); the page under test is
``/browser/<name>/?app=<app id>&title=<title>`` (``tests/templates/browser/page.html``).
The browser is ``/usr/bin/chromium`` (Debian's package, ``make browser``) driven
by Playwright; Playwright's own browser download is not used.
"""

from __future__ import annotations

import asyncio
import io
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.test.utils import override_settings
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright, Request, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--disable-gpu",
]
#: A desktop Chrome's user agent: headless Chromium's own says "HeadlessChrome", a bot.
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
#: How long a test waits for a beacon to reach the collector and Cassandra.
HIT_TIMEOUT = 10.0


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: end-to-end tests in a real Chromium (tests/browser/)")


@dataclass(frozen=True)
class Seen:
    """One request a server answered, as the server saw it."""

    method: str
    path: str
    query: str
    body: bytes
    origin: str | None
    cookie: str
    status: int
    #: The response's headers, lower-cased names (of a repeated header, such as Set-Cookie, the last).
    headers: dict[str, str]

    @property
    def kind(self) -> str:
        """What the snippet sent: ``pageview`` (no ``type`` field), ``engagement`` or ``event``."""
        return self.fields().get("type") or "pageview"

    def fields(self) -> dict[str, str]:
        """The sent fields: the query string of a GET, the form-encoded or JSON body of a POST."""
        text = self.body.decode("utf-8", "replace") if self.method == "POST" else self.query
        if text.startswith("{"):
            return {key: str(value) for key, value in json.loads(text).items()}
        return {key: values[0] for key, values in parse_qs(text).items()}


@dataclass
class RequestLog:
    """The requests a server has answered, in order; thread-safe, waitable."""

    entries: list[Seen] = field(default_factory=list)
    _cond: threading.Condition = field(default_factory=threading.Condition, repr=False)

    def add(self, seen: Seen) -> None:
        with self._cond:
            self.entries.append(seen)
            self._cond.notify_all()

    def mark(self) -> int:
        """A position in the log, for ``matching(..., since=mark)``."""
        with self._cond:
            return len(self.entries)

    def matching(self, predicate: Callable[[Seen], bool], since: int = 0) -> list[Seen]:
        with self._cond:
            return [seen for seen in self.entries[since:] if predicate(seen)]

    def wait_for(self, predicate: Callable[[Seen], bool], timeout: float = HIT_TIMEOUT) -> list[Seen]:
        """The matching requests once there is one; AssertionError after ``timeout`` seconds."""
        with self._cond:
            found = self._cond.wait_for(lambda: [seen for seen in self.entries if predicate(seen)], timeout)
        assert found, f"no matching request within {timeout} s; seen: {self.entries}"
        return found

    def pageviews_of(self, app_id: uuid.UUID) -> list[Seen]:
        """The pageview hits of ``app_id`` sent to the collect URL (not engagement or event hits)."""
        return self.matching(lambda seen: _is_pageview(seen, app_id))

    def wait_for_pageviews_of(self, app_id: uuid.UUID) -> list[Seen]:
        return self.wait_for(lambda seen: _is_pageview(seen, app_id))


def collect_path() -> str:
    return reverse("pageviews:collect")


def _is_pageview(seen: Seen, app_id: uuid.UUID) -> bool:
    if seen.path != collect_path() or seen.method not in ("GET", "POST"):
        return False
    return seen.fields().get("app") == str(app_id) and seen.kind == "pageview"


class _Recording:
    """WSGI middleware: log each request once the app has answered (so the view has run)."""

    def __init__(self, app: WSGIApplication, log: RequestLog) -> None:
        self.app = app
        self.log = log

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Any:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        environ["wsgi.input"] = io.BytesIO(body)
        answer: dict[str, Any] = {}

        def recording_start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answer["status"] = int(status.split()[0])
            answer["headers"] = {name.lower(): value for name, value in headers}
            return start_response(status, headers, exc_info)

        result = self.app(environ, recording_start_response)
        self.log.add(
            Seen(
                method=environ["REQUEST_METHOD"],
                path=environ.get("PATH_INFO", ""),
                query=environ.get("QUERY_STRING", ""),
                body=body,
                origin=environ.get("HTTP_ORIGIN"),
                cookie=environ.get("HTTP_COOKIE", ""),
                status=answer.get("status", 0),
                headers=answer.get("headers", {}),
            )
        )
        return result


class LiveServer:
    """The test project served by Django's threaded WSGI server on ``host`` and a free port."""

    def __init__(self, host: str) -> None:
        self.host = host
        self.log = RequestLog()
        self._httpd = ThreadedWSGIServer((host, 0), WSGIRequestHandler, allow_reuse_address=False)
        self._httpd.set_app(_Recording(StaticFilesHandler(WSGIHandler()), self.log))
        self.port: int = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name=f"server {self.origin}", daemon=True
        )
        self._thread.start()

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def collect_url(self) -> str:
        return self.origin + collect_path()

    def page_url(self, name: str, app_id: uuid.UUID | None = None, title: str | None = None) -> str:
        """URL of the test page ``/browser/<name>/`` with the snippet for ``app_id``."""
        query = {key: str(value) for key, value in (("app", app_id), ("title", title)) if value is not None}
        return f"{self.origin}/browser/{name}/" + (f"?{urlencode(query)}" if query else "")

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=10)


@dataclass(frozen=True)
class Servers:
    collector: LiveServer
    site: LiveServer
    same_site: LiveServer
    stranger: LiveServer


@pytest.fixture(scope="package")
def servers(cassandra_keyspace: str) -> Iterator[Servers]:
    started: list[LiveServer] = []
    try:
        for host in ("127.0.0.1", "127.0.0.2", "127.0.0.1", "127.0.0.2"):
            started.append(LiveServer(host))
        yield Servers(*started)
    finally:
        for server in started:
            server.stop()


@pytest.fixture(autouse=True)
def _report_to_the_collector(servers: Servers) -> Iterator[None]:
    """Every page's snippet reports to the collector's absolute URL (the servers share these settings)."""
    with override_settings(PAGEVIEWS_ENDPOINT_URL=servers.collector.collect_url):
        yield


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    """Playwright's sync API, for this package only.

    While it runs, the main thread has an asyncio loop marked as running between
    sync calls, so Django takes the thread for async code: its database
    connections are another set (held in a context variable) and the ORM raises
    SynchronousOnlyOperation. Stopping it after ``tests/browser`` gives the rest
    of the run its plain sync thread back.
    """
    with sync_playwright() as driver:
        yield driver
    assert not _asyncio_loop_running(), "Playwright left an asyncio loop running in the main thread"


def _asyncio_loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@pytest.fixture(scope="package")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (`make browser` does, as root)")
    # The user agent is set for the whole browser too: beacons sent while a page
    # unloads (the engagement beacon on pagehide) leave from the browser process,
    # without the per-context override, and HeadlessChrome's own UA is a bot's.
    args = [*CHROMIUM_ARGS, f"--user-agent={USER_AGENT}"]
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
    yield browser
    browser.close()


@pytest.fixture
def browser_context(chromium: Browser) -> Iterator[BrowserContext]:
    """A fresh profile (no cookies) with a desktop Chrome's user agent, a HiDPI 1280x720 screen, German."""
    context = chromium.new_context(
        viewport={"width": 1280, "height": 720}, device_scale_factor=2, locale="de-DE", user_agent=USER_AGENT
    )
    context.set_default_timeout(HIT_TIMEOUT * 1000)
    yield context
    context.close()


@dataclass
class Tab:
    """A page plus what went wrong in it: console errors, uncaught exceptions, failed requests."""

    page: Page
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({message.location})")

    def _on_request_failed(self, request: Request) -> None:
        self.failed_requests.append(f"{request.method} {request.url}: {request.failure}")


@pytest.fixture
def tab(browser_context: BrowserContext) -> Tab:
    page = browser_context.new_page()
    watched = Tab(page)
    page.on("console", watched._on_console)
    page.on("pageerror", lambda error: watched.page_errors.append(f"{error.name}: {error.message}"))
    page.on("requestfailed", watched._on_request_failed)
    return watched


WaitForPageviews = Callable[..., list[Any]]


@pytest.fixture
def wait_for_pageviews(stored: Callable[[uuid.UUID], list[Any]]) -> WaitForPageviews:
    """``wait_for_pageviews(app_id, count=1)``: the app's stored rows once there are ``count``.

    The snippet reports asynchronously after the page has loaded, so this polls
    ``stored`` (which waits for in-flight writes) for up to ``HIT_TIMEOUT`` seconds.
    """

    def wait(app_id: uuid.UUID, count: int = 1, timeout: float = HIT_TIMEOUT) -> list[Any]:
        deadline = time.monotonic() + timeout
        while True:
            rows = stored(app_id)
            if len(rows) >= count or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert len(rows) >= count, f"{len(rows)} pageviews of {app_id} stored within {timeout} s, expected {count}"
        return rows

    return wait
