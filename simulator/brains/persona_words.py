"""The persona brain's think and update steps in words (its object interface): the reasoning, the
comment and the mindset note of each reaction, from the decision's numbers as Python scalars."""

from simulator.brains.base import ReactionRequest

COMMENTS = (
    "Love this!",
    "Great {topic} content, more like this",
    "Never thought about it that way",
    "Saving this for later",
    "This made my day",
    "Who else watched this twice?",
    "Finally some good {topic}",
)


REASONING_FEATURES = (
    "interest_match",
    "satiation",
    "length_s",
    "follows_creator",
    "novelty",
    "creator_fatigue",
    "preferred_s",
    "fatigue",
)


def scalar_rows(arrays, names: tuple[str, ...]) -> list[tuple]:
    """The named (N,) fields of a batch as N tuples of Python scalars."""
    return list(zip(*(getattr(arrays, name).tolist() for name in names), strict=True))


def reasoning(
    r: ReactionRequest, fi: tuple, watch_s: float, click: bool, like: bool, leave: bool, topic: str
) -> str:
    """The think step in words: the strongest driver of this decision (`fi`: REASONING_FEATURES)."""
    match, sat, length, follows, novelty, creator_fatigue, preferred_s, fatigue = fi
    if click:
        if r.shared_by is not None:
            why = f"A friend shared this {topic} post"
        elif follows:
            why = f"I follow {r.item.creator_id}"
        elif match >= 0.5:
            why = f"I'm into {topic}"
        elif novelty > 0.7:
            why = f"Something new ({topic}), curious"
        else:
            why = f"Caught my eye ({topic})"
        text = f"{why}; watched {watch_s:.0f}s of {length:.0f}s"
        if like:
            text += ", liked it"
    elif sat > 0.6:
        text = f"Seen a lot of {topic} already, scrolled past"
    elif creator_fatigue >= 2:
        text = f"Too much of {r.item.creator_id} lately, skipped"
    elif match < 0.2:
        text = f"Not into {topic}, skipped"
    elif length > 3 * preferred_s:
        text = f"Too long for me ({length:.0f}s), skipped"
    elif fatigue > 0.6:
        text = "Getting tired, skimming"
    else:
        text = f"Not feeling this {topic} one, skipped"
    if leave:
        text += "; that's enough for now"
    return text


def mindset_note(before, after: tuple, topic: str, sat: float) -> str:
    """`after`: (satisfaction, fatigue, boredom) once this item is decided."""
    satisfaction, fatigue, boredom = after
    if sat > 0.6:
        return f"getting tired of {topic}"
    if fatigue > 0.6:
        return "getting tired"
    if boredom > before.boredom + 0.03:
        return "getting bored"
    if satisfaction > before.satisfaction + 0.03:
        return "enjoying this"
    return "steady"
