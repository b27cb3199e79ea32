"""How an audience's users are drawn: from published platform marginals (a general sample or a
slice), a creator's profile or imported follower rows, chunk by chunk, so any range of users is built
from (spec, seed) alone."""

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from simulator.audiences.population import Population
from simulator.audiences.spec import ACTIVITY_LEVELS, FOLLOWER_SHARE, AudienceSpec, split_interests
from simulator.taxonomy import AGE_BANDS, COUNTRIES, COUNTRY_UTC_OFFSET, GENDERS, TOPIC_INDEX, TOPICS
from simulator.types import Behaviour


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
        niches = [t for row in rows for t in split_interests(row["interests"])]
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
        topics = [TOPIC_INDEX[t] for t in split_interests(r["interests"])]
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
