#!/usr/bin/env bash
# Creates or updates every connector in docker/connectors/ through the Connect REST API (PUT is idempotent).
set -euo pipefail
connect="${CONNECT_URL:-http://localhost:8083}"
dir="$(cd "$(dirname "$0")/../connectors" && pwd)"
for f in "$dir"/*.json; do
  name=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' "$f")
  python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["config"]))' "$f" \
    | curl -sf -X PUT -H 'Content-Type: application/json' --data @- "$connect/connectors/$name/config" > /dev/null
  echo "deployed $name"
done
curl -s "$connect/connectors?expand=status"; echo
