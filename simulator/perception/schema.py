"""The measured properties of a draft. Every field is a measurement or None where it could not be taken
(with the reason in `notes`); nothing is guessed."""

from dataclasses import dataclass, field

from simulator.serial import JsonRecord

PERCEPTION_VERSION = 1


@dataclass
class Hook(JsonRecord):
    """The opening seconds of a video (the first `seconds`), where viewers decide to stay."""

    seconds: float = 3.0
    motion: float | None = None  # mean absolute frame difference per second, luma in [0, 1]
    face: bool | None = None  # a face is visible in the opening
    text: bool | None = None  # text is on screen in the opening


@dataclass
class Perception(JsonRecord):
    kind: str  # "video", "image" or "text"; "unknown": a file that could not be identified
    width: int | None = None
    height: int | None = None
    aspect: float | None = None  # width / height
    orientation: str | None = None  # "portrait", "landscape" or "square"
    duration_s: float | None = None
    # means over the sampled frames (the image itself for an image)
    brightness: float | None = None  # mean luma, [0, 1]
    contrast: float | None = None  # standard deviation of luma, [0, 1]
    colourfulness: float | None = None  # Hasler and Suesstrunk (2003) M, on 0-255 channels
    sharpness: float | None = None  # variance of the Laplacian of luma (0-255), frame scaled to 512 px
    face_share: float | None = None  # share of the time with a face (each sample weighted by its span)
    face_area: float | None = None  # largest face's share of the frame area, over frames with faces
    first_face_s: float | None = None  # first sampled second with a face; None: none seen (or not a video)
    on_screen_text: str = ""  # OCR of the sampled frames, deduplicated
    hook: Hook | None = None  # videos only
    cuts_per_min: float | None = None  # shot changes per minute of video
    motion: float | None = None  # mean absolute frame difference per second over the whole video
    audio: bool | None = None  # the file has an audio stream with sound in it
    loudness_db: float | None = None  # RMS level of the audio in dBFS
    frames_decoded: int = 0
    seconds: float = 0.0  # time the measurement took
    notes: list[str] = field(default_factory=list)  # what could not be measured, and why
    version: int = PERCEPTION_VERSION
