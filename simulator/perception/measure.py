"""perceive_file and perceive_text: a draft's media or text to a Perception. Bad media never raises:
what could not be read is said in the Perception's notes."""

import time
from pathlib import Path

from simulator.perception import frames as fr
from simulator.perception.schema import Perception

# The first box of an ISO media file (MP4, MOV) and the EBML magic of Matroska (WebM): the bytes pick the
# one FFmpeg demuxer used, never FFmpeg's guess among hundreds (playlists and concat lists read other files).
ISO_BOXES = (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip", b"pnot")
EBML_MAGIC = b"\x1a\x45\xdf\xa3"


def perceive_file(path: str | Path, *, kind: str | None = None) -> Perception:
    """What the image or video at `path` shows, decided by its bytes; `kind` ("image" or "video") only
    names the Perception of a file that cannot be identified."""
    started = time.perf_counter()
    path = str(path)
    perception = Perception(kind=kind or "unknown")
    try:
        found = sniff(path)
        if found is None:
            perception.notes.append("the file is neither an image nor a video that can be read")
        elif found == "image":
            perception.kind = "image"
            _perceive_image(path, perception)
        else:
            from simulator.perception.video import perceive_video

            perception.kind = "video"
            perceive_video(path, found, perception)
    except Exception as exc:  # noqa: BLE001 - decoders raise many types for damaged files; all mean the same
        perception.notes.append(f"the file could not be read ({type(exc).__name__}: {exc})"[:300])
    orient(perception)
    perception.seconds = round(time.perf_counter() - started, 3)
    return perception


def perceive_text() -> Perception:
    """A text post: nothing to see; its words are read by the content model (simulator.content)."""
    return Perception(kind="text")


def sniff(path: str) -> str | None:
    """ "image", the FFmpeg demuxer for a video ("mp4" or "matroska"), or None."""
    from PIL import Image, UnidentifiedImageError

    with open(path, "rb") as f:
        head = f.read(8)
    if not head:
        return None
    if head[4:8] in ISO_BOXES:
        return "mp4"
    if head.startswith(EBML_MAGIC):
        return "matroska"
    try:
        with Image.open(path):
            return "image"
    except (UnidentifiedImageError, OSError):
        return None


def _perceive_image(path: str, perception: Perception) -> None:
    import numpy as np
    from PIL import Image, ImageOps

    from simulator.perception import ocr

    with Image.open(path) as im:
        width, height = im.size
        if im.getexif().get(0x0112, 1) in (5, 6, 7, 8):  # EXIF: a quarter turn to display
            width, height = height, width
        perception.width, perception.height = width, height
        im.draft("RGB", (ocr.OCR_SIDE, ocr.OCR_SIDE))  # a JPEG decodes at a fraction of its size, if enough
        upright = ImageOps.exif_transpose(im).convert("RGB")
    small = upright.copy()
    small.thumbnail(fr.analysis_size(*upright.size))
    stats = fr.measure(np.asarray(small))
    perception.brightness = round(stats.brightness, 4)
    perception.contrast = round(stats.contrast, 4)
    perception.colourfulness = round(stats.colourfulness, 2)
    perception.sharpness = round(stats.sharpness, 1)
    perception.frames_decoded = 1
    if stats.face_area is None:
        perception.notes.append(fr.face_detector_missing() or "faces were not measured")
    else:
        perception.face_share = 1.0 if stats.face_area else 0.0
        perception.face_area = round(stats.face_area, 4) if stats.face_area else None
    for_ocr = upright.copy()
    for_ocr.thumbnail(fr.analysis_size(*upright.size, side=ocr.OCR_SIDE))
    read = ocr.read_text([np.asarray(for_ocr)])
    if isinstance(read, str):
        perception.notes.append(read)
    else:
        perception.on_screen_text = read[0]


def orient(perception: Perception) -> None:
    """Aspect and orientation from the displayed size."""
    if not perception.width or not perception.height:
        return
    perception.aspect = round(perception.width / perception.height, 4)
    # within 5% of 1:1 counts as square (1080 x 1080 posts, and 1080 x 1100 crops of them)
    if abs(perception.aspect - 1.0) <= 0.05:
        perception.orientation = "square"
    else:
        perception.orientation = "landscape" if perception.aspect > 1 else "portrait"
