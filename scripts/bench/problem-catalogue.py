#!/usr/bin/env python3
"""Write a catalogue with every kind of validation problem, as CSV and YAML, with its files.

For comparing `validate` output between two builds (scripts/bench/compare-validate.sh): duplicate
ids, slugs (given and derived), keys and videos; missing, empty, directory, not-a-video and
misnamed videos; missing, empty and malformed subtitles shared by items and written two ways;
several subtitles per item (YAML), default and explicit languages, bad and duplicate languages;
simple-mode items with extras; bad modes, ids and missing cells.

Usage: problem-catalogue.py DIR [ITEMS]   (writes DIR/catalogue.csv and DIR/catalogue.yaml)
"""
import os
import sys

FTYP = bytes.fromhex("00000018667479706d703432000000006d70343269736f6d")
MKV = bytes.fromhex("1a45dfa3a34286810142f7810142f2810442f381084282886d6174726f736b61")
SRT = b"1\n00:00:00,000 --> 00:00:01,000\nHello.\n"
BAD_SRT = b"1\n00:00:05,000 --> 00:00:01,000\nBackwards.\n\nx\nnot a timing\n"
BAD_VTT = b"NOT WEBVTT\n\n00:01.000 --> 00:00.500\nHi\n"
VTT = b"WEBVTT\n\n00:00.000 --> 00:01.000\nHi\n"


def write(path: str, data: bytes) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def files(root: str) -> None:
    write(f"{root}/media/ok.mp4", FTYP)
    write(f"{root}/media/empty.mp4", b"")
    write(f"{root}/media/text.mp4", b"just some text, not a video at all\n")
    write(f"{root}/media/matroska.mp4", MKV)
    os.makedirs(f"{root}/media/folder.mp4", exist_ok=True)
    write(f"{root}/subs/ok.srt", SRT)
    write(f"{root}/subs/ok.vtt", VTT)
    write(f"{root}/subs/bad.srt", BAD_SRT)
    write(f"{root}/subs/bad.vtt", BAD_VTT)
    write(f"{root}/subs/empty.srt", b"")
    write(f"{root}/subs/notes.txt", b"hello\n")
    os.makedirs(f"{root}/subs/dir.srt", exist_ok=True)


VIDEOS = ["media/ok.mp4", "media/empty.mp4", "media/text.mp4", "media/matroska.mp4", "media/folder.mp4",
          "media/missing.mp4", "./media/ok.mp4", "media/../media/text.mp4"]
SUBS = ["subs/ok.srt", "subs/bad.srt", "./subs/bad.srt", "subs/bad.vtt", "subs/empty.srt", "subs/missing.srt",
        "subs/dir.srt", "subs/notes.txt", "subs/ok.vtt"]
LANGS = ["en-gb", "fr", "en_GB", "xx-zz", "", "EN-GB", "de"]


def item(i: int) -> dict:
    own = i % 5 == 0
    video = f"media/v{i:05d}.mp4" if own else VIDEOS[i % len(VIDEOS)]
    return {
        "id": f"item-{i // 3 if i % 7 == 0 else i}" + (" bad" if i % 41 == 0 else ""),
        "mode": ["advanced", "simple", "advanced", "Advanced"][(i // 6) % 4] if i % 6 == 0 else "",
        "title": "" if i % 13 == 0 else f"Title {i % 50 if i % 4 == 0 else i} é" if i % 9 == 0 else f"Title {i % 50 if i % 4 == 0 else i}",
        "slug": f"slug-{i % 10}" if i % 11 == 0 else "",
        "key": f"key-{i % 20}.mp4" if i % 8 == 0 else "",
        "video": "" if i % 37 == 0 else video,
        "subs": [SUBS[(i + k) % len(SUBS)] for k in range(i % 3)],
        "langs": [LANGS[(i + k) % len(LANGS)] for k in range(i % 3)],
        "synopsis": f"Synopsis {i}, long enough to be on the heap" if i % 2 else "",
    }


def main() -> None:
    root = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    files(root)
    for i in range(0, count, 5):
        write(f"{root}/media/v{i:05d}.mp4", FTYP if i % 10 else b"")
    items = [item(i) for i in range(count)]
    with open(f"{root}/catalogue.csv", "w") as f:
        f.write("id,mode,title,slug,key,video,subtitle.en-gb,subtitle.fr,subtitle.xx_YY,field.synopsis\n")
        for it in items:
            subs = (it["subs"] + ["", "", ""])[:3]
            cells = [it["id"], it["mode"], it["title"], it["slug"], it["key"], it["video"], *subs, it["synopsis"]]
            f.write(",".join(f'"{c}"' if "," in c else c for c in cells) + "\n")
    with open(f"{root}/catalogue.yaml", "w") as f:
        f.write("version: 1\ndefaults:\n  asset_type: episode\n  language: en-gb\nassets:\n")
        for n, it in enumerate(items):
            f.write(f"  - id: {it['id']}\n")
            for key in ("mode", "title", "slug", "key", "video"):
                if it[key]:
                    f.write(f"    {key}: \"{it[key]}\"\n")
            if it["synopsis"]:
                f.write(f"    fields:\n      synopsis: \"{it['synopsis']}\"\n")
            if it["subs"]:
                f.write("    subtitles:\n")
                for k, (sub, lang) in enumerate(zip(it["subs"], it["langs"])):
                    f.write(f"      - file: {sub}\n")
                    if n % 4 != 0 or k > 0:
                        f.write(f"        language: \"{lang}\"\n")
            if n % 17 == 0:
                f.write("    unknown_key: 1\n")


if __name__ == "__main__":
    main()
