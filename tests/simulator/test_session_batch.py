import numpy as np

from simulator.audiences import sample_population
from simulator.brains.persona import PersonaBrain
from simulator.catalogue import default_index
from simulator.session import SessionConfig
from simulator.session_batch import DONE, END_REASONS, NEEDS_LIST, SessionBatch, Users

CATALOGUE = default_index()
PEOPLE = sample_population(6, 3)


def started(rows_users: list[int], keys: list[int], config: SessionConfig | None = None) -> SessionBatch:
    batch = SessionBatch(len(rows_users), CATALOGUE, config or SessionConfig(), PersonaBrain())
    Users(PEOPLE).start(
        batch, np.arange(len(rows_users)), rows_users, hours=[20.0] * len(rows_users), keys=keys
    )
    return batch


def test_a_users_session_does_not_depend_on_who_shares_the_batch():
    lists = np.random.default_rng(0).integers(0, len(CATALOGUE), (3, 4, 10))
    alone, crowd = started([2], [77]), started([0, 2, 5], [5, 77, 9])
    for turn in range(4):
        if alone.status[0] != NEEDS_LIST:
            break
        alone.step([0], lists[1, turn][None])
        crowd.step(np.flatnonzero(crowd.status == NEEDS_LIST), lists[crowd.status == NEEDS_LIST, turn])
        assert np.array_equal(alone.watch_s[0], crowd.watch_s[1])
        assert alone.instruction[0] == crowd.instruction[1]
        assert np.allclose(alone.interests[0], crowd.interests[1])


def test_a_creators_posts_tire_the_user_and_time_runs_out_at_the_cap():
    creator = CATALOGUE.creators[0]
    same = [i for i, c in enumerate(CATALOGUE.creators) if c == creator][:10]
    batch = started([1], [3], SessionConfig(max_minutes=0.05))
    batch.step([0], np.array([same + [-1] * (10 - len(same))]))
    code = batch.item_creator[same[0]]
    assert batch.creator_count[0, code] >= 1.0
    assert batch.status[0] == DONE and END_REASONS[batch.end_reason[0]] in ("time_cap", "left")


def test_step_rewards_equal_the_session_mix_when_nobody_instructs():
    batch = started([0, 1, 2, 3], [1, 2, 3, 4], SessionConfig(max_turns=1))
    batch.step(np.arange(4), np.tile(np.arange(10), (4, 1)))
    rewards = batch.turn_rewards(np.arange(4))
    session = batch.session_rewards(np.arange(4))
    assert np.allclose(rewards, session["mix"], atol=1e-3) and (batch.status == DONE).all()
