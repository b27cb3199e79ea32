"""Probing uploads by their content (Pillow for images, PyAV for video), thumbnails and keyframes.

Nothing here trusts a file name or a declared type: the bytes decide what a file is.
"""

import math
from dataclasses import dataclass, field
from pathlib import Path

import av
from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
# The FFmpeg demuxers we open videos with: mp4 and mov share one, webm is read by matroska's.
VIDEO_CONTAINERS = {"mp4": ("video/mp4", "mp4"), "matroska": ("video/webm", "webm")}
# What an upload may be, as the API's schema lists it: the formats above and QuickTime (read as mp4).
MEDIA_TYPES = ("video/mp4", "video/quicktime", "video/webm", "image/jpeg", "image/png", "image/webp")
THUMB_SIZE = (480, 480)
KEYFRAME_SIZE = (640, 640)
KEYFRAME_COUNT = 5


class MediaRejected(Exception):
    """The upload is not a file we accept; the message says why in the creator's words."""


@dataclass
class Probe:
    kind: str  # "video" or "image"
    media_type: str
    extension: str
    width: int
    height: int
    duration_s: float | None = None
    fps: float | None = None
    facts: dict = field(default_factory=dict)


def probe(path: Path) -> Probe:
    """What the file at `path` is, or MediaRejected; images are tried first, then video containers."""
    if path.stat().st_size == 0:
        raise MediaRejected("The file is empty.")
    image = _probe_image(path)
    return image if image is not None else _probe_video(path)


def _probe_image(path: Path) -> Probe | None:
    # Only the header is read until the format and the pixel count pass: Pillow's getexif() decodes
    # a whole PNG to look for EXIF after the pixels, so it comes last.
    try:
        with Image.open(path) as im:
            fmt = im.format
            width, height = im.size
            if fmt not in IMAGE_FORMATS:
                raise MediaRejected(
                    f"Images must be JPEG, PNG or WebP; this file is {fmt or 'an unknown format'}."
                )
            if width * height > settings.UPLOAD_MAX_IMAGE_PIXELS:
                raise MediaRejected(_too_many_pixels_message(width, height))
            if getattr(im, "n_frames", 1) > 1:
                raise MediaRejected("Animated images are not supported; upload the animation as a video.")
            orientation = im.getexif().get(0x0112, 1)
    except UnidentifiedImageError:
        return None
    except Image.DecompressionBombError:
        raise MediaRejected(_too_many_pixels_message()) from None
    except MediaRejected:
        raise
    except Exception:  # Pillow raises many types for broken headers and pixel data; all mean the same
        raise MediaRejected("The image could not be read; it may be damaged or truncated.") from None
    if orientation in (5, 6, 7, 8):  # rotated a quarter turn: the displayed size is swapped
        width, height = height, width
    media_type, extension = IMAGE_FORMATS[fmt]
    return Probe(
        kind="image",
        media_type=media_type,
        extension=extension,
        width=width,
        height=height,
        facts={"format": fmt, "exif_orientation": orientation},
    )


def _too_many_pixels_message(width: int | None = None, height: int | None = None) -> str:
    size = f" ({width:,} x {height:,})" if width else ""
    return f"The image is too large{size}: at most {settings.UPLOAD_MAX_IMAGE_PIXELS:,} pixels."


