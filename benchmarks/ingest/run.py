#!/usr/bin/env python
"""Ingest benchmark: django-pageviews' collect endpoint against a no-op baseline and the original recipe.

    .venv/bin/python -m benchmarks.ingest.run [--duration 10] [--rounds 2] [--concurrency 1 8 32 128]

Needs the local Cassandra node (`make cassandra`), gunicorn, Flask and wrk
(`make bench` installs them). Starts four servers on loopback under gunicorn
with one fixed configuration (2 workers, gthread, 8 threads each):

  baseline  the example project's view that answers the same GIF with the same headers, nothing else
  collect   the example project's /pageviews/collect/ (django-pageviews)
  recipe    the original recipe's Flask app (new Cluster() per request, CQL by string formatting)
  proper    the same Flask app done properly (one session, prepared statements)

and drives each with wrk from a separate process, at each concurrency, in
alternating order (baseline, collect, recipe, proper, then again) so drift
on a shared machine cancels out. After each run it counts the stored
pageviews of that run's own app and compares them with the 2xx responses.
Then it sends 100,000+ hits to the collect endpoint and compares the
workers' memory before and after. Results: a table on stdout,
benchmarks/results/ingest.json and docs/_static/ingest-throughput.png.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cassandra.cluster import Cluster

from benchmarks.ingest.schema import create_recipe_keyspace

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
OURS, RECIPE = "bench_ingest", "bench_recipe"
HOST = "127.0.0.1"
PORTS = {"django": 8101, "recipe": 8102, "proper": 8103}
TARGETS = ("baseline", "collect", "recipe", "proper")
GUNICORN = ["--workers", "2", "--worker-class", "gthread", "--threads", "8", "--log-level", "warning"]
FIELDS = "path=%2Fbench%2F&title=Bench&screensize=1920x1080&pixelratio=2&language=en-US&platform=Linux"
MEMORY_HITS = 100_000


@dataclass
class Run:
    target: str
    concurrency: int
    round: int
    requests: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    non2xx: int
    stored: int | None


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()  # noqa: S310 - loopback only
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@contextmanager
def servers() -> Iterator[dict[str, subprocess.Popen[bytes]]]:
    env = {**os.environ, "DJANGO_DEBUG": "0", "PAGEVIEWS_KEYSPACE": OURS, "BENCH_KEYSPACE": RECIPE}
    gunicorn = str(VENV_BIN / "gunicorn")
    commands = {
        "django": [gunicorn, *GUNICORN, "--chdir", str(ROOT / "example_project"), "example.wsgi:application"],
        "recipe": [gunicorn, *GUNICORN, "benchmarks.ingest.recipe_flask:app"],
        "proper": [gunicorn, *GUNICORN, "benchmarks.ingest.proper_flask:app"],
    }
    started: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for name, command in commands.items():
            started[name] = subprocess.Popen([*command, "--bind", f"{HOST}:{PORTS[name]}"], cwd=ROOT, env=env)
        wait_http(f"http://{HOST}:{PORTS['django']}/bench/baseline/")
        wait_http(f"http://{HOST}:{PORTS['recipe']}/?app=x")
        wait_http(f"http://{HOST}:{PORTS['proper']}/?app=x")
        yield started
    finally:
        for process in started.values():
            process.send_signal(signal.SIGTERM)
        for process in started.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def wrk(url: str, concurrency: int, duration: float) -> dict[str, Any]:
    scheme, _, rest = url.partition("://")
    host, _, path = rest.partition("/")
    base, path = f"{scheme}://{host}", "/" + path
    result = subprocess.run(
        [
            "wrk",
            "-t",
            str(min(2, concurrency)),
            "-c",
            str(concurrency),
            "-d",
            f"{round(duration)}s",
            "--timeout",
            "10s",
            "-s",
            str(Path(__file__).with_name("report.lua")),
            base,
        ],
        env={**os.environ, "BENCH_PATH": path},
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("JSON "))
    data: dict[str, Any] = json.loads(line[5:])
    return data


class Store:
    """Registers each run's app and counts what that run stored."""

    def __init__(self) -> None:
        self.cluster = Cluster([HOST])
        self.session = self.cluster.connect()
        create_recipe_keyspace(self.session, RECIPE)

    def new_app(self, target: str) -> uuid.UUID:
        app = uuid.uuid4()
        if target == "collect":
            self.session.execute(
                f"INSERT INTO {OURS}.apps (id, name, url, origins, active, created_at, timezone) "
                "VALUES (%s, %s, %s, %s, true, %s, 'UTC')",
                (app, f"bench {app}", "http://127.0.0.1/", {"http://127.0.0.1"}, datetime.now(UTC)),
            )
        elif target in ("recipe", "proper"):
            self.session.execute(f"INSERT INTO {RECIPE}.apps (id, name, url) VALUES (%s, %s, %s)", (app, "bench", "x"))
        return app

    def settled(self, target: str, app: uuid.UUID, expected: int, patience: float = 30.0) -> int | None:
        """The stored count once it reaches ``expected`` or stops growing for 3 s (writes still in flight land)."""
        count, deadline, last_change = self.stored(target, app), time.monotonic() + patience, time.monotonic()
        while count is not None and count < expected and time.monotonic() < deadline:
            time.sleep(0.5)
            now = self.stored(target, app)
            if now != count:
                count, last_change = now, time.monotonic()
            elif time.monotonic() - last_change > 3:
                break
        return count

    def stored(self, target: str, app: uuid.UUID) -> int | None:
        if target == "collect":
            today = datetime.now(UTC).date()
            return sum(
                self.session.execute(
                    f"SELECT COUNT(*) FROM {OURS}.pageviews WHERE app=%s AND day=%s", (app, day)
                ).one()[0]
                for day in (today - timedelta(days=1), today)
            )
        if target in ("recipe", "proper"):
            return int(self.session.execute(f"SELECT COUNT(*) FROM {RECIPE}.pageviews WHERE app=%s", (app,)).one()[0])
        return None


