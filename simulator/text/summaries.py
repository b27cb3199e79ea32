"""The summary sentences of a run, built only from what the run has (its horizons, its scale,
differences that survive a test), and of a comparison of schedules or variants (simulator.strategies);
the sample rows' text is simulator.text.reactions'.
"""

from math import comb
from typing import TYPE_CHECKING

import numpy as np

from simulator.bands import BAND_RERUNS
from simulator.world.results import HORIZON_HOURS, HORIZONS, METRICS, SEGMENTS, RerunResult

if TYPE_CHECKING:
    from simulator.reruns import RunSummary

HORIZON_WORDS = {"6h": "6 hours", "12h": "12 hours", "24h": "24 hours", "2d": "2 days", "1w": "a week"}
MIN_VIEWS_FOR_RATES = 30  # simulated views per run below which a rate per view is mostly noise
MIN_SEGMENT_USERS = 30  # segments with fewer simulated users (in any rerun) are not singled out
SEGMENT_ALPHA = 0.05  # family-wise error rate of the "does best with" claims (Holm)
_MORE = (
    "Simulate more users, or screen the post to a sample of the public (a general or slice audience): "
    "the public rarely meets a post from an account it does not follow."
)


def _n(x: float) -> str:
    """A count the way a person says it: 12,300 / 840 / 3.4."""
    if abs(x) >= 1000:
        return f"{round(x, -2):,.0f}" if abs(x) < 100_000 else f"{round(x, -3):,.0f}"
    return f"{x:,.0f}" if abs(x) >= 10 else f"{x:.1f}"


def run_horizons(horizon_hours: float) -> list[str]:
    """The horizons a run of this length has (at least the first: a shorter run ends inside it)."""
    return [h for h, hours in zip(HORIZONS, HORIZON_HOURS, strict=True) if hours <= horizon_hours] or [
        HORIZONS[0]
    ]


def _words(horizon: str, horizon_hours: float) -> str:
    if HORIZON_HOURS[HORIZONS.index(horizon)] > horizon_hours:  # a run shorter than 6 hours
        return f"{horizon_hours:g} hours"
    return HORIZON_WORDS[horizon]


def _band_words(cell: dict[str, float], s: "RunSummary") -> str:
    if s.runs < 2:
        return ""
    if s.band_coverage >= 0.9:
        return f" ({_n(cell['lo'])} to {_n(cell['hi'])} in 90% of simulated outcomes)"
    return f" ({_n(cell['lo'])} to {_n(cell['hi'])} over the {s.runs} reruns)"


def run_sentences(s: "RunSummary", reruns: list[RerunResult], exposure: str) -> list[str]:
    """The run's summary in sentences, each built from its figures."""
    more = _MORE if exposure == "organic" else "Simulate more users."
    horizons = run_horizons(s.horizon_hours)
    last = horizons[-1]
    when = _words(last, s.horizon_hours)
    people = "people" if s.weighted else "simulated users"
    ran = f"Over {s.runs} rerun{'s' if s.runs > 1 else ''}"
    end = s.figure("views", last)
    if end["mean"] <= 0:
        return [f"{ran}, nobody in this audience watched the post: it reached almost no one's feed. {more}"]
    reach = s.totals["reached"]["mean"]
    by = (
        f"{_n(reach)} people on the platform"
        if s.weighted
        else f"{_n(reach)} of the {s.users:,} simulated users"
    )
    if "24h" in horizons and last != "24h":
        day = s.figure("views", "24h")
        watched = (
            f"the post is watched {_n(day['mean'])} times in its first 24 hours{_band_words(day, s)} "
            f"and {_n(end['mean'])} times in {when}"
        )
    else:
        watched = f"the post is watched {_n(end['mean'])} times in its first {when}{_band_words(end, s)}"
    out = [f"{ran}, {watched}, by {by}."]
    few = s.simulated_views < MIN_VIEWS_FOR_RATES
    if few:
        out.append(
            f"Only {_n(s.simulated_views)} of the {s.users:,} simulated users watched it per run: too few "
            f"to read rates (likes per view, best segments). {more}"
        )
    if last != "6h":
        early = s.figure("views", "6h")["mean"] / end["mean"]
        out.append(
            f"Most of it happens early: {early:.0%} of the views in {when} come within 6 hours of posting."
        )
    imp, views = s.figures["impressions"][last], s.figures["views"][last]
    rate = {
        seg: views[seg]["mean"] / imp[seg]["mean"]
        for seg in ("follower:yes", "follower:no")
        if imp[seg]["mean"] > 0
    }
    if len(rate) == 2:
        out.append(
            f"Followers watch it {rate['follower:yes']:.0%} of the times they are shown it; "
            f"{people} who do not follow you, {rate['follower:no']:.0%}."
        )
    best = None if few else best_segments(reruns, last)
    if best:
        out.append(best)
    shared = s.figures["from_shares"][last]["follower:no"]["mean"]
    if shared > 0:
        out.append(f"Shares put it in front of {_n(shared)} {people} who do not follow you.")
    likes, comments = s.figure("likes", last)["mean"], s.figure("comments", last)["mean"]
    liked = "" if few else f" ({likes / end['mean']:.1%} of views liked)"
    out.append(f"It collects {_n(likes)} likes and {_n(comments)} comments in {when}{liked}.")
    net = s.totals["net_followers"]["mean"]
    out.append(
        f"Net followers: {'+' if net >= 0 else ''}{_n(net)} "
        f"({_n(s.figure('follows', last)['mean'])} new, "
        f"{_n(s.figure('unfollows', last)['mean'])} unfollows); "
        f"{_n(s.figure('show_less', last)['mean'])} asked to see less."
    )
    if s.runs < 2:
        out.append(
            f"One rerun gives no band; {BAND_RERUNS} reruns give a band that holds 90% of simulated outcomes."
        )
    elif s.band_coverage < 0.9:
        out.append(
            f"With {s.runs} reruns the band is their range, which holds about {s.band_coverage:.0%} "
            f"of simulated outcomes; {BAND_RERUNS} reruns make it 90%."
        )
    else:
        half = (end["mean_hi"] - end["mean"]) / end["mean"]
        out.append(
            f"The band on views in {when} spans {(end['hi'] - end['lo']) / end['mean']:.0%} of the "
            "mean: it is the spread of simulated outcomes (new populations and parameters each rerun) "
            f"and does not narrow with more reruns; the mean itself is known to +-{half:.0%}."
        )
    return out


