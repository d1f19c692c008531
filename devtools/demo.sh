#!/usr/bin/env bash
# The demo: schema, demo site registration, and the example site on 127.0.0.1:$DEMO_PORT (default 8000).
# Run through `make demo [DEMO_PORT=8001]`, which starts (and afterwards stops) Cassandra.
set -euo pipefail
python="${1:?usage: demo.sh PYTHON}"
port="${DEMO_PORT:-8000}"
if ! [[ "$port" =~ ^[0-9]+$ ]] || (( port < 1 || port > 65535 )); then
    echo "demo: DEMO_PORT must be a port number (1 to 65535), not '$port'" >&2
    exit 2
fi
python="$(cd "$(dirname "$python")" && pwd)/$(basename "$python")"
if "$python" -c "import socket, sys; s = socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $port)) != 0)"; then
    echo "demo: something already listens on 127.0.0.1:$port; choose another port: make demo DEMO_PORT=8001" >&2
    exit 1
fi
cd "$(dirname "$0")/../example_project"
"$python" manage.py sync_cassandra
"$python" manage.py migrate --noinput -v 0
"$python" manage.py setup_demo --port "$port"
echo
echo "  The example site is at http://127.0.0.1:$port/ — click through its pages;"
echo "  each one is stored in Cassandra. The dashboard: http://127.0.0.1:$port/pageviews/dashboard/"
echo "  (sign in as demo / demo)."
echo "  Stop with Ctrl-C (Cassandra is stopped too if the demo started it)."
echo
exec "$python" manage.py runserver "127.0.0.1:$port"
