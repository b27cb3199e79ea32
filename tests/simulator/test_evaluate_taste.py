import json
import subprocess
import sys

import numpy as np
import pytest

from simulator.datasets.movielens import LIKED_RATING, MovieLens, load_movielens
from simulator.evaluation.taste import MAX_RATIO, TasteModel, evaluate_taste, taste_cases
from simulator.fitting.params_file import read_fit
from tests.support import ROOT

HELD_OUT = list(range(601, 944))


@pytest.fixture(scope="module")
def ml():
    return load_movielens()


@pytest.fixture(scope="module")
def taste_fit():
    return read_fit()["taste_ml100k"]


def test_held_out_films_never_leak_into_the_history(ml):
    for case in taste_cases(ml, HELD_OUT, seed=0):
        rows = ml.rows_of(case.user_id)
        rated = dict(zip(ml.item[rows].tolist(), ml.rating[rows].tolist(), strict=True))
        assert not set(case.positives) & set(case.history_items)
        assert all(rated[f] >= LIKED_RATING for f in case.positives)
        assert not set(case.negatives) & set(rated)  # never rated at all, not merely hidden
        assert len(case.negatives) == MAX_RATIO * len(case.positives)
        assert len(case.history_items) + len(case.positives) == len(rows)


def test_a_users_question_does_not_depend_on_who_else_is_asked(ml):
    alone = taste_cases(ml, [777], seed=0)[0]
    among = next(c for c in taste_cases(ml, list(range(770, 790)), seed=0) if c.user_id == 777)
    assert np.array_equal(alone.positives, among.positives)
    assert np.array_equal(alone.negatives, among.negatives)


def test_ratios_share_the_held_out_films_and_nest_the_others(ml):
    case = taste_cases(ml, [650], seed=0)[0]
    one, _ = case.candidates(1)
    nine, labels = case.candidates(9)
    assert set(one) <= set(nine)
    assert labels.sum() == len(case.positives) and len(nine) == 10 * len(case.positives)


def test_the_taste_model_learns_only_from_fit_users(ml):
    """Dropping every held-out user's ratings changes nothing the model knows."""
    fit_rows = ml.user <= 600
    fit_only = MovieLens(
        **{
            name: getattr(ml, name)[fit_rows]
            if name in ("user", "item", "rating", "time")
            else getattr(ml, name)
            for name in MovieLens.__dataclass_fields__
        }
    )
    full = TasteModel.from_fit_users(ml, list(range(1, 601)), seed=0, l2=1000.0)
    alone = TasteModel.from_fit_users(fit_only, list(range(1, 601)), seed=0, l2=1000.0)
    assert np.array_equal(full.popularity, alone.popularity)
    assert np.allclose(full.taste.weights, alone.taste.weights)


def test_persona_brain_beats_popularity_at_every_ratio_and_reaches_080_at_one_to_one(ml, taste_fit):
    result = evaluate_taste(ml, HELD_OUT[:150], [1, 2, 3, 9], brain="persona", taste_fit=taste_fit)
    for ratio, row in result["ratios"].items():
        assert row["films"] == row["held_out_liked"] * (1 + int(ratio))  # brain and baselines: same films
        assert row["persona"]["accuracy"] > row["popularity"]["accuracy"], ratio
        assert row["persona"]["f1"] > row["popularity"]["f1"], ratio
        assert row["popularity"]["accuracy"] > row["random"]["accuracy"], ratio
    assert result["ratios"]["1"]["persona"]["accuracy"] >= 0.80


def test_the_same_seed_gives_the_same_answers(ml, taste_fit):
    runs = [
        evaluate_taste(ml, HELD_OUT[:30], [1, 3], brain="persona", taste_fit=taste_fit, seed=4)
        for _ in range(2)
    ]
    assert runs[0] == runs[1]


def test_command_prints_one_json_object_per_ratio():
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "simulator",
            "evaluate",
            "taste",
            "--users",
            "601-640",
            "--ratios",
            "1,9",
            "--json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout)
    assert set(result["ratios"]) == {"1", "9"}
    assert set(result["ratios"]["1"]["persona"]) >= {"accuracy", "precision", "recall", "f1"}
    assert {"random", "popularity"} <= set(result["ratios"]["9"])


def test_command_refuses_bad_ratios_with_a_message():
    out = subprocess.run(
        [sys.executable, "-m", "simulator", "evaluate", "taste", "--ratios", "0,12"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2 and "ratios must be whole numbers from 1 to 9" in out.stderr


def test_a_reading_brain_answers_the_same_films_through_the_object_interface(ml, taste_fit):
    """The path `--brain llm` takes, driven here by the persona brain's own object interface."""
    from simulator.brains.persona import PersonaBrain

    brain = PersonaBrain()
    result = evaluate_taste(ml, HELD_OUT[:8], [1, 3], brain="llm", taste_fit=taste_fit, llm_brain=brain)
    for row in result["ratios"].values():
        assert set(row) >= {"llm", "random", "popularity"}
    assert brain.usage.decisions == sum(r["films"] for r in result["ratios"].values())
    assert result["brain_usage"]["decisions"] == brain.usage.decisions  # fallbacks are reported
