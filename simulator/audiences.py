"""Audiences (followers, a general sample, a demographic slice) turned into populations of users.

A population is a struct of arrays, one row per simulated user, so a world of 100k users never
builds objects per user; `Population.persona(i)` materialises one `Persona` when a sample is shown.
Everything is reproducible from (spec, seed).
"""

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from simulator.serial import JsonRecord
from simulator.taxonomy import AGE_BANDS, COUNTRIES, COUNTRY_UTC_OFFSET, GENDERS, TOPIC_INDEX, TOPICS
from simulator.types import Behaviour, Demographics, Persona, Social

KINDS = ("general", "slice", "followers")
ACTIVITY_LEVELS = ("low", "medium", "high")
FOLLOWER_CSV_COLUMNS = ("age_band", "gender", "country", "interests", "activity")
CHOICES: dict[str, tuple[str, ...]] = {
    "age_band": AGE_BANDS,
    "gender": GENDERS,
    "country": COUNTRIES,
    "interests": TOPICS,
    "activity": ACTIVITY_LEVELS,
}
# A bound, not a fit: no account has more followers than a platform has users, and the largest account
# anywhere (Instagram's own) had about 690 million in 2025. Past it a profile's weights mean nothing.
MAX_FOLLOWER_COUNT = 2_000_000_000
# In a followers audience, the share of simulated users who follow the creator; the rest are the
# people around them (same places, the niche's interests) whom shares can reach.
FOLLOWER_SHARE = 0.6
INTEREST_SEGMENT_MIN = 0.15  # a user counts in "interest:X" when X has at least this weight


@dataclass
class AudienceSpec(JsonRecord):
    kind: str = "general"
    size: int = 1000
    filters: dict[str, list[str]] = field(default_factory=dict)  # slice: attribute -> allowed values
    follower_rows: list[dict[str, str]] = field(default_factory=list)  # followers from a CSV
    profile: dict[str, Any] = field(default_factory=dict)  # followers from a creator profile

    def validate(self) -> list[str]:
        """Human-readable problems; empty when the spec can be built."""
        problems: list[str] = []
        if self.kind not in KINDS:
            return [f"audience kind '{self.kind}' is not one of {', '.join(KINDS)}"]
        # no upper bound here: how many users a deployment simulates is its RUNS_MAX_USERS, set once
        if not isinstance(self.size, int) or isinstance(self.size, bool) or self.size < 1:
            problems.append(f"size must be a positive whole number, got {self.size!r}")
        if self.kind == "slice":
            problems += _filter_problems(self.filters)
        if self.kind == "followers":
            if bool(self.follower_rows) == bool(self.profile):
                problems.append(
                    "a followers audience needs either imported follower rows or a creator profile"
                )
            elif self.follower_rows:
                for n, row in enumerate(self.follower_rows, start=1):
                    problems += [f"row {n}: {p}" for p in _row_problems(row)]
            else:
                problems += _profile_problems(self.profile)
        return problems


def _filter_problems(filters: dict[str, list[str]]) -> list[str]:
    if not filters:
        return ["a slice needs at least one filter (age_band, gender, country, interests or activity)"]
    problems = []
    for name, values in filters.items():
        if name not in CHOICES:
            problems.append(f"unknown filter '{name}'; filters are {', '.join(CHOICES)}")
            continue
        if not values:
            problems.append(f"filter '{name}' allows no value")
        bad = [v for v in values if v not in CHOICES[name]]
        if bad:
            problems.append(f"{name} {', '.join(map(repr, bad))} not among {', '.join(CHOICES[name])}")
    return problems


def _shares_problems(name: str, shares: Any) -> list[str]:
    if not isinstance(shares, dict) or not shares:
        return [f"{name} must map values to shares"]
    bad = [k for k in shares if k not in CHOICES[name]]
    if bad:
        return [f"{name} {', '.join(map(repr, bad))} not among {', '.join(CHOICES[name])}"]
    try:
        values = [float(v) for v in shares.values()]
    except (TypeError, ValueError):
        return [f"{name} shares must be numbers"]
    if any(v < 0 or not np.isfinite(v) for v in values) or sum(values) <= 0:
        return [f"{name} shares must be non-negative and not all zero"]
    return []


