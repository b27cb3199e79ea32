"""`python -m simulator world --media FILE`: the file is perceived first, and what it shows moves the
prediction in the direction the content model's sources say (same audience, same seed)."""

import json
import subprocess
import sys

import pytest

from simulator.representations.embeddings import model_path
from tests.perception_media import grey_picture, lively_video, rich_picture, static_video
from tests.support import ROOT

pytestmark = pytest.mark.skipif(model_path() is None, reason="all-MiniLM-L6-v2 missing: make install")


def _world(media, *extra) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "world", "--audience", "followers", "--niche", "food",
         "--follower-count", "50000", "--size", "2000", "--runs", "2", "--seed", "3", "--horizon", "2d",
         "--media", str(media), "--json", *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _same_direction(a: dict, b: dict, metric: str = "like") -> None:
    ea, eb = a["content"]["effects"][metric], b["content"]["effects"][metric]
    assert eb > ea  # the sources say the second shows more of what draws the metric
    counted = {"like": "likes", "comment": "comments"}[metric]
    assert b["horizons"]["2d"][counted]["mean"] > a["horizons"]["2d"][counted]["mean"]


def test_a_sharp_colourful_picture_with_a_face_beats_a_flat_grey_one(tmp_path):
    grey = _world(grey_picture(tmp_path / "grey.jpg"), "--caption", "dinner")
    rich = _world(rich_picture(tmp_path / "rich.jpg"), "--caption", "dinner")
    assert rich["config"]["posts"][0]["item"]["kind"] == "image"
    assert any(f["name"] == "face" and not f["fitted"] for f in rich["content"]["factors"])
    _same_direction(grey, rich)


def test_a_moving_face_first_opening_beats_a_static_shot(tmp_path):
    still = _world(static_video(tmp_path / "still.mp4"), "--caption", "dinner")
    lively = _world(lively_video(tmp_path / "lively.mp4"), "--caption", "dinner")
    assert lively["config"]["posts"][0]["item"]["duration_s"] == pytest.approx(6.0, abs=0.5)
    _same_direction(still, lively)


def test_a_file_it_cannot_read_is_refused_clearly(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "world", "--media", str(tmp_path / "none.mp4"), "--size", "100"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2 and "no such media file" in result.stderr
