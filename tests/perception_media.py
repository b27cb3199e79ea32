"""Real pictures and videos for the perception tests and benchmark, made on the spot with Pillow and PyAV.

The face is a real photograph (tests/data/astronaut_face.jpg, public domain; see tests/data/README.md),
so the face detector meets a face, not a drawing.
"""

import math
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FACE = Path(__file__).parent / "data" / "astronaut_face.jpg"


def grey_picture(path: Path, size: tuple[int, int] = (1080, 1080)) -> Path:
    """A flat mid-grey square: no light, colour, focus, face or text to speak of."""
    Image.new("RGB", size, (128, 128, 128)).save(path, quality=90)
    return path


def rich_picture(path: Path, size=(1080, 1080), caption: str = "5-minute carbonara") -> Path:
    """A colourful, sharp square with a face and a caption written in it."""
    width, height = size
    image = Image.fromarray(_gradient(width, height, 0))
    face = Image.open(FACE).convert("RGB")
    fw = int(width * 0.42)
    image.paste(face.resize((fw, int(fw * face.height / face.width))), (int(width * 0.29), int(height * 0.1)))
    _caption(image, caption)
    image.save(path, quality=90)
    return path


def _gradient(width: int, height: int, shift: int) -> np.ndarray:
    ys, xs = np.mgrid[0:height, 0:width]
    rgb = np.empty((height, width, 3), dtype=np.uint8)
    rgb[..., 0] = (xs * 255 // max(1, width - 1) + shift) % 256
    rgb[..., 1] = ((xs + ys) * 3 + shift * 2) % 256
    rgb[..., 2] = 255 - ys * 255 // max(1, height - 1)
    return rgb


def _caption(image: Image.Image, text: str) -> None:
    width, height = image.size
    size = max(12, width // 14)
    draw = ImageDraw.Draw(image)
    top = int(height * 0.74)
    draw.rectangle((int(width * 0.05), top, int(width * 0.95), top + int(size * 1.8)), fill=(0, 0, 0))
    font = ImageFont.load_default(size=size)
    draw.text((int(width * 0.08), top + size // 3), text, font=font, fill="white")


def static_video(path: Path, *, seconds: float = 6.0, size=(320, 568), fps: int = 24) -> Path:
    """A dark, blurred, still shot of an empty plate, with no sound."""
    width, height = size
    plate = Image.new("RGB", size, (30, 26, 24))
    draw = ImageDraw.Draw(plate)
    draw.ellipse((width * 0.2, height * 0.35, width * 0.8, height * 0.35 + width * 0.6), fill=(60, 58, 55))
    still = np.asarray(plate.filter(ImageFilter.GaussianBlur(radius=max(2, width // 40))))
    return _encode(path, lambda i: still, seconds=seconds, size=size, fps=fps, tone_dbfs=None)


def lively_video(
    path: Path,
    *,
    seconds: float = 6.0,
    size=(320, 568),
    fps: int = 24,
    cut_every_s: float = 1.0,
    caption: str = "5-minute carbonara",
    gop: int | None = None,
    preset: str | None = None,
) -> Path:
    """A face from the first frame, a moving colourful background that cuts to a new look every
    `cut_every_s`, a caption over the opening 3 s, and a tone at -20 dBFS."""
    width, height = size
    face = Image.open(FACE).convert("RGB")
    fw = int(min(width, height) * 0.55)
    face = np.asarray(face.resize((fw, int(fw * face.height / face.width))))
    night = _gradient(width, height, 90) // 4
    night[..., 2] += 120  # a dark blue look: a cut to it changes the picture's histogram, as real cuts do
    looks = [_gradient(width, height, 0), night]
    captioned = Image.new("RGB", size)
    _caption(captioned, caption)
    text_mask = np.asarray(captioned).any(axis=2) | (np.asarray(captioned.convert("L")) == 0)
    band = np.zeros(text_mask.shape, bool)
    band[int(height * 0.74) : int(height * 0.74) + int(max(12, width // 14) * 1.8)] = True
    caption_rgb = np.asarray(captioned)

    def frame(i: int) -> np.ndarray:
        t = i / fps
        rgb = np.roll(looks[int(t / cut_every_s) % 2], int(t * width / 2), axis=1)
        x = int((width - face.shape[1]) / 2 + width * 0.1 * math.sin(t * 3))
        y = int(height * 0.12 + height * 0.04 * math.cos(t * 2))
        rgb[y : y + face.shape[0], x : x + face.shape[1]] = face
        if t < 3.0:
            rgb[band] = caption_rgb[band]
        return rgb

    return _encode(path, frame, seconds=seconds, size=size, fps=fps, tone_dbfs=-20.0, gop=gop, preset=preset)


def _encode(path, frame_at, *, seconds, size, fps, tone_dbfs, gop=None, preset=None) -> Path:
    width, height = size
    with av.open(str(path), mode="w", format="mp4") as out:
        video = out.add_stream("h264", rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.time_base = Fraction(1, fps)
        video.options = {k: v for k, v in {"g": gop and str(gop), "preset": preset}.items() if v}
        audio = None
        if tone_dbfs is not None:
            audio = out.add_stream("aac", rate=44100)
            audio.layout = "mono"
        frames = max(1, int(seconds * fps))
        for i in range(frames):
            picture = av.VideoFrame.from_ndarray(np.ascontiguousarray(frame_at(i)), format="rgb24")
            picture.pts = i
            for packet in video.encode(picture):
                out.mux(packet)
        for packet in video.encode():
            out.mux(packet)
        if audio is not None:
            _tone(out, audio, seconds, tone_dbfs)
    return path


def _tone(out, stream, seconds: float, dbfs: float) -> None:
    """A 440 Hz sine whose RMS level is `dbfs` (a sine's RMS is its amplitude over sqrt 2)."""
    rate, block = 44100, 1024
    amplitude = 10 ** (dbfs / 20) * math.sqrt(2)
    total = int(seconds * rate)
    for start in range(0, total, block):
        n = min(block, total - start)
        t = (np.arange(start, start + n) / rate).astype(np.float32)
        samples = (amplitude * np.sin(2 * math.pi * 440 * t)).astype(np.float32).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
        frame.sample_rate, frame.pts = rate, start
        for packet in stream.encode(frame):
            out.mux(packet)
    for packet in stream.encode():
        out.mux(packet)
