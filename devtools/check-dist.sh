#!/usr/bin/env bash
# Build the sdist and wheel and check them, as `make dist` (and so `make test`) does:
#
# 1. `python -m build`: setuptools must not warn about anything;
# 2. `twine check --strict` on both;
# 3. the wheel carries the tag library, the commands, the snippet and every
#    non-Python file under pageviews/ in the sdist (templates, static, py.typed);
# 4. in a fresh virtualenv with only the wheel: exactly one distribution
#    (scylla-driver) provides the `cassandra` module;
# 5. from the unpacked sdist, in that virtualenv plus the docs group and the
#    test group's pytest tools: the docs build with warnings as errors, and the
#    fast tests (no Cassandra node) pass.
#
# Packages come from pip's cache when they are there (the outer pip installs into
# the new virtualenv with --python, so the virtualenv needs no pip of its own).
set -euo pipefail
python="${1:?usage: check-dist.sh PYTHON}"
cd "$(dirname "$0")/.."
# The tests that need no Cassandra node (-m "not cassandra" below); tests/browser needs Playwright.
fast_tests=(tests --ignore=tests/browser)

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# A stale *.egg-info/SOURCES.txt would add its files to the sdist, whatever MANIFEST.in says.
rm -rf dist build ./*.egg-info
# PYTHONDONTWRITEBYTECODE would make setuptools warn that it skips byte-compiling.
if ! env -u PYTHONDONTWRITEBYTECODE "$python" -m build --outdir dist . >"$tmp/build.log" 2>&1; then
    cat "$tmp/build.log" >&2
    exit 1
fi
if grep -nE '(^|[[:space:]])(warning|WARNING)\b|Warning:|would be ignored' "$tmp/build.log" >&2; then
    echo "error: the build warns (above; whole log: python -m build)" >&2
    exit 1
fi
rm -rf ./*.egg-info
"$(dirname "$python")/twine" check --strict dist/*
wheel="$(ls dist/*.whl)"
sdist="$(ls dist/*.tar.gz)"

"$python" - "$wheel" "$sdist" <<'PY'
import sys, tarfile, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
with tarfile.open(sys.argv[2]) as sdist:
    sdist_files = {m.name.split("/", 1)[1] for m in sdist.getmembers() if m.isfile()}
data = {name for name in sdist_files if name.startswith("pageviews/") and not name.endswith(".py")}
wanted = {
    "pageviews/templatetags/pageviews.py",
    "pageviews/py.typed",
    "pageviews/management/commands/register_app.py",
    "pageviews/management/commands/list_apps.py",
    "pageviews/management/commands/unregister_app.py",
} | data
missing = sorted(wanted - names)
if missing:
    sys.exit(f"the wheel lacks: {', '.join(missing)}")
snippets = [name for name in names if name.startswith("pageviews/") and name.endswith("/snippet.js")]
if not snippets:
    sys.exit("the wheel has no pageviews/**/snippet.js")
if stray := [name for name in names if name.endswith((".pyc", ".pyo")) or "__pycache__" in name]:
    sys.exit(f"the wheel has bytecode: {', '.join(stray)}")
print(f"wheel contents ok: {len(names)} files, {len(data)} data files, the snippet at {snippets[0]}")
PY

venv="$tmp/venv"
"$python" -m venv --without-pip "$venv"
pip=("$python" -m pip --python "$venv/bin/python" --disable-pip-version-check install --quiet)
"${pip[@]}" "$wheel"
"$venv/bin/python" - <<'PY'
import importlib.metadata as md
providers = sorted(
    dist.metadata["Name"]
    for dist in md.distributions()
    if any(str(f).startswith("cassandra/") for f in (dist.files or ()))
)
assert providers == ["scylla-driver"], f"providers of the cassandra module: {providers}"
import cassandra, pageviews, rjsmin  # noqa: E401
print(f"fresh venv ok: django-pageviews {md.version('django-pageviews')}, cassandra module from {providers[0]} {cassandra.__version__}")
PY

src="$tmp/src"
mkdir "$src"
tar -xzf "$sdist" -C "$src" --strip-components=1
# The docs group, and the test group without what only the browser, export and
# fault tests need (Playwright and pyarrow are the two largest downloads).
mapfile -t fast_requirements < <("$python" - "$src/pyproject.toml" <<'PY'
import re, sys, tomllib
with open(sys.argv[1], "rb") as f:
    group = tomllib.load(f)["dependency-groups"]["test"]
for requirement in group:
    if re.split(r"[^A-Za-z0-9._-]", requirement, maxsplit=1)[0].lower() not in {"playwright", "pyarrow", "gunicorn"}:
        print(requirement)
PY
)
"${pip[@]}" --group "$src/pyproject.toml:docs" "${fast_requirements[@]}"
(cd "$src" && "$venv/bin/sphinx-build" -q -W --keep-going -b html docs "$tmp/html")
echo "docs from the sdist ok"
# Contact points where no node answers: these tests must not need one, even when one runs.
(cd "$src" && PAGEVIEWS_CASSANDRA_HOSTS=127.0.0.9 \
    "$venv/bin/python" -m pytest -q -p no:cacheprovider -m "not cassandra" "${fast_tests[@]}")
echo "tests from the sdist ok"
