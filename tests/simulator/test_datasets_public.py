import numpy as np
import pytest

from simulator.datasets.cascades import load_cascades
from simulator.datasets.kuairand import histories, load_kuairand, video_items
from simulator.datasets.youtube import daily_growth, engagement_ratios, load_youtube


def test_youtube_trending_videos_and_their_real_ratios():
    videos = load_youtube()
    assert len(videos) == 2364
    assert sum(len(v.days) for v in videos) == 7992
    ratios = engagement_ratios(videos)
    assert 0.02 < np.median(ratios.like_per_view) < 0.035
    assert 0.002 < np.median(ratios.comment_per_view) < 0.004
    growth = daily_growth(videos)
    assert len(growth) > 1000 and np.median(growth) > 1.0  # trending videos keep gaining views


def test_twitter15_cascades_have_the_documented_median_shares():
    cascades = load_cascades()
    assert len(cascades) == 1483
    medians = np.median(cascades.shares(), axis=0)
    assert np.allclose(medians, [0.58, 0.87, 0.93, 0.97, 0.99], atol=0.006)  # PROVENANCE.md
    assert np.all(np.diff(cascades.shares(), axis=1) >= 0)


def test_a_cascade_file_without_the_columns_is_refused_clearly(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("cascade_id,h1,h6\n1,2,3\n")
    with pytest.raises(ValueError, match="missing column"):
        load_cascades(bad)
    falling = tmp_path / "falling.csv"
    falling.write_text("cascade_id,h1,h6,h12,d1,d2,w1\n1,30,20,25,26,27,28\n")
    with pytest.raises(ValueError, match="line 2: counts must not fall"):
        load_cascades(falling)


def test_kuairand_sample_gives_items_histories_and_watch_ratios():
    log = load_kuairand()
    assert len(log) == 200
    assert len(video_items(log)) == 29 and len(histories(log)) == 145
    ratio = log.watch_ratio()
    assert np.all(ratio >= 0)
    clicked = log.is_click[log.duration_s > 0]
    assert np.median(ratio[clicked]) > np.median(ratio[~clicked])  # clicked plays are watched longer