def _profile_problems(profile: dict[str, Any]) -> list[str]:
    problems = []
    niche = profile.get("niche")
    niches = niche if isinstance(niche, list) else [niche]
    if not niche or any(n not in TOPIC_INDEX for n in niches):
        problems.append(f"niche {niche!r} is not among the topics: {', '.join(TOPICS)}")
    count = profile.get("follower_count")
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_FOLLOWER_COUNT:
        limit = f"{MAX_FOLLOWER_COUNT:,}"
        problems.append(f"follower_count must be a whole number from 1 to {limit}, got {count!r}")
    for name in ("age_band", "gender", "country"):
        if name in profile:
            problems += _shares_problems(name, profile[name])
    return problems


def _split_interests(text: str) -> list[str]:
    return [t.strip().lower() for t in text.replace(";", "|").replace(",", "|").split("|") if t.strip()]


def _row_problems(row: dict[str, str]) -> list[str]:
    problems = []
    for name in ("age_band", "gender", "country"):
        value = (row.get(name) or "").strip()
        if name == "country":
            value = value.upper()
        if value not in CHOICES[name]:
            problems.append(f"{name} '{value}' is not one of {', '.join(CHOICES[name])}")
    interests = _split_interests(row.get("interests") or "")
    bad = [t for t in interests if t not in TOPIC_INDEX]
    if not interests:
        problems.append("interests is empty; list topics separated by |")
    elif bad:
        problems.append(f"interests {', '.join(map(repr, bad))} not among the topics ({', '.join(TOPICS)})")
    activity = (row.get("activity") or "").strip().lower()
    if activity and activity not in ACTIVITY_LEVELS:
        try:
            rate = float(activity)
        except ValueError:
            rate = -1.0
        if not 0 < rate <= 50:
            problems.append(
                f"activity '{activity}' is not one of {', '.join(ACTIVITY_LEVELS)} "
                "or a number of sessions per day from 0 to 50"
            )
    return problems


def parse_follower_csv(text: str, max_rows: int) -> tuple[list[dict[str, str]], list[str]]:
    """Rows of a follower CSV (FOLLOWER_CSV_COLUMNS) and row-level problems; rows come back only if none.

    The caller decodes the upload (and reports a bad encoding); this reads text.
    """
    text = text.lstrip("\ufeff")
    if not text.strip():
        return [], ["the file is empty; the first line must be the header: " + ",".join(FOLLOWER_CSV_COLUMNS)]
    try:
        reader = csv.DictReader(io.StringIO(text))
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        return [], [f"the file is not a readable CSV: {exc}"]
    missing = [c for c in FOLLOWER_CSV_COLUMNS if c not in header and c != "activity"]
    if missing:
        return [], [
            f"missing column(s): {', '.join(missing)}; the header must be " + ",".join(FOLLOWER_CSV_COLUMNS)
        ]
    reader.fieldnames = header
    rows: list[dict[str, str]] = []
    errors: list[str] = []
    try:
        for n, raw in enumerate(reader, start=1):
            if n > max_rows:
                errors.append(f"more than {max_rows:,} rows; split the file or sample it")
                break
            row = {c: (raw.get(c) or "").strip() for c in FOLLOWER_CSV_COLUMNS}
            if not any(row.values()):
                continue
            problems = _row_problems(row)
            errors += [f"row {n}: {p}" for p in problems]
            row["country"] = row["country"].upper()
            row["interests"] = "|".join(_split_interests(row["interests"]))
            row["activity"] = row["activity"].lower()
            rows.append(row)
    except csv.Error as exc:
        errors.append(f"the file is not a readable CSV: {exc}")
    if not rows and not errors:
        errors.append("the file has a header but no follower rows")
    return (rows if not errors else []), errors


@cache
def platform_marginals() -> dict[str, Any]:
    """simulator/data/platform_marginals.json: published aggregates, with their sources."""
    return json.loads(resources.files("simulator").joinpath("data/platform_marginals.json").read_text())


@cache
def _marginal_shares() -> dict[str, np.ndarray]:
    m = platform_marginals()
    age = m["age_band"]
    age_users = np.array([age["us_population_millions"][b] * age["usage_rate"][b] for b in AGE_BANDS])
    g = m["gender"]
    binary = np.array([g["usage_rate"]["female"], g["usage_rate"]["male"]])
    gender = np.append(binary / binary.sum() * (1 - g["nonbinary_share"]), g["nonbinary_share"])
    audience = m["country"]["ad_audience_millions"]
    country = np.array([audience.get(c, 0.0) for c in COUNTRIES])
    interests = np.array([m["interests"]["share"][t] for t in TOPICS])
    activity = np.array([m["activity"]["share"][a] for a in ACTIVITY_LEVELS])
    return {
        "age_band": age_users / age_users.sum(),
        "gender": gender,
        "country": country / country.sum(),
        "interests": interests / interests.sum(),
        "activity": activity / activity.sum(),
    }


