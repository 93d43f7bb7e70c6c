#!/usr/bin/env bash
# Journal benchmark (issue 5): a finished 100,000-item journal resumes to "nothing to do" in ≤ 1.5 s;
# appends sustain ≥ 100,000 records/s with group commit; peak RSS of a 100,000-item run's bookkeeping
# ≤ 200 MB (null network services). Release build. Usage: scripts/bench/journal.sh [ITEMS] [journal-bench options]
# Runs the package's journal-bench executable (Benchmarks/JournalBenchmark, a target, not a product).
# Each phase (appends, run + reports + compaction, resume, resume of the uncompacted journal) runs in a
# process of its own and prints that process's peak RSS. BENCH_TRACE=1 prints RSS and resume phases.
set -euo pipefail
cd "$(dirname "$0")/../.."
ITEMS="${1:-100000}"
shift || true
# Not a declared product, but SwiftPM gives a root package's executable target an implicit one:
# `--product` links it (`--target` would only compile the module, without the binary).
swift build -c release --product journal-bench >&2
bin="$(swift build -c release --show-bin-path)/journal-bench"
SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/skylark-bench-journal.XXXXXX")"
trap 'rm -rf "$SCRATCH"' EXIT
"$bin" --items "$ITEMS" --directory "$SCRATCH/run" "$@"
