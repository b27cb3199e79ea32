"""`python -m simulator compare strategies|variants`: posting schedules, or A/B variants of a draft,
on the same audience and seeds (simulator.strategies); a table of figures with bands."""

import argparse
import json
from pathlib import Path

from simulator.commands.world import (
    add_audience_arguments,
    audience_from_args,
    fail,
    positive_int,
    read_content,
    read_draft,
)
from simulator.strategies import SCHEDULES, Comparison, ScheduleError, compare_strategies, compare_variants
from simulator.world import HORIZON_HOURS, HORIZONS, default_exposure

HELP = "compare posting schedules or A/B variants of a draft on the same audience and seeds"
FORMATS = {
    "posts": "{:,.0f}",
    "reach": "{:,.0f}",
    "views_per_post": "{:,.0f}",
    "engagements_per_post": "{:,.1f}",
    "view_rate": "{:.1%}",
    "engagement_rate": "{:.1%}",
    "show_less_per_1k_impressions": "{:,.2f}",
    "unfollows": "{:,.0f}",
    "creator_fatigue_per_impression": "{:.3f}",
    "net_followers": "{:+,.0f}",
}


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="what", required=True, metavar="strategies|variants")
    s = sub.add_parser("strategies", help="the draft posted on each named schedule")
    s.add_argument(
        "schedules", nargs="*", metavar="SCHEDULE", help=f"any of {', '.join(SCHEDULES)} (default: all)"
    )
    s.add_argument(
        "--draft", type=Path, help="a JSON file of a simulator.types.Item (a sample draft if none)"
    )
    s.add_argument("--span", choices=HORIZONS, default="1w", help="how long the schedule posts (default 1w)")
    s.add_argument("--horizon", choices=HORIZONS, default="2d", help="how long each post is followed")
    v = sub.add_parser("variants", help="each variant of the draft posted once at the same time")
    v.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="NAME=FILE",
        help="a variant's name and its Item JSON file, repeated (two or more; the first is the base)",
    )
    v.add_argument("--at", type=float, default=18.0, help="hour of the post after Monday 00:00 UTC")
    v.add_argument("--horizon", choices=HORIZONS, default="1w", help="how long the post is followed")
    for q in (s, v):
        add_audience_arguments(q)
        q.add_argument("--runs", type=positive_int, default=3, help="reruns (default 3)")
        q.add_argument("--seed", type=int, default=1)
        q.add_argument("--json", action="store_true", help="print one JSON object")


def _variants(texts: list[str]) -> tuple[dict | None, str | None]:
    """NAME=FILE pairs as {name: item read by the content model}, or (None, what is wrong)."""
    variants = {}
    for text in texts:
        name, _, path = text.partition("=")
        name = name.strip()
        if not name or not path:
            return None, f"--variant '{text}' should look like A=draft-a.json"
        if name in variants:
            return None, f"two variants are named '{name}'"
        item, problem = read_draft(Path(path))
        if problem:
            return None, problem
        variants[name] = read_content(item)[0]
    if len(variants) < 2:
        return None, "compare variants needs two or more --variant NAME=FILE"
    return variants, None


def _hours(horizon: str) -> float:
    return HORIZON_HOURS[HORIZONS.index(horizon)]


def run(args: argparse.Namespace) -> int:
    spec, problem = audience_from_args(args)
    if problem:
        return fail(problem)
    problems = spec.validate()
    if problems:
        return fail("; ".join(problems))
    exposure = args.exposure or default_exposure(spec)
    if args.what == "strategies":
        item, problem = read_draft(args.draft)
        if problem:
            return fail(problem)
        try:
            comparison = compare_strategies(
                spec,
                [read_content(item)[0]],
                args.schedules or list(SCHEDULES),
                seed=args.seed,
                runs=args.runs,
                span_hours=_hours(args.span),
                post_horizon_hours=_hours(args.horizon),
                creator_id=item.creator_id,
                exposure=exposure,
                recommender=args.recommender,
            )
        except ScheduleError as exc:  # raised before anything runs
            return fail(str(exc))
    else:
        variants, problem = _variants(args.variant)
        if problem:
            return fail(problem)
        comparison = compare_variants(
            spec,
            variants,
            seed=args.seed,
            runs=args.runs,
            at_hours=args.at,
            horizon_hours=_hours(args.horizon),
            exposure=exposure,
            recommender=args.recommender,
        )
    if args.json:
        head = {"compare": args.what, "audience": spec.to_dict(), "exposure": exposure, "seed": args.seed}
        head["recommender"] = args.recommender
        print(json.dumps(head | comparison.to_dict()))
        return 0
    print(
        f"{spec.size:,} simulated users ({spec.kind}, {exposure}), {comparison.runs} run(s), seed "
        f"{args.seed}; each post followed for {comparison.horizon}; real scale, mean"
        + (" [90% interval of the mean]" if comparison.runs > 1 else "")
        + "."
    )
    print(_table(comparison))
    for line in comparison.summary:
        print(f"- {line}")
    return 0


def _table(c: Comparison) -> str:
    """Figures down, strategies or variants (and variants' differences from the first) across."""
    names = list(c.rows)
    cells = {}
    for name in names:
        for figure, f in c.rows[name].items():
            fmt = FORMATS.get(figure, "{:,.2f}").format
            band = f" [{fmt(f['lo'])} to {fmt(f['hi'])}]" if c.runs > 1 else ""
            cells[name, figure] = fmt(f["mean"]) + band
    figures = list(c.rows[names[0]]) if names else []
    width = max([len(x) for x in names + list(cells.values())] + [8]) + 2
    label = max([len(f) for f in figures] + [0]) + 2
    lines = [" " * label + "".join(f"{n:>{width}}" for n in names)]
    for figure in figures:
        lines.append(f"{figure:<{label}}" + "".join(f"{cells[name, figure]:>{width}}" for name in names))
    return "\n".join(lines)
