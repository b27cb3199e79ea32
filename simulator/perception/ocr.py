"""On-screen text, read by Debian's tesseract-ocr (`make ocr`), all frames of a draft in one process."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

OCR_SIDE = 1280  # frames are read at most this large: small captions survive, the model stays fast
# Tesseract's per-word confidence (0-100) from its TSV output. A reading threshold, not a model parameter:
# on text-free frames (the tests' gradients, faces, plates) its guesses score under 60, real words above.
MIN_CONFIDENCE = 60.0
TIMEOUT_S = 30


def tesseract_missing() -> str | None:
    """Why on-screen text cannot be read here, or None when it can."""
    if shutil.which("tesseract") is None:
        return "on-screen text was not read: tesseract-ocr is not installed (make ocr)"
    return None


def read_text(frames) -> list[str] | str:
    """The confident words of each RGB uint8 frame, one string per frame; or the reason none were read."""
    from PIL import Image

    missing = tesseract_missing()
    if missing:
        return missing
    with tempfile.TemporaryDirectory(prefix="perceive-ocr-") as tmp:
        paths = []
        for i, rgb in enumerate(frames):
            # colour, uncompressed: tesseract binarises colour better than our grey; PNG's zlib cost seconds
            path = Path(tmp) / f"frame-{i}.ppm"
            Image.fromarray(rgb).save(path)
            paths.append(str(path))
        listing = Path(tmp) / "frames.txt"
        listing.write_text("\n".join(paths) + "\n")
        try:
            done = subprocess.run(
                ["tesseract", str(listing), "-", "--psm", "11", "-l", "eng", "tsv"],
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S,
                env={**os.environ, "OMP_THREAD_LIMIT": "1"},  # its OpenMP threads only contend on 2 cores
            )
        except subprocess.TimeoutExpired:
            return f"on-screen text was not read: tesseract took over {TIMEOUT_S} s"
    if done.returncode != 0:
        return f"on-screen text was not read: tesseract failed ({done.stderr.strip()[:200]})"
    return _words_per_page(done.stdout, len(paths))


def _words_per_page(tsv: str, pages: int) -> list[str]:
    words: list[list[str]] = [[] for _ in range(pages)]
    for line in tsv.splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) < 12 or cols[0] != "5":  # level 5: a word
            continue
        text, conf = cols[11].strip(), float(cols[10])
        if conf >= MIN_CONFIDENCE and sum(c.isalnum() for c in text) >= 2:
            page = int(cols[1]) - 1
            if 0 <= page < pages:
                words[page].append(text)
    return [" ".join(w) for w in words]
