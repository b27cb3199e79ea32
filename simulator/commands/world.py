"""`python -m simulator world`: a draft on a simulated audience over a week; the horizon table."""

import argparse
import json
import sys
import time
from pathlib import Path

from simulator.audiences import CHOICES, AudienceSpec, parse_follower_csv
from simulator.bands import BAND_RERUNS
from simulator.reruns import summarise_reruns
from simulator.strategies import SCHEDULES, audience_utc_offset, schedule
from simulator.types import Item, ItemEffects
from simulator.world import (
    EXPOSURES,
    HORIZON_HOURS,
    HORIZONS,
    PostSpec,
    WorldConfig,
    default_exposure,
    run_world,
)
from simulator.world.config import RECOMMENDERS
from simulator.world.results import feed_report

HELP = "run a draft past a simulated audience for up to a week; print reactions per horizon with bands"
TABLE_METRICS = (
    "impressions", "views", "unique_viewers", "avg_watch_s", "completion_rate",
    "likes", "comments", "shares", "follows", "unfollows", "show_less",
)  # fmt: skip
SAMPLE_DRAFT = Item(
    id="sample-draft",
    creator_id="me",
    kind="video",
    duration_s=34.0,
    caption="Three 10-minute dinners for busy weeknights",
    hashtags=["dinner", "easyrecipes", "mealprep"],
    topics={"food": 0.7, "family": 0.3},
    description="A cook plates three quick dinners in a home kitchen, with the steps on screen.",
)


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def add_audience_arguments(p: argparse.ArgumentParser) -> None:
    """Who the audience is (read back by `audience_from_args`) and how it meets the post."""
    p.add_argument("--audience", choices=("general", "slice", "followers"), default="general")
    p.add_argument("--size", type=positive_int, default=10_000, help="simulated users (default 10000)")
    p.add_argument(
        "--filter",
        action="append",
        default=[],
        metavar="NAME=V1,V2",
        help=f"slice filter, repeatable; names: {', '.join(CHOICES)}",
    )
    p.add_argument("--niche", help="followers from a profile: the creator's niche (a topic)")
    p.add_argument("--follower-count", type=positive_int, help="followers from a profile: how many")
    p.add_argument(
        "--followers-csv", type=Path, help="followers from a CSV (age_band,gender,country,interests,activity)"
    )
    p.add_argument(
        "--exposure",
        choices=EXPOSURES,
        help="screening: show the post once to every user; organic: feeds decide "
        "(default: organic for followers, screening for general and slice audiences)",
    )
    p.add_argument(
        "--recommender",
        choices=RECOMMENDERS,
        default=RECOMMENDERS[0],
        help="the platform's recommender in the feed sessions: one that follows what users ask for "
        "when they are about to leave, or the traditional one that ignores it",
    )


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_audience_arguments(p)
    p.add_argument("--horizon", choices=HORIZONS, default="1w", help="how long each post is followed")
    p.add_argument(
        "--runs",
        type=positive_int,
        default=BAND_RERUNS,
        help=f"reruns, each with its own population and parameters (default {BAND_RERUNS}: a 90%% band)",
    )
    p.add_argument(
        "--draft", type=Path, help="a JSON file of a simulator.types.Item (a sample draft if none)"
    )
    p.add_argument("--media", type=Path, help="a video or image to perceive and post as the draft")
    p.add_argument("--caption", help="the draft's caption (replaces the draft file's)")
    p.add_argument("--hashtags", help="the draft's hashtags, comma-separated (replace the draft file's)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--at", type=float, default=18.0, help="hour of the first post after Monday 00:00 UTC")
    p.add_argument("--schedule", choices=sorted(SCHEDULES), help="post the draft on a schedule over the week")
    p.add_argument("--shards", type=positive_int, default=1, help="simulate the users in this many shards")
    p.add_argument(
        "--brain",
        choices=("persona", "llm"),
        default="persona",
        help="llm: a panel answers the LLM (SIM_LLM_ENGINE, else the CPU model of `make llm-cpu`) and "
        "calibrates the persona brain for everyone",
    )
    p.add_argument("--panel", type=positive_int, default=200, help="LLM panel members (default 200)")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def fail(message: str) -> int:
    """Bad input: one line on stderr and exit status 2."""
    print(f"error: {message}", file=sys.stderr)
    return 2


