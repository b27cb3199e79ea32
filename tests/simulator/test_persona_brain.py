import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from simulator.brains.base import ReactionRequest, ReflectionRequest
from simulator.brains.features import DecisionFeatures
from simulator.brains.persona import PersonaBrain
from simulator.brains.persona_params import DEFAULT_PATH, PersonaParams
from simulator.brains.persona_priors import build_params
from simulator.types import Context, Demographics, Item, ItemEffects, Mindset, Persona, Reaction, Turn

N = 20_000
SHARED_DATA = Path("/work/shared/data")


def features(n: int = N, **overrides) -> DecisionFeatures:
    """A batch of identical, middling impressions; tests vary one input at a time."""
    base = dict(
        interest_match=0.4,
        novelty=0.3,
        satiation=0.0,
        creator_fatigue=0.0,
        fatigue=0.1,
        boredom=0.0,
        length_s=40.0,
        preferred_s=40.0,
        watch_ratio=0.45,
        social_proof=5.0,
        hour_activity=1.0,
        like_rate=0.03,
        comment_rate=0.004,
        share_rate=0.003,
        follow_rate=0.002,
        follows_creator=False,
        from_share=False,
        position=0,
    )
    base.update(overrides)
    return DecisionFeatures(**{k: np.full(n, v) for k, v in base.items()})


def decide(seed: int = 0, **overrides):
    return PersonaBrain().decide_arrays(features(**overrides), np.random.default_rng(seed))


def test_same_seed_gives_the_same_outcome_and_another_seed_does_not():
    a, b, c = decide(7), decide(7), decide(8)
    for name in ("watch_s", "click", "like", "comment", "share", "follow", "show_less", "leave"):
        assert np.array_equal(getattr(a, name), getattr(b, name))
    assert not np.array_equal(a.watch_s, c.watch_s)


def test_higher_interest_match_means_more_views_likes_and_watch_time():
    low, high = decide(interest_match=0.1), decide(interest_match=0.9)
    assert high.click.mean() > low.click.mean() + 0.2
    assert high.like.mean() > 2 * low.like.mean()
    assert high.watch_s.mean() > low.watch_s.mean()


def test_a_video_far_longer_than_the_users_habit_gets_a_lower_watch_ratio():
    habit, long = decide(length_s=15.0, preferred_s=15.0), decide(length_s=300.0, preferred_s=15.0)
    ratio_habit = np.median(habit.watch_s[habit.click] / 15.0)
    ratio_long = np.median(long.watch_s[long.click] / 300.0)
    assert ratio_long < ratio_habit / 3
    assert long.click.mean() < habit.click.mean()


def test_skips_only_watch_nothing_and_actions_need_a_view():
    out = decide(interest_match=0.8)
    assert np.all(out.watch_s[~out.click] == 0) and np.all(out.watch_s[out.click] > 0)
    for name in ("like", "comment", "share", "follow"):
        assert not np.any(getattr(out, name) & ~out.click)
    assert (out.click & out.like).any()  # a watch and a like together, as in the paper's Table 2


def test_satiation_fatigue_boredom_and_creator_fatigue_each_lower_engagement():
    base = decide().click.mean()
    assert decide(satiation=0.9).click.mean() < base - 0.05
    assert decide(fatigue=0.9).click.mean() < base - 0.05
    assert decide(boredom=0.9).click.mean() < base - 0.05
    assert decide(creator_fatigue=4.0).click.mean() < base - 0.05
    assert decide(creator_fatigue=4.0).show_less.mean() > 3 * decide().show_less.mean()


def test_social_signals_raise_engagement():
    base = decide()
    assert decide(follows_creator=True).click.mean() > base.click.mean() + 0.05
    assert decide(from_share=True).click.mean() > base.click.mean() + 0.05
    assert decide(social_proof=8.0).click.mean() > decide(social_proof=2.0).click.mean()
    assert not decide(follows_creator=True).follow.any()  # already following


def test_time_of_day_and_propensities_matter():
    assert decide(hour_activity=1.7).click.mean() > decide(hour_activity=0.2).click.mean()
    assert decide(hour_activity=0.2).leave.mean() > decide(hour_activity=1.7).leave.mean()
    assert decide(like_rate=0.2).like.mean() > 3 * decide(like_rate=0.02).like.mean()


def test_novelty_attracts_explorers_and_repels_creatures_of_habit():
    explorer = decide(novelty=0.9, novelty_seeking=0.95).click.mean()
    homebody = decide(novelty=0.9, novelty_seeking=0.05).click.mean()
    assert explorer > homebody + 0.05


def test_fatigue_makes_users_leave():
    assert decide(fatigue=0.95).leave.mean() > 3 * decide(fatigue=0.0).leave.mean()


def test_batch_order_does_not_change_the_probabilities():
    brain = PersonaBrain()
    f = features()
    f.interest_match = np.linspace(0, 1, N)
    probs = brain.probabilities(f)["view"]
    flipped = brain.probabilities(f.take(np.arange(N)[::-1]))["view"]
    assert np.allclose(probs, flipped[::-1])


def persona(pid: int = 1, **interests) -> Persona:
    return Persona(
        id=pid, demographics=Demographics("25-34", "female", "US"), interests=interests or {"food": 1.0}
    )


def item(iid: str, topic: str, creator: str = "c1", duration: float = 40.0) -> Item:
    return Item(id=iid, creator_id=creator, kind="video", topics={topic: 1.0}, duration_s=duration)


