"""A Cassandra node and a gunicorn collector of their own, for tests that break them.

The node runs on 127.0.0.1:19042 (storage 17000) with its data in a temporary
directory, so stopping and killing it leaves the suite's node alone. The
collector is the example project under gunicorn (2 workers, gthread) on
127.0.0.1:18100, spooling into a temporary directory.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cassandra.cluster import Cluster

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "devtools" / "cassandra" / "cassandra.sh"
NATIVE_PORT, STORAGE_PORT, HTTP_PORT = 19042, 17000, 18100
KEYSPACE = "faults"
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"


@dataclass
class Node:
    run_dir: Path

    @property
    def env(self) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if k != "PAGEVIEWS_CASSANDRA_HOSTS"}
        return {
            **base,
            "CASSANDRA_NATIVE_PORT": str(NATIVE_PORT),
            "CASSANDRA_STORAGE_PORT": str(STORAGE_PORT),
            "CASSANDRA_RUN_DIR": str(self.run_dir),
            "PYTHON": sys.executable,
        }

    def start(self) -> None:
        subprocess.run(["bash", str(SCRIPT), "start"], env=self.env, check=True, capture_output=True, timeout=300)

    def stop(self) -> None:
        subprocess.run(["bash", str(SCRIPT), "stop"], env=self.env, check=False, capture_output=True, timeout=120)

    @property
    def pid(self) -> int:
        return int((self.run_dir / "cassandra.pid").read_text())

    def signal(self, sig: signal.Signals) -> None:
        os.kill(self.pid, sig)


@pytest.fixture(scope="package")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    own = Node(tmp_path_factory.mktemp("fault-node"))
    own.start()
    yield own
    with contextlib.suppress(OSError, ValueError):
        own.signal(signal.SIGCONT)
    own.stop()


@dataclass
class Collector:
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    app: uuid.UUID

    def manage(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "example_project/manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def workers(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]


@pytest.fixture(scope="package")
def collector(node: Node, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Collector]:
    spool = tmp_path_factory.mktemp("fault-spool")
    env = {
        **node.env,
        "DJANGO_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "example.settings",
        "PAGEVIEWS_CASSANDRA_HOSTS": "127.0.0.1",
        "PAGEVIEWS_CASSANDRA_PORT": str(NATIVE_PORT),
        "PAGEVIEWS_KEYSPACE": KEYSPACE,
        "PAGEVIEWS_SPOOL_DIR": str(spool),
    }
    setup = subprocess.run(
        [sys.executable, "example_project/manage.py", "sync_cassandra"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert setup.returncode == 0, setup.stderr
    app = uuid.uuid4()
    registered = subprocess.run(
        [sys.executable, "example_project/manage.py", "register_app", "Faults", "http://127.0.0.1/", "--id", str(app)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert registered.returncode == 0, registered.stderr
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "--workers",
            "2",
            "--worker-class",
            "gthread",
            "--threads",
            "8",
            "--log-level",
            "warning",
            "--bind",
            f"127.0.0.1:{HTTP_PORT}",
            "--chdir",
            str(ROOT / "example_project"),
            "example.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{HTTP_PORT}/bench/baseline/", timeout=2).read()
            break
        except OSError:
            assert time.monotonic() < deadline, "the collector did not start"
            time.sleep(0.3)
    yield Collector(process, env, app)
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


@dataclass
class Load:
    """Hits sent at a steady rate from a few threads, each one's status and duration recorded."""

    app: uuid.UUID
    prefix: str
    rate: float
    seconds: float
    threads: int = 4
    results: list[tuple[int, int, float, float]] = field(default_factory=list)  # (i, status, started, took)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self) -> None:
        started = time.monotonic()
        total = int(self.rate * self.seconds)
        workers = [threading.Thread(target=self._send, args=(n, total, started)) for n in range(self.threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()

    def _send(self, offset: int, total: int, started: float) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", HTTP_PORT, timeout=10)
        for i in range(offset, total, self.threads):
            due = started + i / self.rate
            if (wait := due - time.monotonic()) > 0:
                time.sleep(wait)
            began = time.monotonic()
            try:
                connection.request(
                    "GET", f"/pageviews/collect/?app={self.app}&path={self.prefix}{i}", headers={"User-Agent": UA}
                )
                response = connection.getresponse()
                body = response.read()
                status = response.status if body.startswith(b"GIF89a") else -response.status
            except (OSError, http.client.HTTPException):
                status = 0
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", HTTP_PORT, timeout=10)
            with self._lock:
                self.results.append((i, status, began - started, time.monotonic() - began))
        connection.close()


def stored_paths(app: uuid.UUID, prefix: str) -> list[str]:
    """Every stored path of the app that starts with ``prefix`` (all UTC days of the last two)."""
    from datetime import UTC, datetime, timedelta

    cluster = Cluster(["127.0.0.1"], port=NATIVE_PORT)
    try:
        session = cluster.connect(KEYSPACE)
        today = datetime.now(UTC).date()
        paths: list[str] = []
        for day in (today - timedelta(days=1), today):
            rows: Any = session.execute("SELECT path FROM pageviews WHERE app = %s AND day = %s", (app, day))
            paths.extend(row.path for row in rows if row.path.startswith(prefix))
        return paths
    finally:
        cluster.shutdown()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "faults: breaks a Cassandra node and a collector of its own")
