import json
import subprocess
import sys

import numpy as np

from simulator.datasets.cascades import load_cascades
from simulator.evaluation.curves import evaluate_curves, pick_cascades
from simulator.evaluation.metrics import nrmse
from tests.support import ROOT


def test_picked_cascades_span_every_size():
    week = load_cascades().week
    picked = pick_cascades(week, 5)
    assert week[picked[0]] == week.min() and week[picked[-1]] == week.max()
    assert np.all(np.diff(week[picked]) >= 0)


def test_nrmse_is_zero_for_a_perfect_curve_and_scales_with_the_miss():
    real = np.array([0.58, 0.87, 0.93, 0.97, 0.99])
    assert nrmse(real, real) == 0.0
    assert abs(nrmse(real + 0.041, real) - 0.1) < 1e-9  # 0.041 off everywhere over a 0.41 range


def test_simulated_curves_are_shares_that_rise_and_are_scored_per_horizon():
    result = evaluate_curves(str(ROOT / "simulator/data/twitter15_cascade_curves.csv"), sample=3, runs=2)
    assert list(result["horizons"]) == ["1h", "6h", "12h", "1d", "2d"]
    medians = [h["simulated"]["median"] for h in result["horizons"].values()]
    assert all(0.0 <= m <= 1.0 for m in medians) and medians == sorted(medians)
    for h in result["horizons"].values():
        assert abs(h["difference"] - (h["simulated"]["median"] - h["real"]["median"])) < 1e-3
    assert result["rerun_cv_24h_views"]["runs"] == 2 and result["rerun_cv_24h_views"]["cv"] >= 0


def test_a_bad_cascade_file_is_a_clear_error_not_a_traceback(tmp_path):
    bad = tmp_path / "cascades.csv"
    bad.write_text("cascade_id,h1\n1,5\n")
    out = subprocess.run(
        [sys.executable, "-m", "simulator", "evaluate", "curves", "--cascades", str(bad), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2
    assert "missing column" in out.stderr and "Traceback" not in out.stderr
    assert out.stdout == ""


def test_curves_command_prints_json_with_the_nrmse(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "simulator", "evaluate", "curves", "--sample", "2", "--runs", "2", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout)
    assert "median_curves" in result["nrmse"] and result["simulated_cascades"] >= 1
