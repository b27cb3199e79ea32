"""Write simulator/data/persona_params.json: rates measured on real data, the other weights as priors.

    python -m simulator.brains.persona_priors [DATA_DIR] [--out PATH]

DATA_DIR holds the files described in ../shared/data/PROVENANCE.md (default: $RECOWORLD_SHARED_DATA
or /work/shared/data). Rates with data behind them are computed here from the YouTube trending
snapshots and the KuaiRand sample; each prior names why it has its value, so the fidelity fit
(issue 7) knows what it replaces.
"""

import argparse
import csv
import hashlib
import json
import math
import os
import statistics
from pathlib import Path

import numpy as np

from simulator.brains.persona_params import DEFAULT_PATH, PersonaParams

YOUTUBE = "youtube_trending_us_2017.csv"
KUAIRAND = "kuairand_1k_sample200.csv"
YT_SRC = "YouTube trending US 2017 (Kaggle datasnaek via TsudeauxNhymm/YTSentiment@a96df8a9)"
KR_SRC = "KuaiRand-1K sample (Xiaopengli1/Scenario-Wise-Rec@167ea862, CC BY-SA 4.0; 182 rows with a duration)"
PRIOR = "prior (no data in ../shared/data yet; refit by the fidelity issue): "

# Relative app activity by local hour: low at night, evening peak. Normalised to mean 1 below.
_DAILY_SHAPE = (
    0.6, 0.4, 0.25, 0.15, 0.12, 0.15, 0.3, 0.55, 0.75, 0.8, 0.85, 0.9,
    1.0, 1.0, 0.95, 0.95, 1.0, 1.1, 1.3, 1.5, 1.7, 1.75, 1.5, 1.0,
)  # fmt: skip

PRIORS: dict[str, tuple[float, str]] = {
    "share_rate": (0.0035, "no share counts in the data; set to the YouTube median comment/view ratio"),
    "follow_rate": (0.002, "no follow counts per view in the data; below the comment rate, as on YouTube"),
    "match_ref": (0.3, "cosine of a typical impression's topics with a 2-4 topic interest profile"),
    "view_match": (4.0, "from match 0 to 1, P(view) goes from ~0.05 to ~0.75"),
    "view_length": (0.3, "per unit |log(length / preferred)|: mismatched lengths are skipped more"),
    "view_novelty": (0.8, "scaled by (2 * novelty_seeking - 1): explorers favour new topics, others avoid"),
    "view_boredom_novelty": (
        2.0,
        "bored users reach for the new: boredom lowers the familiar, raises the new",
    ),
    "view_satiation": (1.0, "monotony beyond the fading of interest (appeal = match x (1 - satiation))"),
    "view_fatigue": (1.0, "tired users scroll past more"),
    "view_boredom": (1.0, "bored users scroll past more"),
    "view_creator_fatigue": (0.3, "per recently seen post of the same creator"),
    "view_social_proof": (0.15, "per decade of visible views above a typical item"),
    "view_hour": (0.5, "per unit log of the daily rhythm: attentive at peak hours"),
    "view_follows": (0.8, "followers open their creators' posts more"),
    "view_from_share": (1.0, "an item a neighbour shared is opened more"),
    "watch_match": (1.0, "log watch-ratio gain per unit of interest match"),
    "watch_fatigue": (0.5, "tired users watch less of each item"),
    "watch_boredom": (0.5, "bored users watch less of each item"),
    "like_match": (2.0, "logit gain per unit of interest match"),
    "like_completion": (1.5, "likes follow completion"),
    "like_social_proof": (0.1, "per decade of visible views"),
    "like_follows": (0.7, "followers like more"),
    "comment_match": (1.5, "logit gain per unit of interest match"),
    "comment_completion": (1.0, "comments follow completion"),
    "share_match": (2.0, "logit gain per unit of interest match"),
    "share_completion": (1.0, "shares follow completion"),
    "share_from_share": (0.7, "items that came through a share are passed on more (cascades)"),
    "follow_match": (2.0, "logit gain per unit of interest match"),
    "follow_like": (1.5, "a like often precedes a follow"),
    "show_less_creator_fatigue": (0.8, "per recently seen post of the same creator"),
    "show_less_mismatch": (2.0, "per unit of interest match below the typical impression"),
    "show_less_satiation": (1.5, "too much of one topic"),
    "leave_rate": (0.03, "per item at rest, when the user's session length is not given (about 30 items)"),
    "leave_fatigue": (3.0, "fatigue is time spent against the habitual session length (eq. 5)"),
    "leave_boredom": (2.0, "bored users leave"),
    "leave_satiation": (0.5, "a repetitive feed ends sessions"),
    "leave_engaged": (0.7, "users do not leave in the middle of something they enjoy"),
    "leave_hour": (0.5, "per unit log of the daily rhythm: sessions end sooner off-peak"),
    "instruct_rate": (0.5, "RecoWorld's simulated users either instruct or exit; even odds at rest"),
    "instruct_fatigue": (2.0, "tired users just exit"),
    "instruct_satisfaction": (
        1.5,
        "users who enjoyed part of the session steer it; the disappointed give up",
    ),
    "satiation_scale": (5.0, "same-topic items this session at which satiation reaches 1 - 1/e"),
    "exposure_decay": (0.9, "per item: session topic exposure fades as other topics pass"),
    "interest_rate": (0.05, "eq. 4 step: one engaged item shifts interest by up to 5%"),
    "interest_skip_push": (0.3, "a skip pushes away a third as much as an engagement pulls"),
    "interest_anchor": (0.01, "per item pull back to stated interests"),
    "satisfaction_rate": (0.2, "eq. 5: satisfaction is an exponential average over about 5 items"),
    "boredom_skip": (0.04, "per skipped item: about 15 skips in a row make a user bored (0.5)"),
    "boredom_satiation": (0.04, "per item, times satiation"),
    "boredom_relief": (0.5, "engaging relieves boredom, something new the most"),
    "curiosity_rate": (0.1, "per item, toward novelty seeking + boredom / 2"),
}


