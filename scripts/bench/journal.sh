#!/usr/bin/env bash
# Journal benchmark (issue 5): a finished 100,000-item journal resumes to "nothing to do" in ≤ 1.5 s;
# appends sustain ≥ 100,000 records/s with group commit; peak RSS of a 100,000-item run's bookkeeping
# ≤ 200 MB (null network services). Release build. Usage: scripts/bench/journal.sh [ITEMS]
# Each phase (appends, run + reports + compaction, resume, resume of the uncompacted journal) runs in a
# process of its own and prints that process's peak RSS. BENCH_TRACE=1 prints RSS and resume phases.
set -euo pipefail
cd "$(dirname "$0")/../.."
ITEMS="${1:-100000}"
swift build -c release --product skylark-ingest >/dev/null
SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/skylark-bench-journal.XXXXXX")"
trap 'rm -rf "$SCRATCH"' EXIT
exec .build/release/skylark-ingest bench-journal --items "$ITEMS" --directory "$SCRATCH/run"
