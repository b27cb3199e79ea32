"""The world's feed sessions: users scroll the platform recommender's lists, instruct it when they
leave, and it follows them in that user's later lists (simulator.world.feeds)."""

import numpy as np
import pytest

from simulator.audiences import AudienceSpec
from simulator.recommenders.parser import parse_instruction
from simulator.taxonomy import TOPIC_INDEX, TOPICS
from simulator.types import Item
from simulator.world import PostSpec, WorldConfig, run_world
from simulator.world.feeds import ANSWERS, INSTRUCTION_KINDS
from simulator.world.shard import Shard, merge_messages

SAMPLE = AudienceSpec(kind="general", size=3000)
POST = Item(id="draft", creator_id="me", kind="video", duration_s=34.0, topics={"comedy": 0.7, "music": 0.3})


def _config(recommender="instruction_following", **kw) -> WorldConfig:
    return WorldConfig(
        audience=SAMPLE,
        posts=[PostSpec(item=POST, at_hours=18.0)],
        seed=3,
        exposure="screening",
        recommender=recommender,
        **kw,
    )


def _shard(config: WorldConfig, windows: int) -> Shard:
    shard = Shard(config, rerun=0, shard_index=0, shard_count=1)
    for w in range(windows):
        shard.receive(merge_messages([shard.run_window(w)]))
    return shard


@pytest.fixture(scope="module")
def week():
    return _shard(_config(), 24 * 8)


def test_feed_sessions_decide_who_gets_to_the_post_and_instructions_are_given(week):
    feed = week.result().feed
    assert feed["sessions"] > 1000 and feed["items"] > feed["sessions"]  # lists were scrolled
    assert 0 < feed["left_before"] < feed["sessions"]  # some left before reaching the post
    assert 0 < feed["ranked_out"] < feed["sessions"]  # some had told the feed to rank it out of reach
    assert feed["instructions"].sum() > 0 and feed["instructed_users"] > 0
    assert feed["instructions"].shape == (1, 168, len(INSTRUCTION_KINDS), len(ANSWERS))


def test_an_instruction_moves_the_post_in_that_users_ranking_the_way_it_asked(week):
    """'less <a topic of the post>' ranks the post lower for that user; 'more' of one it lacks too."""
    checked = 0
    for e in week.result().feed["examples"]:
        plan = parse_instruction(e["text"])
        post_topics = {t for t, w in POST.topics.items() if w >= 0.3}
        if set(plan.less_topics) & post_topics and not set(plan.more_topics) & post_topics:
            assert e["rank_after"] > e["rank_before"], e
            checked += 1
        elif plan.more_topics and not set(plan.more_topics) & set(POST.topics) and not plan.less_topics:
            assert e["rank_after"] >= e["rank_before"], e
            checked += 1
    assert checked


def test_the_next_list_of_a_user_who_instructed_follows_the_instruction(week):
    """A user who said 'less X' gets lists with less of X than the same user's unplanned ranking."""
    feeds = week.feeds
    users = [u for u, plan in feeds.plans.items() if plan.less_topics]
    assert users
    drops = []
    for u in users[:40]:
        less = [TOPIC_INDEX[t] for t in feeds.plans[u].less_topics]
        a = np.array([u])
        feeds.batch.start(
            np.array([0]),
            user_ids=a,
            interests=week.base_interests[a],
            habits=feeds.habits.take(a),
            hours=np.array([20.0]),
            keys=np.array([u], np.uint64),
        )
        post_row = np.array([feeds.first_post])
        planned = feeds._lists(np.array([0]), a, post_row, np.array([False]))[0]
        plan = feeds.plans.pop(u)
        plain = feeds._lists(np.array([0]), a, post_row, np.array([False]))[0]
        feeds.plans[u] = plan
        share = [feeds.index.topics[lst[lst >= 0]][:, less].sum() for lst in (planned, plain)]
        drops.append((share[0] - share[1], share[1]))
    drop, plain = np.array(drops).T
    # a list may keep an item that carries a little of X beside much of a wanted topic; overall, X goes
    assert (plain + drop).sum() < 0.5 * plain.sum()
    assert (plain > 0).sum() >= 5 and np.mean(drop[plain > 0] < 0) > 0.8


def test_memory_stays_bounded_over_a_week(week):
    feeds = week.feeds
    assert len(feeds.plans) <= week.n
    for plan in feeds.plans.values():  # a plan accumulates, but over a finite vocabulary
        assert len(plan.more_topics) + len(plan.less_topics) <= len(TOPICS)
        assert not plan.more_creators and not plan.less_creators or len(plan.less_creators) < 50
    assert feeds.profile.shape == (week.n, len(TOPICS)) and feeds.batch.n <= 2 * week.n
    assert len(feeds.examples) <= 20


def test_a_traditional_platform_hears_instructions_and_changes_nothing():
    shard = _shard(_config(recommender="traditional"), 24 * 2)
    feed = shard.result().feed
    assert feed["instructions"].sum() > 0
    assert feed["instructed_users"] == 0 and not shard.feeds.plans
    assert feed["instructions"][..., [0, 2]].sum() == 0  # the post's rank never moved


def test_feeds_are_the_same_whatever_the_sharding_and_for_the_same_seed():
    config = _config(horizon_hours=24.0)
    one, three, again = run_world(config), run_world(config, shard_count=3), run_world(config)
    for other in (three, again):
        np.testing.assert_array_equal(one.counts, other.counts)
        np.testing.assert_array_equal(one.feed["instructions"], other.feed["instructions"])
        assert one.feed["examples"] == other.feed["examples"]
        assert one.feed["sessions"] == other.feed["sessions"]


def test_an_unknown_recommender_is_refused_with_its_name():
    assert any("recommender must be one of" in p for p in _config(recommender="magic").validate())
