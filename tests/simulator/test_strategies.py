import pytest

from simulator.audiences import AudienceSpec
from simulator.strategies import audience_utc_offset, compare_strategies, compare_variants, schedule
from simulator.types import Item

ITEM = Item(id="tip", creator_id="me", kind="video", duration_s=30.0, topics={"fitness": 1.0})
FOLLOWERS = AudienceSpec(kind="followers", size=3000, profile={"niche": "fitness", "follower_count": 20_000})


def test_schedules_place_posts_at_local_times_within_the_span():
    daily = schedule("daily-18h", [ITEM], 168, utc_offset_h=-5.0)
    assert [p.at_hours for p in daily] == [23.0 + 24 * d for d in range(7)]
    three = schedule("3-a-day", [ITEM], 48, utc_offset_h=0.0)
    assert [p.at_hours for p in three] == [9, 13, 19, 33, 37, 43]
    assert len({p.item.id for p in three}) == 6
    assert len(schedule("2-a-week", [ITEM], 168)) == 2
    with pytest.raises(ValueError, match="not one of"):
        schedule("hourly", [ITEM], 168)


def test_the_audience_time_zone_is_its_median_offset():
    us = AudienceSpec(kind="slice", size=200, filters={"country": ["US"]})
    assert audience_utc_offset(us, 1) == -5.0


def test_three_posts_a_day_build_more_fatigue_than_one():
    c = compare_strategies(
        FOLLOWERS, [ITEM], ["daily-18h", "3-a-day"], seed=1, runs=5, span_hours=168, post_horizon_hours=24
    )
    daily, three = c.rows["daily-18h"], c.rows["3-a-day"]
    assert three["posts"]["mean"] == 3 * daily["posts"]["mean"]
    # the direction, not a ratio: a rerun's drawn pace changes how many impressions meet a fresh post
    assert three["creator_fatigue_per_impression"]["mean"] > daily["creator_fatigue_per_impression"]["mean"]
    assert three["view_rate"]["mean"] < daily["view_rate"]["mean"]
    assert three["views_per_post"]["mean"] < daily["views_per_post"]["mean"]
    assert three["engagements_per_post"]["mean"] < daily["engagements_per_post"]["mean"]
    assert three["unfollows"]["mean"] > daily["unfollows"]["mean"]
    assert three["net_followers"]["mean"] < daily["net_followers"]["mean"]
    assert len(c.summary) == 3


def test_variants_share_random_numbers_so_their_difference_is_tight():
    other = Item(
        id="tip-b", creator_id="me", kind="video", duration_s=30.0, topics={"fitness": 0.5, "autos": 0.5}
    )
    c = compare_variants(FOLLOWERS, {"A": ITEM, "B": other}, seed=2, runs=3, horizon_hours=24)
    diff = c.rows["B - A"]["views_per_post"]
    assert diff["hi"] < 0  # the off-topic caption loses views, and the interval says so
    assert diff["sd"] < c.rows["A"]["views_per_post"]["sd"] + c.rows["B"]["views_per_post"]["sd"]
    assert "'B' gets fewer views than 'A'" in c.summary[0]
    same = compare_variants(FOLLOWERS, {"A": ITEM, "A again": ITEM}, seed=2, runs=2, horizon_hours=24)
    assert same.rows["A again - A"]["views_per_post"]["mean"] == 0.0
