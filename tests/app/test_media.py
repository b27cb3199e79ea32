"""Probing real files made by the tests: the bytes decide, never the name."""

import io

import pytest
from PIL import Image

from recoworld_app import media
from recoworld_app.samples import image_bytes, video_bytes


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_mp4_is_probed_for_duration_size_and_frame_rate(tmp_path):
    found = media.probe(write(tmp_path, "clip.bin", video_bytes(seconds=2.0, width=160, height=284, fps=12)))
    assert (found.kind, found.media_type, found.extension) == ("video", "video/mp4", "mp4")
    assert (found.width, found.height) == (160, 284)
    assert found.fps == pytest.approx(12, abs=0.01)
    assert found.duration_s == pytest.approx(2.0, abs=0.2)
    assert found.facts["codec"] == "h264"


def test_mov_and_webm_are_recognised(tmp_path):
    mov = media.probe(write(tmp_path, "a", video_bytes(container="mov", seconds=1)))
    webm = media.probe(write(tmp_path, "b", video_bytes(container="webm", seconds=1)))
    assert (mov.media_type, mov.extension) == ("video/quicktime", "mov")
    assert (webm.media_type, webm.extension) == ("video/webm", "webm")


def test_keyframes_are_spread_over_the_video_and_saved_as_jpegs(tmp_path):
    path = write(tmp_path, "clip", video_bytes(seconds=3.0, fps=10))
    found = media.probe(path)
    frames = media.video_keyframes(path, found.duration_s, tmp_path)
    assert len(frames) == media.KEYFRAME_COUNT
    pictures = [Image.open(f) for f in frames]
    assert all(p.format == "JPEG" and p.size == (160, 284) for p in pictures)
    assert len({p.tobytes() for p in pictures}) == len(pictures), "frames come from different moments"


def test_image_size_format_and_exif_rotation(tmp_path):
    found = media.probe(write(tmp_path, "p", image_bytes(width=300, height=200, exif_orientation=6)))
    assert (found.kind, found.media_type) == ("image", "image/jpeg")
    assert (found.width, found.height) == (200, 300), "a quarter-turn EXIF tag swaps the displayed size"
    out = media.image_normalised(tmp_path / "p", tmp_path / "upright.jpg")
    assert Image.open(out).size == (200, 300)


@pytest.mark.parametrize("fmt,media_type", [("PNG", "image/png"), ("WEBP", "image/webp")])
def test_png_and_webp(tmp_path, fmt, media_type):
    assert media.probe(write(tmp_path, "x.jpg", image_bytes(fmt=fmt))).media_type == media_type


def test_empty_file_is_rejected(tmp_path):
    with pytest.raises(media.MediaRejected, match="empty"):
        media.probe(write(tmp_path, "e.mp4", b""))


def test_gif_is_rejected_with_the_accepted_formats(tmp_path):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "GIF")
    with pytest.raises(media.MediaRejected, match="JPEG, PNG or WebP"):
        media.probe(write(tmp_path, "x.png", buffer.getvalue()))


def test_image_over_the_pixel_cap_is_rejected_before_decoding(tmp_path, settings):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 10_000
    with pytest.raises(media.MediaRejected, match="too large"):
        media.probe(write(tmp_path, "big.png", image_bytes(width=200, height=100, fmt="PNG")))


def test_text_file_is_neither_video_nor_image(tmp_path):
    with pytest.raises(media.MediaRejected, match="not a video or image"):
        media.probe(write(tmp_path, "notes.mp4", b"just some words, not a video\n" * 20))


def test_truncated_video_yields_no_keyframes(tmp_path):
    data = video_bytes(seconds=2)
    path = write(tmp_path, "cut.mp4", data[: len(data) // 3])
    with pytest.raises(media.MediaRejected):
        found = media.probe(path)
        media.video_keyframes(path, found.duration_s, tmp_path)


def test_video_longer_than_the_limit_is_rejected(tmp_path, settings):
    settings.UPLOAD_MAX_VIDEO_SECONDS = 1
    with pytest.raises(media.MediaRejected, match="limit is 1 s"):
        media.probe(write(tmp_path, "long.mp4", video_bytes(seconds=3)))


def test_svg_with_a_script_is_not_an_image_we_accept(tmp_path):
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="9" height="9"/></svg>'
    )
    with pytest.raises(media.MediaRejected, match="not a video or image we can read"):
        media.probe(write(tmp_path, "x.png", svg))


def test_decompression_bomb_header_is_rejected_without_decoding(tmp_path):
    import struct
    import zlib

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 50_000, 50_000, 8, 2, 0, 0, 0)
    bomb = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 100))
        + chunk(b"IEND", b"")
    )
    with pytest.raises(media.MediaRejected, match="too large"):
        media.probe(write(tmp_path, "bomb.png", bomb))
