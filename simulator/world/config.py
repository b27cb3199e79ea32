"""What a world run is asked to do: the posts, the audience, the horizon, the seed and the brain."""

import math
from dataclasses import dataclass

from simulator.audiences import AudienceSpec
from simulator.clock import STEP_H
from simulator.serial import JsonRecord
from simulator.types import Item

EXPOSURES = ("organic", "screening")
RECOMMENDERS = ("instruction_following", "traditional")  # the platform's, in the feed sessions
WINDOW_STEPS = round(1.0 / STEP_H)  # shards exchange messages every simulated hour
MAX_PANEL = 2000  # the most LLM panel members a run may ask (simulator.world.panel)


@dataclass
class PostSpec(JsonRecord):
    item: Item
    at_hours: float = 0.0  # after the start of the run (the run starts Monday 00:00 UTC)


@dataclass
class WorldConfig(JsonRecord):
    audience: AudienceSpec
    posts: list[PostSpec]
    horizon_hours: float = 168.0  # each post is followed this long after it is posted
    seed: int = 0
    brain: str = "persona"  # or "llm": an LLM panel calibrates the persona brain (simulator.world.panel)
    panel_size: int = 0  # panel members who answer the LLM, for brain "llm"
    # "organic": the platform's feeds decide who meets the post (follows, exploring, shares).
    # "screening": every user is also shown it once, in the first session that reaches it after it is
    # posted, as a test screening would; what follows (reactions, shares, reshows) is organic.
    exposure: str = "organic"
    creator_id: str = "me"
    # The platform recommender of the feed sessions (simulator.world.feeds): one that follows the
    # users' instructions, or one that ranks by history and popularity and ignores them.
    recommender: str = "instruction_following"
    sample_limit: int = 40  # sample reactions kept per shard (and per merged rerun)
    # Reruns after the first draw the uncertain parameters (simulator.uncertainty); False runs the
    # point values in every rerun (the fits, which search over some of them).
    parameter_draws: bool = True

    def validate(self) -> list[str]:
        problems = list(self.audience.validate())
        if not self.posts:
            problems.append("a run needs at least one post")
        for i, post in enumerate(self.posts, start=1):
            if not 0 <= post.at_hours <= 24 * 28:
                problems.append(f"post {i}: at_hours must be from 0 to {24 * 28}")
            if post.item.duration_s <= 0:
                problems.append(f"post {i}: the item needs a positive duration_s")
        if not 1 <= self.horizon_hours <= 168:
            problems.append("horizon_hours must be from 1 to 168")
        if self.exposure not in EXPOSURES:
            problems.append(f"exposure must be one of {', '.join(EXPOSURES)}, not '{self.exposure}'")
        if self.recommender not in RECOMMENDERS:
            problems.append(f"recommender must be one of {', '.join(RECOMMENDERS)}, not '{self.recommender}'")
        if self.brain not in ("persona", "llm"):
            problems.append(f"the world runs the 'persona' or 'llm' brain, not '{self.brain}'")
        if self.brain == "llm":
            most = min(self.audience.size, MAX_PANEL)
            if not 1 <= self.panel_size <= most:
                problems.append(f"the LLM panel must have from 1 to {most} members, got {self.panel_size}")
        return problems

    @property
    def end_hours(self) -> float:
        return max(p.at_hours for p in self.posts) + self.horizon_hours

    @property
    def steps(self) -> int:
        return math.ceil(self.end_hours / STEP_H / WINDOW_STEPS) * WINDOW_STEPS


def default_exposure(audience: AudienceSpec) -> str:
    """Followers meet a post through their feeds; a sample of the public or a slice of it almost never
    meets a post from an account it does not follow, so asking how it reacts means screening it."""
    return "organic" if audience.kind == "followers" else "screening"
