#!/usr/bin/env python3
"""Reference for the cold-cache validate benchmark: read the first 4 KiB of every file a CSV
manifest names (video and subtitle.* columns), WIDTH reads in flight, and print the wall time.

Usage: read-heads.py MANIFEST.csv WIDTH
Each read is open + fstat + pread(4096) + close, as the validator's probe does; threads release
the GIL during the system calls, so WIDTH reads are in flight at once.
"""
import csv
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor


def paths(manifest):
    folder = os.path.dirname(os.path.abspath(manifest))
    with open(manifest, newline="") as f:
        rows = csv.reader(f)
        header = next(rows)
        columns = [i for i, name in enumerate(header) if name == "video" or name.startswith("subtitle.")]
        for row in rows:
            for i in columns:
                if i < len(row) and row[i]:
                    yield os.path.join(folder, row[i])


def head(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fstat(fd)
        return len(os.pread(fd, 4096, 0))
    finally:
        os.close(fd)


def main():
    manifest, width = sys.argv[1], int(sys.argv[2])
    files = list(paths(manifest))
    start = time.monotonic()
    if width <= 1:
        total = sum(head(p) for p in files)
    else:
        with ThreadPoolExecutor(max_workers=width) as pool:
            total = sum(pool.map(head, files, chunksize=64))
    print(f"{time.monotonic() - start:.2f} {len(files)} {total}")


if __name__ == "__main__":
    main()
