""" "What your audience will see": a stored Perception (simulator.perception) as labelled rows for a page."""

from simulator.perception.describe import colourfulness_word


def seen_rows(perception: dict) -> list[tuple[str, str]]:
    """(label, value) rows for a stored Perception; what was not measured is left out."""
    if perception.get("kind") not in ("image", "video"):
        return []
    p = perception
    rows = []
    hook = p.get("hook")
    if hook:
        parts = []
        if hook.get("face") is not None:
            parts.append("a face on screen" if hook["face"] else "no face")
        if hook.get("text") is not None:
            parts.append("text on screen" if hook["text"] else "no text on screen")
        if hook.get("motion") is not None:
            parts.append(f"motion {hook['motion']:.2f}/s")
        rows.append((f"The hook (first {hook.get('seconds', 3):.0f} s)", ", ".join(parts) or "not measured"))
    if p.get("face_share") is not None:
        rows.append(("Faces", _faces(p)))
    if p.get("on_screen_text"):
        rows.append(("Text on screen", f"“{p['on_screen_text']}”"))
    if p.get("kind") == "video":
        pace = []
        if p.get("cuts_per_min") is not None:
            pace.append(f"{p['cuts_per_min']:.0f} cuts a minute")
        if p.get("motion") is not None:
            pace.append(f"motion {p['motion']:.2f}/s (mean change of brightness, 0–1)")
        if pace:
            rows.append(("Pace", ", ".join(pace)))
        if p.get("audio") is not None:
            sound = f"yes, {p['loudness_db']:.0f} dBFS (RMS)" if p["audio"] else "silent, or no sound track"
            rows.append(("Sound", sound))
    if p.get("width") and p.get("height"):
        rows.append(("Frame", f"{p.get('orientation') or ''} {p['width']} × {p['height']} px".strip()))
    if p.get("brightness") is not None:
        rows.append(
            (
                "Look",
                f"brightness {p['brightness']:.0%}, contrast {p['contrast']:.0%}, "
                f"{colourfulness_word(p['colourfulness'])}, sharpness {p['sharpness']:.0f}",
            )
        )
    return rows


def _faces(p: dict) -> str:
    if not p["face_share"]:
        return "none seen"
    if p["kind"] == "image":
        return f"a face, {p['face_area']:.0%} of the picture"
    first = f", first at {p['first_face_s']:.1f} s" if p.get("first_face_s") is not None else ""
    return f"in {p['face_share']:.0%} of the video{first}; the largest {p['face_area']:.0%} of the frame"
