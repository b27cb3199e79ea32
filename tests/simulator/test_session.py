import json

import numpy as np
import pytest

from simulator.audiences import sample_population
from simulator.brains.persona import PersonaBrain
from simulator.brains.persona_params import PersonaParams
from simulator.catalogue import CatalogueIndex, default_index
from simulator.human import HumanSession
from simulator.recommenders import make_recommender
from simulator.rewards import instructs_at_first_leave, mean_rewards, session_reward
from simulator.session import SessionConfig, SessionState, run_sessions
from simulator.taxonomy import TOPIC_INDEX
from simulator.types import Demographics, Item, Mindset, Persona, Reaction, Reflection, Trajectory

CATALOGUE = default_index()
PEOPLE = sample_population(60, 11)


def play(recommender: str = "instruction_following", *, people=PEOPLE, seed: int = 3, **config):
    return run_sessions(
        people,
        make_recommender(recommender, CATALOGUE),
        PersonaBrain(),
        CATALOGUE,
        seed=seed,
        config=SessionConfig(**config),
    )


def test_the_same_seed_gives_the_same_trajectories_and_another_seed_does_not():
    a, b, c = play(seed=3), play(seed=3), play(seed=4)
    assert [t.to_dict() for t in a] == [t.to_dict() for t in b]
    assert [t.to_dict() for t in a] != [t.to_dict() for t in c]


def test_a_users_session_does_not_depend_on_who_else_is_simulated():
    alone = play(people=PEOPLE[5:6])[0]
    together = play()[5]
    assert alone.to_dict() == together.to_dict()


def test_trajectories_record_every_list_reaction_and_reflection_and_round_trip_through_json():
    for t in play():
        assert t.turns and all(turn.items for turn in t.turns)
        for turn in t.turns:
            assert 0 < len(turn.reactions) <= len(turn.items)
            assert [r.item_id for r in turn.reactions] == turn.items[: len(turn.reactions)]
            assert all(r.reasoning and r.brain == "persona" for r in turn.reactions)
        again = Trajectory.from_dict(json.loads(json.dumps(t.to_dict())))
        assert again == t


def test_multi_turn_sessions_end_by_leaving_or_at_a_cap_and_go_on_after_instructions():
    trajectories = play(max_turns=3)
    reasons = {t.end_reason for t in trajectories}
    assert reasons <= {"left", "turn_cap", "time_cap"} and "left" in reasons
    for t in trajectories:
        for turn, nxt in zip(t.turns, t.turns[1:], strict=False):
            left = turn.reactions[-1].leave
            assert not left or (turn.reflection and turn.reflection.instruction)  # only instructions go on
            seen = {r.item_id for r in turn.reactions}
            assert not seen & set(nxt.items)  # nothing the user went through comes back
        if t.end_reason == "left":
            assert t.turns[-1].reflection and t.turns[-1].reflection.instruction is None
        assert len(t.turns) <= 3


def test_the_turn_cap_ends_a_session_that_would_go_on():
    t = play(max_turns=1)
    assert {x.end_reason for x in t} <= {"left", "turn_cap", "time_cap"}
    assert any(x.end_reason == "turn_cap" for x in t)
    assert all(len(x.turns) == 1 for x in t)


def test_the_time_cap_ends_long_sessions():
    t = play(max_minutes=0.5, list_size=30)
    capped = [x for x in t if x.end_reason == "time_cap"]
    assert capped
    for x in capped:
        skip_s = PersonaParams.load().skip_s
        spent = sum(r.watch_s if r.watch_s > 0 else skip_s for r in x.reactions)
        assert spent >= 30.0 and spent - max(x.reactions[-1].watch_s, skip_s) < 30.0


def test_with_instructions_disabled_one_list_is_scored_and_the_session_ends():
    t = play(mode="single_list")
    assert all(len(x.turns) == 1 for x in t)
    assert {x.end_reason for x in t} <= {"left", "single_list", "time_cap"}
    assert all(not x.instructions for x in t)
    finished = [x for x in t if x.end_reason == "single_list"]
    assert finished and all(len(x.reactions) == 10 for x in finished)