def audience_from_args(args: argparse.Namespace) -> tuple[AudienceSpec | None, str | None]:
    """The audience of `add_audience_arguments`, or (None, what is wrong)."""
    if args.audience == "general":
        return AudienceSpec(kind="general", size=args.size), None
    if args.audience == "slice":
        filters = {}
        for text in args.filter:
            name, _, values = text.partition("=")
            if not values:
                return None, f"--filter '{text}' should look like age_band=18-24,25-34"
            filters[name.strip()] = [v.strip() for v in values.split(",") if v.strip()]
        return AudienceSpec(kind="slice", size=args.size, filters=filters), None
    if args.followers_csv:
        try:
            text = args.followers_csv.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            return None, f"cannot read {args.followers_csv} as UTF-8 text: {exc}"
        rows, errors = parse_follower_csv(text, max_rows=1_000_000)
        if errors:
            return None, "; ".join(errors[:10]) + (
                f" (and {len(errors) - 10} more)" if len(errors) > 10 else ""
            )
        return AudienceSpec(kind="followers", size=args.size, follower_rows=rows), None
    profile = {"niche": args.niche, "follower_count": args.follower_count}
    return AudienceSpec(kind="followers", size=args.size, profile=profile), None


def read_draft(path: Path | None) -> tuple[Item | None, str | None]:
    """The draft in a JSON file (the sample draft for None), or (None, what is wrong)."""
    if path is None:
        return SAMPLE_DRAFT, None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        item = Item.from_dict(data)
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"cannot read the draft {path}: {exc}"
    except json.JSONDecodeError as exc:
        return None, f"the draft {path} is not valid JSON: {exc}"
    except (TypeError, AttributeError, ValueError) as exc:
        return (
            None,
            f"the draft {path} is not an Item (needs id, creator_id, kind, duration_s, topics): {exc}",
        )
    return item, None


def _seen(args: argparse.Namespace, item: Item):
    """The draft with the media perceived (--media) and the words given, as the content model reads
    it. Returns (item, analysis) or (None, problem)."""
    from dataclasses import replace

    if args.caption is not None:
        item = replace(item, caption=args.caption)
    if args.hashtags is not None:
        item = replace(item, hashtags=[h.strip().lstrip("#") for h in args.hashtags.split(",") if h.strip()])
    perception = None
    if args.media is not None:
        from simulator.perception import perceive_file

        if not args.media.is_file():
            return None, f"no such media file: {args.media}"
        perception = perceive_file(args.media)
        if perception.kind in ("video", "image"):
            item = replace(item, kind=perception.kind, frames=[str(args.media)])
        if perception.kind == "video" and perception.duration_s:
            item = replace(item, duration_s=float(perception.duration_s))
    return read_content(item, perception)


def read_content(item: Item, perception=None):
    """The draft as the content model reads it, the content's effects folded into Item.effects (none,
    with a warning, where no content model is installed). Returns (item, analysis)."""
    from simulator.content.effects import ContentAnalysis, analyse, with_content

    try:
        analysis = analyse(
            caption=item.caption,
            hashtags=item.hashtags,
            perception=perception,
            duration_s=item.duration_s,
            ticked=item.topics,
        )
    except (FileNotFoundError, RuntimeError) as exc:  # no fitted content model or no weights installed
        print(f"warning: the draft's content is not read: {exc}", file=sys.stderr)
        analysis = ContentAnalysis(text=item.caption, topics={}, effects=ItemEffects(), notes=[str(exc)])
    return with_content(item, analysis), analysis


