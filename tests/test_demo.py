"""``make demo``: a port of its own (the demo site's origins follow it), and no silent reuse of a foreign node."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from http.client import HTTPResponse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "devtools" / "cassandra" / "cassandra.sh"
#: What a CQL server answers to the OPTIONS frame of cql_ping.py: a protocol-v4 SUPPORTED frame, empty body.
SUPPORTED = bytes([0x84, 0x00, 0x00, 0x01, 0x06, 0x00, 0x00, 0x00, 0x00])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def foreign_node() -> Iterator[int]:
    """Something that answers CQL's OPTIONS ping on a free port: a node this checkout did not start."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.recv(9)
                conn.sendall(SUPPORTED)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(timeout=5)
    server.close()


def run_script(port: int, run_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PAGEVIEWS_CASSANDRA_HOSTS"}
    env |= {"CASSANDRA_NATIVE_PORT": str(port), "CASSANDRA_RUN_DIR": str(run_dir)}
    return subprocess.run(
        ["bash", str(SCRIPT), "run", *args], capture_output=True, text=True, env=env, timeout=60, check=False
    )


def test_own_node_refuses_a_node_this_checkout_did_not_start(foreign_node: int, tmp_path: Path) -> None:
    refused = run_script(foreign_node, tmp_path / "run", "--own-node", "--", "echo", "ran")
    assert refused.returncode == 1
    assert "did not start already answers" in refused.stderr
    assert "DEMO_REUSE_CASSANDRA=1" in refused.stderr
    assert "ran" not in refused.stdout
    allowed = run_script(foreign_node, tmp_path / "run", "--", "echo", "ran")
    assert (allowed.returncode, allowed.stdout.splitlines()[-1]) == (0, "ran")


def test_own_node_uses_the_node_it_started(foreign_node: int, tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "cassandra.pid").write_text(str(os.getpid()))  # a live process: what `start` records
    ours = run_script(foreign_node, run_dir, "--own-node", "--", "echo", "ran")
    assert (ours.returncode, ours.stdout.splitlines()[-1]) == (0, "ran")


def test_a_bad_demo_port_is_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        ["bash", str(ROOT / "devtools" / "demo.sh"), sys.executable],
        env={**os.environ, "DEMO_PORT": "80x"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "demo: DEMO_PORT must be a port number (1 to 65535), not '80x'"


@pytest.mark.cassandra
def test_make_demo_on_another_port_registers_that_port(tmp_path: Path) -> None:
    port = free_port()
    keyspace, app_id = f"demo_test_{uuid.uuid4().hex[:8]}", str(uuid.uuid4())
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")}  # pytest's
    env |= {"PAGEVIEWS_KEYSPACE": keyspace, "PAGEVIEWS_APP_ID": app_id, "DJANGO_DEBUG": "1"}
    log = tmp_path / "demo.log"
    with log.open("w") as out:
        demo = subprocess.Popen(
            ["make", "--no-print-directory", "demo", f"DEMO_PORT={port}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        page = _get(f"http://127.0.0.1:{port}/", timeout=180, log=log)
        assert "pageviews" in page.read().decode()
        collect = f"http://127.0.0.1:{port}/pageviews/collect/?app={app_id}&path=/"
        for origin in (f"http://localhost:{port}", f"http://127.0.0.1:{port}"):
            answer = _get(collect, headers={"Origin": origin, "User-Agent": BROWSER})
            assert answer.headers["X-Pageviews-Outcome"] == "stored", origin
    finally:
        os.killpg(demo.pid, signal.SIGTERM)
        demo.wait(timeout=60)
        _drop(keyspace)


BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"


def _get(url: str, headers: dict[str, str] | None = None, timeout: float = 30, log: Path | None = None) -> HTTPResponse:
    """GET ``url``, retrying while the server is not up yet, for up to ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - loopback http
            response: HTTPResponse = urllib.request.urlopen(request, timeout=10)  # noqa: S310
            return response
        except OSError as exc:
            if time.monotonic() > deadline:
                raise AssertionError(f"{url}: {exc}; {log.read_text()[-2000:] if log else ''}") from exc
            time.sleep(0.5)


def _drop(keyspace: str) -> None:
    from pageviews.storage.connection import session_and_keyspace

    session, _ = session_and_keyspace()
    session.execute(f'DROP KEYSPACE IF EXISTS "{keyspace}"', timeout=60)
