import numpy as np

from simulator.evaluation.calibration import _coverage, evaluate_calibration
from simulator.evaluation.report import headline
from simulator.evaluation.tables import SECTIONS


def test_coverage_counts_the_real_values_inside_the_band_of_the_simulated_ones():
    simulated = np.array([0.2, 0.4, 0.6, np.nan])  # a rerun without views has no share and is left out
    real = np.array([0.1, 0.2, 0.5, 0.6, 0.9])
    c = _coverage(real, simulated)
    assert c["band"] == [0.2, 0.6] and c["coverage"] == 0.6 and (c["below"], c["above"]) == (0.2, 0.2)
    assert c["width"] == 0.4 and c["reruns_used"] == 3


def test_the_protocol_reports_coverage_and_width_per_horizon_and_reads_as_a_table():
    result = evaluate_calibration(reruns=3, seed=1, size=300, seeds=2)
    for name in ("run_band", "band_over_posts"):
        shares = result[name]["cascade_share"]
        assert list(shares) == ["1h", "6h", "12h", "1d", "2d"]
        for cell in [*shares.values(), result[name]["youtube_like_per_view"]]:
            assert 0 <= cell["coverage"] <= 1 and cell["width"] >= 0
            assert abs(cell["coverage"] + cell["below"] + cell["above"] - 1) < 1e-3
            lo, hi = cell["coverage_range"]  # the mean over the seeds lies within their range
            assert lo - 1e-9 <= cell["coverage"] <= hi + 1e-9
    table = "\n".join(SECTIONS["calibration"][1](result))
    assert "| cascade: share of its week | 1h |" in table and "YouTube like/view" in table
    assert any("90% band" in row for row in headline({"calibration": result}))
