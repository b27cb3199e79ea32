"""The content model: topics from words, effects with their reasons, and the world seeing them."""

import json
import math
import subprocess
import sys

import numpy as np
import pytest

from simulator.audiences import AudienceSpec
from simulator.content.effects import analyse, load_params, log_text_effect, with_content
from simulator.content.features import TEXT_FEATURES, text_features
from simulator.content.text import embed
from simulator.perception.schema import Hook, Perception
from simulator.representations.embeddings import model_path
from simulator.types import Item
from simulator.world import PostSpec, WorldConfig, run_world
from tests.support import ROOT

pytestmark = pytest.mark.skipif(model_path() is None, reason="all-MiniLM-L6-v2 missing: make install")

CARBONARA = "I tried Gordon Ramsay's 5-minute carbonara! Would you make it?"


def test_topics_come_from_the_words():
    food = analyse(caption=CARBONARA, hashtags=["pasta", "recipe"]).topics
    tech = analyse(caption="New iPhone X unboxing and review", hashtags=["apple"]).topics
    assert max(food, key=food.get) == "food"
    assert max(tech, key=tech.get) == "tech"
    assert math.isclose(sum(food.values()), 1.0, abs_tol=1e-3)


def test_the_creators_ticked_topics_win_and_untouched_ones_come_from_the_content():
    analysis = analyse(caption=CARBONARA, hashtags=["pasta"])
    ticked = with_content(Item(id="a", creator_id="c", kind="video", topics={"travel": 1.0}), analysis)
    untouched = with_content(Item(id="b", creator_id="c", kind="video"), analysis)
    assert ticked.topics == {"travel": 1.0}
    assert untouched.topics == analysis.topics and "food" in untouched.topics


def test_the_factors_multiply_to_the_effects_and_match_the_fitted_model():
    analysis = analyse(caption=CARBONARA, hashtags=["pasta", "dinner"])
    for metric in ("like", "comment"):
        product = math.prod(f.effect for f in analysis.factors if f.metric == metric)
        assert math.isclose(product, getattr(analysis.effects, metric), rel_tol=1e-9)
    assert analysis.effects.view == analysis.effects.share == analysis.effects.watch == 1.0
    assert all(f.fitted and "YouTube" in f.source and f.change for f in analysis.factors)
    # the vectorised predictor the evaluation scores is the same model
    from simulator.content.topics import TopicModel

    params = load_params()
    vector = embed([analysis.text])
    weights = TopicModel.from_dict(params["topics"]).topic_weights(vector)
    x = text_features(CARBONARA)[None, :]
    log_like = log_text_effect(params["effects"]["like"], x, weights, vector.astype(np.float64))[0]
    assert math.isclose(math.exp(log_like), analysis.effects.like, rel_tol=1e-6)
    assert len(TEXT_FEATURES) == x.shape[1]


def test_the_average_fitted_video_sits_near_one():
    """Effects are relative to the average post of the fitted data: over fitted titles they centre on 1."""
    from simulator.datasets.youtube import load_youtube
    from simulator.fitting.content import channel_held_out

    videos = [v for v in load_youtube() if not channel_held_out(v.channel)][::40]
    logs = [
        math.log(analyse(caption=v.title, hashtags=[t.replace(" ", "") for t in v.tags[:10]]).effects.like)
        for v in videos
    ]
    assert abs(np.mean(logs)) < 0.25 and np.std(logs) > 0.05


def test_a_face_raises_likes_and_comments_by_a_cited_prior():
    grey = Perception(kind="image", brightness=0.5, contrast=0.0, colourfulness=0.0, face_share=0.0)
    face = Perception(kind="image", brightness=0.6, contrast=0.3, colourfulness=60.0, face_share=1.0)
    a, b = analyse(perception=grey), analyse(perception=face)
    assert b.effects.like > a.effects.like and b.effects.comment > a.effects.comment
    assert math.isclose(b.effects.like / a.effects.like, 1.38, rel_tol=1e-6)  # Bakhshi et al. 2014
    prior = [f for f in b.factors if f.name == "face"]
    assert prior and all(not f.fitted and "Bakhshi" in f.source for f in prior)
    assert any("colourfulness" in n for n in a.notes)  # measured, and said to have no effect applied


def test_a_video_is_read_by_its_opening():
    static = Perception(kind="video", duration_s=20, hook=Hook(motion=0.0, face=False), face_share=0.0)
    face_first = Perception(kind="video", duration_s=20, hook=Hook(motion=0.2, face=True), face_share=0.8)
    assert analyse(perception=face_first).effects.like > analyse(perception=static).effects.like


def test_nothing_to_read_leaves_the_draft_neutral_with_a_note():
    analysis = analyse()
    assert analysis.effects.to_dict() == {k: 1.0 for k in analysis.effects.to_dict()}
    assert any("no caption" in n for n in analysis.notes)


def _world(item: Item, seed: int = 4):
    config = WorldConfig(
        audience=AudienceSpec(
            kind="followers", size=3000, profile={"niche": "food", "follower_count": 50_000}
        ),
        posts=[PostSpec(item=item, at_hours=18.0)],
        horizon_hours=48,
        seed=seed,
    )
    return {m: v["2d"]["all"] for m, v in run_world(config).figures(real_scale=False).items()}


def test_drafts_that_differ_only_in_content_get_predictions_in_the_datas_direction():
    base = Item(id="d", creator_id="me", kind="image", duration_s=6.0, topics={"food": 1.0})
    grey = analyse(perception=Perception(kind="image", face_share=0.0, colourfulness=0.0))
    rich = analyse(
        caption=CARBONARA,
        hashtags=["pasta"],
        perception=Perception(kind="image", face_share=1.0, colourfulness=80.0),
    )
    plain, seen = _world(with_content(base, grey)), _world(with_content(base, rich))
    direction = np.sign(rich.effects.like - grey.effects.like)
    assert direction != 0 and np.sign(seen["likes"] - plain["likes"]) == direction


def _cli(tmp_path, *args):
    draft = tmp_path / "draft.json"
    draft.write_text(
        json.dumps(
            {"id": "d", "creator_id": "me", "kind": "video", "duration_s": 30, "topics": {"food": 1.0}}
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "world", "--audience", "followers", "--niche", "food",
         "--follower-count", "50000", "--size", "2000", "--runs", "2", "--seed", "3", "--horizon", "2d",
         "--draft", str(draft), "--json", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_cli_sees_the_caption(tmp_path):
    a = _cli(tmp_path, "--caption", "untitled")
    b = _cli(tmp_path, "--caption", CARBONARA, "--hashtags", "pasta,recipe")
    ea, eb = a["content"]["effects"]["like"], b["content"]["effects"]["like"]
    assert ea != eb and b["content"]["factors"]
    la, lb = a["horizons"]["2d"]["likes"]["mean"], b["horizons"]["2d"]["likes"]["mean"]
    assert np.sign(lb - la) == np.sign(eb - ea)
