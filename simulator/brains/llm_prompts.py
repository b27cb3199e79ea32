"""The words of the LLM brain's prompts: a request's person, memory, context and item as text."""

import math

from simulator.brains.base import ReactionRequest, ReflectionRequest
from simulator.prompting import fence_creator_text, template
from simulator.representations.semantic_ids import code_text
from simulator.representations.text import item_facts, item_text
from simulator.types import Context, Item, Mindset, Persona, Reaction

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_TURN_ITEMS = 10  # items of the last turn a reflection prompt shows: bounded prompt length


def _shares(weights: dict[str, float], top: int = 5) -> str:
    ranked = sorted(weights.items(), key=lambda kv: -kv[1])[:top]
    return ", ".join(f"{t} {w:.0%}" for t, w in ranked if w > 0) or "nothing in particular"


def person_text(persona: Persona, interests: dict[str, float]) -> str:
    d, b = persona.demographics, persona.behaviour
    lines = [
        f"THE PERSON: aged {d.age_band}, {d.gender}, lives in {d.country}, reads {d.language}.",
        f"Interests now: {_shares(interests)}.",
        f"Habits: watches about {b.watch_ratio:.0%} of a video when it holds them, prefers videos around "
        f"{b.preferred_video_s:.0f} s, sessions of about {b.session_minutes:.0f} min; likes about "
        f"{100 * b.like_rate:.1f}, comments {100 * b.comment_rate:.1f} and shares {100 * b.share_rate:.1f} "
        f"of every 100 posts seen; novelty seeking {b.novelty_seeking:.0%}.",
    ]
    if persona.interest_text:
        quoted, _ = fence_creator_text({"about them": persona.interest_text})
        lines.append(quoted.replace("creator_text", "profile_text"))
    return "\n".join(lines)


def memory_text(summary: str, codes: str = "") -> str:
    text = f"MEMORY: {summary}" if summary else "MEMORY: nothing earlier worth remembering."
    return f"{text}\nEarlier posts as codes:\n{codes}" if codes else text


def mood_text(m: Mindset) -> str:
    return (
        f"satisfaction {round(10 * m.satisfaction)}/10, fatigue {round(10 * m.fatigue)}/10, "
        f"boredom {round(10 * m.boredom)}/10, curiosity {round(10 * m.curiosity)}/10"
    )


def context_text(c: Context, mindset: Mindset, *, position: int = 0, session_s: float = 0.0) -> str:
    hour = int(c.hour_of_day) % 24
    lines = [
        f"NOW: {_DAYS[c.weekday % 7]}, {hour:02d}:{int(60 * (c.hour_of_day % 1)):02d} local time, on "
        f"{c.device}; post {position + 1} of this session, {session_s / 60:.0f} min in.",
        f"Mood: {mood_text(mindset)}.",
    ]
    return "\n".join(lines)


def max_watch_s(item: Item) -> int:
    """The most seconds an answer may watch: the item once through (at least 1 s)."""
    return max(1, math.ceil(item.duration_s))


def reaction_values(
    r: ReactionRequest, representation: str, codes: str = ""
) -> tuple[dict[str, str], list[str]]:
    """Template values for a reaction prompt; returns (values, sentences dropped from creator text)."""
    if representation == "semantic_id":
        if r.item.semantic_id is None:
            raise ValueError(f"item {r.item.id} has no semantic ID: assign them before a semantic_id run")
        item, dropped = item_facts(r.item, code=code_text(r.item.semantic_id)), []
    else:
        item, dropped = item_text(r.item)
    context = context_text(r.context, r.mindset, position=r.position, session_s=r.session_seconds)
    if r.recent_topics:
        context += f"\nThis session so far: {_shares({k: float(v) for k, v in r.recent_topics.items()})}."
    if r.persona.social.follows_creator:
        context += "\nThey follow this creator."
    if r.shared_by is not None:
        context += "\nA friend shared this post with them."
    values = {
        "item": item,
        "person": person_text(r.persona, r.interests),
        "memory": memory_text(r.memory_summary, codes),
        "context": context,
        "max_watch": str(max_watch_s(r.item)),
    }
    return values, dropped


def _did(reaction: Reaction | None, item: Item) -> str:
    if reaction is None:
        return "not reached"
    acts = [f"watched {reaction.watch_s:.0f} of {item.duration_s:.0f} s" if reaction.watch_s else "skipped"]
    done = {"liked": reaction.like, "commented": bool(reaction.comment), "shared": reaction.share}
    acts += [verb for verb, happened in done.items() if happened]
    return ", ".join(acts)


def reflection_values(r: ReflectionRequest) -> dict[str, str]:
    by_item = {x.item_id: x for x in r.last_turn.reactions}
    lines = []
    for n, item_id in enumerate(r.last_turn.items[:_TURN_ITEMS], start=1):
        item = r.items.get(item_id)
        if item is None:
            continue
        topics = _shares(item.topics, top=2)
        quoted, _ = fence_creator_text({"caption": item.caption[:160]})
        caption = " " + quoted.replace("\n", " ") if quoted else ""
        outcome = _did(by_item.get(item_id), item)
        lines.append(f"{n}. {item.kind}, {topics}, by {item.creator_id}:{caption} -> {outcome}")
    return {
        "person": person_text(r.persona, r.interests),
        "memory": memory_text(r.memory_summary),
        "context": context_text(r.context, r.mindset),
        "turn": "\n".join(lines) or "nothing",
        "mood": mood_text(r.mindset),
    }


REACTION = template("reaction")
REFLECTION = template("reflection")
