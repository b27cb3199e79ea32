"""A video over time, decoding only the frames it needs (PyAV).

One demux pass reads the packets (keyframe times, the audio, which is cheap to decode); then sampled
frames are decoded: every HOOK_STEP_S over the opening HOOK_S seconds, every BODY_STEP_S after. A target
far past its keyframe moves back to the keyframe instead of decoding the frames between, so a 60 s 1080p
video costs a few hundred decoded frames rather than 1,800.
"""

import math
from dataclasses import dataclass

from simulator.perception import frames as fr
from simulator.perception.schema import Hook, Perception

HOOK_S = 3.0  # the opening seconds in which viewers decide (the schema's Hook.seconds)
HOOK_STEP_S = 0.25
BODY_STEP_S = 1.0
MAX_BODY_SAMPLES = 120  # longer videos are sampled evenly instead of every second
MAX_LEAD_S = 0.5  # decode at most this far to reach a target; farther, take the keyframe before it
OCR_HOOK_AT_S = (0.5, 1.5, 2.5)
OCR_BODY_AT = (0.25, 0.5, 0.75)  # shares of the length
SILENCE_DBFS = -60.0  # below this RMS level the track is taken as silent (16-bit dither sits near -90)


@dataclass
class Sample:
    t: float
    rgb: object  # HxWx3 uint8 at analysis size
    stats: fr.FrameStats
    motion: float | None  # mean absolute luma difference per second to the next decoded frame
    hist: object
    ocr_rgb: object | None = None


def perceive_video(path: str, demuxer: str, perception: Perception) -> None:
    """Fill `perception` from the video at `path`; what could not be measured goes into its notes."""
    import av

    with av.open(path, format=demuxer, metadata_errors="ignore") as container:
        if not container.streams.video:
            perception.notes.append("the file has no video track")
            return
        stream = container.streams.video[0]
        codec = stream.codec_context
        perception.width, perception.height = codec.width or None, codec.height or None
        keyframes, last_t, rms = _demux_pass(container, stream, perception)
        duration = _duration(container, stream, last_t)
        perception.duration_s = round(duration, 3) if duration else None
        _audio(perception, rms, has_audio=bool(container.streams.audio))
        container.seek(0, stream=stream)
        samples, quarter_turned = _decode_samples(container, stream, keyframes, duration or 0.0, perception)
    if not samples:
        perception.notes.append("no frame of the video could be decoded")
        return
    if quarter_turned and perception.width and perception.height:  # shown sideways: the displayed size
        perception.width, perception.height = perception.height, perception.width
    _summarise(perception, samples, duration or samples[-1].t)


def _demux_pass(container, stream, perception: Perception) -> tuple[list[float], float, float | None]:
    """Keyframe times and the last packet time of the video; the audio's RMS level on [0, 1]."""
    import av

    keyframes: list[float] = []
    last_t = 0.0
    audio = container.streams.audio[0] if container.streams.audio else None
    squares, count = 0.0, 0
    streams = [stream] + ([audio] if audio else [])
    try:
        for packet in container.demux(*streams):
            if packet.pts is None or packet.time_base is None:
                continue
            if packet.stream is stream:
                t = float(packet.pts * packet.time_base)
                last_t = max(last_t, t)
                if packet.is_keyframe:
                    keyframes.append(t)
            else:
                for frame in packet.decode():
                    s, n = _sum_of_squares(frame)
                    squares, count = squares + s, count + n
    except av.error.FFmpegError as exc:
        perception.notes.append(f"the file is damaged after {last_t:.1f} s ({exc.strerror or exc})")
    rms = math.sqrt(squares / count) if count else None
    return sorted(set(keyframes)) or [0.0], last_t, rms


def _sum_of_squares(frame) -> tuple[float, int]:
    import numpy as np

    samples = frame.to_ndarray()
    name = frame.format.name.rstrip("p")
    scale = {"s16": 32768.0, "s32": 2147483648.0, "u8": 128.0}.get(name, 1.0)
    x = samples.astype(np.float64)
    if name == "u8":
        x = x - 128.0
    x /= scale
    return float((x * x).sum()), int(x.size)


