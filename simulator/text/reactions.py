"""A reaction in words. The persona brain's think and update steps (its object interface): the
reasoning, the comment and the mindset note of each reaction, from the decision's numbers as Python
scalars. A run's sample rows: what drove each decision, labelled as read from the user's state
(STATE_PREFIX), never posed as a quotation."""

from typing import TYPE_CHECKING, Any

import numpy as np

from simulator.types import Item

if TYPE_CHECKING:
    from simulator.brains.base import ReactionRequest
    from simulator.brains.persona_params import PersonaParams

STATE_PREFIX = "From the user's state: "  # persona-brain rows: what the numbers say, not a quotation

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


def reasoning(
    r: "ReactionRequest", fi: tuple, watch_s: float, click: bool, like: bool, leave: bool, topic: str
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


def _drivers(row: dict[str, float], params: "PersonaParams", topic: str) -> list[tuple[float, str, str]]:
    """(log-odds contribution to viewing, phrase for, phrase against) of each term of the persona
    brain's view logit (simulator.brains.persona) for one impression."""
    p = params
    match, length, preferred = row["match"], row["length_s"], row["preferred_s"]
    log_len = abs(np.log(max(length, 1.0) / max(preferred, 1.0)))
    content = float(np.log(max(row["effect_view"], 1e-9)))
    panel = row["view_bias"] - content
    views = 10.0 ** row["social_proof"] - 1.0
    terms = [
        (
            p.view_match * (match * (1.0 - row["satiation"]) - p.match_ref),
            f"{topic} matches their interests (match {match:.2f})",
            f"{topic} is far from their interests (match {match:.2f})"
            if row["satiation"] < 0.3
            else f"they have seen a lot of {topic} this session",
        ),
        (-p.view_length * log_len, "", f"{length:.0f} s against the {preferred:.0f} s they prefer"),
        (
            -p.view_creator_fatigue * row["creator_fatigue"],
            "",
            f"{row['creator_fatigue']:.1f} recent posts from this creator",
        ),
        (-p.view_fatigue * row["fatigue"], "", "it came late in their session"),
        (
            p.view_social_proof * (row["social_proof"] - p.social_proof_ref),
            f"{views:,.0f} views so far",
            f"only {views:,.0f} views so far" if views >= 1 else "no views yet",
        ),
        (p.view_follows * row["follows"], "they follow the creator", ""),
        (p.view_from_share * row["from_share"], "a neighbour shared it", ""),
        (content, f"what the post shows and says (x{row['effect_view']:.2f} odds)",
         f"what the post shows and says (x{row['effect_view']:.2f} odds)"),
        (panel, f"the LLM panel's verdict for people like them (x{np.exp(panel):.2f} odds)",
         f"the LLM panel's verdict for people like them (x{np.exp(panel):.2f} odds)"),
    ]  # fmt: skip
    return [t for t in terms if abs(t[0]) >= 0.05]


def persona_sample_text(row: dict[str, Any], item: Item, params: "PersonaParams") -> dict[str, Any]:
    """A sample row the persona brain decided: the action, and the terms that weighed most for and
    against viewing, labelled as read from the user's state."""
    topic = max(item.topics, key=item.topics.get) if item.topics else "the topic"
    watch = float(row["watch_s"])
    share_watched = watch / max(item.duration_s, 1e-9)
    if not row["click"]:
        action = "skipped"
    else:
        done = [name for name in ("like", "comment", "share", "follow") if row[name]]
        action = f"watched {min(share_watched, 9.99):.0%}" + (" and " + ", ".join(done) if done else "")
    if row["show_less"]:
        action += ", asked for less"
    drivers = sorted(_drivers(row, params, topic), key=lambda t: -abs(t[0]))
    pro = [f for c, f, _ in drivers if c > 0 and f][:3]
    con = [a for c, _, a in drivers if c < 0 and a][:3]
    verb = "watched" if row["click"] else "skipped"
    sides = [("for it", pro), ("against it", con)]
    if not row["click"]:
        sides.reverse()
    said = [f"{side}, {', '.join(terms)}" for side, terms in sides if terms]
    text = f"{verb}: " + ("; ".join(said) if said else "no term stood out; chance decided")
    return {
        "action": action,
        "watch_s": round(watch, 1),
        "reasoning": STATE_PREFIX + text + ".",
        "comment": None,  # the persona brain decides that a user comments, not what they write
        "instruction": None,
        "brain": "persona",
    }
