import json
import threading

import numpy as np
import pytest

from simulator.audiences import AudienceSpec
from simulator.exchange import DirectoryExchange
from simulator.taxonomy import TOPIC_INDEX
from simulator.types import Item
from simulator.world import (
    HORIZONS,
    METRICS,
    SEGMENTS,
    PostSpec,
    ShardResult,
    WorldConfig,
    merge_shards,
    run_world,
    run_world_shard,
)
from simulator.world.shard import Shard, merge_messages

FOLLOWERS = AudienceSpec(kind="followers", size=8000, profile={"niche": "fitness", "follower_count": 40_000})


def _item(topic: str, item_id: str = "draft") -> Item:
    return Item(
        id=item_id,
        creator_id="me",
        kind="video",
        duration_s=30.0,
        caption=f"{topic} tips",
        topics={topic: 1.0},
    )


def _config(audience=FOLLOWERS, topic="fitness", seed=5, horizon=168.0, **kw) -> WorldConfig:
    return WorldConfig(
        audience=audience,
        posts=[PostSpec(item=_item(topic), at_hours=18.0)],
        horizon_hours=horizon,
        seed=seed,
        **kw,
    )


@pytest.fixture(scope="module")
def followers_run():
    return run_world(_config())


def test_the_same_config_and_seed_give_the_same_curves_and_another_rerun_does_not(followers_run):
    again = run_world(_config())
    np.testing.assert_array_equal(followers_run.counts, again.counts)
    np.testing.assert_array_equal(followers_run.timeline, again.timeline)
    assert followers_run.samples == again.samples
    other = run_world(_config(), rerun=1)
    assert not np.array_equal(followers_run.counts, other.counts)


def test_curves_are_cumulative_and_never_fall(followers_run):
    assert np.all(np.diff(followers_run.counts, axis=1) >= 0)
    assert np.all(followers_run.timeline >= 0)
    figures = followers_run.figures()
    for metric in ("impressions", "views", "unique_viewers", "watch_time_s", "likes", "shares"):
        values = [figures[metric][h]["all"] for h in HORIZONS]
        assert values == sorted(values), metric
    assert figures["views"]["1w"]["all"] > 0
    views = followers_run.curve("views", real_scale=False)
    assert views[-1] == followers_run.figures(real_scale=False)["views"]["1w"]["all"]


def test_figures_are_consistent_with_each_other(followers_run):
    f = followers_run.figures(real_scale=False)["1w" and "views"]["1w"]
    assert f["all"] == sum(f[s] for s in SEGMENTS if s.startswith("gender:"))
    assert f["all"] == f["follower:yes"] + f["follower:no"]
    fig = followers_run.figures(real_scale=False)
    assert fig["unique_viewers"]["1w"]["all"] <= fig["views"]["1w"]["all"] <= fig["impressions"]["1w"]["all"]
    assert 0 < fig["completion_rate"]["1w"]["all"] <= 1
    assert set(METRICS) <= set(fig)


def test_results_are_reported_at_the_real_scale_of_the_followers(followers_run):
    real = followers_run.figures()["impressions"]["1w"]["all"]
    simulated = followers_run.figures(real_scale=False)["impressions"]["1w"]["all"]
    assert real == pytest.approx(simulated * 40_000 / 4800)


def test_a_draft_that_matches_the_audience_beats_one_that_does_not():
    fans = AudienceSpec(kind="slice", size=3000, filters={"interests": ["fitness"]})
    # screening: every member meets the draft, so the reactions are many enough to compare
    match = run_world(_config(fans, "fitness", exposure="screening")).figures()
    miss = run_world(_config(fans, "autos", exposure="screening")).figures()
    assert match["views"]["1w"]["all"] > 2 * miss["views"]["1w"]["all"]
    assert match["likes"]["1w"]["all"] > miss["likes"]["1w"]["all"]


def test_followers_react_sooner_than_non_followers(followers_run):
    views = followers_run.figures(real_scale=False)["views"]
    assert views["1w"]["follower:no"] > 0
    early = {}
    for seg in ("follower:yes", "follower:no"):
        curve = followers_run.curve("views", segment=seg, real_scale=False)
        assert curve[-1] == views["1w"][seg]
        early[seg] = curve[0] / curve[-1]  # share of the week's views in the first hour
    assert early["follower:yes"] > early["follower:no"]


def test_shares_bring_the_post_to_people_outside_the_follower_set(followers_run):
    f = followers_run.figures(real_scale=False)
    assert f["shares"]["1w"]["all"] > 0
    assert f["from_shares"]["1w"]["follower:no"] > 0


def test_sharded_result_equals_the_unsharded_one(followers_run):
    sharded = run_world(_config(), shard_count=3)
    np.testing.assert_array_equal(sharded.counts, followers_run.counts)
    np.testing.assert_array_equal(sharded.timeline, followers_run.timeline)
    np.testing.assert_array_equal(sharded.watch_hist, followers_run.watch_hist)
    assert sharded.samples == followers_run.samples
    assert sharded.users == followers_run.users == 8000


def test_a_later_rerun_draws_its_population_and_parameters_the_same_in_every_shard():
    config = _config(horizon=24.0)
    whole, sharded = run_world(config, rerun=2), run_world(config, rerun=2, shard_count=3)
    np.testing.assert_array_equal(sharded.counts, whole.counts)
    assert sharded.samples == whole.samples
    assert not np.array_equal(whole.counts, run_world(config, rerun=0).counts)