def _sessions_per_level() -> np.ndarray:
    rates = platform_marginals()["activity"]["sessions_per_day"]
    return np.array([rates[a] for a in ACTIVITY_LEVELS])


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


def _categorical(rng: np.random.Generator, shares: np.ndarray, n: int) -> np.ndarray:
    return np.searchsorted(np.cumsum(shares / shares.sum()), rng.random(n), side="right").clip(
        0, len(shares) - 1
    )


def _restricted(shares: np.ndarray, names: tuple[str, ...], allowed: list[str] | None) -> np.ndarray:
    """Marginal shares over the allowed values; values without a figure weigh like the smallest one."""
    if not allowed:
        return shares
    mask = np.isin(np.array(names), allowed)
    floor = shares[shares > 0].min()
    out = np.where(mask, np.where(shares > 0, shares, floor), 0.0)
    return out / out.sum()


def _given(shares: dict[str, float], names: tuple[str, ...]) -> np.ndarray:
    out = np.array([float(shares.get(n, 0.0)) for n in names])
    return out / out.sum()


def _interest_matrix(
    rng: np.random.Generator, n: int, prior: np.ndarray, required: np.ndarray | None = None
) -> np.ndarray:
    """Per user: three main topics from the prior (Gumbel top-k), Dirichlet weights, a light background.

    `required` (N,) topic codes (or -1) forces that topic among the main ones, for interest filters.
    """
    n_topics = len(prior)
    keys = np.log(np.maximum(prior, 1e-12))[None, :] - np.log(-np.log(rng.random((n, n_topics))))
    if required is not None:
        rows = np.flatnonzero(required >= 0)
        keys[rows, required[rows]] = np.inf
    main = np.argpartition(-keys, 3, axis=1)[:, :3]
    weights = rng.gamma(1.0, size=(n, 3))
    weights /= weights.sum(axis=1, keepdims=True)
    if required is not None:  # the required topic takes the largest of the three weights
        rows = np.flatnonzero(required >= 0)
        pos = (main[rows] == required[rows, None]).argmax(axis=1)
        top = weights[rows].argmax(axis=1)
        w = weights[rows]
        w[np.arange(len(rows)), pos], w[np.arange(len(rows)), top] = (
            w[np.arange(len(rows)), top],
            w[np.arange(len(rows)), pos],
        )
        weights[rows] = w
    out = np.zeros((n, n_topics), dtype=np.float64)
    np.put_along_axis(out, main, 0.85 * weights, axis=1)
    out += 0.15 * prior[None, :]
    out /= out.sum(axis=1, keepdims=True)
    return out.astype(np.float32)


# Per-user engagement rates: (PersonaParams median, its log-scale spread, cap). No share or follow
# counts per user in the data, so those spread as comments, the nearest measured rate.
_RATES = {
    "like_rate": ("like_rate", "like_rate_log_sd", 0.5),
    "comment_rate": ("comment_rate", "comment_rate_log_sd", 0.5),
    "share_rate": ("share_rate", "comment_rate_log_sd", 0.5),
    "follow_rate": ("follow_rate", "comment_rate_log_sd", 0.5),
}
_PREFERRED_LOG_SD, _WATCH_LOG_SD = 0.6, 0.3  # assumptions: KuaiRand gives the medians, not per-user spreads


def _persona_params():
    from simulator.brains.persona_params import PersonaParams  # the brains package imports this one

    return PersonaParams.load()


