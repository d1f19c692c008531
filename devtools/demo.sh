#!/usr/bin/env bash
# The demo: schema, demo site registration, and the example site on :8000.
# Run through `make demo`, which starts (and afterwards stops) Cassandra.
set -euo pipefail
python="${1:?usage: demo.sh PYTHON}"
python="$(cd "$(dirname "$python")" && pwd)/$(basename "$python")"
cd "$(dirname "$0")/../example_project"
"$python" manage.py sync_cassandra
"$python" manage.py migrate --noinput -v 0
"$python" manage.py setup_demo
echo
echo "  The example site is at http://127.0.0.1:8000/ — click through its pages;"
echo "  each one is stored in Cassandra. The dashboard: http://127.0.0.1:8000/pageviews/dashboard/"
echo "  (sign in as demo / demo)."
echo "  Stop with Ctrl-C (Cassandra is stopped too if the demo started it)."
echo
exec "$python" manage.py runserver 127.0.0.1:8000
