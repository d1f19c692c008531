"""Every Python and Django that pyproject.toml claims, tested (`make matrix`).

One session per pair, ``tests-<python>-django<django>``, tagged ``tests``:

    nox -t tests                       # all pairs (make matrix)
    nox -s tests-3.13-django6.1        # one pair (make test-django6)
    nox -s tests-3.13-django6.1 -- tests/test_hits.py   # pytest arguments after --

Each installs the app (editable) with the ``test`` dependency group and the
pair's Django into ``.nox/<session>``, and runs pytest without the browser and
fault tests (``-m "not browser and not faults"``; the cluster test is left out
unless ``PAGEVIEWS_CLUSTER_TEST`` is set) inside ``devtools/cassandra/cassandra.sh
run``, which reuses a node answering on 127.0.0.1:9042 or starts one for the run.

The interpreters are found by ``devtools/find-python.sh`` (``pythonX.Y`` on PATH
if it runs, else ``~/.pyenv/versions/X.Y*``); a session whose Python is
missing fails with the script's one-line message.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
FIND_PYTHON = ROOT / "devtools" / "find-python.sh"
CASSANDRA = ROOT / "devtools" / "cassandra" / "cassandra.sh"

#: (Python, Django, requirement). The classifiers in pyproject.toml name exactly these:
#: when a Django 6.x comes out, add its pair here and its classifier there.
PAIRS = [
    ("3.11", "5.2", "Django~=5.2.0"),
    ("3.12", "6.0", "Django~=6.0.0"),
    ("3.13", "6.1", "Django~=6.1.0"),
]
PYTEST_MARKERS = "not browser and not faults"
SHOW_VERSIONS = "import sys, django; print('Python', sys.version.split()[0], 'Django', django.__version__)"

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "venv"
nox.options.error_on_missing_interpreters = True
nox.options.sessions = []  # a bare `nox` lists nothing to run: say which (-t tests, -s NAME)


def find_python(version: str) -> tuple[str | None, str]:
    """The path of a working Python ``version``, or None and find-python.sh's message."""
    command = [str(FIND_PYTHON), version]
    found = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 (our own script)
    if found.returncode == 0:
        return found.stdout.strip(), ""
    return None, found.stderr.strip() or f"find-python.sh {version} failed"


def define_session(version: str, django: str, requirement: str) -> None:
    interpreter, error = find_python(version)

    def tests(session: nox.Session) -> None:
        if interpreter is None:
            session.error(error)
        pyproject = nox.project.load_toml(ROOT / "pyproject.toml")
        session.install("-e", str(ROOT), *nox.project.dependency_groups(pyproject, "test"), requirement)
        session.run("python", "-c", SHOW_VERSIONS)
        session.run(
            "bash",
            str(CASSANDRA),
            "run",
            "--",
            "python",
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-m",
            PYTEST_MARKERS,
            *session.posargs,
            env={"PYTHON": "python"},  # cql_ping.py needs only the stdlib
            external=True,
        )

    tests.__doc__ = f"Python {version}, Django {django} ({requirement}): pytest -m {PYTEST_MARKERS!r}"
    # Without an interpreter there is no virtualenv to make: the session only reports the error.
    nox.session(name=f"tests-{version}-django{django}", python=interpreter or False, tags=["tests"])(tests)


for _version, _django, _requirement in PAIRS:
    define_session(_version, _django, _requirement)
