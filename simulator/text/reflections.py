"""A leaving persona-brain user's reflection in words: the instruction to the recommender aimed at
the main complaint, and the reasons for leaving (the complaints are simulator.brains.complaints')."""

from simulator.brains.complaints import OFF_INTEREST, TOO_LONG, TOO_MUCH_CREATOR, TOO_MUCH_TOPIC, Complaints
from simulator.taxonomy import TOPICS


def instruction(c: Complaints, i: int, topic_names, creator_names) -> str:
    """Row i's instruction to the recommender, aimed at its main complaint."""
    wanted = TOPICS[c.wanted[i]] if c.wanted[i] >= 0 else None
    kind = c.kind[i]
    if kind == TOO_MUCH_TOPIC:
        return f"Too much {topic_names[c.topic[i]]}, show me something different but related" + (
            f", like {wanted}" if wanted else ""
        )
    if kind == TOO_MUCH_CREATOR:
        return f"Less from {creator_names[c.creator[i]]}, please"
    if kind == TOO_LONG:
        return "Shorter videos, please" + (f", more {wanted}" if wanted else "")
    if kind == OFF_INTEREST:
        return f"Less {topic_names[c.missed[i]]}, more {wanted or 'variety'}"
    if c.bored[i]:
        return "Show me something new and fresh"
    if c.top_interest[i] >= 0:
        return f"More {wanted or TOPICS[c.top_interest[i]]}, please"
    return "Show me something new"


def reasons(c: Complaints, i: int, topic_names, creator_names) -> list[str]:
    """Row i's reasons for leaving, in words."""
    kind, said = c.kind[i], []
    if kind == TOO_MUCH_TOPIC:
        said.append(f"too much {topic_names[c.topic[i]]}: {c.topic_count[i]} of {c.shown[i]} items")
    elif kind == TOO_MUCH_CREATOR:
        said.append(f"{c.creator_count[i]} posts from {creator_names[c.creator[i]]}")
    elif kind == TOO_LONG:
        said.append(f"{c.too_long[i]} videos far longer than I like")
    elif kind == OFF_INTEREST:
        said.append(f"skipped {c.skipped[i]} of {c.shown[i]}, mostly {topic_names[c.missed[i]]}")
    if c.bored[i]:
        said.append("bored")
    if c.tired[i]:
        said.append("tired, time to stop")
    return said or ["had enough for now"]
