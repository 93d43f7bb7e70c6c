#!/usr/bin/env bash
# Benchmark of `skylark-ingest validate` (issue 15): 100k- and 500k-item manifests (CSV and YAML) whose
# 2 files per item exist, with a warm page cache and a cold one, and the peak RSS of a whole run process
# at the same sizes. Not a test: it measures.
#
# Targets (2-core machine, release build): 100k CSV warm ≤ 1.5 s and ≤ 120 MB; cold ≤ 1.2× a 64-way
# parallel read of the first 4 KiB of the same files; the run process ≤ 150 MB at 100k, ≤ 600 MB at 500k.
#
# Usage: scripts/bench/validate.sh [WORK_DIR]   (default /tmp/skylark-validate-bench)
# Env:   SKYLARK_INGEST=binary      skip the release build (default: build it)
#        BASELINE=binary            also measure this binary (e.g. main's), alternating with ours in the same run
#        JOURNAL_BENCH=binary       journal-bench for the run-process RSS (default: build it; "none" skips)
#        BASELINE_JOURNAL_BENCH=binary  the baseline's journal-bench
#        SIZES="100000 500000"      manifest sizes; RUNS=3 warm repeats (best shown)
#        COLD=1                     also cold-cache runs (needs root: sync; echo 3 > /proc/sys/vm/drop_caches),
#                                   beside 64-way and one-at-a-time reads of the first 4 KiB of the same files
#                                   (read-heads.c: open, fstat, pread, close; nothing else)
# Columns: wall and cpu (user + system) seconds, peak RSS in MB. cpu shows the tool's own cost when the wall
# time is inflated by waiting for a core on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
work="${1:-/tmp/skylark-validate-bench}"
runs="${RUNS:-3}"
sizes="${SIZES:-100000 500000}"

if [[ -z "${SKYLARK_INGEST:-}" ]]; then
    swift build -c release --product skylark-ingest >&2
    SKYLARK_INGEST="$(swift build -c release --show-bin-path)/skylark-ingest"
fi
if [[ -z "${JOURNAL_BENCH:-}" ]]; then
    swift build -c release --product journal-bench >&2
    JOURNAL_BENCH="$(swift build -c release --show-bin-path)/journal-bench"
fi
[[ -x /usr/bin/time ]] || { echo "needs GNU time (/usr/bin/time): apt-get install -y time" >&2; exit 1; }
if [[ "${COLD:-0}" == 1 ]]; then
    [[ "$(id -u)" == 0 ]] || { echo "COLD=1 needs root to drop the page cache" >&2; exit 1; }
    mkdir -p "$work"
    reader="$work/read-heads"
    cc -O2 -pthread -o "$reader" scripts/bench/read-heads.c
fi

max=0
for n in $sizes; do (( n > max )) && max=$n; done
mkdir -p "$work"
missing=""
for n in $sizes; do [[ -f "$work/manifest-$n.csv" ]] || missing="$missing $n"; done
if [[ -n "$missing" ]]; then
    echo "generating manifests ($missing) and $max × 2 tiny files in $work ..." >&2
    python3 scripts/bench/generate-manifests.py "$work" $sizes
fi

drop_caches() { sync; echo 3 > /proc/sys/vm/drop_caches; }

# measure LABEL COMMAND...: runs the command under GNU time; prints "wall cpu rss_mb exit".
measure() {
    local log code wall cpu rss
    log="$(mktemp)"
    set +e
    /usr/bin/time -v "$@" > /dev/null 2> "$log"
    code=$?
    set -e
    wall="$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log" | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')"
    cpu="$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u + s}' "$log")"
    rss="$(awk -F': ' '/Maximum resident set size/ {print $2 / 1024}' "$log")"
    rm -f "$log"
    echo "$wall $cpu $rss $code"
}

binaries=("ours=$SKYLARK_INGEST")
[[ -n "${BASELINE:-}" ]] && binaries=("base=$BASELINE" "${binaries[@]}")