def test_a_catalogue_that_runs_out_ends_the_session():
    tiny = CatalogueIndex(CATALOGUE.items[:15])
    t = run_sessions(
        PEOPLE[:20],
        make_recommender("traditional", tiny),
        PersonaBrain(),
        tiny,
        seed=1,
        config=SessionConfig(),
    )
    assert any(x.end_reason == "list_exhausted" for x in t)


def food_lover() -> Persona:
    return Persona(
        id=1, demographics=Demographics("25-34", "female", "US"), interests={"food": 0.7, "travel": 0.3}
    )


def test_a_user_shown_ten_videos_of_one_topic_skips_the_eleventh_more_often_than_the_first():
    cooking = [it for it in CATALOGUE.items if it.topics.get("food", 0) >= 0.8][:11]
    assert len(cooking) == 11
    catalogue = CatalogueIndex(cooking)
    brain = PersonaBrain()
    skipped_first = skipped_eleventh = 0
    shifted = []
    for k in range(600):
        persona = food_lover()
        persona.id = k
        state = SessionState(persona, catalogue, config=SessionConfig(list_size=11))
        state.start_turn([it.id for it in cooking])
        g = np.random.default_rng([9, k])
        for position in range(11):
            reaction = brain.react([state.reaction_request(with_memory_text=False)], [g])[0]
            reaction.leave = False  # stay to the end, to compare the first and the eleventh
            skipped_first += position == 0 and reaction.skipped
            skipped_eleventh += position == 10 and reaction.skipped
            state.apply_reaction(reaction)
        shifted.append(state.interests[TOPIC_INDEX["food"]])
    assert skipped_eleventh > skipped_first * 1.2
    # and the latent interest state moved (eq. 4): toward food for most, after ten food videos
    assert np.mean(shifted) != pytest.approx(0.7, abs=1e-3)


def test_instruction_following_beats_traditional_for_users_who_give_instructions():
    people = sample_population(400, 21)
    traditional, following = play("traditional", people=people), play("instruction_following", people=people)

    # Same seed, per-user streams: both recommenders face the same users with the same luck, and
    # rank alike, until the first instruction; so who instructs at their first leave is the same.
    instructing = [i for i, t in enumerate(traditional) if instructs_at_first_leave(t)]
    for i in instructing:
        k = next(k for k, turn in enumerate(traditional[i].turns) if turn.reflection)
        assert [x.to_dict() for x in following[i].turns[: k + 1]] == [
            x.to_dict() for x in traditional[i].turns[: k + 1]
        ]
    assert len(instructing) > 40
    r_trad = mean_rewards([session_reward(traditional[i]) for i in instructing])
    r_follow = mean_rewards([session_reward(following[i]) for i in instructing])
    assert r_follow["mix"] > r_trad["mix"] * 1.05
    assert r_follow["time_spent_s"] > r_trad["time_spent_s"]


def test_rewards_add_up_the_trajectory():
    t = play()[0]
    r = session_reward(t)
    assert r.time_spent_s == pytest.approx(sum(x.watch_s for x in t.reactions), abs=0.01)
    assert r.clicks == sum(x.click for x in t.reactions) and r.turns == len(t.turns)
    assert r.session_length == len(t.reactions) and r.end_reason == t.end_reason
    heavier = session_reward(t, {"likes": 10.0})
    assert heavier.mix == pytest.approx(r.mix + 9.0 * r.likes, abs=1e-3)
    with pytest.raises(ValueError, match="unknown reward weights"):
        session_reward(t, {"dwell": 1.0})


