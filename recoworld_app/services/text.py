"""Cleaning creator-typed text before it is stored: lengths, control characters, hashtags."""

import re
import unicodedata

from recoworld_app.services.errors import InvalidInput

HASHTAG_PATTERN = r"[^\W_]\w{0,49}"  # a letter or digit, then up to 49 word characters
HASHTAG = re.compile(rf"#?({HASHTAG_PATTERN})", re.UNICODE)
HASHTAG_IN_TEXT = re.compile(r"#([^\W_][\w]{0,49})", re.UNICODE)
MAX_HASHTAGS = 30


def clean_text(
    value: str | None, *, field: str, max_length: int, required: bool = False, multiline=False
) -> str:
    """Normalise and check one text field; NUL and other control characters are never stored."""
    text = unicodedata.normalize("NFC", value or "")
    allowed = "\n\t" if multiline else ""
    text = "".join(ch for ch in text if ch in allowed or unicodedata.category(ch)[0] != "C")
    text = text.replace("\r\n", "\n").strip()
    if required and not text:
        raise InvalidInput(f"{field} is required.")
    if len(text) > max_length:
        raise InvalidInput(f"{field} is {len(text):,} characters long; the limit is {max_length:,}.")
    return text


def parse_hashtags(raw: str | list[str] | None, caption: str = "") -> list[str]:
    """Hashtags from a field ("#a b, c") plus any #tags in the caption, deduplicated, without '#'."""
    listed = isinstance(raw, list)
    if listed and len(raw) > MAX_HASHTAGS:
        raise InvalidInput(f"{len(raw)} hashtags; the limit is {MAX_HASHTAGS}.")
    parts = raw if listed else re.split(r"[\s,]+", raw or "")
    tags: list[str] = []
    for part in parts:
        part = clean_text(part, field="A hashtag", max_length=60)
        if not part and not listed:  # separators at either end of a typed field
            continue
        match = HASHTAG.fullmatch(part)
        if not match:
            raise InvalidInput(f"'{part[:60]}' is not a hashtag: use letters, digits and underscores.")
        tags.append(match.group(1))
    tags += HASHTAG_IN_TEXT.findall(caption)
    unique = list(dict.fromkeys(t.lower() for t in tags))
    if len(unique) > MAX_HASHTAGS:
        raise InvalidInput(f"{len(unique)} hashtags; the limit is {MAX_HASHTAGS}.")
    return unique
