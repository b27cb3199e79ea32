import dataclasses
import json

import numpy as np
import pytest

from simulator.audiences import AudienceSpec
from simulator.bands import BAND_RERUNS, band, band_coverage, interval, t95
from simulator.reruns import RunSummary, summarise_reruns
from simulator.text.summaries import _n
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
    return [run_world(CONFIG, rerun=r) for r in range(5)]


def test_five_reruns_values_all_lie_inside_their_band(reruns):
    five = reruns[:5]
    s = summarise_reruns(five)
    for h in HORIZONS:
        for metric in ("views", "likes", "impressions"):
            f = s.figure(metric, h)
            values = [r.figures()[metric][h]["all"] for r in five]
            assert all(f["lo"] <= v <= f["hi"] for v in values), (metric, h, values, f)
    views = [r.figures()["views"]["24h"]["all"] for r in five]
    fig = s.figure("views", "24h")
    assert (fig["lo"], fig["hi"]) == (min(views), max(views))  # fewer than 19 reruns: their range
    half = t95(4) * np.std(views, ddof=1) / np.sqrt(5)  # the mean's interval, kept apart and named so
    assert fig["mean_hi"] == pytest.approx(fig["mean"] + half)
    assert fig["hi"] - fig["lo"] > fig["mean_hi"] - fig["mean_lo"]


def test_the_band_holds_ninety_percent_from_nineteen_reruns_and_drops_the_extremes_from_thirty_nine():
    assert BAND_RERUNS == 19 and band_coverage(19) == pytest.approx(0.9) and band_coverage(5) < 0.9
    values = np.arange(39.0)
    lo, hi = band(values)
    assert (lo, hi) == (1.0, 37.0) and band_coverage(39) == pytest.approx(0.9)
    assert band(np.arange(19.0)) == (0.0, 18.0)


def test_each_rerun_draws_a_new_population_and_new_parameters(reruns):
    from simulator.uncertainty import rerun_parameters
    from simulator.world import setup_population

    a, b = setup_population(CONFIG, 0), setup_population(CONFIG, 1)
    assert len(a) == len(b) and not np.array_equal(a.interests, b.interests)
    assert setup_population(CONFIG, 1).interests is b.interests  # built once per rerun
    p0, w0 = rerun_parameters(CONFIG.seed, 0)
    p1, w1 = rerun_parameters(CONFIG.seed, 1)
    assert p1 != p0 and w1 != w0 and (p1, w1) == rerun_parameters(CONFIG.seed, 1)


def test_figures_are_at_real_scale_unless_asked_otherwise(reruns):
    real = summarise_reruns(reruns).figure("impressions")["mean"]
    simulated = summarise_reruns(reruns, real_scale=False).figure("impressions")["mean"]
    assert real == pytest.approx(simulated * 30_000 / 1200)


def test_it_reports_the_bands_width_apart_from_the_precision_of_the_mean(reruns):
    t = summarise_reruns(reruns).tightening
    assert t["cv"] > 0 and t["band_width"] > 0 and t["mean_half_width"] > 0
    assert t["band_coverage"] == pytest.approx(band_coverage(5))


def test_the_plain_language_summary_is_built_from_the_numbers(reruns):
    s = summarise_reruns(reruns)
    text = " ".join(s.summary)
    v24 = s.figure("views", "24h")["mean"]
    assert "Over 5 reruns" in text and f"watched {_n(v24)} times in its first 24 hours" in text
    assert "Followers watch it" in text and "holds about 67% of simulated outcomes; 19 reruns" in text
    assert "doubling" not in text and "Most likely" not in text


def test_a_12_hour_run_speaks_of_12_hours_only():
    config = dataclasses.replace(CONFIG, horizon_hours=12.0)
    s = summarise_reruns([run_world(config, rerun=r) for r in range(2)])
    text = " ".join(s.summary)
    assert "12 hours" in text
    assert not any(words in text for words in ("24 hours", "a week", "2 days", "24-hour"))


def test_a_sample_says_simulated_users_and_real_scale_weights_say_people(reruns):
    weighted = " ".join(summarise_reruns(reruns).summary)  # 2,000 users stand for 30,000 followers
    assert "people on the platform" in weighted
    public = WorldConfig(audience=AudienceSpec(kind="general", size=2000), posts=CONFIG.posts, seed=9,
                         exposure="screening")  # fmt: skip
    sample = summarise_reruns([run_world(public, rerun=r) for r in range(2)])
    text = " ".join(sample.summary)
    assert not sample.weighted and "people on the platform" not in text and "simulated users" in text


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
    assert any("One rerun gives no band" in line for line in s.summary)


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
