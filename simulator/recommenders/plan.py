"""The re-ranking plan an instruction turns into, from the rule parser here or the LLM parser."""

from dataclasses import dataclass, field

from simulator.serial import JsonRecord


@dataclass
class RerankPlan(JsonRecord):
    """What the recommender should change: topics and creators up or down, variety, freshness, length."""

    more_topics: list[str] = field(default_factory=list)
    less_topics: list[str] = field(default_factory=list)
    more_creators: list[str] = field(default_factory=list)
    less_creators: list[str] = field(default_factory=list)
    related: bool = False  # "different but related": favour topics near the ones to reduce
    diversity: float = 0.0  # 0 = rank by score, 1 = spread over topics as much as possible
    freshness: float = 0.0  # 0 = ignore age, 1 = strongly prefer recent posts
    length: str | None = None  # "shorter" or "longer" than the user's habit
    instruction: str = ""  # the words the plan came from (the last one, when merged)
    source: str = "rules"  # "rules" or "llm"

    @property
    def empty(self) -> bool:
        return not (
            self.more_topics
            or self.less_topics
            or self.more_creators
            or self.less_creators
            or self.related
            or self.diversity
            or self.freshness
            or self.length
        )

    @property
    def specific(self) -> bool:
        """Names something to change (a topic, a creator, a length); vague otherwise ("something new")."""
        named = self.more_topics or self.less_topics or self.more_creators or self.less_creators
        return bool(named or self.length)

    def merge(self, newer: "RerankPlan") -> "RerankPlan":
        """Plans accumulate over a session's turns; on a conflict the newer instruction wins."""

        def combine(old: list[str], new: list[str], cancel: list[str]) -> list[str]:
            return [x for x in dict.fromkeys(old + new) if x not in cancel or x in new]

        return RerankPlan(
            more_topics=combine(self.more_topics, newer.more_topics, newer.less_topics),
            less_topics=combine(self.less_topics, newer.less_topics, newer.more_topics),
            more_creators=combine(self.more_creators, newer.more_creators, newer.less_creators),
            less_creators=combine(self.less_creators, newer.less_creators, newer.more_creators),
            related=self.related or newer.related,
            diversity=max(self.diversity, newer.diversity),
            freshness=max(self.freshness, newer.freshness),
            length=newer.length or self.length,
            instruction=newer.instruction,
            source=newer.source,
        )
