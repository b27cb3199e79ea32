"""A Perception in a few plain sentences, for a text-only model and for people (measured facts only;
on-screen text is the creator's words and is quoted separately, as captions are)."""

from simulator.perception.schema import Perception

# Hasler and Suesstrunk (2003), table 2: the colourfulness M at which their observers' categories begin.
COLOURFULNESS_WORDS = (
    (109, "extremely colourful"),
    (82, "highly colourful"),
    (59, "quite colourful"),
    (45, "averagely colourful"),
    (33, "moderately colourful"),
    (15, "slightly colourful"),
    (0, "not colourful"),
)


def colourfulness_word(m: float) -> str:
    return next(word for floor, word in COLOURFULNESS_WORDS if m >= floor)


def describe(p: Perception) -> str:
    """What the audience will see and hear, as measured; empty for a text post with nothing measured."""
    if p.kind not in ("image", "video") or (p.width is None and p.brightness is None):
        return ""
    sentences = [_frame_sentence(p)]
    if p.hook is not None:
        sentences.append(_hook_sentence(p))
    if p.face_share is not None:
        sentences.append(_face_sentence(p))
    if p.kind == "video" and (p.cuts_per_min is not None or p.motion is not None):
        parts = []
        if p.cuts_per_min is not None:
            parts.append(f"{p.cuts_per_min:.0f} cuts per minute")
        if p.motion is not None:
            parts.append(f"motion {p.motion:.2f} (mean change of brightness per second, 0-1)")
        sentences.append("Pace: " + ", ".join(parts) + ".")
    if p.brightness is not None:
        sentences.append(
            f"Look: brightness {p.brightness:.0%}, contrast {p.contrast:.0%}, "
            f"{colourfulness_word(p.colourfulness)}, sharpness {p.sharpness:.0f} (variance of the Laplacian)."
        )
    if p.on_screen_text:
        sentences.append("Text is written on screen.")
    return " ".join(s for s in sentences if s)


def _frame_sentence(p: Perception) -> str:
    what = " ".join(x for x in (_length(p), p.orientation, p.kind) if x)
    size = f", {p.width} x {p.height}" if p.width and p.height else ""
    sound = ""
    if p.kind == "video" and p.audio is not None:
        sound = f", with sound ({p.loudness_db:.0f} dBFS)" if p.audio else ", silent"
    return f"A {what}{size}{sound}." if what else ""


def _length(p: Perception) -> str:
    return f"{p.duration_s:.0f} s" if p.kind == "video" and p.duration_s else ""


def _hook_sentence(p: Perception) -> str:
    h = p.hook
    parts = []
    if h.face is not None:
        parts.append("a face on screen" if h.face else "no face")
    if h.text is not None:
        parts.append("text on screen" if h.text else "no text")
    if h.motion is not None:
        parts.append(f"motion {h.motion:.2f}")
    return f"The first {h.seconds:.0f} s: {', '.join(parts)}." if parts else ""


def _face_sentence(p: Perception) -> str:
    if not p.face_share:
        return "No face is seen."
    if p.kind == "image":
        return f"A face is seen, taking {p.face_area:.0%} of the picture."
    first = f", first at {p.first_face_s:.1f} s" if p.first_face_s is not None else ""
    return (
        f"A face is seen in {p.face_share:.0%} of the video{first}, "
        f"the largest taking {p.face_area:.0%} of the frame."
    )
