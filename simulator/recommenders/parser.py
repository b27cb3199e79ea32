"""The rule-based instruction parser: free text -> RerankPlan (the LLM parser returns the same type).

Each topic or creator the text names takes the polarity of the nearest cue before it in its clause
("too much food, more travel instead of gaming": food down, travel up, gaming down); a mention
with no cue before it counts as wanted.
"""

import re
from collections.abc import Iterable
from functools import lru_cache

from simulator.catalogue import TOPIC_KEYWORDS
from simulator.recommenders.plan import RerankPlan

_NEGATIVE = (
    r"not into|not a fan of|don'?t like|don'?t want|do not want|do not like|no more|too much|too many|"
    r"instead of|rather than|tired of|sick of|bored of|bored with|fed up with|enough|less|fewer|stop|"
    r"without|avoid|hide|skip|never|not|no"
)
_POSITIVE = r"more|show me|give me|want|like|love|prefer|into|some|only"
_CUES = re.compile(rf"\b(?:(?P<neg>{_NEGATIVE})|(?P<pos>{_POSITIVE}))\b")
_DIVERSITY = re.compile(
    r"\b(different|else|variety|varied|mix|mixed|diverse|other|something new|new stuff|"
    r"bored|boring|same old|repetitive|meh)\b"
)
_FRESH = re.compile(r"\b(fresh|fresher|newer|newest|latest|recent|today'?s?)\b")
_RELATED = re.compile(r"\b(related|similar|close to|along the lines|adjacent)\b")
_SHORTER = re.compile(r"\b(short|shorter|quick|quicker|brief)\b")
_LONGER = re.compile(r"\b(long|longer|in-depth|deep dive|long-form)\b")
_CLAUSES = re.compile(r"[,;.!?]|\bbut\b")
_TOPIC_PATTERNS = {
    topic: re.compile(r"\b(?:" + "|".join(re.escape(w) for w in (topic, *words)) + r")s?\b")
    for topic, words in TOPIC_KEYWORDS.items()
}


def _polarity(clause: str, at: int) -> bool:
    """True (wanted) unless the nearest cue before position `at` is negative."""
    cues = [m for m in _CUES.finditer(clause) if m.end() <= at]
    return not (cues and cues[-1].group("neg"))


@lru_cache(maxsize=8)
def _name_index(creators: tuple[str, ...]) -> tuple[dict[str, list[tuple[int, str, str]]], list]:
    """The distinct non-empty names as (order, name, lower case), by their first three letters, and
    the shorter ones: built once per feed, as a recommender parses every instruction against the
    same thousand-odd creators."""
    by_start: dict[str, list[tuple[int, str, str]]] = {}
    short = []
    for order, name in enumerate(c for c in dict.fromkeys(creators) if c):
        low = name.lower()
        if len(low) < 3:
            short.append((order, name, low))
        else:
            by_start.setdefault(low[:3], []).append((order, name, low))
    return by_start, short


def _names_in(text: str, creators: Iterable[str]) -> list[str]:
    """The creators whose name occurs in `text` (lower case), in the order given."""
    by_start, short = _name_index(tuple(creators))
    found = {n for n in short if n[2] in text}
    for at in range(len(text) - 2):
        found.update(n for n in by_start.get(text[at : at + 3], ()) if text.startswith(n[2], at))
    return [name for _, name, _ in sorted(found)]


def parse_instruction(text: str, *, creators: Iterable[str] = ()) -> RerankPlan:
    """Turn an instruction into a plan. `creators` are names the text may mention (the feed's)."""
    plan = RerankPlan(instruction=text, source="rules")
    lowered = text.lower()
    if _RELATED.search(lowered):
        plan.related = True
    if _DIVERSITY.search(lowered):
        plan.diversity = 0.6
    if _FRESH.search(lowered):
        plan.freshness = 0.6
    if _SHORTER.search(lowered):
        plan.length = "shorter"
    elif _LONGER.search(lowered):
        plan.length = "longer"
    names = _names_in(lowered, creators)
    for clause in _CLAUSES.split(lowered):
        for name in names:
            at = clause.find(name.lower())
            if at >= 0:
                (plan.more_creators if _polarity(clause, at) else plan.less_creators).append(name)
                clause = clause.replace(name.lower(), " " * len(name))  # a channel's name is not a topic
        for topic, pattern in _TOPIC_PATTERNS.items():
            for m in pattern.finditer(clause):
                (plan.more_topics if _polarity(clause, m.start()) else plan.less_topics).append(topic)
    plan.less_topics = list(dict.fromkeys(plan.less_topics))
    plan.more_topics = [t for t in dict.fromkeys(plan.more_topics) if t not in plan.less_topics]
    plan.less_creators = list(dict.fromkeys(plan.less_creators))
    plan.more_creators = [c for c in dict.fromkeys(plan.more_creators) if c not in plan.less_creators]
    if plan.less_topics and not plan.more_topics and not plan.related:
        plan.diversity = max(plan.diversity, 0.4)  # "less X" alone: fill the gap with variety
    return plan