# The range each prior is drawn from per rerun (simulator.uncertainty: uniform within it), and why.
_GAIN = "a logit gain set by judgement, with no data behind it: from half to one and a half times"
_STATE = "a session-state rate set by judgement: from half to one and a half times"
PRIOR_RANGES: dict[str, tuple[float, float, str]] = {
    "share_rate": (0.001, 0.01, "no share counts: a third to three times the comment/view it stands in for"),
    "follow_rate": (0.0005, 0.006, "no follow counts: a quarter to three times, below likes per view"),
    "match_ref": (0.2, 0.4, "the cosine of a typical impression falls as profiles hold more topics (2 to 4)"),
    "view_match": (
        1.5,
        5.5,
        "from the topic-level slope MovieLens gives (fit.taste_ml100k.topic_view_match "
        "1.55) to as far above the prior",
    ),
    "view_satiation": (0.5, 1.5, _GAIN),
    "view_fatigue": (0.5, 1.5, _GAIN),
    "view_boredom": (0.5, 1.5, _GAIN),
    "view_length": (0.15, 0.45, _GAIN),
    "view_novelty": (0.4, 1.2, _GAIN),
    "view_boredom_novelty": (1.0, 3.0, _GAIN),
    "view_creator_fatigue": (0.15, 0.45, _GAIN),
    "view_social_proof": (
        0.05,
        0.25,
        "per decade of views: from a third to nearly twice (herding effects "
        "in view counts are small but real)",
    ),
    "view_hour": (0.25, 0.75, _GAIN),
    "view_follows": (0.4, 1.2, _GAIN),
    "view_from_share": (0.5, 1.5, _GAIN),
    "watch_match": (0.5, 1.5, _GAIN),
    "watch_fatigue": (0.25, 0.75, _GAIN),
    "watch_boredom": (0.25, 0.75, _GAIN),
    "like_match": (1.0, 3.0, _GAIN),
    "like_completion": (0.75, 2.25, _GAIN),
    "like_social_proof": (0.0, 0.2, _GAIN),
    "like_follows": (0.35, 1.05, _GAIN),
    "comment_match": (0.75, 2.25, _GAIN),
    "comment_completion": (0.5, 1.5, _GAIN),
    "share_match": (1.0, 3.0, _GAIN),
    "share_completion": (0.5, 1.5, _GAIN),
    "share_from_share": (0.35, 1.05, _GAIN),
    "follow_match": (1.0, 3.0, _GAIN),
    "follow_like": (0.75, 2.25, _GAIN),
    "show_less_creator_fatigue": (0.4, 1.2, _GAIN),
    "show_less_mismatch": (1.0, 3.0, _GAIN),
    "show_less_satiation": (0.75, 2.25, _GAIN),
    "leave_rate": (0.015, 0.06, "sessions of about 15 to 65 items at rest"),
    "leave_fatigue": (1.5, 4.5, _GAIN),
    "leave_boredom": (1.0, 3.0, _GAIN),
    "leave_satiation": (0.25, 0.75, _GAIN),
    "leave_engaged": (0.35, 1.05, _GAIN),
    "leave_hour": (0.25, 0.75, _GAIN),
    "instruct_rate": (0.3, 0.7, "no data on how often leaving users instruct: anywhere near even odds"),
    "instruct_fatigue": (1.0, 3.0, _GAIN),
    "instruct_satisfaction": (0.75, 2.25, _GAIN),
    "satiation_scale": (3.0, 8.0, "same-topic items to satiate: a judgement, 3 to 8"),
    "exposure_decay": (0.8, 0.95, _STATE + " of the forgetting (1 - decay)"),
    "interest_rate": (0.025, 0.075, _STATE),
    "interest_skip_push": (0.15, 0.45, _STATE),
    "interest_anchor": (0.005, 0.015, _STATE),
    "satisfaction_rate": (0.1, 0.3, _STATE),
    "boredom_skip": (0.02, 0.06, _STATE),
    "boredom_satiation": (0.02, 0.06, _STATE),
    "boredom_relief": (0.25, 0.75, _STATE),
    "curiosity_rate": (0.05, 0.15, _STATE),
    # a vector: the range scales every hour's deviation from the mean of 1 (how deep the daily rhythm is)
    "daily_activity": (
        0.5,
        1.5,
        "the depth of the rhythm: each hour's deviation from the mean of 1 from half to one and a half "
        "times (a judgement: no hourly activity data)",
    ),
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _log_sd_from_iqr(values: np.ndarray) -> float:
    q25, q75 = np.percentile(values, [25, 75])
    return float((math.log(q75) - math.log(q25)) / 1.349)  # IQR of a normal = 1.349 sd


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def youtube_rates(path: Path | list[dict[str, str]]) -> dict[str, float]:
    """Per-snapshot like/view, comment/view, dislike/view ratios and the typical visible view count
    (of a file, or of its rows: the bootstrap passes resampled ones)."""
    views, likes, comments, dislikes, last_views = [], [], [], [], {}
    for row in read_rows(path) if isinstance(path, Path) else path:
        v = float(row["views"])
        if v <= 0:
            continue
        views.append(v)
        likes.append(float(row["likes"]))
        comments.append(float(row["comment_total"]))
        dislikes.append(float(row["dislikes"]))
        last_views[row["video_id"]] = max(v, last_views.get(row["video_id"], 0.0))
    v = np.array(views)
    like = np.array(likes) / v
    comment = np.array(comments) / v
    dislike = np.array(dislikes) / v
    like, comment, dislike = like[like > 0], comment[comment > 0], dislike[dislike > 0]
    return {
        "like_rate": float(np.median(like)),
        "like_rate_log_sd": _log_sd_from_iqr(like),
        "comment_rate": float(np.median(comment)),
        "comment_rate_log_sd": _log_sd_from_iqr(comment),
        "show_less_rate": float(np.median(dislike)),
        "social_proof_ref": float(np.median(np.log10(1.0 + np.array(list(last_views.values()))))),
    }


def kuairand_rates(path: Path | list[dict[str, str]]) -> dict[str, float]:
    """Click rate, watch ratio of clicked plays, its spread and its slope against video length."""
    rows = []
    for row in read_rows(path) if isinstance(path, Path) else path:
        duration = float(row["duration_ms"])
        if duration > 0:
            rows.append((int(row["is_click"]), float(row["play_time_ms"]), duration, row["video_id"]))
    clicked = np.array([r[0] for r in rows]) == 1
    play = np.array([r[1] for r in rows])
    duration = np.array([r[2] for r in rows])
    log_ratio = np.log(np.maximum(play[clicked], 1.0) / duration[clicked])
    slope = float(np.polyfit(np.log(duration[clicked]), log_ratio, 1)[0])
    per_video = {r[3]: r[2] for r in rows}
    return {
        "view_rate": float(clicked.mean()),
        "skip_s": float(np.median(play[~clicked]) / 1000.0),
        "watch_ratio": float(np.exp(np.median(log_ratio))),
        "watch_log_sd": float(np.std(log_ratio)),
        "watch_ratio_cap": float(np.exp(np.percentile(log_ratio, 95))),
        "length_slope": slope,
        "preferred_s": float(statistics.median(per_video.values()) / 1000.0),
    }


def build_params(data_dir: Path) -> dict:
    """The parameter file's content, computed from the data in data_dir."""
    yt, kr = data_dir / YOUTUBE, data_dir / KUAIRAND
    for path in (yt, kr):
        if not path.exists():
            raise FileNotFoundError(f"{path} is missing: point DATA_DIR at ../shared/data (PROVENANCE.md)")
    measured = {
        "like_rate": "median likes/views over the 7,992 snapshots of " + YT_SRC,
        "like_rate_log_sd": "log-scale spread from the IQR of likes/views, " + YT_SRC,
        "comment_rate": "median comment_total/views, " + YT_SRC,
        "comment_rate_log_sd": "log-scale spread from the IQR of comment_total/views, " + YT_SRC,
        "show_less_rate": "median dislikes/views (an explicit negative signal per impression), " + YT_SRC,
        "social_proof_ref": "median log10(1 + views) of each video's last snapshot, " + YT_SRC,
        "view_rate": "mean is_click, " + KR_SRC,
        "skip_s": "median play_time of plays not clicked (a skip still takes a moment), " + KR_SRC,
        "watch_ratio": "median play_time/duration of clicked plays, " + KR_SRC,
        "watch_log_sd": "sd of log(play_time/duration) of clicked plays, " + KR_SRC,
        "watch_ratio_cap": "95th percentile of play_time/duration of clicked plays (replays), " + KR_SRC,
        "length_slope": "OLS slope of log(play_time/duration) on log(duration), clicked plays, " + KR_SRC,
        "preferred_s": "median duration of the sample's videos, " + KR_SRC,
    }
    values = youtube_rates(yt) | kuairand_rates(kr)
    params = {name: {"value": round(values[name], 6), "source": src} for name, src in measured.items()}
    for name, (value, why) in PRIORS.items():
        params[name] = {"value": value, "source": PRIOR + why}
    mean = sum(_DAILY_SHAPE) / len(_DAILY_SHAPE)
    params["daily_activity"] = {
        "value": [round(v / mean, 4) for v in _DAILY_SHAPE],
        "source": PRIOR + "a mobile-app day: trough 3-5 h, evening peak 20-21 h local, mean 1",
    }
    for name, (lo, hi, why) in PRIOR_RANGES.items():
        params[name] |= {"range": [lo, hi], "range_source": why}
    content = {
        "about": "Persona brain parameters (simulator/brains/persona.py). Rates are per view unless "
        "the source says per impression.",
        "generated_by": "python -m simulator.brains.persona_priors",
        "data": {YOUTUBE: _sha256(yt), KUAIRAND: _sha256(kr)},
        "params": dict(sorted(params.items())),
    }
    PersonaParams.from_dict(content)  # refuse to write a file the loader would reject
    return content


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_dir = os.environ.get("RECOWORLD_SHARED_DATA", "/work/shared/data")
    parser.add_argument("data_dir", nargs="?", default=default_dir)
    parser.add_argument("--out", default=str(DEFAULT_PATH))
    args = parser.parse_args(argv)
    content = build_params(Path(args.data_dir))
    Path(args.out).write_text(json.dumps(content, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
