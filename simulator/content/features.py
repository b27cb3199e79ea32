"""Countable properties of a post's words, the same for a YouTube title as for a draft's caption, so
effects fitted on one apply to the other. The number of tags is left out on purpose: YouTube videos carry
about twenty, drafts two or three hashtags, so its fitted slope would shift every draft alike."""

import re

import numpy as np

_WORD = re.compile(r"[A-Za-z0-9']+")
_FIRST_PERSON = {"i", "i'm", "im", "my", "me", "we", "our", "us", "i've", "mine"}
_SECOND_PERSON = {"you", "your", "you're", "youre", "yours"}

# name -> (what it measures, what would change it); the order is the design's column order.
TEXT_FEATURES: dict[str, tuple[str, str]] = {
    "words": ("the length of the title or caption (log of 1 + words)", "a shorter or longer caption"),
    "question": ("a question mark in the caption", "asking, or not asking, a question"),
    "exclaim": ("an exclamation mark in the caption", "adding or removing the exclamation"),
    "caps": ("the share of words in capitals", "less or more shouting in capitals"),
    "first_person": ("the creator speaking as I / we", "telling it in the first person, or not"),
    "second_person": ("addressing the viewer as you", "speaking to the viewer, or not"),
    "number": ("a number in the caption", "putting a number in, or taking it out"),
}


def text_features(caption: str) -> np.ndarray:
    """One row of TEXT_FEATURES for a caption (or title)."""
    words = _WORD.findall(caption)
    lowered = {w.lower() for w in words}
    long_words = [w for w in words if len(w) >= 2 and w.isalpha()]
    caps = sum(w.isupper() for w in long_words) / len(long_words) if long_words else 0.0
    return np.array(
        [
            np.log1p(len(words)),
            float("?" in caption),
            float("!" in caption),
            caps,
            float(bool(lowered & _FIRST_PERSON)),
            float(bool(lowered & _SECOND_PERSON)),
            float(any(c.isdigit() for c in caption)),
        ]
    )