def _duration(container, stream, last_t: float) -> float | None:
    import av

    if stream.duration is not None and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return last_t or None


def _audio(perception: Perception, rms: float | None, *, has_audio: bool) -> None:
    if not has_audio:
        perception.audio = False
        return
    if rms is None:
        perception.notes.append("the audio track could not be decoded")
        return
    if rms == 0.0:
        perception.audio = False
        perception.notes.append("the audio track is digital silence")
        return
    perception.loudness_db = round(20 * math.log10(rms), 1)
    perception.audio = perception.loudness_db > SILENCE_DBFS


def _targets(duration: float) -> list[float]:
    hook = [i * HOOK_STEP_S for i in range(int(min(HOOK_S, duration) / HOOK_STEP_S + 0.999))] or [0.0]
    body_span = max(0.0, duration - HOOK_S)
    n = min(MAX_BODY_SAMPLES, int(body_span / BODY_STEP_S))
    step = body_span / n if n else 0.0
    return hook + [HOOK_S + i * step for i in range(n)]


def _decode_samples(container, stream, keyframes, duration, perception) -> tuple[list[Sample], bool]:
    """The sampled frames, and whether the video is displayed a quarter turn from how it is stored."""
    import bisect

    import av

    from simulator.perception import ocr

    stream.thread_type = "AUTO"
    width, height = stream.codec_context.width, stream.codec_context.height
    size = fr.analysis_size(width, height)
    ocr_size = fr.analysis_size(width, height, side=ocr.OCR_SIDE)
    ocr_at = set(OCR_HOOK_AT_S) | {round(duration * s, 3) for s in OCR_BODY_AT if duration * s > HOOK_S}
    decoder = _Decoder(container, stream, perception)
    samples: list[Sample] = []
    taken: set[float] = set()
    try:
        for target in _targets(duration):
            key = keyframes[max(0, bisect.bisect_right(keyframes, target + 1e-6) - 1)]
            if min(target - key, decoder.ahead(target)) > MAX_LEAD_S:
                target = key  # decoding to the target would cost more frames than a sample is worth
            if target in taken:
                continue
            frame = decoder.frame_at(target, key)
            if frame is None:
                break
            taken.add(target)
            following = decoder.next()
            want_ocr = any(abs(target - t) < HOOK_STEP_S / 2 for t in ocr_at)
            samples.append(_sample(frame, following, size, ocr_size if want_ocr else None))
    except av.error.FFmpegError as exc:
        perception.notes.append(f"decoding stopped at a damaged frame ({exc.strerror or exc})")
    perception.frames_decoded = decoder.decoded
    return samples, decoder.rotation % 180 == 90


class _Decoder:
    """Frames in order, seeking only when the target lies outside the current run of decoded frames."""

    def __init__(self, container, stream, perception):
        self.container, self.stream, self.perception = container, stream, perception
        self.frames = container.decode(stream)
        self.last = None  # time of the last decoded frame
        self.decoded = 0
        self.rotation = 0

    def ahead(self, target: float) -> float:
        """Seconds of frames to decode to reach `target` from where decoding stands (inf: behind it)."""
        last = -1e-9 if self.last is None else self.last
        return target - last if last < target else math.inf

    def next(self):
        frame = next(self.frames, None)
        if frame is not None:
            self.decoded += 1
            self.last = frame.time if frame.time is not None else self.last
            self.rotation = abs(getattr(frame, "rotation", 0) or 0)
        return frame

    def frame_at(self, target: float, key: float):
        """The first frame at or after `target`, whose keyframe is at `key`: decoding on from where it
        stands, or from a seek to the keyframe, whichever decodes fewer frames."""
        if self.ahead(target + 1e-6) > target - key:
            self.container.seek(int(target / self.stream.time_base), stream=self.stream, backward=True)
            self.frames = self.container.decode(self.stream)
        while True:
            frame = self.next()
            if frame is None or frame.time is None or frame.time + 1e-6 >= target:
                return frame