def test_an_instruction_counts_as_satisfied_when_the_next_list_is_watched_more():
    def turn(watched: list[bool], instruction: str | None = None):
        from simulator.types import Turn

        reactions = [
            Reaction(1, f"i{k}", "", watch_s=10.0 if w else 0.0, click=w) for k, w in enumerate(watched)
        ]
        return Turn([f"i{k}" for k in range(len(watched))], reactions, Reflection(1, [], instruction))

    base = play()[0]
    base.turns = [
        turn([False, False, True], "More food"),
        turn([True, True, False], "More travel"),
        turn([False]),
    ]
    r = session_reward(base)
    assert (r.instructions, r.instructions_satisfied, r.instruction_satisfied) == (2, 1, False)


def test_a_person_can_take_the_users_place_one_action_at_a_time():
    person = food_lover()
    session = HumanSession.start(person, recommender="instruction_following", catalogue=CATALOGUE)
    assert session.awaiting == "action"
    first = session.current_item
    reaction = session.act(watch_s=12.0, like=True, comment="  nice one ")
    assert reaction.brain == "human" and reaction.comment == "nice one" and reaction.click
    assert session.current_item.id != first.id
    session.act(leave=True)
    assert session.awaiting == "reflection" and session.current_item is None
    with pytest.raises(ValueError, match="awaits reflection"):
        session.act(watch_s=1.0)
    session.reflect(reasons=["too much food"], instruction="Too much food, show me something different")
    assert session.awaiting == "action" and len(session.trajectory.turns) == 2
    second_list = session.trajectory.turns[1].items
    foods = sum(CATALOGUE.by_id(i).topics.get("food", 0) >= 0.5 for i in second_list)
    assert foods <= 2  # the instruction-following recommender listened
    # the whole state survives a round trip (a web request to the next)
    resumed = HumanSession.from_dict(json.loads(json.dumps(session.to_dict())), CATALOGUE)
    assert resumed.current_item.id == session.current_item.id
    resumed.act(leave=True)
    resumed.reflect(reasons=["done"], instruction=None)
    assert resumed.awaiting == "done" and resumed.trajectory.end_reason == "left"
    assert resumed.rewards().likes == 1 and resumed.rewards().instructions == 1


def test_a_person_gets_clear_errors_for_impossible_actions():
    session = HumanSession.start(food_lover(), catalogue=CATALOGUE)
    with pytest.raises(ValueError, match="watch_s must be between"):
        session.act(watch_s=-3)
    with pytest.raises(ValueError, match="has not left"):
        session.reflect(instruction="more travel")
    with pytest.raises(ValueError, match="at most 500"):
        session.act(watch_s=1.0, comment="x" * 501)
    assert len(session.trajectory.turns[0].reactions) == 0  # nothing half-recorded


def test_session_state_round_trips_mid_session():
    state = SessionState(food_lover(), CATALOGUE)
    state.next_list(make_recommender("traditional", CATALOGUE))
    state.apply_reaction(
        Reaction(1, state.current_item().id, "r", watch_s=5.0, click=True, mindset=Mindset(0.6))
    )
    again = SessionState.from_dict(json.loads(json.dumps(state.to_dict())), CATALOGUE)
    assert again.to_dict() == state.to_dict()
    assert again.current_item().id == state.current_item().id


def test_bad_configurations_are_refused_with_their_reason():
    with pytest.raises(ValueError, match="list_size"):
        SessionState(food_lover(), CATALOGUE, config=SessionConfig(list_size=0))
    with pytest.raises(ValueError, match="human sessions"):
        play(mode="human")
    item = Item(id="x", creator_id="c", kind="video")
    assert item.id not in CATALOGUE.position


def test_after_following_a_creator_their_next_post_counts_as_from_a_followed_creator():
    state = SessionState(food_lover(), CATALOGUE)
    a, b = [it for it in CATALOGUE.items if it.creator_id == "Apple"][:2]
    state.start_turn([a.id, b.id])
    assert state.reaction_request().follows_item_creator is False
    state.apply_reaction(Reaction(1, a.id, "r", watch_s=5.0, click=True, follow=True))
    assert state.reaction_request().follows_item_creator is True
