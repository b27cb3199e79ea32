import json

from simulator.memory import EngagementMemory, SessionSummary, context_affinity
from simulator.types import Context, Item, Reaction

EVENING = Context(hour_of_day=20.0, device="mobile")
MORNING_DESKTOP = Context(hour_of_day=8.0, device="desktop")


def item(k: int, topic: str = "food", creator: str | None = None) -> Item:
    return Item(
        id=f"i{k}",
        creator_id=creator or f"c{k % 50}",
        kind="video",
        caption=f"video {k}",
        topics={topic: 1.0},
    )


def reaction(k: int, *, watch: float = 20.0, like: bool = False, share: bool = False) -> Reaction:
    return Reaction(
        user_id=1, item_id=f"i{k}", reasoning="", watch_s=watch, click=watch > 0, like=like, share=share
    )


def test_importance_depends_on_the_action_and_on_how_alike_the_contexts_are():
    memory = EngagementMemory()
    memory.record(reaction(1, share=True), item(1), EVENING, now_h=0.0)
    memory.record(reaction(2), item(2), EVENING, now_h=0.0)
    shared, watched = memory.entries
    assert memory.importance(shared, EVENING, 0.0) > memory.importance(watched, EVENING, 0.0)
    assert memory.importance(shared, EVENING, 0.0) > memory.importance(shared, MORNING_DESKTOP, 0.0)
    assert context_affinity(20.0, "mobile", EVENING) == 1.0
    # and fades with time (eq. 2's recency)
    assert memory.importance(shared, EVENING, 24 * 7) < memory.importance(shared, EVENING, 0.0) / 2


def test_only_interactions_above_the_retention_threshold_are_kept():
    memory = EngagementMemory(threshold=0.2)
    kept_skip = memory.record(reaction(1, watch=0.0), item(1), EVENING, now_h=0.0)
    kept_like = memory.record(reaction(2, like=True), item(2), EVENING, now_h=0.0)
    assert not kept_skip and kept_like
    assert [e.action for e in memory.entries] == ["like"]
    assert memory.seen == 2


def test_memory_stays_bounded_for_10000_interactions():
    memory = EngagementMemory(capacity=200)
    for k in range(10_000):
        topic = "food" if k % 3 else "travel"
        memory.record(reaction(k, like=k % 7 == 0), item(k, topic, creator=f"c{k}"), EVENING, now_h=k * 0.01)
        if k % 50 == 49:
            memory.end_session(SessionSummary(k * 0.01, 50, 40, 600.0, 5, 1, [topic]))
    assert len(memory.entries) <= 2 * memory.capacity
    assert len(memory.creators) <= 4 * memory.capacity
    assert len(memory.sessions) == memory.sessions.maxlen
    assert memory.totals["sessions"] == 200 and memory.totals["items"] == 10_000
    assert len(memory.summary(EVENING, 100.0)) < 600
    assert len(json.dumps(memory.to_dict())) < 150_000
    familiar = memory.familiar_topics()
    assert familiar["food"] > familiar["travel"] > 0


def test_a_long_history_keeps_the_same_size_as_a_short_one():
    short, long = EngagementMemory(capacity=200), EngagementMemory(capacity=200)
    for k in range(200):
        short.record(reaction(k), item(k), EVENING, now_h=k * 0.01)
    for k in range(10_000):
        long.record(reaction(k), item(k), EVENING, now_h=k * 0.01)
    assert len(long.entries) <= 2 * len(short.entries)
    assert long.topic_profile.shape == short.topic_profile.shape


def test_the_most_important_memories_are_retrieved_first():
    memory = EngagementMemory()
    memory.record(reaction(1), item(1), EVENING, now_h=0.0)
    memory.record(reaction(2, share=True), item(2, "travel"), EVENING, now_h=0.0)
    top = memory.retrieve(EVENING, now_h=0.0, k=1)
    assert top[0].action == "share" and top[0].topic == "travel"


def test_creator_fatigue_counts_recent_posts_and_decays_over_days():
    memory = EngagementMemory()
    for k in range(4):
        memory.record(reaction(k), item(k, creator="chef"), EVENING, now_h=1.0)
    assert memory.creator_seen("chef", 1.0) == 4
    assert memory.creator_seen("chef", 49.0) == 1.0  # two half-lives of a day
    assert memory.creator_seen("someone else", 1.0) == 0.0


def test_session_summaries_say_what_happened_in_words():
    memory = EngagementMemory()
    memory.record(reaction(1, like=True), item(1), EVENING, now_h=0.0)
    memory.end_session(SessionSummary(0.0, 12, 7, 300.0, 2, 0, ["food", "travel"], ["More travel, please"]))
    text = memory.summary(EVENING, 1.0)
    assert "Over 1 past sessions watched 7 of 12 items" in text
    assert "food" in text and "More travel, please" in text and 'liked "video 1"' in text


def test_the_summary_counts_the_past_weeks_viewing_by_topic():
    memory = EngagementMemory()
    memory.end_session(
        SessionSummary(0.0, 20, 12, 300.0, 1, 0, ["nature"], topic_counts={"nature": 10, "food": 2})
    )
    memory.end_session(SessionSummary(30.0, 5, 3, 60.0, 0, 0, ["nature"], topic_counts={"nature": 3}))
    assert "In the past 7 days (2 sessions) watched 13 nature, 2 food videos." in memory.summary(
        EVENING, 40.0
    )
    assert "past 7 days" not in memory.summary(EVENING, 400.0)  # older than a week


def test_memory_round_trips_through_json():
    memory = EngagementMemory()
    for k in range(30):
        memory.record(reaction(k, like=k % 4 == 0), item(k), EVENING, now_h=k * 0.1)
    memory.end_session(SessionSummary(0.0, 30, 30, 600.0, 8, 0, ["food"]))
    again = EngagementMemory.from_dict(json.loads(json.dumps(memory.to_dict())))
    assert again.to_dict() == memory.to_dict()
    assert again.summary(EVENING, 5.0) == memory.summary(EVENING, 5.0)


def test_follows_are_remembered_so_later_posts_come_from_a_followed_creator():
    memory = EngagementMemory(capacity=3)
    followed = Reaction(user_id=1, item_id="i1", reasoning="", watch_s=9.0, click=True, follow=True)
    memory.record(followed, item(1, creator="chef"), EVENING, now_h=0.0)
    assert memory.following == ["chef"]
    for k in range(2, 6):
        memory.record(followed, item(k, creator=f"c{k}"), EVENING, now_h=0.0)
    assert memory.following == ["c3", "c4", "c5"]  # bounded, the oldest forgotten
    assert EngagementMemory.from_dict(memory.to_dict()).following == memory.following
