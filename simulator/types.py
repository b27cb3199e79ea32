"""The simulator's records (DESIGN.md "Types"): plain dataclasses with a JSON round-trip."""

from dataclasses import dataclass, field
from typing import Literal

from simulator.perception.schema import Perception
from simulator.serial import JsonRecord

ItemKind = Literal["video", "image", "text", "mixed"]
Device = Literal["mobile", "desktop", "tablet"]
EndReason = Literal["left", "turn_cap", "time_cap", "single_list", "list_exhausted"]


@dataclass
class Demographics(JsonRecord):
    age_band: str
    gender: str
    country: str
    language: str = "en"
    utc_offset_h: float = 0.0


@dataclass
class Behaviour(JsonRecord):
    """Habits: engagement rates per view (as YouTube counts likes/views) and typical durations."""

    sessions_per_day: float = 3.0
    session_minutes: float = 12.0
    like_rate: float = 0.04
    comment_rate: float = 0.004
    share_rate: float = 0.003
    follow_rate: float = 0.002
    preferred_video_s: float = 30.0
    watch_ratio: float = 0.55  # habitual share of a video watched when it does not bore
    novelty_seeking: float = 0.5  # 0 = comfort in the familiar, 1 = hunts new topics
    view_bias: float = 0.0  # logit shift of the chance to view, set by an LLM panel's calibration


@dataclass
class Social(JsonRecord):
    follows_creator: bool = False
    community: int = 0
    neighbours: list[int] = field(default_factory=list)
    influence: list[float] = field(default_factory=list)  # per neighbour, in [0, 1]


@dataclass
class Persona(JsonRecord):
    id: int
    demographics: Demographics
    interests: dict[str, float]  # topic -> weight, weights sum to 1
    behaviour: Behaviour = field(default_factory=Behaviour)
    social: Social = field(default_factory=Social)
    interest_text: str = ""
    weight: float = 1.0  # real-scale users this simulated user stands for


@dataclass
class Engagement(JsonRecord):
    """Counts a viewer sees next to an item: the social proof."""

    views: int = 0
    likes: int = 0
    comments: int = 0
    shares: int = 0


@dataclass
class ItemEffects(JsonRecord):
    """Multipliers of the persona brain's propensities for one item: what it shows and says, and who
    posted it. `view` multiplies the odds of viewing an impression; like, comment, share and follow
    their rates per view; `watch` the share of the length watched. `reach` multiplies the chance the
    platform puts the item in front of a user (every path); `timing` stretches the freshness kernel's
    time scale (above 1 the item stays fresh longer). 1.0 everywhere leaves the item as the platform
    model sees it; the sources are named where the multipliers are made (content, account)."""

    view: float = 1.0
    like: float = 1.0
    comment: float = 1.0
    share: float = 1.0
    follow: float = 1.0
    watch: float = 1.0
    reach: float = 1.0
    timing: float = 1.0

    def combined(self, other: "ItemEffects") -> "ItemEffects":
        """Both effects at once (independent multipliers compose by product)."""
        return ItemEffects(**{k: getattr(self, k) * getattr(other, k) for k in EFFECT_NAMES})


EFFECT_NAMES = ("view", "like", "comment", "share", "follow", "watch", "reach", "timing")


@dataclass
class Item(JsonRecord):
    id: str
    creator_id: str
    kind: ItemKind
    caption: str = ""
    hashtags: list[str] = field(default_factory=list)
    topics: dict[str, float] = field(default_factory=dict)  # topic -> weight, sums to 1
    duration_s: float = 0.0  # video length; for images and text, the time to take it in
    posted_at_h: float = 0.0  # on the simulation clock, hours
    engagement: Engagement = field(default_factory=Engagement)
    description: str = ""  # text representation of the media
    frames: list[str] = field(default_factory=list)  # paths of keyframes / the image
    embedding: list[float] | None = None
    semantic_id: list[int] | None = None
    effects: ItemEffects = field(default_factory=ItemEffects)
    perception: Perception | None = None  # what the media shows, measured (simulator.perception)


@dataclass
class Context(JsonRecord):
    hour_of_day: float = 20.0  # local time of the user
    weekday: int = 0  # 0 = Monday
    device: Device = "mobile"
    country: str = "US"


@dataclass
class Mindset(JsonRecord):
    """The per-item state a user carries through a session (paper eq. 4-5), each in [0, 1]."""

    satisfaction: float = 0.5
    fatigue: float = 0.0
    boredom: float = 0.0
    curiosity: float = 0.5
    note: str = ""  # the mindset update in words


@dataclass
class Reaction(JsonRecord):
    """One item's outcome, in the paper's order: think (reasoning), act, update mindset."""

    user_id: int
    item_id: str
    reasoning: str
    watch_s: float = 0.0  # 0 means skipped
    click: bool = False
    like: bool = False
    comment: str | None = None
    share: bool = False
    follow: bool = False
    leave: bool = False
    mindset: Mindset = field(default_factory=Mindset)
    brain: str = "persona"  # which brain decided: persona, llm, or fallback

    @property
    def skipped(self) -> bool:
        return self.watch_s <= 0.0 and not self.click


@dataclass
class Reflection(JsonRecord):
    """What a leaving user thinks of the feed, and an instruction to the recommender or none."""

    user_id: int
    reasons: list[str]
    instruction: str | None = None
    brain: str = "persona"


@dataclass
class Turn(JsonRecord):
    items: list[str]  # the ranked list the recommender showed
    reactions: list[Reaction]
    reflection: Reflection | None = None


@dataclass
class Session(JsonRecord):
    user_id: int
    context: Context
    started_at_h: float = 0.0


@dataclass
class Trajectory(JsonRecord):
    """A session's whole record: every list, every reaction, every reflection, and how it ended."""

    session: Session
    turns: list[Turn] = field(default_factory=list)
    end_reason: EndReason = "left"

    @property
    def reactions(self) -> list[Reaction]:
        return [r for t in self.turns for r in t.reactions]

    @property
    def instructions(self) -> list[str]:
        return [t.reflection.instruction for t in self.turns if t.reflection and t.reflection.instruction]
