"""`python -m simulator perceive FILE`: what a draft's picture or video shows, measured, and what the
content model reads in it (topics, the factors that move its prediction)."""

import argparse
import json
import sys
from pathlib import Path

HELP = (
    "measure what a draft's image or video shows (light, colour, focus, faces, text, pace, sound) and read it"
)


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
    content = _content(args.caption, hashtags, perception)
    if args.json:
        out = {"caption": args.caption, "hashtags": hashtags, "perception": perception.to_dict()}
        out["content"] = content.to_dict() if content is not None else None
        print(json.dumps(out, indent=1))
        return 0
    print(describe(perception) or f"Nothing could be measured in {args.file}.")
    if perception.on_screen_text:
        print(f'On screen: "{perception.on_screen_text}"')
    for note in perception.notes:
        print(f"note: {note}")
    if content is not None:
        if content.topics:
            ranked = sorted(content.topics.items(), key=lambda kv: -kv[1])[:3]
            print("topics read from the words: " + ", ".join(f"{t} {w:.0%}" for t, w in ranked))
        for factor in sorted(content.factors, key=lambda f: -abs(f.effect - 1.0)):
            print(f"  {factor.label} ({'fitted' if factor.fitted else 'prior'}; sources in --json)")
    return 0


def _content(caption: str, hashtags: list[str], perception):
    """The content model's reading (simulator.content), or None with a warning where it cannot run."""
    from simulator.content.effects import analyse

    try:
        return analyse(
            caption=caption, hashtags=hashtags, perception=perception, duration_s=perception.duration_s or 0.0
        )
    except (FileNotFoundError, RuntimeError) as exc:  # no fitted content model or no weights installed
        print(f"warning: the words are not read: {exc}", file=sys.stderr)
        return None
