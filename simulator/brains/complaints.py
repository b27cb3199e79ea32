"""Why a persona-brain user leaves, for N leaving users at once: the main complaint about the last
turn and what it names (the persona brain's reflect step, in arrays).

Complaints in order: one topic overdone (satiation), one creator overdone, items far longer than
the user's habit, items off their interests; the wish names an interest the list lacked. The
request path (PersonaBrain.reflect) and the session engine (simulator.session_batch) both build a
`LastTurns` and read the words from simulator.text.reflections, so they say the same things.
"""

from dataclasses import dataclass

import numpy as np

TOO_MUCH_TOPIC, TOO_MUCH_CREATOR, TOO_LONG, OFF_INTEREST = 1, 2, 3, 4
PRESENT_WEIGHT = 0.3  # a topic counts as in the list when an item gives it this weight
TOO_LONG_FACTOR = 2.5  # "far longer than I like": this many times the preferred length
MIN_INTEREST = 1e-3  # interests below this weight are not named (topic_dict's cut)


@dataclass
class LastTurns:
    """The last turn of S leaving users, K list positions; `valid` marks the items they reached."""

    topic: np.ndarray  # (S, K) int: code of each item's main topic (or kind)
    creator: np.ndarray  # (S, K) int: code of each item's creator
    valid: np.ndarray  # (S, K) bool
    skipped: np.ndarray  # (S, K) bool
    too_long: np.ndarray  # (S, K) bool: longer than TOO_LONG_FACTOR x the user's preferred length
    present: np.ndarray  # (S, T) bool: topics some reached item gives PRESENT_WEIGHT or more
    interests: np.ndarray  # (S, T): the evolved interest state
    boredom: np.ndarray  # (S,)
    fatigue: np.ndarray  # (S,)


@dataclass
class Complaints:
    """The complaint of each of S users (0 = none of the four) with what it names."""

    kind: np.ndarray
    topic: np.ndarray  # the overdone main topic's code (kind 1)
    topic_count: np.ndarray
    creator: np.ndarray  # the overdone creator's code (kind 2)
    creator_count: np.ndarray
    missed: np.ndarray  # the most skipped main topic's code (kind 4)
    shown: np.ndarray
    skipped: np.ndarray
    too_long: np.ndarray
    wanted: np.ndarray  # index into TOPICS of the top interest the list lacked, -1 if none
    top_interest: np.ndarray  # index into TOPICS of the top interest, -1 if none passes MIN_INTEREST
    bored: np.ndarray
    tired: np.ndarray


def _most_common(codes: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the most frequent code among the valid positions and its count; ties go to the code
    seen first (Counter.most_common's order)."""
    same = (codes[:, :, None] == codes[:, None, :]) & valid[:, None, :] & valid[:, :, None]
    count = same.sum(axis=2)
    best = count.max(axis=1, initial=0)
    first = np.argmax((count == best[:, None]) & valid, axis=1)
    return codes[np.arange(len(codes)), first], best


def complaints(t: LastTurns) -> Complaints:
    """The decision tree of the persona brain's reflection, for every row at once."""
    shown = t.valid.sum(axis=1)
    skipped = (t.skipped & t.valid).sum(axis=1)
    too_long = (t.too_long & t.skipped & t.valid).sum(axis=1)
    topic, topic_count = _most_common(t.topic, t.valid)
    creator, creator_count = _most_common(t.creator, t.valid)
    missed, _ = _most_common(t.topic, t.skipped & t.valid)
    kind = np.select(
        [
            (shown > 0) & (topic_count >= np.maximum(3, shown // 2)),
            creator_count >= 3,
            (skipped > 0) & (too_long >= skipped / 2),
            (skipped > 0) & (skipped >= shown / 2),
        ],
        [TOO_MUCH_TOPIC, TOO_MUCH_CREATOR, TOO_LONG, OFF_INTEREST],
        0,
    )
    # Interests ranked by weight (stable: TOPICS order on ties), the first one the list lacked.
    ranked = np.argsort(-t.interests, axis=1, kind="stable")
    named = np.take_along_axis(t.interests, ranked, axis=1) >= MIN_INTEREST
    lacking = named & ~np.take_along_axis(t.present, ranked, axis=1)
    rows = np.arange(len(kind))
    wanted = np.where(lacking.any(axis=1), ranked[rows, np.argmax(lacking, axis=1)], -1)
    top_interest = np.where(named[:, 0] if named.size else np.zeros(len(kind), bool), ranked[:, 0], -1)
    return Complaints(
        kind=kind,
        topic=topic,
        topic_count=topic_count,
        creator=creator,
        creator_count=creator_count,
        missed=missed,
        shown=shown,
        skipped=skipped,
        too_long=too_long,
        wanted=wanted,
        top_interest=top_interest,
        bored=t.boredom > 0.4,
        tired=t.fatigue > 0.6,
    )