def run(args: argparse.Namespace) -> int:
    spec, problem = audience_from_args(args)
    if problem:
        return fail(problem)
    item, problem = read_draft(args.draft)
    if problem:
        return fail(problem)
    item, analysis = _seen(args, item)
    if item is None:
        return fail(analysis)
    horizon_h = HORIZON_HOURS[HORIZONS.index(args.horizon)]
    problems = spec.validate()
    if problems:
        return fail("; ".join(problems))
    if args.schedule:
        posts = schedule(args.schedule, [item], 168.0, utc_offset_h=audience_utc_offset(spec, args.seed))
    else:
        posts = [PostSpec(item=item, at_hours=args.at)]
    config = WorldConfig(
        audience=spec,
        posts=posts,
        horizon_hours=horizon_h,
        seed=args.seed,
        brain=args.brain,
        panel_size=min(args.panel, spec.size) if args.brain == "llm" else 0,
        exposure=args.exposure or default_exposure(spec),
        recommender=args.recommender,
    )
    problems = config.validate()
    if problems:
        return fail("; ".join(problems))
    started = time.perf_counter()
    calibration = None
    if args.brain == "llm":
        from simulator.evaluation.llm import llm_brain_from_env
        from simulator.world.panel import calibrate_world

        try:
            calibration = calibrate_world(config, llm_brain_from_env())
        except LookupError as exc:
            return fail(str(exc))
    reruns = [
        run_world(config, rerun=r, shard_count=args.shards, calibration=calibration) for r in range(args.runs)
    ]
    seconds = time.perf_counter() - started
    summary = summarise_reruns(reruns, exposure=config.exposure)
    shown = [h for h, hours in zip(HORIZONS, HORIZON_HOURS, strict=True) if hours <= horizon_h]
    if args.json:
        out = {
            "config": config.to_dict(),
            "runs": args.runs,
            "users": summary.users,
            "seconds": round(seconds, 2),
            "horizons": {
                h: {m: {k: round(v, 4) for k, v in summary.figure(m, h).items()} for m in TABLE_METRICS}
                for h in shown
            },
            "segments": {
                seg: {h: round(summary.figure("views", h, seg)["mean"], 2) for h in shown}
                for seg in ("follower:yes", "follower:no")
            },
            "totals": summary.totals,
            "tightening": summary.tightening,
            "posts": summary.posts,
            "summary": summary.summary,
            "samples": summary.samples[:10],
            "brain_usage": summary.brain_usage,
            "panel": calibration.report(summary.users) if calibration else None,
            "feed": feed_report(reruns),
            "content": analysis.to_dict(),
        }
        print(json.dumps(out))
        return 0
    print(
        f"{summary.users:,} simulated users ({spec.kind}), {len(posts)} post(s), {args.runs} run(s), "
        f"seed {args.seed}: {seconds:.1f} s. Real-scale figures, mean [band: "
        f"{summary.band_coverage:.0%} of simulated outcomes]."
    )
    width = 26
    print(f"{'':<16}" + "".join(f"{h:>{width}}" for h in shown))
    for m in TABLE_METRICS:
        cells = []
        for h in shown:
            f = summary.figure(m, h)
            fmt = "{:,.2f}" if m in ("avg_watch_s", "completion_rate") else "{:,.0f}"
            cell = fmt.format(f["mean"]) + (
                f" [{fmt.format(f['lo'])}-{fmt.format(f['hi'])}]" if args.runs > 1 else ""
            )
            cells.append(f"{cell:>{width}}")
        print(f"{m:<16}" + "".join(cells))
    print()
    for line in summary.summary:
        print(f"- {line}")
    feed = feed_report(reruns)
    if feed:
        print(
            f"\nFeed sessions per run: {feed['sessions']:,.0f}, {feed['items_per_session']:.1f} items "
            f"scrolled in each, {feed['left_before_share']:.0%} left before the post; "
            f"{feed['instructions']:,.0f} instructions to the {args.recommender.replace('_', '-')} "
            f"recommender, {sum(feed['post_topic'].values()):,.0f} naming a topic of the post."
        )
    print("\nWhat the content model read:" + (f" topics {analysis.topics}" if analysis.topics else ""))
    for factor in sorted(analysis.factors, key=lambda f: -abs(f.effect - 1.0))[:8]:
        print(f"- {factor.label} ({'fitted' if factor.fitted else 'prior'})")
    if calibration:
        u = calibration.usage
        print(
            f"- LLM panel: {calibration.panel_size} members asked by {calibration.model} "
            f"({u.decisions} prompts, {u.fallbacks} fallbacks, {calibration.seconds:.1f} s); every user ran "
            "on the persona brain calibrated to it."
        )
    return 0