def test_react_thinks_acts_and_updates_the_mindset_for_a_batch():
    brain = PersonaBrain()
    p = persona(food=0.7, travel=0.3)
    requests = [
        ReactionRequest(
            persona=p, item=item(f"i{k}", "food"), context=Context(), mindset=Mindset(), interests=p.interests
        )
        for k in range(200)
    ]
    reactions = brain.react(requests, np.random.default_rng(3))
    assert len(reactions) == 200 and all(isinstance(r, Reaction) for r in reactions)
    assert all(r.reasoning for r in reactions)
    watched = [r for r in reactions if r.click]
    assert watched and all("watched" in r.reasoning for r in watched)
    assert any(r.mindset.satisfaction > 0.5 for r in watched)
    assert brain.usage.decisions == 200
    assert [r.to_dict() for r in reactions] == [
        r.to_dict() for r in brain.react(requests, np.random.default_rng(3))
    ]


def test_sessions_apply_what_the_item_shows_and_says():
    brain = PersonaBrain()
    p = persona(food=1.0)

    def outcomes(effects: ItemEffects):
        items = [replace(item(f"i{k}", "food"), effects=effects) for k in range(4000)]
        requests = [
            ReactionRequest(persona=p, item=it, context=Context(), mindset=Mindset(), interests=p.interests)
            for it in items
        ]
        return brain.react(requests, np.random.default_rng(5))

    plain, liked = outcomes(ItemEffects()), outcomes(ItemEffects(view=1.5, like=2.0, watch=1.3))
    assert sum(r.click for r in liked) > sum(r.click for r in plain)
    assert sum(r.like for r in liked) > 1.5 * sum(r.like for r in plain)
    assert np.mean([r.watch_s for r in liked if r.click]) > np.mean([r.watch_s for r in plain if r.click])


def test_reflection_names_the_topic_the_feed_overdid():
    brain = PersonaBrain()
    p = persona(food=0.6, travel=0.4)
    items = {f"i{k}": item(f"i{k}", "food") for k in range(8)}
    turn = Turn(
        items=list(items),
        reactions=[Reaction(user_id=1, item_id=i, reasoning="", watch_s=0.0) for i in items],
    )
    request = ReflectionRequest(
        persona=p,
        context=Context(),
        mindset=Mindset(boredom=0.6),
        interests=p.interests,
        last_turn=turn,
        items=items,
    )
    reflections = brain.reflect([request] * 400, np.random.default_rng(1))
    instructed = [r for r in reflections if r.instruction]
    assert 0 < len(instructed) < 400  # some instruct, some just exit
    assert instructed[0].instruction.startswith("Too much food, show me something different but related")
    assert "travel" in instructed[0].instruction
    assert any("too much food" in reason for reason in reflections[0].reasons)


def test_tired_users_exit_without_instructions_more_often():
    brain = PersonaBrain()
    p = persona()
    items = {"a": item("a", "food")}
    turn = Turn(items=["a"], reactions=[Reaction(user_id=1, item_id="a", reasoning="")])

    def instructed(mindset: Mindset) -> int:
        req = ReflectionRequest(
            persona=p, context=Context(), mindset=mindset, interests=p.interests, last_turn=turn, items=items
        )
        return sum(r.instruction is not None for r in brain.reflect([req] * 1000, np.random.default_rng(2)))

    assert instructed(Mindset(fatigue=0.95)) < instructed(Mindset(fatigue=0.0)) - 100


def test_the_parameter_file_gives_every_value_a_source():
    data = json.loads(DEFAULT_PATH.read_text())
    assert all(entry["source"] for entry in data["params"].values())
    params = PersonaParams.load()
    assert 0 < params.like_rate < 0.2 and params.length_slope < 0
    assert np.isclose(np.mean(params.daily_activity), 1.0, atol=1e-3)


def test_a_parameter_file_missing_a_value_is_refused_with_its_name(tmp_path):
    data = json.loads(DEFAULT_PATH.read_text())
    del data["params"]["like_rate"]
    path = tmp_path / "params.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="like_rate"):
        PersonaParams.load(path)


def test_a_different_parameter_file_changes_the_brain(tmp_path):
    data = json.loads(DEFAULT_PATH.read_text())
    data["params"]["view_rate"]["value"] = 0.6
    path = tmp_path / "params.json"
    path.write_text(json.dumps(data))
    brain = PersonaBrain(PersonaParams.load(path))
    assert (
        brain.decide_arrays(features(), np.random.default_rng(0)).click.mean() > decide().click.mean() + 0.2
    )
    assert replace(brain.params, view_rate=0.17).view_rate == 0.17


@pytest.mark.skipif(not SHARED_DATA.exists(), reason="needs ../shared/data (PROVENANCE.md)")
def test_the_priors_are_computed_from_the_real_data():
    content = build_params(SHARED_DATA)
    params = PersonaParams.from_dict(content)
    # YouTube trending 2017: median like/view about 3%, comment/view about 0.35% (PROVENANCE.md).
    assert 0.025 < params.like_rate < 0.035
    assert 0.003 < params.comment_rate < 0.0045
    # KuaiRand: plays of long videos cover a smaller share of them.
    assert params.length_slope < -0.5
    assert set(content["data"]) == {"youtube_trending_us_2017.csv", "kuairand_1k_sample200.csv"}
