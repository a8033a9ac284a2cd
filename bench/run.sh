#!/usr/bin/env bash
# One measurement round against DATABASE_URL: the server and the floor pinned to core 0,
# wrk to core 1 (bench load pins it), PostgreSQL unpinned. Usage: bench/run.sh [load options]
set -euo pipefail
cd "$(dirname "$0")/.."
export OFFICECLOUD_DEV_MODE=true OFFICECLOUD_BACKGROUND_JOBS=false OFFICECLOUD_LOG_LEVEL=WARNING
export OFFICECLOUD_DATA_DIR="${OFFICECLOUD_DATA_DIR:-/tmp/officecloud-bench}"
BIN=.venv/bin
taskset -c 0 "$BIN/officecloud" serve --port 8000 >/tmp/officecloud-bench-server.log 2>&1 &
server=$!
taskset -c 0 "$BIN/officecloud" bench floor --port 8001 >/tmp/officecloud-bench-floor.log 2>&1 &
floor=$!
trap 'kill $server $floor 2>/dev/null; wait $server $floor 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -sf http://127.0.0.1:8000/healthz >/dev/null && curl -s -o /dev/null http://127.0.0.1:8001/ && break
  sleep 0.2
done
"$BIN/officecloud" bench load "$@"
