"""devtools/cassandra/cassandra.sh: its one-line explanations and the external-cluster switch.

The happy path (fetch, start, CQL answers, stop) runs on every `make test`,
which starts the node through this script before pytest.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[1] / "devtools" / "cassandra" / "cassandra.sh"
TOOLS = (
    "sh",
    "bash",
    "dirname",
    "cat",
    "kill",
    "grep",
    "sed",
    "mkdir",
    "ls",
    "head",
    "tail",
    "rm",
    "touch",
    "sleep",
    "seq",
)


def run_script(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the script with a PATH holding only basic tools: no java (unless faked), no mvn."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for tool in TOOLS:
        found = shutil.which(tool)
        assert found, f"{tool} is needed for this test"
        link = bin_dir / tool
        if not link.exists():
            link.symlink_to(found)
    python = shutil.which("python3")
    assert python
    base = {k: v for k, v in os.environ.items() if k != "PAGEVIEWS_CASSANDRA_HOSTS"}
    full_env = {
        **base,
        "PATH": str(bin_dir),
        "PYTHON": python,
        "CASSANDRA_NATIVE_PORT": "19042",  # nothing listens there: the script would start a node
        "CASSANDRA_LIB_DIR": str(tmp_path / "lib"),
        "CASSANDRA_RUN_DIR": str(tmp_path / "run"),
        **env,
    }
    return subprocess.run(
        ["bash", str(SCRIPT), *args], capture_output=True, text=True, env=full_env, timeout=60, check=False
    )


def test_wrong_java_version_is_one_line(tmp_path: Path) -> None:
    fake_java(tmp_path, "11")
    result = run_script(tmp_path, "start")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "cassandra: Cassandra 5.0 runs here on Java 17, but 'java' is version 11: put a JDK 17 first on PATH."
    ]


def test_missing_java_is_one_line(tmp_path: Path) -> None:
    result = run_script(tmp_path, "start")
    assert result.returncode == 1
    assert result.stderr.strip().startswith("cassandra: Java 17 is required")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "run").exists()


def fake_java(tmp_path: Path, version: str) -> None:
    """A ``java`` that reports a specification version, so no JDK is needed here."""
    java = tmp_path / "bin" / "java"
    java.parent.mkdir(exist_ok=True)
    java.write_text(f"#!/bin/sh\necho '    java.specification.version = {version}' >&2\n")
    java.chmod(0o755)


def test_missing_maven_is_one_line(tmp_path: Path) -> None:
    fake_java(tmp_path, "17")
    result = run_script(tmp_path, "start")
    assert result.returncode == 1
    assert result.stderr.strip().startswith("cassandra: Maven (mvn) is required")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", ["start", "stop", "status"])
def test_external_cluster_starts_and_stops_nothing(tmp_path: Path, command: str) -> None:
    result = run_script(tmp_path, command, PAGEVIEWS_CASSANDRA_HOSTS="10.1.2.3")
    assert result.returncode == 0
    assert "PAGEVIEWS_CASSANDRA_HOSTS=10.1.2.3 is set: using that cluster" in result.stdout
    assert not (tmp_path / "run").exists()
    assert not (tmp_path / "lib").exists()


def test_run_with_external_cluster_just_runs_the_command(tmp_path: Path) -> None:
    result = run_script(tmp_path, "run", "--", "bash", "-c", "echo ran; exit 3", PAGEVIEWS_CASSANDRA_HOSTS="10.1.2.3")
    assert result.returncode == 3
    assert "ran" in result.stdout
    assert not (tmp_path / "run").exists()


def test_status_of_a_node_that_is_not_there(tmp_path: Path) -> None:
    result = run_script(tmp_path, "status")
    assert result.returncode == 1
    assert result.stdout.strip() == "cassandra: down"


def test_unknown_subcommand_shows_usage(tmp_path: Path) -> None:
    result = run_script(tmp_path, "explode")
    assert result.returncode == 2
    assert "usage:" in result.stderr


@pytest.mark.cassandra  # a real JVM, with the jars `make` fetched into devtools/cassandra/.lib
def test_a_node_out_of_heap_exits_and_says_so(tmp_path: Path) -> None:
    """-XX:+ExitOnOutOfMemoryError: no zombie node that answers nothing; the heap dump stays in the run directory."""
    if not list((SCRIPT.parent / ".lib").glob("cassandra-all-*.jar")):
        pytest.fail("devtools/cassandra/.lib has no jars: run `make cassandra` once")
    run = tmp_path / "run"
    env = {k: v for k, v in os.environ.items() if k != "PAGEVIEWS_CASSANDRA_HOSTS"}
    env |= {"CASSANDRA_HEAP": "40M", "CASSANDRA_RUN_DIR": str(run), "PYTHON": sys.executable}  # make's is relative
    env |= {"CASSANDRA_NATIVE_PORT": "19142", "CASSANDRA_STORAGE_PORT": "17100"}
    result = subprocess.run(
        ["bash", str(SCRIPT), "start"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False
    )
    assert result.returncode != 0
    assert "before answering CQL" in result.stderr.splitlines()[-1]
    assert list(run.glob("*.hprof"))
    assert not list(tmp_path.glob("*.hprof"))
    assert "cassandra.pid" not in {p.name for p in run.iterdir()} or not _alive(run / "cassandra.pid")


def _alive(pidfile: Path) -> bool:
    try:
        os.kill(int(pidfile.read_text().strip()), 0)
    except (OSError, ValueError):
        return False
    return True
