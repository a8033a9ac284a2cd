#!/usr/bin/env bash
# Time the full statistics query (every field, last 365 days) as bench-000's tenant admin and as
# the platform admin (every tenant), 5 runs each, against a running server on :8000.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
Q='query Stats($from: DateTime!) { statistics(from: $from) { documents(bucket: MONTH) { period status count } nodeDurations { nodeId durations { count averageSeconds p50Seconds p90Seconds } } flowDurations { flowKey durations { count p50Seconds p90Seconds } } overdueByUser(first: 20) { openOverdue closedLate } overdueByOrgUnit(first: 20) { openOverdue } workload(first: 20) { openTasks doneInPeriod } } }'
FROM=$(date -u -d '365 days ago' +%Y-%m-%dT%H:%M:%SZ)
BODY=$(printf '{"query": "%s", "variables": {"from": "%s"}}' "$Q" "$FROM")
operator=$("$BIN/python" - <<'PY'
import asyncio
from server import db
from server.settings import get_settings
from server.demo import _operator
async def main():
    await db.connect(get_settings())
    print(( await _operator())[3])
    await db.disconnect()
asyncio.run(main())
PY
)
for who in "admin bench-000" "$operator platform"; do
  set -- $who
  TOKEN=$("$BIN/officecloud" dev-token --user "$1" --tenant "$2")
  for i in 1 2 3 4 5; do
    curl -s -o /tmp/stats-out.json -w "$2 %{time_total}s\n" http://127.0.0.1:8000/graphql \
      -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" -d "$BODY"
  done
  head -c 300 /tmp/stats-out.json; echo
done
