"""Small, real media files made on the spot with PyAV and Pillow: the demo's drafts and the tests' uploads."""

import io
import math
from fractions import Fraction

import av
import numpy as np
from PIL import Image, ImageDraw


def video_bytes(
    *, seconds: float = 2.0, width: int = 160, height: int = 284, fps: int = 12, container: str = "mp4"
) -> bytes:
    """A moving colour gradient with a bouncing disc, encoded as H.264 in MP4/MOV or VP9 in WebM."""
    codec = "libvpx-vp9" if container == "webm" else "h264"
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format=container) as out:
        stream = out.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.time_base = Fraction(1, fps)
        ys, xs = np.mgrid[0:height, 0:width]
        for i in range(max(1, int(seconds * fps))):
            phase = i / fps
            rgb = np.empty((height, width, 3), dtype=np.uint8)
            rgb[..., 0] = (xs * 255 // max(1, width - 1) + i * 7) % 256
            rgb[..., 1] = (ys * 255 // max(1, height - 1)) % 256
            rgb[..., 2] = int(128 + 120 * math.sin(phase * 2))
            cx = int(width / 2 + width / 3 * math.sin(phase * 3))
            cy = int(height / 2 + height / 3 * math.cos(phase * 2))
            rgb[(xs - cx) ** 2 + (ys - cy) ** 2 < (min(width, height) // 6) ** 2] = 255
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts = i
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return buffer.getvalue()


def image_bytes(
    *, width: int = 320, height: int = 240, fmt: str = "JPEG", exif_orientation: int | None = None
) -> bytes:
    """A picture with a sky, a sun and a hill; optionally tagged with an EXIF orientation."""
    image = Image.new("RGB", (width, height), (135, 190, 235))
    draw = ImageDraw.Draw(image)
    draw.ellipse((width * 0.65, height * 0.1, width * 0.85, height * 0.1 + width * 0.2), fill=(250, 210, 60))
    draw.rectangle((0, height * 0.7, width, height), fill=(70, 140, 70))
    draw.text((10, 10), "RecoWorld", fill=(20, 20, 60))
    buffer = io.BytesIO()
    kwargs = {}
    if exif_orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        kwargs["exif"] = exif.tobytes()
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()
