"""The multimodal representation: the draft's image or sampled video keyframes, resized with Pillow,
sent as images to a vision-language model beside the item's text block.

Images travel as JPEG data URLs in OpenAI chat format, which both engines accept (vLLM's `LLM.chat`
in-process and any OpenAI-compatible server).
"""

import base64
import io
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps

MAX_SIDE = 448  # pixels: enough for a VLM's view of a frame, small enough for many prompts per step
JPEG_QUALITY = 85


def pick_frames(frames: list[str], limit: int) -> list[str]:
    """At most `limit` frames spread evenly over the list (the first and last included)."""
    if limit <= 0 or not frames:
        return []
    if len(frames) <= limit:
        return list(frames)
    if limit == 1:
        return [frames[len(frames) // 2]]
    step = (len(frames) - 1) / (limit - 1)
    return [frames[round(i * step)] for i in range(limit)]


def image_data_url(path: str | Path, max_side: int = MAX_SIDE) -> str:
    """One image file as a JPEG data URL, upright, RGB, no side longer than `max_side`."""
    with Image.open(path) as img:
        img = ImageOps.exif_transpose(img).convert("RGB")
        img.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        img.save(out, format="JPEG", quality=JPEG_QUALITY)
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def image_parts(frames: list[str], limit: int, max_side: int = MAX_SIDE) -> list[dict[str, Any]]:
    """OpenAI content parts for the item's frames."""
    return [
        {"type": "image_url", "image_url": {"url": image_data_url(path, max_side)}}
        for path in pick_frames(frames, limit)
    ]