def _sample(frame, following, size, ocr_size) -> Sample:
    rgb = _upright(frame.to_ndarray(format="rgb24", width=size[0], height=size[1]), frame)
    motion = None
    if following is not None and following.time is not None and frame.time is not None:
        gap = following.time - frame.time
        if gap > 0:
            nxt = _upright(following.to_ndarray(format="rgb24", width=size[0], height=size[1]), following)
            motion = fr.mean_abs_difference(rgb, nxt) / gap
    ocr_rgb = None
    if ocr_size is not None:
        ocr_rgb = _upright(frame.to_ndarray(format="rgb24", width=ocr_size[0], height=ocr_size[1]), frame)
    return Sample(
        t=float(frame.time or 0.0),
        rgb=rgb,
        stats=fr.measure(rgb),
        motion=motion,
        hist=fr.luma_histogram(rgb),
        ocr_rgb=ocr_rgb,
    )


def _upright(rgb, frame):
    """The frame as it is displayed: phones store portrait video sideways with a rotation matrix."""
    import numpy as np

    quarter = round((getattr(frame, "rotation", 0) or 0) / 90) % 4
    return np.ascontiguousarray(np.rot90(rgb, k=quarter)) if quarter else rgb


def _summarise(perception: Perception, samples: list[Sample], duration: float) -> None:
    from simulator.perception import ocr

    # each sample stands for the time until the next one, so the dense opening does not outweigh the rest
    ends = [s.t for s in samples[1:]] + [max(duration, samples[-1].t + BODY_STEP_S)]
    spans = [max(1e-3, end - s.t) for s, end in zip(samples, ends, strict=True)]
    total = sum(spans)

    def weighted(values):
        pairs = [(v, w) for v, w in zip(values, spans, strict=True) if v is not None]
        weight = sum(w for _, w in pairs)
        return sum(v * w for v, w in pairs) / weight if weight else None

    stats = [s.stats for s in samples]
    perception.brightness = _round(weighted([s.brightness for s in stats]))
    perception.contrast = _round(weighted([s.contrast for s in stats]))
    perception.colourfulness = _round(weighted([s.colourfulness for s in stats]), 2)
    perception.sharpness = _round(weighted([s.sharpness for s in stats]), 1)
    perception.motion = _round(weighted([s.motion for s in samples]))
    cuts = sum(fr.is_cut(a.hist, b.hist) for a, b in zip(samples, samples[1:], strict=False))
    perception.cuts_per_min = round(cuts / duration * 60.0, 2) if duration > 0 else None

    if stats[0].face_area is None:
        perception.notes.append(fr.face_detector_missing() or "faces were not measured")
    else:
        with_face = [s for s in samples if s.stats.face_area]
        seen = sum(w for s, w in zip(samples, spans, strict=True) if s.stats.face_area)
        perception.face_share = round(seen / total, 3)
        if with_face:
            perception.face_area = _round(_mean([s.stats.face_area for s in with_face]))
            perception.first_face_s = round(with_face[0].t, 2)

    hook = [s for s in samples if s.t < HOOK_S]
    hook_words: bool | None = None
    ocr_samples = [s for s in samples if s.ocr_rgb is not None]
    if ocr_samples:
        read = ocr.read_text([s.ocr_rgb for s in ocr_samples])
        if isinstance(read, str):
            perception.notes.append(read)
        else:
            perception.on_screen_text = _dedupe(read)
            hook_words = any(text for s, text in zip(ocr_samples, read, strict=True) if s.t < HOOK_S)
    perception.hook = Hook(
        seconds=round(min(HOOK_S, duration), 3) if duration > 0 else HOOK_S,
        motion=_round(_mean([s.motion for s in hook])),
        face=None if stats[0].face_area is None else any(s.stats.face_area for s in hook),
        text=hook_words,
    )


def _dedupe(texts: list[str]) -> str:
    seen: list[str] = []
    for text in texts:
        if text and text.lower() not in (t.lower() for t in seen):
            seen.append(text)
    return " / ".join(seen)


def _mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def _round(value, digits: int = 4):
    return None if value is None else round(value, digits)
