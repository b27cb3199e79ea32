"""Engagement memory (paper eq. 1-3): what a user did, kept by importance, compressed by session.

- Interaction-wise memory (eq. 1): entries m = (action, item, time).
- Importance (eq. 2): s(m, c) = action weight x context affinity x recency, where the context
  affinity rewards entries made at a similar hour and on the same device as the current context c.
- Retention (eq. 3): an entry is kept only if its importance at record time passes the threshold
  tau; the store holds at most `capacity` entries, the least important evicted first.
- Session-wise memory: a summary per session; older summaries fold into running totals.

Decisions read only fixed-size state (a topic profile over the taxonomy, decayed creator counts,
at most `capacity` entries), so a user with 10,000 past interactions costs what one with 200 does.
"""

import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from simulator.preferences import N_TOPICS, topic_dict, topic_vector
from simulator.serial import JsonRecord
from simulator.taxonomy import TOPICS
from simulator.types import Context, Item, Reaction

# Eq. 2 action weights: explicit, costly signals say more about the user than a glance.
ACTION_WEIGHT = {"share": 1.0, "comment": 0.9, "follow": 0.9, "like": 0.7, "watch": 0.4, "skip": 0.05}
_VERB = {
    "share": "shared",
    "comment": "commented on",
    "follow": "followed after",
    "like": "liked",
    "watch": "watched",
}


@dataclass
class MemoryEntry(JsonRecord):
    action: str
    item_id: str
    creator_id: str
    topic: str
    at_h: float
    importance: float
    caption: str = ""
    context_hour: float = 20.0
    device: str = "mobile"


@dataclass
class SessionSummary(JsonRecord):
    started_at_h: float
    items: int
    watched: int
    watch_s: float
    likes: int
    shares: int
    top_topics: list[str]
    instructions: list[str] = field(default_factory=list)
    topic_counts: dict[str, int] = field(default_factory=dict)  # items watched per main topic (top 5)

    @property
    def text(self) -> str:
        text = f"watched {self.watched} of {self.items} items ({', '.join(self.top_topics) or 'mixed'})"
        if self.likes:
            text += f", liked {self.likes}"
        if self.instructions:
            text += f', asked: "{self.instructions[-1]}"'
        return text


def action_of(reaction: Reaction) -> str:
    """The strongest action of a reaction, for the memory entry."""
    for name in ("share", "comment", "follow", "like"):
        if getattr(reaction, name):
            return name
    return "watch" if reaction.click or reaction.watch_s > 0 else "skip"


CREATOR_HALF_LIFE_H = 24.0  # creator fatigue fades within about a day
TOPIC_HALF_LIFE_H = 168.0  # familiarity with a topic fades over about a week


def decayed(value, since_h, now_h, half_life_h: float):
    """A quantity halving every `half_life_h` hours, from `since_h` to `now_h` (arrays or floats);
    the one decay of the topic profile and the creator counts, for the object and the array path."""
    elapsed = now_h - since_h
    if isinstance(elapsed, float):  # one user's times: plain floats, several times faster than NumPy's
        return value * 0.5 ** (max(elapsed, 0.0) / half_life_h)
    return value * 0.5 ** (np.maximum(elapsed, 0.0) / half_life_h)


def context_affinity(entry_hour: float, entry_device: str, context: Context) -> float:
    """How similar the entry's context is to the current one, in [0.5, 1] (part of eq. 2)."""
    hour = 0.5 + 0.5 * math.cos(2 * math.pi * (entry_hour - context.hour_of_day) / 24.0)
    device = 1.0 if entry_device == context.device else 0.0
    return 0.5 + 0.25 * hour + 0.25 * device


