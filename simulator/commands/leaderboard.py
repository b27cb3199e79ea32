"""`python -m simulator leaderboard`: recommender policies ranked on the same users and luck."""

import argparse
import json
from pathlib import Path

HELP = "rank recommender policies on the same simulated users (common random numbers)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--train-steps", type=int, default=4000, help="user-steps for the learned policy")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--write", metavar="PATH.md", help="also write the markdown page and its chart beside it"
    )


def run(args: argparse.Namespace) -> int:
    from simulator.leaderboard import chart_html, leaderboard, markdown, table

    if args.users < 2:
        print("--users must be at least 2")
        return 2
    if args.train_steps < 16:
        print("--train-steps must be at least 16")
        return 2
    result = leaderboard(users=args.users, seed=args.seed, train_steps=args.train_steps)
    if args.write:
        page = Path(args.write)
        chart = page.with_name(page.stem + "_ndcg_retention.html")
        page.parent.mkdir(parents=True, exist_ok=True)
        chart.write_text(chart_html(result))
        page.write_text(markdown(result, chart.name))
    print(json.dumps(result, indent=1) if args.json else "\n".join(table(result)))
    return 0
