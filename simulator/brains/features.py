"""The persona brain's vectorised form: N decisions as parallel arrays, for populations of 100k.

The object interface (`Brain.react`) turns requests into these arrays and back; the world builds
them straight from its population arrays, so a week of a large audience never creates objects per
decision.
"""

from dataclasses import dataclass, fields
from operator import attrgetter

import numpy as np


@dataclass
class DecisionFeatures:
    """Inputs of N decisions; every field an array of shape (N,)."""

    interest_match: np.ndarray  # user's current interests against the item's topics, in [0, 1]
    novelty: np.ndarray  # 1 - familiarity of the item's topics in the user's memory, in [0, 1]
    satiation: np.ndarray  # saturating dose of the item's topics this session, in [0, 1]
    creator_fatigue: np.ndarray  # posts of this creator seen recently, decayed count >= 0
    fatigue: np.ndarray  # mindset, in [0, 1]
    boredom: np.ndarray  # mindset, in [0, 1]
    length_s: np.ndarray  # the item's duration
    preferred_s: np.ndarray  # the user's preferred video length
    watch_ratio: np.ndarray  # the user's habitual share watched
    social_proof: np.ndarray  # log10(1 + visible views), >= 0
    hour_activity: np.ndarray  # the user's daily rhythm at this local hour, 1 = average
    like_rate: np.ndarray  # the user's propensities per impression
    comment_rate: np.ndarray
    share_rate: np.ndarray
    follow_rate: np.ndarray
    follows_creator: np.ndarray  # bool
    from_share: np.ndarray  # bool: a neighbour's share brought the item
    position: np.ndarray  # int: index in the session
    novelty_seeking: np.ndarray | None = None  # the user's taste for the new, in [0, 1]; None = 0.5
    # The user's habitual session length in minutes. Given, the leave hazard is per second of use
    # (sessions last about this long at rest); None: a fixed hazard per item (leave_rate).
    session_minutes: np.ndarray | None = None
    # A shift of the logit of viewing, per user, from an LLM panel's calibration (simulator.panel).
    view_bias: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.interest_match)

    def take(self, index: np.ndarray) -> "DecisionFeatures":
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return DecisionFeatures(**{k: None if v is None else v[index] for k, v in values.items()})


@dataclass
class DecisionOutcome:
    """Outputs of N decisions; every field an array of shape (N,)."""

    watch_s: np.ndarray  # 0 = skipped
    click: np.ndarray  # bool
    like: np.ndarray
    comment: np.ndarray
    share: np.ndarray
    follow: np.ndarray
    show_less: np.ndarray  # an explicit "show less of this" (creator fatigue, dislike)
    leave: np.ndarray  # the user leaves the session after this item

    def __len__(self) -> int:
        return len(self.watch_s)


@dataclass
class Habits:
    """The per-user columns a decision reads from a persona's behaviour, for N users (shape (N,))."""

    preferred_s: np.ndarray
    watch_ratio: np.ndarray
    like_rate: np.ndarray
    comment_rate: np.ndarray
    share_rate: np.ndarray
    follow_rate: np.ndarray
    novelty_seeking: np.ndarray
    session_minutes: np.ndarray
    view_bias: np.ndarray

    @classmethod
    def of(cls, behaviours: list) -> "Habits":
        """From `types.Behaviour` records, one per user."""
        source = {"preferred_s": "preferred_video_s"}  # Behaviour's name for it
        columns = attrgetter(*(source.get(f.name, f.name) for f in fields(cls)))
        table = np.array([columns(b) for b in behaviours], float).reshape(len(behaviours), len(fields(cls)))
        return cls(*table.T.copy())

    def take(self, index: np.ndarray) -> "Habits":
        return Habits(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    def put(self, index: np.ndarray, other: "Habits") -> None:
        """Overwrite the rows at `index` with `other`'s (new sessions in a batch)."""
        for f in fields(self):
            getattr(self, f.name)[index] = getattr(other, f.name)
