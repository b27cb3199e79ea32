"""Perception on real files the tests make: the measurements tell drafts apart, bad files give notes."""

import json
import shutil

import pytest

from simulator.perception import Perception, describe, perceive_file, perceive_text
from simulator.representations.text import item_text
from simulator.types import Item
from tests.perception_media import grey_picture, lively_video, rich_picture, static_video
from tests.simulator.test_cli import simulator

needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="needs tesseract-ocr (make ocr)"
)


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    d = tmp_path_factory.mktemp("perception")
    return {
        "grey": perceive_file(grey_picture(d / "grey.jpg")),
        "rich": perceive_file(rich_picture(d / "rich.jpg")),
        "static": perceive_file(static_video(d / "static.mp4")),
        "lively": perceive_file(lively_video(d / "lively.mp4", gop=12)),
        "dir": d,
    }


def test_a_flat_grey_picture_and_a_sharp_colourful_one_with_a_face_measure_apart(media):
    grey, rich = media["grey"], media["rich"]
    assert grey.kind == rich.kind == "image" and grey.notes == [] and rich.notes == []
    assert (grey.width, grey.height, grey.orientation, grey.aspect) == (1080, 1080, "square", 1.0)
    assert grey.colourfulness < 1 and rich.colourfulness > 82  # "highly colourful" and above
    assert grey.sharpness < 1 and rich.sharpness > 500
    assert grey.contrast < 0.01 and rich.contrast > 0.15
    assert grey.face_share == 0.0 and rich.face_share == 1.0 and 0.02 < rich.face_area < 0.5


@needs_tesseract
def test_the_caption_written_in_the_picture_is_read(media):
    assert "carbonara" in media["rich"].on_screen_text.lower()
    assert media["grey"].on_screen_text == ""


def test_a_still_dark_video_and_a_moving_face_first_one_measure_apart(media):
    still, lively = media["static"], media["lively"]
    assert still.kind == lively.kind == "video"
    assert (lively.width, lively.height, lively.orientation) == (320, 568, "portrait")
    assert still.duration_s == pytest.approx(6.0, abs=0.1) and lively.duration_s == pytest.approx(
        6.0, abs=0.1
    )
    assert still.hook.face is False and lively.hook.face is True and lively.first_face_s == 0.0
    assert still.hook.motion < 0.01 < 0.3 < lively.hook.motion
    assert still.motion < 0.01 < 0.3 < lively.motion
    # the lively video cuts to a new look every second: about 5 cuts in 6 s
    assert still.cuts_per_min == 0.0 and 30 <= lively.cuts_per_min <= 60
    assert still.audio is False and still.loudness_db is None
    assert lively.audio is True and lively.loudness_db == pytest.approx(-20.0, abs=1.0)
    assert still.brightness < 0.2 < lively.brightness and still.sharpness < 5 < 100 < lively.sharpness


@needs_tesseract
def test_text_on_screen_in_the_opening_is_part_of_the_hook(media):
    assert media["lively"].hook.text is True and "carbonara" in media["lively"].on_screen_text.lower()
    assert media["static"].hook.text is False


def test_a_long_video_decodes_a_fraction_of_its_frames(tmp_path):
    found = perceive_file(lively_video(tmp_path / "long.mp4", seconds=20, size=(192, 108), fps=24, gop=24))
    assert found.duration_s == pytest.approx(20.0, abs=0.1) and found.orientation == "landscape"
    assert 0 < found.frames_decoded < 20 * 24 / 3  # the opening densely, then about a frame pair a second


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"just some words, not a picture\n",
        b"\x00\x00\x00\x18ftypmp42" + b"garbage" * 200,
        b"\xff\xd8\xff\xe0junk",
    ],
    ids=["empty", "text", "mp4-header-then-garbage", "jpeg-header-then-junk"],
)
def test_a_file_that_cannot_be_read_gives_notes_not_an_exception(tmp_path, content):
    path = tmp_path / "draft.mp4"
    path.write_bytes(content)
    found = perceive_file(path, kind="video")
    assert found.kind in ("video", "image") and found.notes and found.brightness is None
    assert describe(found) == ""


def test_a_truncated_video_keeps_what_decoded_and_says_so(media, tmp_path):
    whole = (media["dir"] / "lively.mp4").read_bytes()
    path = tmp_path / "cut.mp4"
    path.write_bytes(whole[: len(whole) // 2])
    found = perceive_file(path)
    assert found.kind == "video" and found.notes


def test_without_tesseract_the_notes_say_on_screen_text_was_not_read(media, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract on this PATH
    found = perceive_file(media["dir"] / "rich.jpg")
    assert found.on_screen_text == "" and found.face_share == 1.0
    assert any("on-screen text was not read" in n and "tesseract" in n for n in found.notes)


def test_a_text_post_has_nothing_to_see():
    assert perceive_text() == Perception(kind="text") and describe(perceive_text()) == ""


def test_the_perception_round_trips_through_json_on_an_item(media):
    item = Item(id="d", creator_id="me", kind="video", perception=media["lively"])
    again = Item.from_dict(json.loads(json.dumps(item.to_dict())))
    assert again.perception == media["lively"] and again.perception.hook == media["lively"].hook


def test_the_text_representation_says_what_the_frames_show(media):
    item = Item(
        id="d", creator_id="me", kind="video", duration_s=6, caption="dinner", perception=media["lively"]
    )
    block, _ = item_text(item)
    assert "measured in the media:" in block and "The first 3 s: a face on screen" in block
    assert "cuts per minute" in block and "with sound" in block
    if media["lively"].on_screen_text:  # the words on screen are the creator's: quoted as data
        fenced = block.split("<creator_text>")[1]
        assert "text on screen:" in fenced and "carbonara" in fenced.lower()
    bare, _ = item_text(Item(id="d", creator_id="me", kind="video", duration_s=6, caption="dinner"))
    assert "measured in the media" not in bare


def test_the_command_prints_the_perception_as_json(media):
    result = simulator(
        "perceive",
        str(media["dir"] / "rich.jpg"),
        "--caption",
        "Carbonara",
        "--hashtags",
        "#pasta, food",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["caption"] == "Carbonara" and out["hashtags"] == ["pasta", "food"]
    assert out["perception"]["kind"] == "image" and out["perception"]["face_share"] == 1.0
    # the content model read the words and the face: topics, and the face's published prior on likes
    content = out["content"]
    assert "carbonara" in content["text"].lower() and content["topics"]
    assert any(f["name"] == "face" and f["metric"] == "like" and f["effect"] > 1 for f in content["factors"])
    assert content["effects"]["like"] != 1.0


def test_the_command_says_what_it_sees_and_refuses_a_missing_file(media, tmp_path):
    result = simulator("perceive", str(media["dir"] / "static.mp4"))
    assert result.returncode == 0 and "A 6 s portrait video" in result.stdout and "silent" in result.stdout
    missing = simulator("perceive", str(tmp_path / "nope.mp4"))
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_the_hook_of_a_video_shorter_than_three_seconds_is_all_of_it(tmp_path):
    found = perceive_file(lively_video(tmp_path / "short.mp4", seconds=2, size=(96, 160), fps=12))
    assert found.hook.seconds == pytest.approx(2.0, abs=0.1) and found.hook.face is not None