UNREADABLE = "This file is not a video or image we can read (MP4, MOV, WebM, JPEG, PNG, WebP)."
# The first box of an ISO media file (MP4, MOV) and the EBML magic of Matroska (WebM).
ISO_BOXES = (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip", b"pnot")
EBML_MAGIC = b"\x1a\x45\xdf\xa3"


def _demuxer_for(path: Path) -> str | None:
    """The one FFmpeg demuxer the file's magic bytes call for, or None.

    FFmpeg guessing among its hundreds of demuxers would let an upload pick one that reads other
    files or URLs (playlists, concat lists, image sequences), so the guess is never left to it.
    """
    with open(path, "rb") as f:
        head = f.read(8)
    if head[4:8] in ISO_BOXES:
        return "mp4"
    if head.startswith(EBML_MAGIC):
        return "matroska"
    return None


def _probe_video(path: Path) -> Probe:
    demuxer = _demuxer_for(path)
    if demuxer is None:
        raise MediaRejected(UNREADABLE)
    try:
        container = av.open(str(path), format=demuxer, metadata_errors="ignore")
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError):
        raise MediaRejected(UNREADABLE) from None
    with container:
        if not container.streams.video:
            raise MediaRejected("The file has no video track.")
        stream = container.streams.video[0]
        width, height = stream.codec_context.width, stream.codec_context.height
        if not width or not height:
            raise MediaRejected("The video's frame size could not be read; the file may be damaged.")
        if width * height > settings.UPLOAD_MAX_IMAGE_PIXELS:
            raise MediaRejected(f"The video frame is too large ({width} x {height}).")
        duration = _duration_s(container, stream)
        if duration is not None and duration > settings.UPLOAD_MAX_VIDEO_SECONDS:
            raise MediaRejected(
                f"The video is {duration:.0f} s long; the limit is {settings.UPLOAD_MAX_VIDEO_SECONDS} s."
            )
        fps = float(stream.average_rate) if stream.average_rate else None
        codec = stream.codec_context.name
        has_audio = bool(container.streams.audio)
        media_type, extension = VIDEO_CONTAINERS[demuxer]
    if extension == "mp4" and "qt  " in _ftyp_brands(path):
        media_type, extension = "video/quicktime", "mov"
    return Probe(
        kind="video",
        media_type=media_type,
        extension=extension,
        width=width,
        height=height,
        duration_s=duration,
        fps=round(fps, 3) if fps and math.isfinite(fps) else None,
        facts={"codec": codec, "audio": has_audio},
    )


def _duration_s(container, stream) -> float | None:
    if stream.duration is not None and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


def _ftyp_brands(path: Path) -> str:
    with open(path, "rb") as f:
        head = f.read(32)
    return head[8:32].decode("latin-1") if head[4:8] == b"ftyp" else ""


def video_keyframes(path: Path, duration_s: float | None, out_dir: Path) -> list[Path]:
    """Decode frames spread over the video and save them as JPEGs; MediaRejected if none decodes."""
    saved: list[Path] = []
    span = duration_s or 0.0
    targets = [span * (i + 0.5) / KEYFRAME_COUNT for i in range(KEYFRAME_COUNT)] if span > 0 else [0.0]
    try:
        with av.open(str(path), format=_demuxer_for(path), metadata_errors="ignore") as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            for target in targets:
                frame = _frame_at(container, stream, target)
                if frame is None:
                    continue
                image = frame.to_image()
                image.thumbnail(KEYFRAME_SIZE)
                out = out_dir / f"frame-{len(saved) + 1}.jpg"
                image.convert("RGB").save(out, "JPEG", quality=85)
                saved.append(out)
    except av.error.FFmpegError:
        pass  # whatever decoded before the damage is kept; none at all is rejected below
    if not saved:
        raise MediaRejected("No frame of the video could be decoded; the file may be truncated or damaged.")
    return saved


def _frame_at(container, stream, seconds: float):
    if seconds > 0 and stream.time_base:
        container.seek(int(seconds / stream.time_base), stream=stream, backward=True, any_frame=False)
    for frame in container.decode(stream):
        if frame.time is None or frame.time + 1e-6 >= seconds or seconds == 0:
            return frame
    return None


def image_normalised(path: Path, out: Path) -> Path:
    """The image upright (EXIF orientation applied), at most KEYFRAME_SIZE, as a JPEG the simulator reads."""
    try:
        with Image.open(path) as im:
            im.load()
            upright = ImageOps.exif_transpose(im)
    except Exception as exc:  # truncated or corrupt pixel data after a readable header
        raise MediaRejected(
            f"The image could not be decoded ({type(exc).__name__}); it may be damaged."
        ) from None
    upright.thumbnail(KEYFRAME_SIZE)
    _rgb(upright).save(out, "JPEG", quality=85)
    return out


def thumbnail(source: Path, out: Path) -> Path:
    with Image.open(source) as im:
        im.thumbnail(THUMB_SIZE)
        _rgb(im).save(out, "JPEG", quality=80)
    return out


def _rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "P"):
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
