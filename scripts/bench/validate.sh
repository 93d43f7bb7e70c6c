#!/usr/bin/env bash
# Benchmark of `skylark-ingest validate` on 10k- and 100k-item manifests (CSV and YAML) whose files
# exist. Prints wall time and peak RSS per run (GNU time -v). Not a test: it measures.
#
# Targets (2-core machine, release build): CSV ≤ 3 s, YAML ≤ 6 s, peak RSS ≤ 300 MB, linear growth.
#
# Usage: scripts/bench/validate.sh [WORK_DIR]   (default /tmp/skylark-validate-bench)
# Env:   SKYLARK_INGEST=path/to/binary to skip the release build; RUNS=N repeats (best of N is shown).
# cpu_s is user + system time: on a machine shared with other work it shows the tool's own cost
# when wall time is inflated by waiting for a core.
set -euo pipefail
cd "$(dirname "$0")/../.."
work="${1:-/tmp/skylark-validate-bench}"
runs="${RUNS:-3}"

if [[ -z "${SKYLARK_INGEST:-}" ]]; then
    swift build -c release --scratch-path .build-release --product skylark-ingest >&2
    SKYLARK_INGEST="$PWD/.build-release/release/skylark-ingest"
fi
[[ -x /usr/bin/time ]] || { echo "needs GNU time (/usr/bin/time): apt-get install -y time" >&2; exit 1; }

mkdir -p "$work"
if [[ ! -f "$work/manifest-100000.csv" ]]; then
    echo "generating manifests and 100,000 × 2 tiny files in $work ..." >&2
    python3 scripts/bench/generate-manifests.py "$work" 10000 100000
fi

printf '%-8s %8s %10s %10s %12s %s\n' format items wall_s cpu_s peak_rss_mb exit
for format in csv yaml; do
    for items in 10000 100000; do
        manifest="$work/manifest-$items.$format"
        best_wall="" best_cpu="" best_rss="" code=0
        for _ in $(seq "$runs"); do
            log="$(mktemp)"
            set +e
            /usr/bin/time -v "$SKYLARK_INGEST" validate "$manifest" > /dev/null 2> "$log"
            code=$?
            set -e
            wall="$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log" | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')"
            rss_kb="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")"
            cpu="$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u + s}' "$log")"
            rm -f "$log"
            if [[ -z "$best_wall" ]] || awk "BEGIN { exit !($wall < $best_wall) }"; then best_wall="$wall"; fi
            if [[ -z "$best_cpu" ]] || awk "BEGIN { exit !($cpu < $best_cpu) }"; then best_cpu="$cpu"; fi
            if [[ -z "$best_rss" ]] || (( rss_kb < best_rss )); then best_rss="$rss_kb"; fi
        done
        printf '%-8s %8d %10.2f %10.2f %12.1f %s\n' "$format" "$items" "$best_wall" "$best_cpu" "$(awk "BEGIN { print $best_rss / 1024 }")" "$code"
    done
done