def url_for(target: str, app: uuid.UUID) -> str:
    if target == "baseline":
        return f"http://{HOST}:{PORTS['django']}/bench/baseline/"
    if target == "collect":
        return f"http://{HOST}:{PORTS['django']}/pageviews/collect/?app={app}&{FIELDS}"
    return f"http://{HOST}:{PORTS[target]}/?app={app}&{FIELDS}"


def replay_spool() -> None:
    """Write back what the collector spooled during the run (its writes that failed or timed out)."""
    subprocess.run(
        [sys.executable, "example_project/manage.py", "replay_pageviews"],
        cwd=ROOT,
        env={**os.environ, "PAGEVIEWS_KEYSPACE": OURS},
        capture_output=True,
        check=False,
    )


def worker_rss_kib(master: int) -> dict[int, int]:
    children = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
    rss = {}
    for pid in map(int, children):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss[pid] = int(line.split()[1])
    return rss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32, 128])
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is missing: `make bench` installs it (apt-get install wrk)", file=sys.stderr)
        return 2
    subprocess.run(
        [sys.executable, "example_project/manage.py", "sync_cassandra"],
        cwd=ROOT,
        env={**os.environ, "PAGEVIEWS_KEYSPACE": OURS},
        check=True,
        capture_output=True,
    )
    store = Store()
    runs: list[Run] = []
    memory: dict[str, Any] = {}
    # Every run gets an app of its own, registered before the servers start (both
    # collectors load the registered apps once, as they would in production).
    apps = {
        (target, concurrency, round_): store.new_app(target)
        for target in TARGETS
        for concurrency in args.concurrency
        for round_ in range(args.rounds)
    }
    memory_app = store.new_app("collect")
    with servers() as started:
        for concurrency in args.concurrency:
            for round_ in range(args.rounds):
                order = TARGETS if round_ % 2 == 0 else tuple(reversed(TARGETS))
                for target in order:
                    app = apps[(target, concurrency, round_)]
                    data = wrk(url_for(target, app), concurrency, args.duration)
                    time.sleep(1.0)  # in-flight asynchronous writes land
                    if target == "collect":
                        replay_spool()  # writes that timed out under load were spooled, not lost
                    ok = data["requests"] - data["non2xx"]
                    run = Run(
                        target,
                        concurrency,
                        round_,
                        data["requests"],
                        data["requests"] / (data["duration_us"] / 1e6),
                        data["p50_us"] / 1000,
                        data["p95_us"] / 1000,
                        data["p99_us"] / 1000,
                        data["connect"] + data["read"] + data["write"] + data["timeout"],
                        data["non2xx"],
                        store.settled(target, app, data["requests"] - data["non2xx"]),
                    )
                    runs.append(run)
                    lost = "" if run.stored is None else f" stored {run.stored:,} of {ok:,} 2xx"
                    print(
                        f"c={concurrency:<4} {target:<9} {run.rps:>8,.0f} req/s  p50 {run.p50_ms:6.2f}  "
                        f"p95 {run.p95_ms:6.2f}  p99 {run.p99_ms:7.2f} ms  errors {run.errors}  "
                        f"non-2xx {run.non2xx}{lost}",
                        flush=True,
                    )
        if not args.skip_memory:
            memory = memory_run(store, memory_app, started["django"].pid)
    write_results(runs, memory, args)
    return 0