class EngagementMemory:
    """One user's memory. Serialisable with to_dict/from_dict so a web session can keep it."""

    def __init__(
        self,
        *,
        capacity: int = 200,
        threshold: float = 0.2,
        half_life_h: float = 72.0,
        recent_sessions: int = 10,
        topic_half_life_h: float = TOPIC_HALF_LIFE_H,
    ):
        self.capacity = capacity
        self.threshold = threshold
        self.half_life_h = half_life_h
        self.topic_half_life_h = topic_half_life_h
        self.entries: list[MemoryEntry] = []
        self.sessions: deque[SessionSummary] = deque(maxlen=recent_sessions)
        self.topic_profile = np.zeros(N_TOPICS)  # decayed engaged-topic mass (familiarity)
        self.creators: dict[str, tuple[float, float]] = {}  # creator -> (decayed count, at_h)
        self.totals = {"sessions": 0, "items": 0, "watched": 0, "likes": 0, "watch_s": 0.0}
        self.profile_at_h = 0.0
        self.seen = 0  # interactions offered to the memory, kept or not
        self.following: list[str] = []  # creators followed, most recent last (at most `capacity`)

    # Eq. 2: importance in the current context.
    def importance(self, entry: MemoryEntry, context: Context, now_h: float) -> float:
        recency = 0.5 ** (max(now_h - entry.at_h, 0.0) / self.half_life_h)
        return (
            ACTION_WEIGHT[entry.action]
            * context_affinity(entry.context_hour, entry.device, context)
            * recency
        )

    def record(
        self, reaction: Reaction, item: Item, context: Context, now_h: float, topics: np.ndarray | None = None
    ) -> bool:
        """Eq. 1 + 3: note one interaction; keep it only if its importance passes the threshold.

        `topics` is the item's topic row when the caller has it (a catalogue row), to save rebuilding it."""
        self.seen += 1
        if reaction.follow and item.creator_id not in self.following:
            self.following = (self.following + [item.creator_id])[-self.capacity :]
        action = action_of(reaction)
        topics = topic_vector(item.topics) if topics is None else topics
        self._decay_profile(now_h)
        if action != "skip":
            self.topic_profile += topics
        count, at = self.creators.get(item.creator_id, (0.0, now_h))
        self.creators[item.creator_id] = (float(decayed(count, at, now_h, CREATOR_HALF_LIFE_H)) + 1.0, now_h)
        if len(self.creators) > 4 * self.capacity:
            keep = sorted(self.creators.items(), key=lambda kv: kv[1][1])[-2 * self.capacity :]
            self.creators = dict(keep)
        topic = max(item.topics, key=item.topics.get) if item.topics else item.kind
        entry = MemoryEntry(
            action=action,
            item_id=item.id,
            creator_id=item.creator_id,
            topic=topic,
            at_h=now_h,
            importance=0.0,
            caption=item.caption[:80],
            context_hour=context.hour_of_day,
            device=context.device,
        )
        entry.importance = round(self.importance(entry, context, now_h), 4)
        if entry.importance < self.threshold:
            return False
        self.entries.append(entry)
        if len(self.entries) > 2 * self.capacity:  # prune in batches: amortised O(1) per record
            self._prune(context, now_h)
        return True

    def _prune(self, context: Context, now_h: float) -> None:
        self.entries.sort(key=lambda e: self.importance(e, context, now_h), reverse=True)
        del self.entries[self.capacity :]
        self.entries.sort(key=lambda e: e.at_h)

    def _decay_profile(self, now_h: float) -> None:
        if now_h > self.profile_at_h:
            self.topic_profile = decayed(self.topic_profile, self.profile_at_h, now_h, self.topic_half_life_h)
            self.profile_at_h = now_h

    def end_session(self, summary: SessionSummary) -> None:
        """Session-wise memory: keep the summary; the oldest leaves the window but stays in totals."""
        self.sessions.append(summary)
        self.totals["sessions"] += 1
        self.totals["items"] += summary.items
        self.totals["watched"] += summary.watched
        self.totals["likes"] += summary.likes
        self.totals["watch_s"] += summary.watch_s

    # What decisions read: fixed size whatever the history.
    def familiar_topics(self) -> dict[str, float]:
        total = self.topic_profile.sum()
        return topic_dict(self.topic_profile / total) if total > 0 else {}

    def creator_seen(self, creator_id: str, now_h: float) -> float:
        count, at = self.creators.get(creator_id, (0.0, now_h))
        return float(decayed(count, at, now_h, CREATOR_HALF_LIFE_H))

    def retrieve(self, context: Context, now_h: float, k: int = 5) -> list[MemoryEntry]:
        """The k most important entries now (eq. 2 in the current context)."""
        return sorted(self.entries, key=lambda e: self.importance(e, context, now_h), reverse=True)[:k]

    def summary(self, context: Context, now_h: float) -> str:
        """The memory in words for a prompt; bounded in length however long the history."""
        parts = []
        if self.totals["sessions"]:
            t = self.totals
            topics = ", ".join(_top_topics(self.topic_profile, 3))
            parts.append(
                f"Over {t['sessions']} past sessions watched {t['watched']} of {t['items']} items"
                f" ({t['watch_s'] / 60:.0f} min), liked {t['likes']}; mostly {topics or 'mixed'}."
            )
        week = [s for s in self.sessions if now_h - s.started_at_h <= 168.0]
        if week:
            counts: dict[str, int] = {}
            for s in week:
                for topic, n in s.topic_counts.items():
                    counts[topic] = counts.get(topic, 0) + n
            top = sorted(counts.items(), key=lambda kv: -kv[1])[:3]
            if top:
                watched = ", ".join(f"{n} {topic}" for topic, n in top)
                parts.append(f"In the past 7 days ({len(week)} sessions) watched {watched} videos.")
        if self.sessions:
            parts.append(f"Last session: {self.sessions[-1].text}.")
        notable = [e for e in self.retrieve(context, now_h, 3) if e.action != "skip"]
        if notable:
            said = "; ".join(f'{_VERB[e.action]} "{e.caption}" ({e.topic})' for e in notable)
            parts.append(f"Remembers: {said}.")
        return " ".join(parts)

    def to_dict(self) -> dict:
        return {
            "config": {
                "capacity": self.capacity,
                "threshold": self.threshold,
                "half_life_h": self.half_life_h,
                "recent_sessions": self.sessions.maxlen,
                "topic_half_life_h": self.topic_half_life_h,
            },
            "entries": [e.to_dict() for e in self.entries],
            "sessions": [s.to_dict() for s in self.sessions],
            "topic_profile": [round(float(x), 6) for x in self.topic_profile],
            "creators": {c: list(v) for c, v in self.creators.items()},
            "totals": dict(self.totals),
            "profile_at_h": self.profile_at_h,
            "seen": self.seen,
            "following": list(self.following),
        }

    @classmethod
    def from_dict(cls, data: dict) -> "EngagementMemory":
        memory = cls(**data["config"])
        memory.entries = [MemoryEntry.from_dict(e) for e in data["entries"]]
        memory.sessions.extend(SessionSummary.from_dict(s) for s in data["sessions"])
        memory.topic_profile = np.array(data["topic_profile"], float)
        memory.creators = {c: (float(v[0]), float(v[1])) for c, v in data["creators"].items()}
        memory.totals = dict(data["totals"])
        memory.profile_at_h = float(data["profile_at_h"])
        memory.seen = int(data["seen"])
        memory.following = list(data.get("following", []))
        return memory


def _top_topics(profile: np.ndarray, k: int) -> list[str]:
    order = np.argsort(profile)[::-1][:k]
    return [TOPICS[i] for i in order if profile[i] > 0]
