import numpy as np
import pytest

from simulator.evaluation.metrics import pairwise_accuracy, spearman
from simulator.evaluation.report import markdown
from simulator.evaluation.tables import text
from simulator.representations.embeddings import model_path


def test_spearman_and_pairwise_accuracy():
    assert spearman(np.array([1, 2, 3, 4]), np.array([10, 20, 30, 25])) == pytest.approx(0.8)
    assert spearman(np.zeros(4), np.arange(4)) is None  # a constant prediction ranks nothing
    # channel a: both pairs right; channel b: one tie (half) and one real tie (left out)
    accuracy, pairs = pairwise_accuracy([1, 2, 5, 5, 0], [1, 3, 7, 8, 4], ["a", "a", "b", "b", "c"])
    assert pairs == 2 and accuracy == pytest.approx(0.75)


@pytest.mark.skipif(model_path() is None, reason="all-MiniLM-L6-v2 missing: make install")
def test_the_content_protocol_scores_held_out_channels_beside_its_baselines():
    from simulator.evaluation.content import evaluate_content

    result = evaluate_content(every=25)  # a twenty-fifth of the videos: the shape, quickly
    likes = result["like_per_view"]
    assert likes["videos"] > 5 and set(likes) >= {"content model", "category mean (told the real category)"}
    assert likes["global mean"]["spearman"] is None and likes["global mean"]["pairwise_same_channel"] in (
        0.5,
        None,
    )
    assert -1 <= likes["content model"]["spearman"] <= 1
    assert 0 <= result["topics"]["category_accuracy"] <= 1
    result["command"] = "python -m simulator evaluate content --json"
    page = markdown({"content": result})
    assert "## Content model on held-out YouTube channels" in page and "category mean" in page
    assert "majority class" in text(result)


HEADER = (
    "user_name,user_id,video_id,video_desc,video_time,video_length,video_link,n_likes,n_shares,n_comments,"
    "n_plays\n"
)


def test_tiktok_rows_are_read_with_their_hashtags(tmp_path):
    from simulator.datasets import DatasetMissing
    from simulator.datasets.tiktok import load_tiktok

    path = tmp_path / "t.csv"
    path.write_text(HEADER + "a,1,2,Happydog#fpy #dog so cute,1619698948,10,x,970500,81600,13800,5500000\n")
    (video,) = load_tiktok(path)
    assert video.caption == "Happydog so cute" and video.hashtags == ("fpy", "dog")
    assert (video.length_s, video.plays, video.likes, video.comments, video.shares) == (
        10,
        5500000,
        970500,
        13800,
        81600,
    )
    with pytest.raises(DatasetMissing, match="PROVENANCE"):
        load_tiktok(tmp_path / "missing.csv")


@pytest.mark.skipif(model_path() is None, reason="all-MiniLM-L6-v2 missing: make install")
def test_the_cross_platform_check_ranks_posts_of_one_account(tmp_path):
    from simulator.evaluation.content import evaluate_tiktok

    captions = ["my dog!", "What do you think?", "easy pasta", "NEW DANCE", "storytime", "I tried it"]
    rows = [
        f"u{i % 2},1,{i},{c} #fyp,1,15,x,{1000 + 300 * i},5,{10 + i},{20000 + 500 * i}"
        for i, c in enumerate(captions)
    ]
    path = tmp_path / "t.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n")
    result = evaluate_tiktok(path, every=1)
    assert result["posts"] == 6 and result["accounts"] == 2
    likes = result["like_per_view"]
    assert likes["pairs"] == 6 and 0 <= likes["content model"]["pairwise_same_account"] <= 1
