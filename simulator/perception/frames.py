"""What one frame shows, measured on a frame scaled so its longest side is ANALYSIS_SIDE pixels.

NumPy and OpenCV are imported inside the functions: `import simulator` stays light.
"""

from dataclasses import dataclass
from functools import cache

ANALYSIS_SIDE = 512  # the schema's scale for sharpness
# Faces are looked for at this size: down to 24 px, a face a sixteenth of the frame's longest side; at 512
# the cascade took 5x as long (many more scales) for the same faces on the benchmark's frames.
FACE_SIDE = 384
# PySceneDetect 0.7.2's HistogramDetector defaults (128 bins of luma, a cut where 1 - correlation of
# two frames' histograms exceeds 0.20), calibrated on its benchmarks (release notes, #559).
CUT_BINS = 128
CUT_THRESHOLD = 0.20


@dataclass
class FrameStats:
    brightness: float  # mean luma, [0, 1]
    contrast: float  # standard deviation of luma, [0, 1]
    colourfulness: float  # Hasler and Suesstrunk (2003) M
    sharpness: float  # variance of the Laplacian of luma, 0-255 scale
    face_area: float | None  # largest face's share of the frame; 0.0 no face; None not measured


def analysis_size(width: int, height: int, side: int = ANALYSIS_SIDE) -> tuple[int, int]:
    """The frame's size scaled so its longest side is `side` (never enlarged), even numbers for swscale."""
    scale = min(1.0, side / max(width, height))
    return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)


def luma(rgb):
    """ITU-R BT.601 luma of an RGB uint8 frame, as float32 on 0-255."""
    import numpy as np

    rgb = rgb.astype(np.float32)
    return 0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]


def measure(rgb, *, faces: bool = True) -> FrameStats:
    """The frame's light, colour, focus and faces; `rgb` is HxWx3 uint8 at analysis size."""
    import numpy as np

    y = luma(rgb)
    return FrameStats(
        brightness=float(y.mean() / 255.0),
        contrast=float(y.std() / 255.0),
        colourfulness=colourfulness(rgb),
        sharpness=sharpness(y),
        face_area=largest_face_share(y.astype(np.uint8)) if faces and face_detector() else None,
    )


def colourfulness(rgb) -> float:
    """Hasler and Suesstrunk (2003), "Measuring colourfulness in natural images", eq. 3:
    M = sqrt(sd_rg^2 + sd_yb^2) + 0.3 sqrt(mean_rg^2 + mean_yb^2), rg = R - G, yb = (R + G)/2 - B."""
    import numpy as np

    r, g, b = (rgb[..., i].astype(np.float32) for i in range(3))
    rg, yb = r - g, 0.5 * (r + g) - b
    return float(np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean()))


def sharpness(y) -> float:
    """Variance of the Laplacian (Pech-Pacheco et al., ICPR 2000): low on blurred or flat frames."""
    import cv2

    return float(cv2.Laplacian(y, cv2.CV_32F).var())


@cache
def face_detector():
    """OpenCV's frontal-face Haar cascade (Viola and Jones 2001), shipped in its wheel; None without it."""
    try:
        import cv2
    except ImportError:
        return None
    path = getattr(getattr(cv2, "data", None), "haarcascades", None)
    if not path or not hasattr(cv2, "CascadeClassifier"):
        return None
    detector = cv2.CascadeClassifier(path + "haarcascade_frontalface_default.xml")
    return None if detector.empty() else detector


def face_detector_missing() -> str | None:
    """Why faces cannot be measured here, or None when they can."""
    try:
        import cv2
    except ImportError:
        return "faces were not measured: OpenCV (opencv-python-headless) is not installed"
    if face_detector() is None:
        return f"faces were not measured: OpenCV {cv2.__version__} ships no Haar face cascade"
    return None


def largest_face_share(gray) -> float:
    """The largest detected face's share of the frame area, 0.0 where none is found."""
    import cv2

    height, width = gray.shape
    w, h = analysis_size(width, height, side=FACE_SIDE)
    if (w, h) != (width, height):
        gray = cv2.resize(gray, (w, h), interpolation=cv2.INTER_AREA)
    equalised = cv2.equalizeHist(gray)
    # minNeighbors 5 is OpenCV's tutorial setting; fewer neighbours let textures pass as faces
    found = face_detector().detectMultiScale(equalised, scaleFactor=1.1, minNeighbors=5, minSize=(24, 24))
    if len(found) == 0:
        return 0.0
    return float(max(w * h for (_x, _y, w, h) in found) / (gray.shape[0] * gray.shape[1]))


def luma_histogram(rgb):
    """The normalised luma histogram that cut detection compares."""
    import cv2
    import numpy as np

    hist = cv2.calcHist([luma(rgb).astype(np.uint8)], [0], None, [CUT_BINS], [0, 256])
    return cv2.normalize(hist, hist).astype(np.float32)


def is_cut(hist_a, hist_b) -> bool:
    import cv2

    return 1.0 - cv2.compareHist(hist_a, hist_b, cv2.HISTCMP_CORREL) > CUT_THRESHOLD


def mean_abs_difference(rgb_a, rgb_b) -> float:
    """Mean absolute luma difference of two frames of one size, [0, 1]."""
    import numpy as np

    return float(np.abs(luma(rgb_a) - luma(rgb_b)).mean() / 255.0)