def _behaviour(rng: np.random.Generator, n: int, activity: np.ndarray, sessions: np.ndarray | None) -> dict:
    """Habits per user: engagement rates and watch habits log-normal around the persona brain's
    committed medians with their fitted spreads (the brain is calibrated on users drawn so: python -m
    simulator fit); session length around `Behaviour`'s default."""
    p, base = _persona_params(), Behaviour()
    rate = _sessions_per_level()[activity] if sessions is None else sessions
    z = rng.standard_normal((8, n))
    rates = {
        name: np.minimum(getattr(p, median) * np.exp(getattr(p, sd) * z[row]), cap).astype(np.float32)
        for row, (name, (median, sd, cap)) in enumerate(_RATES.items(), start=2)
    }
    return rates | {
        "sessions_per_day": (rate * np.exp(0.3 * z[0])).astype(np.float32),
        "session_minutes": (base.session_minutes * np.exp(0.5 * z[1])).astype(np.float32),
        "preferred_s": (p.preferred_s * np.exp(_PREFERRED_LOG_SD * z[6])).astype(np.float32),
        "watch_ratio": np.clip(p.watch_ratio * np.exp(_WATCH_LOG_SD * z[7]), 0.1, 0.95).astype(np.float32),
        "novelty_seeking": rng.beta(2.0, 2.0, n).astype(np.float32),
    }


def with_habits(pop: Population, params) -> Population:
    """The same users with their habits around `params` (a rerun's draw of the persona parameters)
    instead of the committed ones: each user keeps their place in the spread, so a rerun that draws a
    higher like rate makes every user likelier to like, as the fit's bootstrap says it might."""
    point = _persona_params()
    if params == point:
        return pop
    changed = {}
    for name, (median, sd, cap) in _RATES.items():
        z = np.log(getattr(pop, name) / getattr(point, median)) / getattr(point, sd)
        changed[name] = np.minimum(getattr(params, median) * np.exp(getattr(params, sd) * z), cap)
    changed["preferred_s"] = pop.preferred_s * (params.preferred_s / point.preferred_s)
    changed["watch_ratio"] = np.clip(pop.watch_ratio * (params.watch_ratio / point.watch_ratio), 0.1, 0.95)
    return replace(pop, **{k: v.astype(np.float32) for k, v in changed.items()})


def _draw(
    rng: np.random.Generator,
    n: int,
    age: np.ndarray,  # codes
    gender: np.ndarray,
    country: np.ndarray,
    interests_prior: np.ndarray,
    activity: np.ndarray,
    *,
    required_topic: np.ndarray | None = None,
    sessions: np.ndarray | None = None,
    follower: bool,
    weight: float,
    tastes_only: bool = False,
) -> Population:
    """The users' rows; `tastes_only`: interests and places only, the habits left empty (faster)."""
    interests = _interest_matrix(rng, n, interests_prior, required_topic)  # before the habits: same draws
    habits = (
        {name: np.zeros(0, dtype=np.float32) for name in _HABITS}
        if tastes_only
        else _behaviour(rng, n, activity, sessions)
    )
    return Population(
        age=age.astype(np.int8),
        gender=gender.astype(np.int8),
        country=country.astype(np.int16),
        utc_offset_h=np.array([COUNTRY_UTC_OFFSET[c] for c in COUNTRIES], dtype=np.float32)[country],
        interests=interests,
        follower=np.full(n, follower),
        weight=np.full(n, weight, dtype=np.float64),
        **habits,
    )


_HABITS = (
    "sessions_per_day", "session_minutes", "like_rate", "comment_rate", "share_rate", "follow_rate",
    "preferred_s", "watch_ratio", "novelty_seeking",
)  # fmt: skip


def _concat(parts: list[Population]) -> Population:
    return Population(
        **{k: np.concatenate([getattr(p, k) for p in parts]) for k in Population.__dataclass_fields__}
    )


def _niche_prior(niches: list[str]) -> np.ndarray:
    prior = _marginal_shares()["interests"].copy()
    for niche in niches:
        prior[TOPIC_INDEX[niche]] += 1.0 / len(niches)
    return prior / prior.sum()


# Users are drawn in chunks of CHUNK rows, each from its own generator seeded by (seed, part, chunk),
# so any range of users is built from the chunks it overlaps alone: a shard of a million-user audience
# builds its own users, not the million (simulator.world, "Sharding").
CHUNK = 1 << 16


@dataclass
class _Part:
    """A block of the population drawn alike (the followers, or the people around them)."""

    start: int
    size: int
    weight: float
    draw: Callable[..., Population]  # (rng, rows, first row in the part, tastes_only)


def build_population(spec: AudienceSpec, seed: int, lo: int = 0, hi: int | None = None) -> Population:
    """The simulated users lo..hi (default: all) of an audience; the same (spec, seed) gives the same
    rows whatever the range asked for."""
    problems = spec.validate()
    if problems:
        raise ValueError("; ".join(problems))
    hi = spec.size if hi is None else hi
    if not 0 <= lo <= hi <= spec.size:
        raise ValueError(f"users {lo}..{hi} are not a range of 0..{spec.size}")
    return _concat(_drawn(spec, seed, lo, hi))


