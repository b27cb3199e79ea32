import json
import subprocess
import sys

from simulator.datasets.movielens import load_movielens
from simulator.evaluation.report import markdown, update
from simulator.evaluation.tables import text
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


def _backtests(scheme: str) -> dict:
    from simulator.track_record.backtest import run_backtest
    from simulator.track_record.history import History, PastPost

    posts = [
        PastPost(
            post_id=f"p{i}",
            creator=c,
            posted_at=f"2017-09-{10 + i:02d}",  # b first, so that a has a platform from the start
            counts={"24h": {"views": v}, "3d": {"views": 2 * v}},
        )
        for i, (c, v) in enumerate(
            [("a", 100), ("a", 300), ("a", 200), ("a", 500), ("b", 50), ("b", 80)][::-1]
        )
    ]
    result = run_backtest(History(layout="youtube_trending", posts=posts), scheme=scheme)
    result["command"] = f"python -m simulator evaluate backtest --scheme {scheme}"
    return result


def test_update_rewrites_only_the_track_record_sections_and_rows():
    taste = {"ratios": {"1": {}}, "command": "python -m simulator evaluate taste"}
    old_track = _backtests("loo")
    page = markdown({"taste": taste, "backtest_youtube": old_track}).replace(
        "| YouTube views on day 3, leave-one-out per channel | calibrated",
        "| YouTube views on day 3, leave-one-out per channel | OLD",
    )
    kept_taste = page.split("## Taste discrimination")[1].split("## ")[0]
    results = {"backtest_youtube": _backtests("loo"), "backtest_youtube_rolling": _backtests("rolling")}
    new = update(page, results)
    assert new.split("## Taste discrimination")[1].split("## ")[0] == kept_taste  # not at hand: kept
    assert "| OLD" not in new and new.count("| YouTube views on day 3, leave-one-out per channel |") == 1
    assert "| YouTube views on day 3, rolling origin per channel | calibrated MdAPE" in new
    assert "## Track record, rolling origin: YouTube trending videos" in new
    assert "--scheme rolling" in new and "posts before it only" in new
    assert new.index("## Track record, rolling origin") < new.index("## How to read this")
    assert "(the track-record sections on " in new.split("\n")[2]
    assert "- Track record in figures: a channel's day-3 views are predicted within a median" in new
    assert update(new, results) == new  # idempotent


def test_the_content_models_part_is_set_beside_the_counts_alone():
    alone = _backtests("loo")
    content = _backtests("loo")
    for result, mdape in ((alone, 0.5), (content, 0.25)):
        result["horizons"]["likes"] = {"3d": {"n": 4, **{m: dict(_CELL, mdape=mdape) for m in _MODELS}}}
    content["content_posts"] = 6
    page = markdown({"backtest_youtube_heldout": alone, "backtest_youtube_content": content})
    assert (
        "| YouTube likes on day 3, channels the content model never saw (leave-one-out) | calibrated "
        "MdAPE 25% with the content model, 50% without" in page
    )
    assert "The content model read the words of 6 posts" in page
    assert "day-3 likes are predicted within a median 25% with each post's content effects and 50%" in page


_CELL = {"n": 4, "spearman": 0.5, "coverage90": 0.9}
_MODELS = ("calibrated", "platform", "creator_median")
