#!/usr/bin/env python3
"""Generate the tiny sample videos under manifests/media/.

Each file is a small but well-formed ISO-BMFF (MP4) file with the real box layout: `ftyp`, then
`moov` (mvhd, one video `trak` with tkhd and mdia/minf/stbl with an `avc1` sample entry and its
sample tables), then `mdat` holding the samples the tables point at. The sample bytes are
deterministic filler (the files are for validation and upload demos, not for playback quality).

Usage: scripts/make-sample-media.py [OUTPUT_DIR]   (default: manifests/media next to this script)
"""
import hashlib
import os
import struct
import sys

TIMESCALE = 1000          # movie and media time units per second
FRAME_DURATION = 40       # 25 fps
FRAMES = 25               # one second
WIDTH, HEIGHT = 320, 180


def box(kind: bytes, *payload: bytes) -> bytes:
    body = b"".join(payload)
    return struct.pack(">I", 8 + len(body)) + kind + body


def full_box(kind: bytes, version: int, flags: int, *payload: bytes) -> bytes:
    return box(kind, struct.pack(">I", (version << 24) | flags), *payload)


IDENTITY_MATRIX = struct.pack(">9I", 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000)


def mvhd(duration: int) -> bytes:
    return full_box(b"mvhd", 0, 0, struct.pack(">IIII", 0, 0, TIMESCALE, duration),
                    struct.pack(">IH", 0x00010000, 0x0100), b"\0" * 10, IDENTITY_MATRIX,
                    b"\0" * 24, struct.pack(">I", 2))


def tkhd(duration: int) -> bytes:
    return full_box(b"tkhd", 0, 0x000003, struct.pack(">IIIII", 0, 0, 1, 0, duration), b"\0" * 8,
                    struct.pack(">hhhH", 0, 0, 0, 0), IDENTITY_MATRIX,
                    struct.pack(">II", WIDTH << 16, HEIGHT << 16))


def mdhd(duration: int) -> bytes:
    language = 0x55C4  # 'und'
    return full_box(b"mdhd", 0, 0, struct.pack(">IIII", 0, 0, TIMESCALE, duration), struct.pack(">HH", language, 0))


def hdlr() -> bytes:
    return full_box(b"hdlr", 0, 0, struct.pack(">I", 0), b"vide", b"\0" * 12, b"VideoHandler\0")


def avc1() -> bytes:
    # avcC: version 1, Constrained Baseline profile 66, level 3.0, 4-byte NAL lengths, no parameter sets.
    avcc = box(b"avcC", bytes([1, 66, 0xC0, 30, 0xFF, 0xE0, 0x00]))
    entry = (b"\0" * 6 + struct.pack(">H", 1)            # reserved, data_reference_index
             + b"\0" * 16                                  # pre_defined, reserved
             + struct.pack(">HH", WIDTH, HEIGHT)
             + struct.pack(">II", 0x00480000, 0x00480000)  # 72 dpi
             + struct.pack(">I", 0) + struct.pack(">H", 1)  # reserved, frame_count
             + bytes([0]) + b"\0" * 31                     # compressorname (empty pascal string)
             + struct.pack(">Hh", 0x0018, -1))             # depth, pre_defined
    return box(b"avc1", entry, avcc)


def stbl(sample_sizes, chunk_offset: int) -> bytes:
    stsd = full_box(b"stsd", 0, 0, struct.pack(">I", 1), avc1())
    stts = full_box(b"stts", 0, 0, struct.pack(">III", 1, len(sample_sizes), FRAME_DURATION))
    stss = full_box(b"stss", 0, 0, struct.pack(">II", 1, 1))
    stsc = full_box(b"stsc", 0, 0, struct.pack(">IIII", 1, 1, len(sample_sizes), 1))
    stsz = full_box(b"stsz", 0, 0, struct.pack(">II", 0, len(sample_sizes)),
                    b"".join(struct.pack(">I", s) for s in sample_sizes))
    stco = full_box(b"stco", 0, 0, struct.pack(">II", 1, chunk_offset))
    return box(b"stbl", stsd, stts, stss, stsc, stsz, stco)


def movie(name: str) -> bytes:
    seed = hashlib.sha256(name.encode()).digest()
    samples = []
    for i in range(FRAMES):
        size = 96 + (seed[i % len(seed)] % 64)
        # A 4-byte NAL length prefix, then a filler NAL unit (type 12) with deterministic bytes.
        payload = bytes([0x0C]) + hashlib.sha256(seed + bytes([i])).digest() * (size // 32 + 1)
        payload = payload[: size - 4]
        samples.append(struct.pack(">I", len(payload)) + payload)
    duration = FRAMES * FRAME_DURATION
    ftyp = box(b"ftyp", b"isom", struct.pack(">I", 0x200), b"isom", b"iso2", b"avc1", b"mp41")

    def build(offset: int) -> bytes:
        dinf = box(b"dinf", full_box(b"dref", 0, 0, struct.pack(">I", 1), full_box(b"url ", 0, 1)))
        vmhd = full_box(b"vmhd", 0, 1, b"\0" * 8)
        minf = box(b"minf", vmhd, dinf, stbl([len(s) for s in samples], offset))
        trak = box(b"trak", tkhd(duration), box(b"mdia", mdhd(duration), hdlr(), minf))
        return box(b"moov", mvhd(duration), trak)

    moov = build(0)
    data_offset = len(ftyp) + len(moov) + 8  # the first sample follows the mdat header
    moov = build(data_offset)
    return ftyp + moov + box(b"mdat", *samples)


NAMES = [
    "skylark-s01e01.mp4", "skylark-s01e02.mp4", "skylark-s01e03.mp4", "skylark-s01e04.mp4",
    "trailer-autumn.mp4", "trailer-winter.mp4",
]


def main() -> None:
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "manifests", "media")
    os.makedirs(out, exist_ok=True)
    for name in NAMES:
        with open(os.path.join(out, name), "wb") as f:
            f.write(movie(name))
        print(f"{os.path.join(out, name)}: {len(movie(name))} bytes")


if __name__ == "__main__":
    main()