def memory_run(store: Store, app: uuid.UUID, master: int) -> dict[str, Any]:
    before = worker_rss_kib(master)
    sent = 0
    while sent < MEMORY_HITS:
        sent += wrk(url_for("collect", app), 32, 20)["requests"]
    time.sleep(1.0)
    after = worker_rss_kib(master)
    result = {"hits": sent, "stored": store.stored("collect", app), "rss_kib_before": before, "rss_kib_after": after}
    print(f"memory: {sent:,} hits, stored {result['stored']:,}; worker RSS KiB before {before} after {after}")
    return result


def write_results(runs: list[Run], memory: dict[str, Any], args: argparse.Namespace) -> None:
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    summary: dict[str, dict[int, dict[str, float]]] = {}
    for target in TARGETS:
        for concurrency in args.concurrency:
            mine = [r for r in runs if r.target == target and r.concurrency == concurrency]
            summary.setdefault(target, {})[concurrency] = {
                "rps": statistics.median(r.rps for r in mine),
                "p50_ms": statistics.median(r.p50_ms for r in mine),
                "p95_ms": statistics.median(r.p95_ms for r in mine),
                "p99_ms": statistics.median(r.p99_ms for r in mine),
                "errors": sum(r.errors + r.non2xx for r in mine),
                "lost": sum((r.requests - r.non2xx) - r.stored for r in mine if r.stored is not None),
            }
    machine = {"cpus": os.cpu_count(), "python": sys.version.split()[0], "date": datetime.now(UTC).isoformat()}
    payload = {
        "machine": machine,
        "args": vars(args),
        "runs": [asdict(r) for r in runs],
        "summary": summary,
        "memory": memory,
    }
    (out / "ingest.json").write_text(json.dumps(payload, indent=2))
    print("\n| server | concurrency | req/s | p50 ms | p95 ms | p99 ms | errors | lost hits |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for target in TARGETS:
        for concurrency, s in summary[target].items():
            print(
                f"| {target} | {concurrency} | {s['rps']:,.0f} | {s['p50_ms']:.2f} | {s['p95_ms']:.2f} | "
                f"{s['p99_ms']:.2f} | {s['errors']:.0f} | {s['lost']:.0f} |"
            )
    for concurrency in args.concurrency:
        c, b = summary["collect"][concurrency], summary["baseline"][concurrency]
        p = summary["proper"][concurrency]
        print(
            f"c={concurrency}: collect/baseline {c['rps'] / b['rps']:.2f}, collect/proper-flask "
            f"{c['rps'] / p['rps']:.2f}, p99 collect/baseline {c['p99_ms'] / b['p99_ms']:.2f}"
        )
    chart(summary, args.concurrency)


def chart(summary: dict[str, dict[int, dict[str, float]]], levels: list[int]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.2), dpi=120)
    for target in TARGETS:
        axes.plot(levels, [summary[target][c]["rps"] for c in levels], marker="o", label=target)
    axes.set_xscale("log", base=2)
    axes.set_xticks(levels, [str(c) for c in levels])
    axes.set_xlabel("concurrent connections (wrk)")
    axes.set_ylabel("requests per second")
    axes.set_title("Ingest throughput on this 2-core machine (median of rounds)")
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    target = ROOT / "docs" / "_static" / "ingest-throughput.png"
    target.parent.mkdir(exist_ok=True)
    figure.savefig(target)


if __name__ == "__main__":
    sys.exit(main())
