#!/usr/bin/env bash
# Compares `validate` output (text and JSON, stdout, stderr and exit status) of two builds over every
# manifest under Tests/ and manifests/ and a catalogue with every kind of problem
# (problem-catalogue.py). Prints each difference; exits 1 when there is any.
#
# Usage: scripts/bench/compare-validate.sh BASELINE_BINARY NEW_BINARY [WORKDIR]
set -u
base=$1 new=$2 work=${3:-$(mktemp -d)}
root=$(cd "$(dirname "$0")/../.." && pwd)
# 250 items: every diagnostic is printed; 3,000 items: the output's cap (1,000 kept, the rest counted).
python3 "$root/scripts/bench/problem-catalogue.py" "$work/catalogue" 3000
python3 "$root/scripts/bench/problem-catalogue.py" "$work/catalogue-250" 250
manifests=$( (cd "$root" && find Tests manifests -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.csv' \) | sort | sed "s|^|$root/|"); ls "$work"/catalogue*/catalogue.*)
count=0 differ=0
for manifest in $manifests; do
    for format in text json; do
        # Same working directory for both, so relative paths print the same.
        (cd "$(dirname "$manifest")" && "$base" validate "$manifest" --format "$format" >"$work/base.out" 2>"$work/base.err"; echo "exit $?" >>"$work/base.out")
        (cd "$(dirname "$manifest")" && "$new" validate "$manifest" --format "$format" >"$work/new.out" 2>"$work/new.err"; echo "exit $?" >>"$work/new.out")
        count=$((count + 1))
        if ! cmp -s "$work/base.out" "$work/new.out" || ! cmp -s "$work/base.err" "$work/new.err"; then
            differ=$((differ + 1))
            echo "DIFFERS: $manifest ($format)"
            diff "$work/base.out" "$work/new.out" | head -10
            diff "$work/base.err" "$work/new.err" | head -5
        fi
    done
done
echo "$count runs compared ($(echo "$manifests" | wc -l) manifests x text/json); $differ differ"
[ "$differ" -eq 0 ]
