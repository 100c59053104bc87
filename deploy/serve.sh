#!/usr/bin/env bash
# make serve: nginx serves build/site/ on HOST:PORT and passes /api/ to gunicorn on a private loopback port.
# One command; Ctrl-C (or any stop) ends both.
set -euo pipefail
cd "$(dirname "$0")/.."
listen="$1" api="$2"
shift 2
python=.venv/bin/python
$python deploy/render_nginx.py --listen "$listen" --api "$api"
nginx -t -q -p build/nginx -c "$PWD/build/nginx/nginx.conf"
# nginx is the one proxy in front of the API: trust its X-Forwarded-For and -Proto, and no one else's.
WAYMARK_PROXY_COUNT=1 "$@" --bind "$api" &
api_pid=$!
trap 'kill "$api_pid" 2>/dev/null; wait "$api_pid" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM
echo "Waymark: http://$listen (nginx; the push API on $api)"
nginx -p build/nginx -c "$PWD/build/nginx/nginx.conf" -g 'daemon off;' &
wait -n
