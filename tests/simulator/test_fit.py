import json
import shutil

import pytest

from simulator.brains.persona_params import DEFAULT_PATH, PersonaParams
from simulator.datasets.movielens import MovieLens, load_movielens
from simulator.fitting.engagement import fit_engagement
from simulator.fitting.follower import fit_follower
from simulator.fitting.params_file import read_fit, write_fit
from simulator.fitting.taste import fit_taste
from simulator.recommenders.instruction_following import INSTRUCTION_WEIGHT, fitted_instruction_weight
from simulator.recommenders.instruction_following import PARAMS_PATH as FOLLOWER_PATH


def test_the_committed_fit_records_its_command_date_and_data():
    fit = read_fit()
    assert fit["command"].startswith("python -m simulator fit")
    assert len(fit["date"]) == 10
    assert {"ml-100k.inter", "youtube_trending_us_2017.csv", "twitter15_cascade_curves.csv"} <= set(
        fit["data"]
    )
    assert fit["taste_ml100k"]["fit_users"] == [1, 600]
    params = json.loads(DEFAULT_PATH.read_text())["params"]
    assert "YouTube" in params["like_rate"]["source"] and "fit" in params["comment_rate"]["source"]
    assert PersonaParams.load().like_rate == params["like_rate"]["value"]
    assert fit["taste_ml100k"]["topic_view_match"] > 0  # measured on MovieLens, recorded beside the prior


def test_taste_fit_reads_no_held_out_user():
    ml = load_movielens()
    keep = ml.user <= 600
    fit_only = MovieLens(
        **{
            name: getattr(ml, name)[keep] if name in ("user", "item", "rating", "time") else getattr(ml, name)
            for name in MovieLens.__dataclass_fields__
        }
    )
    assert fit_taste(ml, 0.3, l2_grid=(1000.0,)) == fit_taste(fit_only, 0.3, l2_grid=(1000.0,))


def test_taste_fit_finds_that_liking_rises_with_match():
    fit = fit_taste(load_movielens(), 0.3, l2_grid=(1000.0,))
    assert fit["view_match"] > 0 and fit["topic_view_match"] > 0
    assert fit["fit_auc"] > 0.85


def test_engagement_fit_moves_the_simulated_like_median_onto_youtubes():
    # Small enough to run in seconds; comments (3 per 1,000 views) need the full fit's sample.
    fit = fit_engagement(PersonaParams.load(), users=500, videos=40, per_video=1500)
    target, simulated = fit["target_median"]["like"], fit["simulated_median"]["like"]
    assert abs(simulated - target) / target < 0.1


def test_write_fit_keeps_the_layout_and_refuses_unknown_parameters(tmp_path):
    path = tmp_path / "persona_params.json"
    shutil.copy(DEFAULT_PATH, path)
    write_fit({"like_rate": (0.01, "a test")}, {"command": "test"}, path)
    data = json.loads(path.read_text())
    entry = data["params"]["like_rate"]
    assert (entry["value"], entry["source"]) == (0.01, "a test")
    assert entry["bootstrap"] == json.loads(DEFAULT_PATH.read_text())["params"]["like_rate"]["bootstrap"]
    assert data["fit"] == {"command": "test"}
    assert PersonaParams.load(path).like_rate == 0.01
    before = path.read_text()
    with pytest.raises(KeyError, match="not a persona parameter"):
        write_fit({"no_such_rate": (1.0, "x")}, {}, path)
    assert path.read_text() == before


def test_the_follower_fit_writes_the_best_weight_of_its_grid_with_its_source(tmp_path):
    path = tmp_path / "follower_params.json"
    shutil.copy(FOLLOWER_PATH, path)
    fit = fit_follower(users=range(1, 31), grid=(0.0, 0.5), path=path)
    entry = json.loads(path.read_text())["instruction_weight"]
    scores = {float(w): s["ndcg@10"] for w, s in fit["scores"].items()}
    assert entry["value"] == fit["instruction_weight"] == max(sorted(scores), key=scores.get)
    assert "users 1-30" in entry["source"] and fit["users"] == [1, 30]
    assert fitted_instruction_weight(path) == entry["value"]


def test_the_follower_fit_refuses_held_out_users():
    with pytest.raises(ValueError, match="held out"):
        fit_follower(users=range(590, 611))


def test_the_follower_reads_the_committed_fit_on_users_1_to_600():
    data = json.loads(FOLLOWER_PATH.read_text())
    assert data["fit"]["users"] == [1, 600] and "fitted" in data["instruction_weight"]["source"]
    scores = {float(w): s["ndcg@10"] for w, s in data["fit"]["scores"].items()}
    assert INSTRUCTION_WEIGHT == data["instruction_weight"]["value"] == max(sorted(scores), key=scores.get)
