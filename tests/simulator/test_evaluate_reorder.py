import json
import subprocess
import sys

import numpy as np

from simulator.datasets.movielens import load_movielens
from simulator.evaluation.metrics import ndcg_at, recall_at
from simulator.evaluation.reorder import _Walk, evaluate_reorder
from simulator.evaluation.taste import TasteModel, questionnaire_params, taste_cases
from simulator.fitting.params_file import read_fit
from tests.support import ROOT


def test_recall_and_ndcg_at_n():
    ranked = ["a", "b", "c", "d"]
    assert recall_at(ranked, {"a", "d"}, 2) == 0.5
    assert ndcg_at(ranked, {"a"}, 3) == 1.0
    assert 0 < ndcg_at(ranked, {"b"}, 3) < 1.0


def test_the_final_list_keeps_what_was_shown_and_reorders_only_the_rest():
    from simulator.brains.persona import PersonaBrain
    from simulator.brains.persona_params import PersonaParams
    from simulator.datasets.movielens import film_item

    ml, fit = load_movielens(), read_fit()["taste_ml100k"]
    model = TasteModel.from_fit_users(ml, list(range(1, 601)), fit["seed"], fit["l2"])
    brain = PersonaBrain(questionnaire_params(PersonaParams.load(), fit))
    for case in taste_cases(ml, list(range(601, 631)), fit["seed"]):
        items = [film_item(ml, int(f)) for f in case.candidates(9)[0]]
        match = model.match([case], 9)[0]
        walk = _Walk(ml, case, items, {it.id: m for it, m in zip(items, match, strict=True)}, brain, brain)
        initial, final, _ = walk.run(np.random.default_rng(case.user_id))
        assert sorted(initial) == sorted(final) == sorted(it.id for it in items)


def test_reorder_reports_initial_and_final_lists_reproducibly():
    ml, fit = load_movielens(), read_fit()["taste_ml100k"]
    runs = [
        evaluate_reorder(ml, list(range(601, 641)), ratio=9, brain="persona", taste_fit=fit) for _ in range(2)
    ]
    assert runs[0] == runs[1]
    result = runs[0]
    assert (
        set(result["initial"])
        == set(result["final"])
        == {f"{m}@{n}" for m in ("recall", "ndcg") for n in (5, 10, 20)}
    )
    assert all(0.0 <= v <= 1.0 for v in [*result["initial"].values(), *result["final"].values()])
    assert result["instructions"] > 0  # users do stop and instruct


def test_reorder_command_prints_json():
    out = subprocess.run(
        [sys.executable, "-m", "simulator", "evaluate", "reorder", "--users", "601-610", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout)["users"] == 10


def test_a_reading_brain_walks_the_lists_through_the_object_interface():
    """The path `--brain llm` takes, driven here by a persona brain's own object interface."""
    from simulator.brains.persona import PersonaBrain

    ml, fit = load_movielens(), read_fit()["taste_ml100k"]
    reader = PersonaBrain()
    result = evaluate_reorder(
        ml, list(range(601, 606)), ratio=3, brain="llm", taste_fit=fit, llm_brain=reader
    )
    assert result["brain"] == "llm" and result["brain_usage"]["decisions"] == reader.usage.decisions > 0


def test_reorder_reports_paired_gains_by_instruction_kind_and_the_ablation():
    ml, fit = load_movielens(), read_fit()["taste_ml100k"]
    result = evaluate_reorder(ml, list(range(601, 661)), ratio=9, brain="persona", taste_fit=fit)
    for key in ("gain", "gain_over_history_only"):
        assert set(result[key]) == {"all", "specific", "vague"}
        for kind in result[key].values():
            for g in kind.values():
                assert g["low"] <= g["mean"] <= g["high"]
    assert result["gain"]["all"]["ndcg@10"]["users"] == result["users"]
    instructing = result["gain"]["specific"]["ndcg@10"]["users"] + result["gain"]["vague"]["ndcg@10"]["users"]
    assert instructing == result["users_instructing"] > 0
    # the ablation differs from the initial list only where users instructed
    assert result["history_only"] != result["initial"]


def test_the_vague_counterfactual_replaces_every_instruction_with_a_vague_one():
    ml, fit = load_movielens(), read_fit()["taste_ml100k"]
    result = evaluate_reorder(ml, list(range(601, 641)), ratio=9, brain="persona", taste_fit=fit)
    arm = result["vague_counterfactual"]
    assert arm["instructions"] > 0 and arm["kinds"] == {"specific": 0, "vague": arm["instructions"]}
    assert set(arm["final"]) == set(result["final"])
    for key in ("gain", "gain_over_history_only"):
        assert arm[key]["all"]["ndcg@10"]["users"] == result["users"]
        assert arm[key]["instructing"]["ndcg@10"]["users"] == arm["users_instructing"] > 0
        for g in arm[key]["instructing"].values():
            assert g["low"] <= g["mean"] <= g["high"]
    # the same moments as the real walk's first instruction: exploring moves the final lists
    assert arm["final"] != result["final"]


def test_the_arm_and_the_weight_leave_the_real_arms_as_they_were():
    ml, fit = load_movielens(), read_fit()["taste_ml100k"]
    users = list(range(601, 631))
    with_arm = evaluate_reorder(ml, users, ratio=9, brain="persona", taste_fit=fit)
    without = evaluate_reorder(ml, users, ratio=9, brain="persona", taste_fit=fit, vague_arm=False)
    assert {k: v for k, v in with_arm.items() if k != "vague_counterfactual"} == without
    other = evaluate_reorder(
        ml, users, ratio=9, brain="persona", taste_fit=fit, vague_arm=False, instruction_weight=0.0
    )
    assert other["instruction_weight"] == 0.0
    assert other["initial"] == without["initial"] and other["history_only"] == without["history_only"]
