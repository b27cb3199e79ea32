import numpy as np

from simulator.brains.persona_params import PersonaParams
from simulator.preferences import (
    MindsetArrays,
    interest_match,
    novelty,
    satiation,
    topic_dict,
    topic_vector,
    update_interests,
    update_mindset,
)
from simulator.taxonomy import TOPIC_INDEX

RATES = PersonaParams.load().update_rates


def test_topic_vectors_round_trip_and_drop_unknown_topics():
    v = topic_vector({"food": 2.0, "travel": 2.0, "underwater basket weaving": 5.0})
    assert np.isclose(v.sum(), 1.0)
    assert topic_dict(v) == {"food": 0.5, "travel": 0.5}


def test_match_is_high_for_shared_topics_and_zero_for_disjoint_ones():
    user = np.array([topic_vector({"food": 0.7, "travel": 0.3})] * 2)
    items = np.array([topic_vector({"food": 1.0}), topic_vector({"gaming": 1.0})])
    m = interest_match(user, items)
    assert m[0] > 0.9 and m[1] == 0.0
    assert np.allclose(novelty(user, items), 1.0 - m)


def test_satiation_grows_with_same_topic_exposure_and_saturates():
    food = topic_vector({"food": 1.0})
    doses = np.array([food * k for k in (0, 1, 5, 20)])
    s = satiation(doses, np.array([food] * 4), scale=4.0)
    assert s[0] == 0.0 and np.all(np.diff(s) > 0) and s[-1] < 1.0


def test_engaging_with_a_topic_pulls_the_interest_state_toward_it_and_skips_push_away():
    base = np.array([topic_vector({"food": 0.5, "travel": 0.5})] * 2)
    state = base.copy()
    cooking = np.array([topic_vector({"food": 1.0})] * 2)
    for _ in range(10):
        state = update_interests(state, base, cooking, np.array([1.0, -1.0]), RATES)
    food = TOPIC_INDEX["food"]
    assert state[0, food] > 0.58 and state[1, food] < 0.5
    assert np.allclose(state.sum(axis=1), 1.0) and (state >= 0).all()


def test_mindset_fatigue_follows_time_against_habit_and_skips_breed_boredom():
    n = 3
    state = MindsetArrays.fresh(np.full(n, 0.5))
    after = update_mindset(
        state,
        engagement=np.array([1.0, -1.0, -1.0]),
        satiation=np.array([0.0, 0.0, 0.9]),
        novelty=np.full(n, 0.5),
        session_seconds=np.array([60.0, 60.0, 600.0]),
        session_minutes=np.full(n, 10.0),
        novelty_seeking=np.full(n, 0.5),
        rates=RATES,
    )
    assert after.fatigue[2] > after.fatigue[0] > 0
    assert after.boredom[0] == 0 < after.boredom[1] < after.boredom[2]
    assert after.satisfaction[0] > 0.5 > after.satisfaction[1]
    assert after.mindset(0).to_dict()["satisfaction"] == round(float(after.satisfaction[0]), 4)


def test_hour_activity_peaks_in_the_evening_and_wraps_around_midnight():
    params = PersonaParams.load()
    evening, night = params.hour_activity(np.array([20.5, 4.0]))
    assert evening > 1.0 > night
    assert np.isclose(params.hour_activity(np.array([24.0]))[0], params.hour_activity(np.array([0.0]))[0])
