"""`python -m simulator evaluate PROTOCOL`: the simulator against real data (taste, curves, engagement,
reorder, content)."""

import argparse
import json
import sys

from simulator.bands import BAND_RERUNS
from simulator.datasets import DatasetMissing, parse_id_range
from simulator.datasets.cascades import TWITTER15_FILE
from simulator.evaluation.calibration import AUDIENCE, SEEDS


def _ratios(text: str) -> list[int]:
    try:
        ratios = [int(r) for r in text.split(",") if r.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a list of whole numbers like 1,2,3,9") from None
    if not ratios or any(not 1 <= r <= 9 for r in ratios):
        raise argparse.ArgumentTypeError("ratios must be whole numbers from 1 to 9")
    return ratios


def _users(text: str) -> list[int]:
    try:
        return parse_id_range(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


HELP = (
    "the simulator against real data and published yardsticks (taste, curves, engagement, reorder, content, "
    "backtest)"
)


def add_arguments(evaluate: argparse.ArgumentParser) -> None:
    protocols = evaluate.add_subparsers(dest="protocol", required=True, metavar="protocol")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--brain", default="persona", help="persona (default) or llm")
        p.add_argument("--seed", type=int, default=0)
        p.add_argument("--json", action="store_true", help="print one JSON object")

    taste = protocols.add_parser("taste", help="Agent4Rec taste discrimination on MovieLens 100k")
    taste.add_argument("--dataset", default="ml-100k", choices=["ml-100k"])
    taste.add_argument("--users", type=_users, default=_users("601-943"), help="e.g. 601-943")
    taste.add_argument("--ratios", type=_ratios, default=[1, 2, 3, 9], help="e.g. 1,2,3,9")
    common(taste)

    curves = protocols.add_parser("curves", help="simulated reaction curves against real cascades")
    curves.add_argument("--cascades", default=str(TWITTER15_FILE), help="CSV shaped like twitter15's")
    curves.add_argument("--sample", type=int, default=40, help="cascades simulated, spread over sizes")
    curves.add_argument("--runs", type=int, default=10, help="reruns for the 24 h coefficient of variation")
    common(curves)

    engagement = protocols.add_parser("engagement", help="like/view, comment/view, watch time vs length")
    engagement.add_argument("--population", type=int, default=5000)
    engagement.add_argument("--videos", type=int, default=400)
    engagement.add_argument("--per-video", type=int, default=8000)
    engagement.add_argument("--min-views", type=int, default=200, help="videos with fewer views are left out")
    common(engagement)

    reorder = protocols.add_parser("reorder", help="re-ordering: Recall@N, NDCG@N of initial vs final lists")
    reorder.add_argument("--dataset", default="ml-100k", choices=["ml-100k"])
    reorder.add_argument("--users", type=_users, default=_users("601-943"))
    reorder.add_argument("--ratio", type=int, default=9, help="never-rated films per held-out liked film")
    reorder.add_argument(
        "--follower",
        choices=("rules", "llm"),
        default="rules",
        help="how the follower reads instructions: rules (default), or the LLM parser and re-ranker "
        "(SIM_LLM_ENGINE's engine, else the CPU model of make llm-cpu)",
    )
    common(reorder)

    content = protocols.add_parser(
        "content", help="content model on held-out YouTube channels: like/view, comment/view, topics"
    )
    content.add_argument(
        "--tiktok", help="also score the trending TikTok posts of this file (simulator/data/PROVENANCE.md)"
    )
    common(content)

    calibration = protocols.add_parser(
        "calibration", help="coverage of the 90% band on real cascades and YouTube videos it never saw"
    )
    calibration.add_argument(
        "--runs", type=int, default=BAND_RERUNS, help="reruns per band (the app's default)"
    )
    calibration.add_argument("--size", type=int, default=AUDIENCE, help="simulated followers per run")
    calibration.add_argument(
        "--seeds",
        type=int,
        default=SEEDS,
        help="bands drawn from this many seeds: one band of 19 reruns covers by chance (sd ~0.07)",
    )
    common(calibration)

    backtest = protocols.add_parser(
        "backtest",
        help="an account's past posts, each predicted from the others (or those before it), and live updates",
    )
    backtest.add_argument(
        "--posts",
        required=True,
        help="a history CSV: the template, an analytics export, "
        "the YouTube trending snapshots or cascade curves",
    )
    backtest.add_argument(
        "--followers",
        type=int,
        default=None,
        help="the account's followers: the platform's level then comes from the world",
    )
    backtest.add_argument(
        "--niche", default=None, help="the account's main topic (simulator.taxonomy), with --followers"
    )
    backtest.add_argument(
        "--scheme",
        choices=["loo", "rolling"],
        default="loo",
        help="loo: each post from all the account's others; rolling: from its posts before it only",
    )
    backtest.add_argument(
        "--content",
        action="store_true",
        help="read each post's words with the content model (simulator.content) and fit on what it leaves",
    )
    backtest.add_argument(
        "--held-out-channels",
        action="store_true",
        help="only the YouTube channels the content model was not fitted on (simulator.fitting.content)",
    )
    backtest.add_argument(
        "--points", action="store_true", help="keep every predicted-vs-real point in the JSON"
    )
    common(backtest)


def _brain(name: str):
    """The brain for protocols that ask it object by object (the LLM); None for persona."""
    if name == "persona":
        return None
    if name != "llm":
        raise ValueError(f"unknown brain {name!r}: persona or llm")
    from simulator.evaluation.llm import llm_brain_from_env

    return llm_brain_from_env()


def _follower(name: str) -> dict | None:
    """The instruction follower's LLM parts for --follower llm; None for the rules."""
    if name == "rules":
        return None
    import os

    from simulator.recommenders import llm_follower_parts

    return llm_follower_parts(os.environ, cpu_default=True)


def run(args: argparse.Namespace) -> int:
    from simulator.evaluation import tables

    try:
        result = _evaluate(args)
    except (DatasetMissing, LookupError, ValueError, FileNotFoundError) as exc:  # HistoryError is one
        print(f"error: {exc}", file=sys.stderr)
        return 2
    result["command"] = "python -m simulator " + " ".join(sys.argv[1:]) if sys.argv else ""
    print(json.dumps(result, indent=1) if args.json else tables.text(result))
    return 0


def _evaluate(args: argparse.Namespace) -> dict:
    from simulator.fitting.params_file import read_fit

    if args.protocol == "taste":
        from simulator.datasets.movielens import load_movielens
        from simulator.evaluation.taste import evaluate_taste

        return evaluate_taste(
            load_movielens(),
            args.users,
            args.ratios,
            brain=args.brain,
            taste_fit=read_fit()["taste_ml100k"],
            seed=args.seed,
            llm_brain=_brain(args.brain),
        )
    if args.protocol == "curves":
        from simulator.evaluation.curves import evaluate_curves

        return evaluate_curves(
            args.cascades, sample=args.sample, runs=args.runs, brain=args.brain, seed=args.seed
        )
    if args.protocol == "content":
        from simulator.evaluation.content import evaluate_content

        return evaluate_content(tiktok=args.tiktok)
    if args.protocol == "engagement":
        from simulator.evaluation.engagement import evaluate_engagement

        return evaluate_engagement(
            users=args.population,
            videos=args.videos,
            per_video=args.per_video,
            seed=args.seed,
            min_views=args.min_views,
            brain=args.brain,
            reading_brain=_brain(args.brain),
        )
    if args.protocol == "backtest":
        return _backtest(args)
    if args.protocol == "calibration":
        from simulator.evaluation.calibration import evaluate_calibration

        if args.brain != "persona":
            raise ValueError("the calibration protocol runs the world, whose brain is persona")
        return evaluate_calibration(reruns=args.runs, seed=args.seed, size=args.size, seeds=args.seeds)
    from simulator.datasets.movielens import load_movielens
    from simulator.evaluation.reorder import evaluate_reorder

    return evaluate_reorder(
        load_movielens(),
        args.users,
        ratio=args.ratio,
        brain=args.brain,
        taste_fit=read_fit()["taste_ml100k"],
        seed=args.seed,
        llm_brain=_brain(args.brain),
        follower_parts=_follower(args.follower),
    )


def _backtest(args: argparse.Namespace) -> dict:
    from pathlib import Path

    from simulator.track_record.backtest import run_backtest
    from simulator.track_record.history import read_history

    path = Path(args.posts)
    history = read_history(path.read_text(encoding="utf-8"))
    platform = None
    if args.followers:
        from simulator.audiences import AudienceSpec
        from simulator.taxonomy import TOPICS

        if args.niche not in TOPICS:
            raise ValueError(f"--followers needs --niche, one of {', '.join(TOPICS)}")
        from simulator.track_record.platform import platform_from_world, reference_item

        audience = AudienceSpec(
            kind="followers", size=3000, profile={"niche": args.niche, "follower_count": args.followers}
        )
        platform = platform_from_world(audience, reference_item(history.posts, args.niche), seed=args.seed)
    if args.held_out_channels:
        from simulator.fitting.content import channel_held_out

        history.posts = [p for p in history.posts if channel_held_out(p.creator)]
        history.notes.append("Only the channels the content model was not fitted on.")
    content = None
    if args.content:
        from simulator.track_record.content import past_post_content

        content = past_post_content(history.posts)
    result = run_backtest(history, platform=platform, name=path.name, scheme=args.scheme, content=content)
    if not args.points:
        result["points"] = result["points"][:200]
    return result
