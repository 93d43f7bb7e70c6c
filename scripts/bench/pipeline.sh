#!/usr/bin/env bash
# Pipeline benchmark: 200 assets × 2 subtitles × 1 MiB videos through skylark-sandbox (+ SeaweedFS) with
# a fixed 20 ms added to every API call (a migration box talking to a far deployment), comparing
# skylark-ingest (release build) with the guide's sequential Python workflow (requests + boto3,
# scripts/bench/guide_sequential.py) in the same run on the same servers. Prints the ratio and the
# Skylark API calls per item of each side (the sandbox's request counters, sign-in excluded).
#   ASSETS=200 LATENCY_MS=20 RUNS=3 INGEST_ARGS="--concurrency 16" scripts/bench/run pipeline
#   LATENCY_MS="0 20" runs each latency in turn on fresh servers.
#   INGEST_BIN=/path/to/skylark-ingest SANDBOX_BIN=... measure given binaries (e.g. main's) without building.
#   COMPARE_BIN=/path/to/main/skylark-ingest also runs that binary, alternating with ours, on the same servers.
set -euo pipefail
cd "$(dirname "$0")/../.."
ASSETS="${ASSETS:-200}"
LATENCIES="${LATENCY_MS:-0 20}"
RUNS="${RUNS:-3}"
python3 -c "import pycognito, yaml" 2>/dev/null || python3 -m pip install -q pycognito pyyaml >&2

# Both in release: a debug sandbox spends more CPU per request than the 20 ms it is modelling.
if [ -z "${INGEST_BIN:-}" ]; then
    swift build -c release --product skylark-ingest >&2
    swift build -c release --product skylark-sandbox >&2
fi
bin="${INGEST_BIN:-$(swift build -c release --show-bin-path)/skylark-ingest}"
export SKYLARK_SANDBOX_BIN="${SANDBOX_BIN:-$(swift build -c release --show-bin-path)/skylark-sandbox}"

now() { python3 -c 'import time; print(time.monotonic())'; }
elapsed() { python3 -c "print(f'{$2 - $1:.2f}')"; }
# Skylark API requests the sandbox has answered so far (Cognito sign-in not counted).
api_calls() {
    curl -s "$SKYLARK_SANDBOX_URL/_admin/state" | python3 -c '
import json, sys
state = json.load(sys.stdin)
print(sum(n for route, by in state.get("requests", {}).items() if "/cognito/" not in route for n in by.values()))'
}
per_item() { python3 -c "print(f'{($2 - $1) / $ASSETS:.2f}')"; }
# CPU seconds (user + system) a server process has used so far: the servers share the client's two cores, so
# each run also prints what the sandbox (API + watchfolder) and SeaweedFS spent during it.
proc_cpu() { awk '{printf "%.2f", ($14 + $15) / 100}' "/proc/$(cat "$1")/stat"; }

for LATENCY_MS in $LATENCIES; do
work="$(mktemp -d "${TMPDIR:-/tmp}/skylark-bench-pipeline.XXXXXX")"
trap 'scripts/sandbox stop --state-dir "$work/sandbox" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
scripts/sandbox start --state-dir "$work/sandbox" -- --latency-ms "$LATENCY_MS" >&2
set -a; source "$work/sandbox/env"; set +a

python3 scripts/make-catalogue.py "$work/py" --assets "$ASSETS" --subtitles 2 --video-bytes 1048576 --prefix py >/dev/null
before=$(api_calls)
start=$(now)
python3 scripts/bench/guide_sequential.py "$work/py/manifest.yaml" >&2
py_seconds=$(elapsed "$start" "$(now)")
py_calls=$(per_item "$before" "$(api_calls)")
echo "guide sequential (Python): ${py_seconds} s for $ASSETS assets, $py_calls API calls per item"

ours=()
theirs=()
# One timed run of binary $1 as run "$2"; prints its line and leaves the seconds in $t.
one_run() {
    local binary="$1" name="$2" label="$3"
    python3 scripts/make-catalogue.py "$work/$name" --assets "$ASSETS" --subtitles 2 --video-bytes 1048576 --prefix "$name" >/dev/null
    before=$(api_calls)
    local sandbox0 weed0
    sandbox0=$(proc_cpu "$work/sandbox/sandbox.pid"); weed0=$(proc_cpu "$work/sandbox/weed.pid")
    start=$(now)
    /usr/bin/time -f "%U %S" -o "$work/$name.cpu" "$binary" run "$work/$name/manifest.yaml" --no-progress ${INGEST_ARGS:-} \
        > "$work/$name.log" 2>&1 || { tail -20 "$work/$name.log"; exit 1; }
    t=$(elapsed "$start" "$(now)")
    local servers
    servers=$(python3 -c "print(f'sandbox {$(proc_cpu "$work/sandbox/sandbox.pid") - $sandbox0:.2f} s, SeaweedFS {$(proc_cpu "$work/sandbox/weed.pid") - $weed0:.2f} s')")
    calls=$(per_item "$before" "$(api_calls)")
    echo "$label: ${t} s, CPU $(awk '{printf "%.2f", $1 + $2}' "$work/$name.cpu") s (servers meanwhile: $servers), $calls API calls per item, concurrency reached $(grep -o 'concurrency [0-9]* → [0-9]*' "$work/$name.log" | tail -1 | awk '{print $4}')"
    sleep 2 # the watchfolder moves the last objects; the next run starts on settled servers
}
for run in $(seq 1 "$RUNS"); do
    if [ -n "${COMPARE_BIN:-}" ]; then
        one_run "$COMPARE_BIN" "cmp$run" "compared binary run $run"
        theirs+=("$t")
    fi
    one_run "$bin" "sk$run" "skylark-ingest run $run"
    ours+=("$t")
done
median=$(printf '%s\n' "${ours[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
if [ -n "${COMPARE_BIN:-}" ]; then
    cmp_median=$(printf '%s\n' "${theirs[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    echo "compared binary (median): ${cmp_median} s: $(python3 -c "print(f'{$py_seconds / $cmp_median:.1f}')")× the guide"
fi
python3 - "$py_seconds" "$median" "$ASSETS" "$LATENCY_MS" <<'PY'
import sys
py, ours, n, lat = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4]
print(f"| tool | wall s ({n} assets × 2 subtitles × 1 MiB, {lat} ms API latency) |")
print(f"|---|---|")
print(f"| guide sequential (Python) | {py:.2f} |")
print(f"| skylark-ingest (median) | {ours:.2f} |")
print(f"speed-up: {py / ours:.1f}× (target ≥ 20×)")
PY
scripts/sandbox stop --state-dir "$work/sandbox" >/dev/null 2>&1 || true
rm -rf "$work"
trap - EXIT
done
