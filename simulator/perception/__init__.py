"""Perception: what a draft shows and says, measured from its media file and text (issue "Drafts are seen").

`Perception` is the contract between the measuring side (this package: frames, faces, on-screen text,
motion, cuts, sound) and the content model (simulator.content), which turns it into topics and the
persona brain's per-item multipliers (types.ItemEffects). `perceive_file` measures an image or a video,
`perceive_text` stands for a text post, `describe` says a Perception in a few plain sentences.
"""

from simulator.perception.describe import describe
from simulator.perception.measure import perceive_file, perceive_text
from simulator.perception.schema import Hook, Perception

__all__ = ["Hook", "Perception", "describe", "perceive_file", "perceive_text"]
