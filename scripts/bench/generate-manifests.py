#!/usr/bin/env python3
"""Generate N-item benchmark manifests (YAML and CSV) whose files exist.

Writes DIR/manifest-N.yaml and DIR/manifest-N.csv; every item has its own tiny video (an
ISO-BMFF `ftyp` box, enough for the container sniffer) and one small SRT subtitle.
Files are shared between the sizes (items 0..N-1), so generating 100k covers 10k too.

Usage: generate-manifests.py DIR N [N ...]
"""
import os
import sys

FTYP = bytes.fromhex("00000018667479706d703432000000006d70343269736f6d")
SRT = b"1\n00:00:00,000 --> 00:00:01,000\nHello.\n"


def ensure_files(root: str, count: int) -> None:
    for sub in ("media", "subs"):
        os.makedirs(os.path.join(root, sub), exist_ok=True)
    for i in range(count):
        video = os.path.join(root, "media", f"v{i:06d}.mp4")
        if not os.path.exists(video):
            with open(video, "wb") as f:
                f.write(FTYP)
            with open(os.path.join(root, "subs", f"v{i:06d}.en-gb.srt"), "wb") as f:
                f.write(SRT)


def write_yaml(path: str, count: int) -> None:
    with open(path, "w") as f:
        f.write("version: 1\ndefaults:\n  asset_type: episode\n  language: en-gb\nassets:\n")
        for i in range(count):
            f.write(f"  - id: item-{i:06d}\n"
                    f"    title: \"Benchmark title {i}\"\n"
                    f"    video: media/v{i:06d}.mp4\n"
                    f"    fields:\n      synopsis: Item number {i}\n"
                    f"    subtitles:\n      - file: subs/v{i:06d}.en-gb.srt\n")


def write_csv(path: str, count: int) -> None:
    with open(path, "w") as f:
        f.write("id,mode,title,asset_type,video,subtitle.en-gb,field.synopsis\n")
        for i in range(count):
            f.write(f"item-{i:06d},advanced,\"Benchmark title {i}\",episode,media/v{i:06d}.mp4,"
                    f"subs/v{i:06d}.en-gb.srt,\"Item number {i}, with a comma\"\n")


def main() -> None:
    root = sys.argv[1]
    sizes = [int(n) for n in sys.argv[2:]]
    ensure_files(root, max(sizes))
    for n in sizes:
        write_yaml(os.path.join(root, f"manifest-{n}.yaml"), n)
        write_csv(os.path.join(root, f"manifest-{n}.csv"), n)


if __name__ == "__main__":
    main()
