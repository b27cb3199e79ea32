"""`python -m simulator fit`: fit the persona brain and the world's timing to real data."""

import argparse
import json
import sys

from simulator.datasets import DatasetMissing

HELP = (
    "fit the persona brain (MovieLens 1-600, YouTube), the world's timing (Twitter15), the content model "
    "(YouTube titles and tags) and the instruction follower's weight of the words (MovieLens 1-600) to "
    "real data"
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--only",
        choices=["taste", "engagement", "world", "uncertainty", "content", "follower"],
        help="fit one part, keep the rest",
    )


def run(args: argparse.Namespace) -> int:
    from simulator.fitting.command import fit

    try:
        summary = fit(seed=args.seed, only=args.only, command="python -m simulator " + " ".join(sys.argv[1:]))
    except (DatasetMissing, ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(summary, indent=1))
    return 0
