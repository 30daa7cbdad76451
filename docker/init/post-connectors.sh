#!/usr/bin/env bash
# Creates or updates every connector in docker/connectors/ through the Connect REST API (PUT is idempotent).
set -euo pipefail
connect="${CONNECT_URL:-http://localhost:8083}"
wait_seconds="${CONNECT_WAIT_SECONDS:-180}"
dir="$(cd "$(dirname "$0")/../connectors" && pwd)"

# The worker answers only after it has joined its group and read its internal topics: wait for the REST API
# rather than failing on the first PUT.
deadline=$(( $(date +%s) + wait_seconds ))
until curl -sf "$connect/connectors" > /dev/null 2>&1; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "Kafka Connect REST API at $connect did not answer within ${wait_seconds} s (set CONNECT_URL / CONNECT_WAIT_SECONDS)" >&2
    exit 1
  fi
  sleep 2
done
for f in "$dir"/*.json; do
  name=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' "$f")
  python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["config"]))' "$f" \
    | curl -sf -X PUT -H 'Content-Type: application/json' --data @- "$connect/connectors/$name/config" > /dev/null
  echo "deployed $name"
done
curl -s "$connect/connectors?expand=status"; echo
