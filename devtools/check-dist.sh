#!/usr/bin/env bash
# Build the sdist and wheel, `twine check --strict` them, install the wheel in a
# fresh virtualenv and check that it carries the tag library, the commands and
# the snippet, and that exactly one distribution provides the `cassandra` module.
set -euo pipefail
python="${1:?usage: check-dist.sh PYTHON}"
cd "$(dirname "$0")/.."
rm -rf dist build
"$python" -m build --quiet --outdir dist . >/dev/null
"$(dirname "$python")/twine" check --strict dist/*
wheel="$(ls dist/*.whl)"
"$python" - "$wheel" <<'PY'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
wanted = [
    "pageviews/templatetags/pageviews.py",
    "pageviews/collect/snippet.js",
    "pageviews/py.typed",
    "pageviews/management/commands/register_app.py",
    "pageviews/management/commands/list_apps.py",
    "pageviews/management/commands/unregister_app.py",
]
missing = [name for name in wanted if name not in names]
if missing:
    sys.exit(f"the wheel lacks: {', '.join(missing)}")
print(f"wheel contents ok: {len(names)} files")
PY
venv="$(mktemp -d)/venv"
trap 'rm -rf "$(dirname "$venv")"' EXIT
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet "$wheel"
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