def test_variants_run_the_same_drawn_population_and_parameters_within_a_rerun():
    a = Shard(_config(horizon=6.0), 3, 0, 1)
    b = Shard(_config(topic="travel", horizon=6.0), 3, 0, 1)  # another draft, same seed and rerun
    assert a.setup is b.setup and a.params == b.params and a.brain.params == b.brain.params


def test_shards_in_separate_workers_swap_messages_through_a_directory(tmp_path):
    config = _config(horizon=24.0)
    results: dict[int, ShardResult] = {}

    def work(i: int) -> None:
        exchange = DirectoryExchange(path=tmp_path / "exchange", parties=2, timeout_s=60)
        results[i] = run_world_shard(config, rerun=0, shard_index=i, shard_count=2, exchange=exchange)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    merged = merge_shards([results[1], results[0]])
    alone = run_world_shard(config)
    np.testing.assert_array_equal(merged.counts, alone.counts)
    # without an exchange, a shard steps the others itself and still gets its own part right
    np.testing.assert_array_equal(
        run_world_shard(config, shard_index=1, shard_count=2).counts, results[1].counts
    )


def test_a_raising_progress_callback_stops_the_shard():
    seen = []

    def progress(fraction: float) -> None:
        seen.append(fraction)
        if fraction > 0.1:
            raise RuntimeError("cancelled")

    with pytest.raises(RuntimeError, match="cancelled"):
        run_world_shard(_config(horizon=24.0), on_progress=progress)
    assert 0 < seen[-1] < 0.2


def test_shard_results_round_trip_through_json(followers_run):
    data = json.loads(json.dumps(followers_run.to_dict()))
    back = ShardResult.from_dict(data)
    np.testing.assert_array_equal(back.counts, followers_run.counts)
    assert back.samples == followers_run.samples and back.brain_usage == followers_run.brain_usage


def test_sample_reactions_say_who_did_what_and_why(followers_run):
    samples = followers_run.samples
    assert 0 < len(samples) <= 40
    s = samples[0]
    assert {"persona", "item_id", "action", "watch_s", "reasoning", "comment", "instruction"} <= set(s)
    assert s["reasoning"].endswith(".") and " in " in s["persona"]


def test_merge_refuses_an_incomplete_set_of_shards():
    part = run_world_shard(_config(horizon=6.0), shard_index=0, shard_count=2)
    with pytest.raises(ValueError, match="do not make a whole run"):
        merge_shards([part])


def test_a_users_interests_move_toward_posts_they_engage_with():
    shard = Shard(_config(horizon=12.0), rerun=0, shard_index=0, shard_count=1)
    for w in range(30):
        shard.receive(merge_messages([shard.run_window(w)]))
    fitness = TOPIC_INDEX["fitness"]
    engaged = shard.viewed[:, 0]
    skipped = (shard.impressions[:, 0] > 0) & ~engaged
    assert engaged.any() and skipped.any()
    drift = shard.interests[:, fitness] - shard.base_interests[:, fitness]
    # the catalogue items scrolled before the post move interests too, so not every user moves
    assert np.mean(drift[engaged] > 0) > 0.9 and np.mean(drift[skipped] < 0) > 0.8
    # the feed sessions' catalogue items move interests too; a user who had none keeps the stated ones
    no_session = shard.feeds.profile_at == 0
    assert no_session.any() and np.all(drift[no_session] == 0)
    assert shard.setup.pop.interests is not shard.interests


def test_invalid_configs_explain_themselves():
    config = WorldConfig(
        audience=AudienceSpec(kind="general", size=0), posts=[], horizon_hours=500, brain="oracle"
    )
    problems = " ".join(config.validate())
    for fragment in ("size must be", "at least one post", "horizon_hours", "'oracle'"):
        assert fragment in problems
    with pytest.raises(ValueError):
        run_world_shard(config)


def test_a_screening_shows_the_post_once_to_nearly_everyone_and_organic_reach_does_not():
    public = AudienceSpec(kind="general", size=3000)
    organic = run_world(_config(public, topic="food", horizon=48.0))
    screened = run_world(_config(public, topic="food", horizon=48.0, exposure="screening"))
    users = 3000
    assert organic.counted("impressions", horizon="2d") < 0.05 * users
    # everyone who opens the app within two days and scrolls to it: nearly the whole audience, once
    assert screened.counted("impressions", horizon="2d") > 0.8 * users
    assert screened.counted("views", horizon="2d") > 10 * max(organic.counted("views", horizon="2d"), 1)
    sharded = run_world(_config(public, topic="food", horizon=48.0, exposure="screening"), shard_count=3)
    np.testing.assert_array_equal(screened.counts, sharded.counts)
    assert "exposure must be one of" in " ".join(_config(exposure="broadcast").validate())


def test_an_items_effects_move_its_reactions_in_their_direction(followers_run):
    from simulator.types import ItemEffects

    config = _config()
    config.posts[0].item.effects = ItemEffects(like=2.0, view=1.5)
    boosted = run_world(config)
    assert boosted.counted("views") > followers_run.counted("views")
    like_rate = lambda r: r.counted("likes") / r.counted("views")  # noqa: E731
    assert like_rate(boosted) > 1.5 * like_rate(followers_run)
