#!/usr/bin/env python3
"""Spread of a catalogue over shards, by count and by bytes, with skylark-ingest's shard rule.

The rule (Sources/IngestCore/Plan/Shard.swift): FNV-1a 64 of the id's UTF-8 bytes, SplitMix64's finaliser,
modulo the shard count. Sizes follow a back catalogue of mezzanine files: log-normal around a 400 MiB median
(episodes, sigma 0.8), a twentieth long-form (films, 2-10 GiB) and a tenth short clips (20-300 MiB).
Deterministic (seeded). Prints the spread of items and bytes per shard (max/mean, min/mean, coefficient of
variation) and how long the slowest shard runs relative to a perfect split.

Usage: scripts/bench/shard-balance.py [ITEMS] [SHARDS ...]      default: 500000 64
"""
import math
import random
import statistics
import sys

MASK = (1 << 64) - 1


def slot(item_id: str, count: int) -> int:
    h = 0xcbf29ce484222325
    for byte in item_id.encode():
        h ^= byte
        h = (h * 0x100000001b3) & MASK
    h = ((h ^ (h >> 30)) * 0xbf58476d1ce4e5b9) & MASK
    h = ((h ^ (h >> 27)) * 0x94d049bb133111eb) & MASK
    h ^= h >> 31
    return h % count


def size(rng: random.Random) -> int:
    kind = rng.random()
    if kind < 0.10:
        return int(rng.uniform(20, 300) * 2**20)
    if kind < 0.15:
        return int(rng.uniform(2, 10) * 2**30)
    return int(rng.lognormvariate(math.log(400 * 2**20), 0.8))


def main() -> None:
    items = int(sys.argv[1]) if len(sys.argv) > 1 else 500_000
    shard_counts = [int(n) for n in sys.argv[2:]] or [64]
    assert [slot(i, 16) for i in ["abc-123", "cat-00000", "cat-00001", "cat-00002", "x"]] == [11, 13, 2, 4, 14]
    rng = random.Random(12)
    catalogue = [(f"cat-{n:06d}", size(rng)) for n in range(items)]
    total = sum(s for _, s in catalogue)
    print(f"{items} items, {total / 2**40:.1f} TiB (median {statistics.median(s for _, s in catalogue) / 2**30:.2f} GiB)")
    print("| shards | items/shard mean | items max/mean | items min/mean | items CV | TiB/shard mean | bytes max/mean | bytes min/mean | bytes CV |")
    print("|---|---|---|---|---|---|---|---|---|")
    for count in shard_counts:
        counts = [0] * count
        bytes_ = [0] * count
        for item_id, s in catalogue:
            k = slot(item_id, count)
            counts[k] += 1
            bytes_[k] += s
        mc, mb = statistics.mean(counts), statistics.mean(bytes_)
        print(f"| {count} | {mc:.0f} | {max(counts) / mc:.3f} | {min(counts) / mc:.3f} | {statistics.pstdev(counts) / mc:.4f} "
              f"| {mb / 2**40:.2f} | {max(bytes_) / mb:.3f} | {min(bytes_) / mb:.3f} | {statistics.pstdev(bytes_) / mb:.4f} |")


if __name__ == "__main__":
    main()
