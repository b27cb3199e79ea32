import json

import numpy as np
import pytest

from simulator.audiences import AudienceSpec
from simulator.reruns import RunSummary, interval, summarise_reruns, t95
from simulator.types import Item
from simulator.world import HORIZONS, PostSpec, WorldConfig, run_world

CONFIG = WorldConfig(
    audience=AudienceSpec(kind="followers", size=2000, profile={"niche": "food", "follower_count": 30_000}),
    posts=[
        PostSpec(
            item=Item(id="d", creator_id="me", kind="video", duration_s=25.0, topics={"food": 1.0}),
            at_hours=18,
        )
    ],
    seed=9,
)


@pytest.fixture(scope="module")
def reruns():
    return [run_world(CONFIG, rerun=r) for r in range(4)]


def test_every_figure_has_a_mean_inside_its_90_percent_interval(reruns):
    s = summarise_reruns(reruns)
    views = [r.figures()["views"]["24h"]["all"] for r in reruns]
    fig = s.figure("views", "24h")
    assert fig["mean"] == pytest.approx(np.mean(views))
    half = t95(3) * np.std(views, ddof=1) / 2
    assert fig["lo"] == pytest.approx(fig["mean"] - half) and fig["hi"] == pytest.approx(fig["mean"] + half)
    for h in HORIZONS:
        f = s.figure("impressions", h, "follower:yes")
        assert f["lo"] <= f["mean"] <= f["hi"]


def test_figures_are_at_real_scale_unless_asked_otherwise(reruns):
    real = summarise_reruns(reruns).figure("impressions")["mean"]
    simulated = summarise_reruns(reruns, real_scale=False).figure("impressions")["mean"]
    assert real == pytest.approx(simulated * 30_000 / 1200)


def test_it_reports_how_much_more_reruns_would_tighten_the_interval(reruns):
    t = summarise_reruns(reruns).tightening
    assert t["cv"] > 0 and 0 < t["half_width_doubled"] < t["half_width_now"]
    assert t["narrower_by_doubling"] == pytest.approx(1 - t["half_width_doubled"] / t["half_width_now"])
    assert t["runs_for_5_percent"] >= t["runs_for_10_percent"] >= 4


def test_the_plain_language_summary_is_built_from_the_numbers(reruns):
    s = summarise_reruns(reruns)
    text = " ".join(s.summary)
    v24 = s.figure("views", "24h")["mean"]
    assert "Over 4 runs" in text and f"{round(v24, -2):,.0f}" in text
    assert "Followers watch it" in text and "interval on 24-hour views" in text


def test_per_post_figures_and_curves_come_with_the_summary(reruns):
    s = summarise_reruns(reruns)
    assert [p["item_id"] for p in s.posts] == ["d"]
    assert s.posts[0]["figures"]["views"]["1w"]["mean"] == pytest.approx(s.figure("views")["mean"])
    curve = s.curves["views"]["mean"]
    assert len(curve) == 168 and curve == sorted(curve)
    assert curve[-1] == pytest.approx(s.figure("views")["mean"])
    back = RunSummary.from_dict(json.loads(json.dumps(s.to_dict())))
    assert back.summary == s.summary and back.figure("likes") == s.figure("likes")


def test_one_run_gives_a_point_and_says_so(reruns):
    s = summarise_reruns(reruns[:1])
    f = s.figure("views")
    assert f["lo"] == f["mean"] == f["hi"]
    assert any("One run gives no interval" in line for line in s.summary)


def test_interval_of_constant_values_has_no_width():
    mean, lo, hi, sd = interval(np.array([3.0, 3.0, 3.0]))
    assert mean == lo == hi == 3.0 and sd == 0.0


def test_rates_are_read_only_from_enough_simulated_views(reruns):
    enough = summarise_reruns(reruns)
    assert enough.simulated_views >= 30 and "of views liked" in " ".join(enough.summary)
    public = WorldConfig(audience=AudienceSpec(kind="general", size=3000), posts=CONFIG.posts, seed=9)
    few = summarise_reruns([run_world(public, rerun=r) for r in range(2)])
    text = " ".join(few.summary)
    assert few.simulated_views < 30 and "screen the post to a sample of the public" in text
    assert "of views liked" not in text and "does best with" not in text
