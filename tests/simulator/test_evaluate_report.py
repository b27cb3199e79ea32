import json
import subprocess
import sys

from simulator.datasets.movielens import load_movielens
from simulator.evaluation.report import markdown, text
from simulator.evaluation.taste import evaluate_taste
from simulator.fitting.params_file import read_fit
from tests.support import ROOT


def test_the_fidelity_page_sets_our_figures_beside_the_published_ones(tmp_path):
    result = evaluate_taste(
        load_movielens(), list(range(601, 661)), [1, 9], brain="persona", taste_fit=read_fit()["taste_ml100k"]
    )
    result["command"] = "python -m simulator evaluate taste --users 601-660 --ratios 1,9 --json"
    (tmp_path / "taste.json").write_text(json.dumps(result))
    page = markdown({"taste": result})
    accuracy = result["ratios"]["1"]["persona"]["accuracy"]
    assert f"| taste accuracy at 1:1 (persona brain) | {accuracy:.3f}" in page
    assert "Agent4Rec 0.691" in page and "SimUSER 0.791" in page
    assert result["command"] in page
    assert "| 1:9 | popularity |" in text(result)

    out = tmp_path / "fidelity.md"
    subprocess.run(
        [sys.executable, "-m", "simulator.evaluation.report", str(tmp_path), str(out)], cwd=ROOT, check=True
    )
    assert out.read_text().startswith("# Fidelity")
