#!/usr/bin/env bash
# Shard benchmark: the same catalogue (200 assets × 2 subtitles, small videos) ingested as 1, 2, 4 and 8
# concurrent tasks (`run --shard I/N`, local processes, each with its own checkpoint), through
# skylark-sandbox (+ SeaweedFS) with a fixed round trip added to every API call. Prints wall time, items/s
# and the API calls per item (the sandbox's request counters, /_admin/state) for each task count.
#   ASSETS=200 LATENCY_MS=20 TASK_COUNTS="1 2 4 8" VIDEO_BYTES=65536 INGEST_ARGS="--concurrency 8" BUILD=release \
#     scripts/bench/run shards
set -euo pipefail
cd "$(dirname "$0")/../.."
ASSETS="${ASSETS:-200}"
LATENCY_MS="${LATENCY_MS:-20}"
TASK_COUNTS="${TASK_COUNTS:-1 2 4 8}"
VIDEO_BYTES="${VIDEO_BYTES:-65536}"

# Both in release (BUILD=debug to reuse the test build): a debug sandbox spends more CPU per request than
# the round trip it is modelling.
BUILD="${BUILD:-release}"
swift build -c "$BUILD" --product skylark-ingest >&2
swift build -c "$BUILD" --product skylark-sandbox >&2
bin="$(swift build -c "$BUILD" --show-bin-path)/skylark-ingest"
export SKYLARK_SANDBOX_BIN="$(swift build -c "$BUILD" --show-bin-path)/skylark-sandbox"

work="$(mktemp -d "${TMPDIR:-/tmp}/skylark-bench-shards.XXXXXX")"
trap 'scripts/sandbox stop --state-dir "$work/sandbox" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
scripts/sandbox start --state-dir "$work/sandbox" -- --latency-ms "$LATENCY_MS" >&2
set -a; source "$work/sandbox/env"; set +a
admin="${SKYLARK_API_URL%api/}_admin/state"

# Total API requests the sandbox has answered so far (every route and status, Cognito included).
api_requests() {
    curl -sf "$admin" | python3 -c 'import json, sys; r = json.load(sys.stdin)["requests"]; print(sum(sum(s.values()) for s in r.values()))'
}
now() { python3 -c 'import time; print(time.monotonic())'; }

rows=()
for n in $TASK_COUNTS; do
    # A catalogue of its own per task count (other ids, so nothing is found already done).
    python3 scripts/make-catalogue.py "$work/n$n" --assets "$ASSETS" --subtitles 2 --video-bytes "$VIDEO_BYTES" \
        --prefix "n$n" >/dev/null
    before=$(api_requests)
    start=$(now)
    pids=()
    for i in $(seq 1 "$n"); do
        "$bin" run "$work/n$n/manifest.yaml" --shard "$i/$n" --no-progress ${INGEST_ARGS:-} > "$work/n$n-$i.log" 2>&1 &
        pids+=("$!")
    done
    failed=0
    for i in "${!pids[@]}"; do
        wait "${pids[$i]}" || { failed=1; echo "task $((i + 1))/$n failed:" >&2; tail -20 "$work/n$n-$((i + 1)).log" >&2; }
    done
    end=$(now)
    [ "$failed" = 0 ] || exit 1
    after=$(api_requests)
    rows+=("$n $start $end $((after - before))")
    echo "$n task(s): done" >&2
done

python3 - "$ASSETS" "$LATENCY_MS" "$VIDEO_BYTES" "$BUILD" "${rows[@]}" <<'PY'
import sys
assets, latency, video, build = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
rows = [r.split() for r in sys.argv[5:]]
print(f"| tasks | wall s | items/s | speed-up vs 1 task | API calls | API calls/item |")
print(f"|---|---|---|---|---|---|")
base = None
for n, start, end, calls in rows:
    wall = float(end) - float(start)
    base = base or wall
    print(f"| {n} | {wall:.2f} | {assets / wall:.1f} | {base / wall:.2f}× | {calls} | {int(calls) / assets:.2f} |")
print(f"({assets} assets × 2 subtitles × {video // 1024} KiB videos, {latency} ms added to every API call; "
      f"one sandbox and one SeaweedFS on this machine; {build} build)")
PY
python3 scripts/bench/shard-balance.py 500000 8 64 256