def population_tastes(spec: AudienceSpec, seed: int, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """(interests, country) of users lo..hi, as build_population draws them, without their habits."""
    pieces = _drawn(spec, seed, lo, hi, tastes_only=True)
    return np.concatenate([p.interests for p in pieces]), np.concatenate([p.country for p in pieces])


def _drawn(spec: AudienceSpec, seed: int, lo: int, hi: int, tastes_only: bool = False) -> list[Population]:
    """The rows lo..hi, chunk by chunk: each chunk drawn whole from its generator, then cut."""
    pieces = []
    for k, part in enumerate(_parts(spec, seed)):
        a, b = max(lo, part.start) - part.start, min(hi, part.start + part.size) - part.start
        for c in range(a // CHUNK, -(-b // CHUNK)) if a < b else ():
            first = c * CHUNK
            rng = np.random.default_rng([seed, 0xA0D1, k, c])
            rows = part.draw(rng, min(CHUNK, part.size - first), first, tastes_only)
            pieces.append(rows.rows(max(a, first) - first, min(b, first + CHUNK) - first))
    if not pieces:  # an empty range: no rows, with the arrays' types
        pieces = [_parts(spec, seed)[0].draw(np.random.default_rng(0), 1, 0).rows(0, 0)]
    return pieces


def population_chunks(spec: AudienceSpec, seed: int) -> list[tuple[int, int]]:
    """The ranges of users that are drawn together: building one costs one chunk's draw."""
    return [
        (part.start + c, part.start + min(c + CHUNK, part.size))
        for part in _parts(spec, seed)
        for c in range(0, part.size, CHUNK)
    ]


def population_weights(spec: AudienceSpec, seed: int) -> np.ndarray:
    """The distinct real-scale weights of the audience's users, sorted (the world's weight classes)."""
    return np.unique([part.weight for part in _parts(spec, seed)])


def _parts(spec: AudienceSpec, seed: int) -> list[_Part]:
    """How the audience's users are drawn, part by part, and what every chunk of a part needs."""
    m = _marginal_shares()
    n = spec.size
    if spec.kind == "general":

        def general(rng, k, first, tastes_only=False):
            country = _categorical(rng, m["country"], k)
            return _draw(
                rng, k, _categorical(rng, m["age_band"], k), _categorical(rng, m["gender"], k), country,
                m["interests"], _categorical(rng, m["activity"], k), follower=False, weight=1.0,
                tastes_only=tastes_only,
            )  # fmt: skip

        return [_Part(0, n, 1.0, general)]
    if spec.kind == "slice":
        f = spec.filters

        def sliced(rng, k, first, tastes_only=False):
            country = _categorical(rng, _restricted(m["country"], COUNTRIES, f.get("country")), k)
            required = None
            if f.get("interests"):
                choice = rng.integers(0, len(f["interests"]), k)
                required = np.array([TOPIC_INDEX[t] for t in f["interests"]])[choice]
            return _draw(
                rng, k,
                _categorical(rng, _restricted(m["age_band"], AGE_BANDS, f.get("age_band")), k),
                _categorical(rng, _restricted(m["gender"], GENDERS, f.get("gender")), k),
                country, m["interests"],
                _categorical(rng, _restricted(m["activity"], ACTIVITY_LEVELS, f.get("activity")), k),
                required_topic=required, follower=False, weight=1.0,
                tastes_only=tastes_only,
            )  # fmt: skip

        return [_Part(0, n, 1.0, sliced)]
    n_followers = max(1, round(n * FOLLOWER_SHARE)) if n > 1 else 1
    n_around = n - n_followers
    if spec.follower_rows:
        rows = spec.follower_rows
        # which imported row each simulated follower is: all of them once when n allows, then at random
        pick_rng = np.random.default_rng([seed, 0xA0D1, 0x91C])
        picks = (
            pick_rng.permutation(len(rows))[:n_followers]
            if n_followers <= len(rows)
            else pick_rng.integers(0, len(rows), n_followers)
        )
        real = len(rows)
        niches = [t for row in rows for t in _split_interests(row["interests"])]
        around_prior = _niche_prior(list(dict.fromkeys(niches))[:3])
        row_country = np.array([COUNTRIES.index(r["country"].strip().upper()) for r in rows])
        country_shares = np.bincount(row_country[picks], minlength=len(COUNTRIES)).astype(float)

        def followers(rng, k, first, tastes_only=False):
            return _followers_from_rows(rng, [rows[i] for i in picks[first : first + k]], weight, tastes_only)
    else:
        p = spec.profile
        niches = p["niche"] if isinstance(p["niche"], list) else [p["niche"]]
        real = p["follower_count"]
        age = _given(p["age_band"], AGE_BANDS) if "age_band" in p else m["age_band"]
        gender = _given(p["gender"], GENDERS) if "gender" in p else m["gender"]
        country_shares = _given(p["country"], COUNTRIES) if "country" in p else m["country"]
        around_prior = _niche_prior(niches)

        def followers(rng, k, first, tastes_only=False):
            return _draw(
                rng, k, _categorical(rng, age, k), _categorical(rng, gender, k),
                _categorical(rng, country_shares, k),
                around_prior, _categorical(rng, m["activity"], k),
                required_topic=np.full(k, TOPIC_INDEX[niches[0]]), follower=True, weight=weight,
                tastes_only=tastes_only,
            )  # fmt: skip

    weight = real / n_followers
    around_country = country_shares / country_shares.sum()

    def around(rng, k, first, tastes_only=False):
        return _draw(
            rng, k, _categorical(rng, m["age_band"], k), _categorical(rng, m["gender"], k),
            _categorical(rng, around_country, k),
            around_prior, _categorical(rng, m["activity"], k), follower=False, weight=weight,
            tastes_only=tastes_only,
        )  # fmt: skip

    parts = [_Part(0, n_followers, weight, followers)]
    return parts + ([_Part(n_followers, n_around, weight, around)] if n_around else [])


def _followers_from_rows(
    rng: np.random.Generator, chosen: list[dict[str, str]], weight: float, tastes_only: bool = False
) -> Population:
    """Simulated followers drawn from the imported rows chosen for them."""
    n = len(chosen)
    age = np.array([AGE_BANDS.index(r["age_band"].strip()) for r in chosen])
    gender = np.array([GENDERS.index(r["gender"].strip()) for r in chosen])
    country = np.array([COUNTRIES.index(r["country"].strip().upper()) for r in chosen])
    level_rate = dict(zip(ACTIVITY_LEVELS, _sessions_per_level(), strict=True))
    default = float(np.dot(_marginal_shares()["activity"], _sessions_per_level()))
    activity = [r.get("activity", "").strip().lower() for r in chosen]
    sessions = np.array([level_rate[a] if a in level_rate else float(a) if a else default for a in activity])
    pop = _draw(rng, n, age, gender, country, _marginal_shares()["interests"], np.zeros(n, dtype=int),
                sessions=sessions, follower=True, weight=weight, tastes_only=tastes_only)  # fmt: skip
    listed = np.zeros((n, len(TOPICS)), dtype=np.float32)
    for i, r in enumerate(chosen):
        topics = [TOPIC_INDEX[t] for t in _split_interests(r["interests"])]
        listed[i, topics] = 1.0 / len(topics)
    pop.interests = (0.7 * listed + 0.3 * pop.interests).astype(np.float32)
    pop.interests /= pop.interests.sum(axis=1, keepdims=True)
    return pop


def describe_population(spec: AudienceSpec, seed: int) -> dict[str, Any]:
    """Who is in the simulated audience: shares per attribute and the real-scale weight."""
    pop = build_population(spec, seed)
    n = len(pop)

    def shares(codes: np.ndarray, names: tuple[str, ...]) -> dict[str, float]:
        counts = np.bincount(codes.astype(np.int64), minlength=len(names))
        return {names[i]: round(float(counts[i]) / n, 4) for i in np.argsort(-counts) if counts[i]}

    members = pop.interest_members().mean(axis=0)
    return {
        "size": n,
        "weight": round(float(pop.weight.mean()), 4),
        "real_size": round(float(pop.weight.sum())),
        "followers": int(pop.follower.sum()),
        "real_followers": round(float(pop.weight[pop.follower].sum())),
        "age_band": shares(pop.age, AGE_BANDS),
        "gender": shares(pop.gender, GENDERS),
        "country": shares(pop.country, COUNTRIES),
        "interests": {TOPICS[t]: round(float(members[t]), 4) for t in np.argsort(-members) if members[t] > 0},
    }
