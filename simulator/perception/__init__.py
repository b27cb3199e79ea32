"""Perception: what a draft shows and says, measured from its media file and text (issue "Drafts are seen").

`Perception` is the contract between the measuring side (this package: frames, faces, on-screen text,
motion, cuts, sound) and the content model (simulator.content), which turns it into topics and the
persona brain's per-item multipliers (types.ItemEffects).
"""

from simulator.perception.schema import Hook, Perception

__all__ = ["Hook", "Perception"]
