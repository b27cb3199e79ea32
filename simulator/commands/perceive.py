"""`python -m simulator perceive FILE`: what a draft's picture or video shows, measured."""

import argparse
import json
import sys
from pathlib import Path

HELP = "measure what a draft's image or video shows: light, colour, focus, faces, on-screen text, pace, sound"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, help="an image (JPEG, PNG, WebP) or a video (MP4, MOV, WebM)")
    p.add_argument("--caption", default="", help="the post's caption")
    p.add_argument("--hashtags", default="", help="comma-separated, with or without #")
    p.add_argument("--json", action="store_true", help="print JSON instead of sentences")


def run(args: argparse.Namespace) -> int:
    from simulator.perception import describe, perceive_file

    if not args.file.is_file():
        print(f"error: no such file: {args.file}", file=sys.stderr)
        return 2
    perception = perceive_file(args.file)
    hashtags = [h.strip().lstrip("#") for h in args.hashtags.split(",") if h.strip().lstrip("#")]
    if args.json:
        out = {"caption": args.caption, "hashtags": hashtags, "perception": perception.to_dict()}
        print(json.dumps(out, indent=1))
        return 0
    print(describe(perception) or f"Nothing could be measured in {args.file}.")
    if perception.on_screen_text:
        print(f'On screen: "{perception.on_screen_text}"')
    for note in perception.notes:
        print(f"note: {note}")
    return 0