printf '%-5s %-6s %8s %-5s %9s %9s %9s %s\n' who format items cache wall_s cpu_s rss_mb exit
for n in $sizes; do
    for format in csv yaml; do
        manifest="$work/manifest-$n.$format"
        # Warm: one untimed run fills the cache, then the best of RUNS, the binaries alternating.
        for entry in "${binaries[@]}"; do "${entry#*=}" validate "$manifest" > /dev/null 2>&1 || true; done
        declare -A best=()
        for _ in $(seq "$runs"); do
            for entry in "${binaries[@]}"; do
                who="${entry%%=*}"
                read -r wall cpu rss code < <(measure "${entry#*=}" validate "$manifest")
                prev="${best[$who]:-}"
                if [[ -z "$prev" ]] || awk "BEGIN { exit !($wall < ${prev%% *}) }"; then best[$who]="$wall $cpu $rss $code"; fi
            done
        done
        for entry in "${binaries[@]}"; do
            who="${entry%%=*}"
            read -r wall cpu rss code <<< "${best[$who]}"
            printf '%-5s %-6s %8d %-5s %9.2f %9.2f %9.1f %s\n' "$who" "$format" "$n" warm "$wall" "$cpu" "$rss" "$code"
        done
        unset best
        if [[ "${COLD:-0}" == 1 ]]; then
            for entry in "${binaries[@]}"; do
                drop_caches
                read -r wall cpu rss code < <(measure "${entry#*=}" validate "$manifest")
                printf '%-5s %-6s %8d %-5s %9.2f %9.2f %9.1f %s\n' "${entry%%=*}" "$format" "$n" cold "$wall" "$cpu" "$rss" "$code"
            done
        fi
    done
    if [[ "${COLD:-0}" == 1 ]]; then
        # The files the manifest names (video and subtitle.* cells), absolute, one a line.
        python3 -c '
import csv, os, sys
folder = os.path.dirname(os.path.abspath(sys.argv[1]))
with open(sys.argv[1], newline="") as f:
    rows = csv.reader(f)
    header = next(rows)
    columns = [i for i, name in enumerate(header) if name == "video" or name.startswith("subtitle.")]
    for row in rows:
        for i in columns:
            if row[i]: print(os.path.join(folder, row[i]))
' "$work/manifest-$n.csv" > "$work/paths-$n.txt"
        for width in 64 1; do
            drop_caches
            read -r wall files < <("$reader" "$width" < "$work/paths-$n.txt")
            printf '%-5s %-6s %8d %-5s %9.2f %9s %9s (first 4 KiB of %d files, %d at a time)\n' read "-" "$n" cold "$wall" "-" "-" "$files" "$width"
        done
    fi
done

# The run process: validation, then a whole run with null network services, reports and compaction
# (journal-bench's run phase with the real manifest): its peak RSS.
if [[ "$JOURNAL_BENCH" != none ]]; then
    benches=("ours=$JOURNAL_BENCH")
    [[ -n "${BASELINE_JOURNAL_BENCH:-}" ]] && benches=("base=$BASELINE_JOURNAL_BENCH" "${benches[@]}")
    printf '\n%-5s %-6s %8s %9s %9s %9s\n' who format items wall_s cpu_s rss_mb
    for n in $sizes; do
        for format in csv yaml; do
            for entry in "${benches[@]}"; do
                scratch="$(mktemp -d "${TMPDIR:-/tmp}/skylark-bench-run.XXXXXX")"
                read -r wall cpu rss code < <(measure "${entry#*=}" --phase run --items "$n" --directory "$scratch" \
                                                      --manifest "$work/manifest-$n.$format")
                rm -rf "$scratch"
                printf '%-5s %-6s %8d %9.2f %9.2f %9.1f %s\n' "${entry%%=*}" "$format" "$n" "$wall" "$cpu" "$rss" \
                    "$([[ $code == 0 ]] || echo "exit $code")"
            done
        done
    done
fi
