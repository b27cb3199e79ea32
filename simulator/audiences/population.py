"""A population: a struct of arrays, one row per simulated user, so a world of 100k users never builds
objects per user; `Population.persona(i)` materialises one `Persona` when a sample is shown."""

from dataclasses import dataclass

import numpy as np

from simulator.taxonomy import AGE_BANDS, COUNTRIES, GENDERS, TOPICS
from simulator.types import Behaviour, Demographics, Persona, Social

INTEREST_SEGMENT_MIN = 0.15  # a user counts in "interest:X" when X has at least this weight


@dataclass
class Population:
    """One row per simulated user; codes index the taxonomy tuples."""

    age: np.ndarray  # int8, AGE_BANDS
    gender: np.ndarray  # int8, GENDERS
    country: np.ndarray  # int16, COUNTRIES
    utc_offset_h: np.ndarray  # float32
    interests: np.ndarray  # float32 (N, len(TOPICS)), rows sum to 1
    sessions_per_day: np.ndarray  # float32
    session_minutes: np.ndarray
    like_rate: np.ndarray
    comment_rate: np.ndarray
    share_rate: np.ndarray
    follow_rate: np.ndarray
    preferred_s: np.ndarray
    watch_ratio: np.ndarray
    novelty_seeking: np.ndarray
    follower: np.ndarray  # bool: follows the creator at the start
    weight: np.ndarray  # float64: real-scale users per simulated user

    def __len__(self) -> int:
        return len(self.age)

    @property
    def ids(self) -> np.ndarray:
        return np.arange(len(self), dtype=np.int64)

    def persona(
        self, i: int, neighbours: list[int] | None = None, influence: list[float] | None = None
    ) -> Persona:
        weights = self.interests[i]
        top = np.argsort(-weights)[:5]
        return Persona(
            id=int(i),
            demographics=Demographics(
                age_band=AGE_BANDS[self.age[i]],
                gender=GENDERS[self.gender[i]],
                country=COUNTRIES[self.country[i]],
                utc_offset_h=float(self.utc_offset_h[i]),
            ),
            interests={TOPICS[t]: round(float(weights[t]), 4) for t in top if weights[t] > 0.01},
            behaviour=Behaviour(
                sessions_per_day=float(self.sessions_per_day[i]),
                session_minutes=float(self.session_minutes[i]),
                like_rate=float(self.like_rate[i]),
                comment_rate=float(self.comment_rate[i]),
                share_rate=float(self.share_rate[i]),
                follow_rate=float(self.follow_rate[i]),
                preferred_video_s=float(self.preferred_s[i]),
                watch_ratio=float(self.watch_ratio[i]),
                novelty_seeking=float(self.novelty_seeking[i]),
            ),
            social=Social(
                follows_creator=bool(self.follower[i]),
                neighbours=neighbours or [],
                influence=influence or [],
            ),
            weight=float(self.weight[i]),
        )

    def summary(self, i: int) -> str:
        """One line a creator can read: '25-34 female in BR, into comedy and music, a daily user'."""
        weights = self.interests[i]
        top = [TOPICS[t] for t in np.argsort(-weights)[:2]]
        rate = float(self.sessions_per_day[i])
        habit = (
            "on the app many times a day"
            if rate >= 6
            else "a daily user"
            if rate >= 1
            else "an occasional user"
        )
        follows = ", follows you" if self.follower[i] else ""
        return (
            f"{AGE_BANDS[self.age[i]]} {GENDERS[self.gender[i]]} in {COUNTRIES[self.country[i]]}, "
            f"into {' and '.join(top)}, {habit}{follows}"
        )

    def rows(self, a: int, b: int) -> "Population":
        """Users a..b of this population (views, not copies)."""
        return Population(**{k: getattr(self, k)[a:b] for k in Population.__dataclass_fields__})

    def interest_members(self) -> np.ndarray:
        """(N, topics) bool: who counts in each interest segment."""
        top = self.interests.argmax(axis=1)
        members = self.interests >= INTEREST_SEGMENT_MIN
        members[np.arange(len(self)), top] = True
        return members