def _sign_test_p(wins: int, trials: int) -> float:
    """One-sided exact sign test: P(at least `wins` of `trials` fair coin flips)."""
    return sum(comb(trials, k) for k in range(wins, trials + 1)) / 2.0**trials


def best_segments(reruns: list[RerunResult], horizon: str, alpha: float = SEGMENT_ALPHA) -> str | None:
    """'It does best with ...' for the age band and the country whose users watch more per head than
    the rest of the audience in a significant share of reruns: a one-sided sign test over reruns per
    segment, Holm-corrected over every segment compared; None when no difference survives."""
    if len(reruns) < 2:
        return None
    h, m = HORIZONS.index(horizon), METRICS.index("views")
    views = np.stack([r.metric_array(real_scale=False)[m, h] for r in reruns])  # [R, S]
    users = np.stack([np.asarray(r.segment_users).sum(axis=1) for r in reruns]).astype(np.float64)
    tested: list[tuple[float, str, int, int, float]] = []  # p, segment, wins, trials, mean rate ratio
    for prefix in ("age_band:", "country:"):
        for i, seg in enumerate(SEGMENTS):
            rest_users = users[:, 0] - users[:, i]
            if not seg.startswith(prefix) or min(users[:, i].min(), rest_users.min()) < MIN_SEGMENT_USERS:
                continue
            rate = views[:, i] / users[:, i]
            rest = (views[:, 0] - views[:, i]) / rest_users
            wins, trials = int((rate > rest).sum()), int((rate != rest).sum())
            if trials:
                ratio = float(rate.mean() / rest.mean()) if rest.mean() > 0 else float("inf")
                tested.append((_sign_test_p(wins, trials), seg, wins, trials, ratio))
    held = []
    for j, (p, seg, wins, trials, ratio) in enumerate(sorted(tested)):  # Holm: step down until one fails
        if p > alpha / (len(tested) - j):
            break
        held.append((seg, wins, trials, ratio))
    parts = []
    for prefix, label in (("age_band:", "ages"), ("country:", "users in")):
        family = [x for x in held if x[0].startswith(prefix)]
        if family:
            seg, wins, trials, ratio = max(family, key=lambda x: x[3])
            parts.append((f"{label} {seg.split(':', 1)[1]}", wins, trials, ratio))
    if not parts:
        return None
    evidence = "; ".join(
        f"{name}: {ratio:.1f}x the rest, in {wins} of {trials} reruns" for name, wins, trials, ratio in parts
    )
    return (
        f"It does best with {' and '.join(p[0] for p in parts)} (views per person against the rest of the "
        f"audience; {evidence}; one-sided sign test over reruns, Holm-corrected over the "
        f"{len(tested)} segments compared at {alpha:.0%})."
    )


def strategy_sentences(rows: dict[str, dict[str, dict[str, float]]]) -> list[str]:
    """Schedules compared (simulator.strategies rows): which reaches most, earns most per post, and
    tires the audience most (said only when some schedule had anyone ask for less)."""
    if len(rows) < 2:
        return []
    reach = max(rows, key=lambda n: rows[n]["reach"]["mean"])
    per_post = max(rows, key=lambda n: rows[n]["engagements_per_post"]["mean"])
    tired = max(rows, key=lambda n: rows[n]["show_less_per_1k_impressions"]["mean"])
    out = [
        f"'{reach}' reaches the most people ({rows[reach]['reach']['mean']:,.0f}).",
        f"'{per_post}' earns the most engagement per post "
        f"({rows[per_post]['engagements_per_post']['mean']:,.1f}).",
    ]
    show_less = rows[tired]["show_less_per_1k_impressions"]["mean"]
    if show_less > 0:
        out.append(f"'{tired}' tires the audience most: {show_less:.1f} 'show less' per 1,000 impressions.")
    return out


def variant_sentences(rows: dict[str, dict[str, dict[str, float]]], names: list[str]) -> list[str]:
    """Each variant against the first of `names`: more, fewer or about as many views per post, as the
    90% interval of their difference over reruns says."""
    base, out = names[0], []
    for name in names[1:]:
        diff = rows[f"{name} - {base}"]["views_per_post"]
        verdict = "about as many views as"
        if diff["lo"] > 0 or diff["hi"] < 0:
            verdict = ("more" if diff["lo"] > 0 else "fewer") + " views than"
        out.append(
            f"'{name}' gets {verdict} '{base}' "
            f"({diff['mean']:+,.0f}, 90% interval {diff['lo']:+,.0f} to {diff['hi']:+,.0f})."
        )
    return out
