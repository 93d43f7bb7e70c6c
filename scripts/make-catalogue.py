#!/usr/bin/env python3
"""Generates a test/benchmark catalogue: a manifest (YAML or CSV) plus its media.

Videos are ISO-BMFF files (an `ftyp` box, then an `mdat` box of seeded random bytes), so validation
sniffs them as MP4; subtitles are valid SRT (en-gb) and WebVTT (fr). Deterministic for a given seed.

  make-catalogue.py OUT_DIR --assets 50 --subtitles 2 --video-bytes 65536 \
      [--large 3 --large-bytes 20971520] [--simple 10] [--format yaml|csv] [--seed 1] [--prefix cat]
"""
import argparse
import os
import random
import struct


def video_bytes(size, rng):
    ftyp = struct.pack(">I4s4sI", 24, b"ftyp", b"isom", 0x200) + b"isommp41"
    body = max(0, size - len(ftyp) - 8)
    mdat_header = struct.pack(">I4s", body + 8, b"mdat")
    return ftyp + mdat_header + rng.randbytes(body)


SRT = "1\n00:00:01,000 --> 00:00:02,500\n{title} line one\n\n2\n00:00:03,000 --> 00:00:04,000\n{title} line two\n"
VTT = "WEBVTT\n\n00:00:01.000 --> 00:00:02.500\n{title} ligne un\n\n00:00:03.000 --> 00:00:04.000\n{title} ligne deux\n"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--assets", type=int, default=50)
    p.add_argument("--subtitles", type=int, default=2, choices=[0, 1, 2])
    p.add_argument("--video-bytes", type=int, default=65536)
    p.add_argument("--large", type=int, default=0, help="how many advanced videos get --large-bytes")
    p.add_argument("--large-bytes", type=int, default=20 * 1024 * 1024)
    p.add_argument("--simple", type=int, default=0)
    p.add_argument("--format", choices=["yaml", "csv"], default="yaml")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--prefix", default="cat")
    a = p.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(os.path.join(a.out, "media"), exist_ok=True)
    os.makedirs(os.path.join(a.out, "subs"), exist_ok=True)
    rows = []
    for i in range(a.assets):
        ident = f"{a.prefix}-{i:05d}"
        size = a.large_bytes if i < a.large else a.video_bytes
        video = f"media/{ident}.mp4"
        with open(os.path.join(a.out, video), "wb") as f:
            f.write(video_bytes(size, rng))
        subs = []
        if a.subtitles >= 1:
            path = f"subs/{ident}.en-gb.srt"
            with open(os.path.join(a.out, path), "w") as f:
                f.write(SRT.format(title=ident))
            subs.append(("en-gb", path))
        if a.subtitles >= 2:
            path = f"subs/{ident}.fr.vtt"
            with open(os.path.join(a.out, path), "w") as f:
                f.write(VTT.format(title=ident))
            subs.append(("fr", path))
        rows.append({"id": ident, "mode": "advanced", "title": f"Catalogue {ident}", "video": video, "subs": subs})
    for i in range(a.simple):
        ident = f"{a.prefix}-simple-{i:05d}"
        video = f"media/{ident}.mp4"
        with open(os.path.join(a.out, video), "wb") as f:
            f.write(video_bytes(a.video_bytes, rng))
        rows.append({"id": ident, "mode": "simple", "video": video, "subs": []})

    if a.format == "yaml":
        lines = ["version: 1", "defaults:", "  asset_type: episode", "  language: en-gb", "assets:"]
        for r in rows:
            lines.append(f"  - id: {r['id']}")
            if r["mode"] == "simple":
                lines.append("    mode: simple")
            else:
                lines.append(f"    title: {r['title']}")
            lines.append(f"    video: {r['video']}")
            if r["subs"]:
                lines.append("    subtitles:")
                for lang, path in r["subs"]:
                    lines.append(f"      - file: {path}")
                    lines.append(f"        language: {lang}")
        path = os.path.join(a.out, "manifest.yaml")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
    else:
        header = ["id", "mode", "uid", "title", "slug", "asset_type", "video", "key"]
        langs = ["en-gb", "fr"][: a.subtitles]
        header += [f"subtitle.{lang}" for lang in langs]
        out = [",".join(header)]
        for r in rows:
            subs = dict(r["subs"])
            advanced = r["mode"] == "advanced"
            cells = [r["id"], r["mode"], "", r.get("title", "") if advanced else "", "",
                     "episode" if advanced else "", r["video"], ""]
            cells += [subs.get(lang, "") for lang in langs]
            out.append(",".join(cells))
        path = os.path.join(a.out, "manifest.csv")
        with open(path, "w") as f:
            f.write("\n".join(out) + "\n")
    print(path)


if __name__ == "__main__":
    main()
