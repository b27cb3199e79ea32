import numpy as np

from benchmarks.bench_persona_brain import full_sessions_seconds
from simulator.audiences import sample_population
from simulator.batch_sessions import BatchSessions, run_batch_sessions
from simulator.brains.persona import PersonaBrain
from simulator.catalogue import default_index
from simulator.recommenders import make_recommender
from simulator.recommenders.parser import parse_instruction
from simulator.rewards import session_reward
from simulator.session import run_sessions
from simulator.session_batch import NEEDS_LIST

CATALOGUE = default_index()
PEOPLE = sample_population(300, 4)


def sessions(people, name="instruction_following", seed=3):
    return BatchSessions(people, make_recommender(name, CATALOGUE), PersonaBrain(), CATALOGUE, seed=seed)


def test_a_users_session_in_the_batch_is_the_one_they_live_alone():
    recommender = make_recommender("instruction_following", CATALOGUE)
    crowd = run_batch_sessions(PEOPLE[:60], recommender, PersonaBrain(), CATALOGUE, seed=3)
    instructed = np.flatnonzero(crowd["instructions"] > 0)[:3]
    quiet = np.flatnonzero(crowd["instructions"] == 0)[:2]
    assert len(instructed) == 3  # the few ranked by the recommender's own plan, among the rest
    for i in [*instructed, *quiet]:
        alone = run_batch_sessions([PEOPLE[i]], recommender, PersonaBrain(), CATALOGUE, seed=3)
        for name, values in alone.items():
            assert values[0] == crowd[name][i], (i, name)


def test_the_first_stage_in_batch_ranks_each_row_as_the_recommenders_rank_does():
    for name in ("traditional", "instruction_following"):
        run = sessions(PEOPLE[:40], name)
        run.turn()  # each row now has seen items to exclude
        rows = np.flatnonzero(run.batch.status == NEEDS_LIST)
        rows = rows[[run.plans[i] is None and not run.batch.instruction[i] for i in rows]]
        assert len(rows) > 10
        lists = run.next_lists(rows)
        for i, listed in zip(rows, lists, strict=True):
            ranked = run.recommender.rank(run.batch.rank_query(i), run.config.list_size, None)
            assert [CATALOGUE.ids[j] for j in listed if j >= 0] == ranked


def test_a_user_who_says_less_of_a_topic_gets_fewer_of_it_next_turn():
    run = sessions(PEOPLE)
    b, checked = run.batch, 0
    for _ in range(run.config.max_turns):
        rows = np.flatnonzero(b.status == NEEDS_LIST)
        if not len(rows):
            break
        before = {i: b.item_main[b.items[i, : b.length[i]]] for i in rows}
        said = {i: parse_instruction(b.instruction[i]).less_topics for i in rows if b.instruction[i]}
        lists = run.next_lists(rows)
        for j, i in enumerate(rows):
            for topic in said.get(i, ()):
                if topic not in b.topic_names:
                    continue
                code = b.topic_names.index(topic)
                now = (b.item_main[lists[j][lists[j] >= 0]] == code).sum()
                assert now < (before[i] == code).sum() or (before[i] == code).sum() == 0 == now
                checked += 1
        b.step(rows, lists)
    assert checked >= 5


def test_the_benchmarks_array_sessions_live_like_the_object_paths_on_average():
    _, rewards = full_sessions_seconds(400, 1)  # seed 0, the population the benchmark draws
    recommender = make_recommender("instruction_following", CATALOGUE)
    people = sample_population(400, 1)
    trajectories = run_sessions(people, recommender, PersonaBrain(), CATALOGUE, seed=0)
    objects = [session_reward(t) for t in trajectories]
    for name in ("session_length", "time_spent_s", "turns", "mix"):
        expected = np.mean([getattr(r, name) for r in objects])
        assert abs(rewards[name].mean() - expected) < 0.1 * expected, name
