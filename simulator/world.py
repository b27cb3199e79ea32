"""The multi-agent world (paper section 5): a population on a social graph, a week on a clock, a
platform recommender, the persona brain, and reactions aggregated into horizons as they happen.

Each step (15 minutes) the users who open the app (simulator.clock) may meet each live post through
three paths of the platform recommender: the following feed (followers), exploration (in proportion
to the post's early engagement velocity and to how far the post outranks the competing catalogue for
this user's interests) and shares from neighbours; a freshness kernel fitted to real cascades
(simulator.timing) scales all three. The post lands at a position in the session; users who stay
that long decide in one vectorised batch per step (the persona brain's `decide_arrays`); each
decision moves the user's interests toward or away from the post's topics (eq. 4, the brain's
rates), which changes how the next posts match and rank for them. Reactions change the user's
state (paper eq. 6-7): the environment (the recommender's exposure: impressions,
creator fatigue, "show less", follows and unfollows) and messages from neighbours (shares, delivered
to their followers' inboxes with the follower's influence weight). Events are stamped with their
time and counted straight into (post, horizon, segment) arrays; no event list is kept.

Sharding. A run's users are split into contiguous shards. Every random draw is a hash of (seed,
rerun, user, post, step, purpose) (simulator.randomness), so a user's draws do not depend on the
shard. Shards advance one window (an hour) at a time and then exchange a small message: the shares
made in the window (sender, post) and the window's engagement counts per post. Every shard applies
the same merged message (shares reach the sender's followers at the window's end; velocity and
social proof use the totals up to the window's start), so the merged result is the same whatever the
shard count. A process may step several shards of a rerun (`run_world_shards`): it merges their
messages and swaps the result with the rerun's other processes (its "parties") through an
`Exchange` (simulator.exchange: a shared directory or Redis); without one, it steps all the shards.
"""

import json
import math
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import numpy as np

from simulator.audiences import AudienceSpec, Population, build_population, population_weights, with_habits
from simulator.brains.features import DecisionFeatures
from simulator.brains.persona import PersonaBrain
from simulator.catalogue import default_index
from simulator.clock import (
    RHYTHM_STEPS,
    STEP_H,
    local_step_of_day,
    offset_steps,
    session_starts,
)
from simulator.exchange import DirectoryExchange, Exchange, RedisExchange  # noqa: F401 (re-exported)
from simulator.graph import SocialGraph, build_graph
from simulator.preferences import engagement_signal, topic_vector, update_interests
from simulator.randomness import RowGenerator, hashed, run_key, uniform
from simulator.serial import JsonRecord
from simulator.taxonomy import AGE_BANDS, COUNTRIES, GENDERS, TOPICS
from simulator.timing import WorldParams, world_params
from simulator.types import EFFECT_NAMES, Item
from simulator.uncertainty import rerun_parameters
from simulator.world_panel import MAX_PANEL, WorldCalibration, post_factors

HORIZONS = ("6h", "12h", "24h", "2d", "1w")
EXPOSURES = ("organic", "screening")
HORIZON_HOURS = (6.0, 12.0, 24.0, 48.0, 168.0)
METRICS = (
    "impressions", "views", "unique_viewers", "watch_time_s", "avg_watch_s", "completion_rate",
    "likes", "comments", "shares", "follows", "unfollows", "show_less", "from_shares",
)  # fmt: skip
# from_shares: impressions that a neighbour's share brought.
# What is counted per event; the other metrics are ratios of these.
COUNTED = (
    "impressions", "views", "unique_viewers", "watch_time_ds", "completions",
    "likes", "comments", "shares", "follows", "unfollows", "show_less", "from_shares", "creator_fatigue_x100",
)  # fmt: skip
_C = {name: i for i, name in enumerate(COUNTED)}
SEGMENTS: tuple[str, ...] = (
    ("all",)
    + tuple(f"age_band:{b}" for b in AGE_BANDS)
    + tuple(f"gender:{g}" for g in GENDERS)
    + tuple(f"country:{c}" for c in COUNTRIES)
    + ("follower:yes", "follower:no")
    + tuple(f"interest:{t}" for t in TOPICS)
)
_SEG_AGE, _SEG_GENDER = 1, 1 + len(AGE_BANDS)
_SEG_COUNTRY = _SEG_GENDER + len(GENDERS)
_SEG_FOLLOWER = _SEG_COUNTRY + len(COUNTRIES)
_SEG_INTEREST = _SEG_FOLLOWER + 2
WATCH_BINS = 11  # watched share of the length: [0, .1), ..., [.9, 1), replays (>= 1)
WINDOW_STEPS = round(1.0 / STEP_H)  # shards exchange messages every simulated hour
MAX_IMPRESSIONS = 2  # a post is put in front of the same user at most twice
# hash streams, one per purpose, so draws for different purposes never coincide
_S_DELIVER, _S_PATH, _S_POSITION, _S_REACH, _S_BRAIN, _S_SAMPLE = 11, 12, 13, 14, 15, 16


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
    brain: str = "persona"  # or "llm": an LLM panel calibrates the persona brain (simulator.world_panel)
    panel_size: int = 0  # panel members who answer the LLM, for brain "llm"
    # "organic": the platform's feeds decide who meets the post (follows, exploring, shares).
    # "screening": every user is also shown it once, in the first session that reaches it after it is
    # posted, as a test screening would; what follows (reactions, shares, reshows) is organic.
    exposure: str = "organic"
    creator_id: str = "me"
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


# ---------------------------------------------------------------------------------------------
# Results


@dataclass
class ShardResult:
    """What one shard (or, merged, one rerun) produced: aggregates, not events.

    counts[post, horizon, segment, weight class, counted] are cumulative; timeline[post, hour,
    follower (0: followed the creator at the start, 1: did not), weight class, counted] is hour by
    hour; weights[w] is the real-scale users per simulated user of class w.
    """

    rerun: int
    shard_index: int
    shard_count: int
    users: int
    posts: list[str]
    post_hours: list[float]
    horizon_hours: float
    weights: list[float]
    counts: np.ndarray
    timeline: np.ndarray
    watch_hist: np.ndarray  # [post, bin, weight class]
    samples: list[dict[str, Any]]
    brain_usage: dict[str, int]
    segment_users: np.ndarray  # [segment, weight class]: simulated users in each segment
    reached: np.ndarray  # [weight class]: users who viewed at least one post
    followers_start: np.ndarray  # [weight class]: users following the creator at the start
    followers_end: np.ndarray  # [weight class]: ... and at the end
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        out = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            out[name] = value.tolist() if isinstance(value, np.ndarray) else value
        out["segments"] = list(SEGMENTS)
        out["counted"] = list(COUNTED)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ShardResult":
        arrays = {
            "counts",
            "timeline",
            "watch_hist",
            "segment_users",
            "reached",
            "followers_start",
            "followers_end",
        }
        kwargs = {}
        for name in cls.__dataclass_fields__:
            value = data[name]
            kwargs[name] = np.asarray(value, dtype=np.int64) if name in arrays else value
        return cls(**kwargs)

    def metric_array(self, *, post: int | None = None, real_scale: bool = True) -> np.ndarray:
        """[metric, horizon, segment] values of METRICS for one post or all posts together."""
        counts = self.counts if post is None else self.counts[post : post + 1]
        weights = np.asarray(self.weights) if real_scale else np.ones(len(self.weights))
        total = np.tensordot(counts.sum(axis=0).astype(np.float64), weights, ([2], [0]))  # [h, s, counted]
        return metric_values(total)

    def figures(
        self, *, post: int | None = None, real_scale: bool = True
    ) -> dict[str, dict[str, dict[str, float]]]:
        """{metric: {horizon: {segment: value}}} for one post or all posts together."""
        values = self.metric_array(post=post, real_scale=real_scale)
        return {
            m: {
                h: {s: float(values[mi, hi, si]) for si, s in enumerate(SEGMENTS)}
                for hi, h in enumerate(HORIZONS)
            }
            for mi, m in enumerate(METRICS)
        }

    def counted(self, name: str, *, horizon: str = "1w", segment: str = "all") -> int:
        """A raw counted total over all posts (simulated users, no weights)."""
        return int(self.counts[:, HORIZONS.index(horizon), SEGMENTS.index(segment), :, _C[name]].sum())

    def real(self, per_class: np.ndarray) -> float:
        """A per-weight-class count at real scale."""
        return float(np.asarray(per_class, dtype=np.float64) @ np.asarray(self.weights))

    def curve(
        self, metric: str, *, post: int = 0, segment: str = "all", real_scale: bool = True
    ) -> np.ndarray:
        """A cumulative hourly curve of one counted metric for one post; segment all, follower:yes or :no."""
        weights = np.asarray(self.weights) if real_scale else np.ones(len(self.weights))
        groups = {"all": [0, 1], "follower:yes": [0], "follower:no": [1]}[segment]
        by_group = self.timeline[post, :, :, :, _C[metric]]  # [hour, follower, weight class]
        hourly = by_group[:, groups].sum(axis=1).astype(np.float64) @ weights
        return np.cumsum(hourly)


RerunResult = ShardResult


def metric_values(total: np.ndarray) -> np.ndarray:
    """total[..., counted] -> [metric, ...] in METRICS order, ratios where a metric is one."""
    views = total[..., _C["views"]]
    watch = total[..., _C["watch_time_ds"]] / 10.0
    values = {
        "watch_time_s": watch,
        "avg_watch_s": np.divide(watch, views, out=np.zeros_like(watch), where=views > 0),
        "completion_rate": np.divide(
            total[..., _C["completions"]], views, out=np.zeros_like(watch), where=views > 0
        ),
    }
    return np.stack([values[m] if m in values else total[..., _C[m]] for m in METRICS])


def merge_shards(shards: list[ShardResult]) -> RerunResult:
    """One rerun's result from its shards; the same whatever the shard count."""
    if not shards:
        raise ValueError("no shard to merge")
    first = shards[0]
    indexes = sorted(s.shard_index for s in shards)
    if indexes != list(range(first.shard_count)) or any(s.rerun != first.rerun for s in shards):
        raise ValueError(
            f"shards {indexes} of rerun {first.rerun} do not make a whole run of {first.shard_count}"
        )
    samples = sorted((x for s in shards for x in s.samples), key=lambda x: x["priority"])[
        : _sample_limit(shards)
    ]
    usage: dict[str, int] = {}
    for s in shards:
        for k, v in s.brain_usage.items():
            usage[k] = usage.get(k, 0) + v
    return RerunResult(
        rerun=first.rerun,
        shard_index=0,
        shard_count=1,
        users=sum(s.users for s in shards),
        posts=first.posts,
        post_hours=first.post_hours,
        horizon_hours=first.horizon_hours,
        weights=first.weights,
        counts=sum(s.counts for s in shards),
        timeline=sum(s.timeline for s in shards),
        watch_hist=sum(s.watch_hist for s in shards),
        samples=samples,
        brain_usage=usage,
        segment_users=sum(s.segment_users for s in shards),
        reached=sum(s.reached for s in shards),
        followers_start=sum(s.followers_start for s in shards),
        followers_end=sum(s.followers_end for s in shards),
        seconds=sum(s.seconds for s in shards),
    )


def _sample_limit(shards: list[ShardResult]) -> int:
    return max((s.samples[0]["limit"] for s in shards if s.samples), default=0)


# ---------------------------------------------------------------------------------------------
# Shared set-up: population, graph, segments and the competing catalogue (cached per audience)


@dataclass
class _Setup:
    pop: Population
    graph: SocialGraph
    seg_fixed: np.ndarray  # (N, 5) segment columns everyone has: all, age, gender, country, follower
    seg_interest: np.ndarray  # (N, topics) bool
    weight_class: np.ndarray  # (N,) int8
    weights: np.ndarray  # (W,)
    offsets: np.ndarray  # (N,) time zone in steps
    catalogue_groups: np.ndarray  # (G, topics) distinct topic vectors of the competing items
    catalogue_counts: np.ndarray  # (G,) items per group


def population_seed(seed: int, rerun: int) -> int:
    """The seed of a rerun's population and graph: the run's own for rerun 0 (the audience its page
    charts and its LLM panel is drawn from), a new draw of the same audience for every later one."""
    return seed if rerun == 0 else int(run_key(seed, rerun, 0x9E7) >> 1)


@lru_cache(maxsize=4)
def _setup(spec_json: str, seed: int, lo: int, hi: int) -> _Setup:
    """Users lo..hi of an audience for a population seed (`population_seed`): their rows, the follows
    into them and their segments, built from the seed alone (memory grows with hi - lo, not the audience)."""
    spec = AudienceSpec.from_dict(json.loads(spec_json))
    pop = build_population(spec, seed, lo, hi)
    graph = build_graph(spec, seed, lo, hi, pop)
    weights = population_weights(spec, seed)
    weight_class = np.searchsorted(weights, pop.weight)
    seg_fixed = np.stack(
        [
            np.zeros(len(pop), dtype=np.int16),
            _SEG_AGE + pop.age.astype(np.int16),
            _SEG_GENDER + pop.gender.astype(np.int16),
            _SEG_COUNTRY + pop.country.astype(np.int16),
            _SEG_FOLLOWER + (~pop.follower).astype(np.int16),
        ],
        axis=1,
    )
    groups, counts = _catalogue_groups()
    return _Setup(
        pop=pop,
        graph=graph,
        seg_fixed=seg_fixed,
        seg_interest=pop.interest_members(),
        weight_class=weight_class.astype(np.int8),
        weights=weights,
        offsets=offset_steps(pop.utc_offset_h),
        catalogue_groups=groups,
        catalogue_counts=counts,
    )


def _catalogue_groups() -> tuple[np.ndarray, np.ndarray]:
    """The competing catalogue (simulator.catalogue: real trending videos) as distinct topic vectors
    and how many items share each; ranking against it only needs these."""
    vectors, counts = np.unique(default_index().topics.round(6), axis=0, return_counts=True)
    return vectors.astype(np.float32), counts.astype(np.float64)


def _cosine_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(N, T) x (M, T) -> (N, M) cosines of non-negative rows."""
    an = a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-9)
    bn = b / np.maximum(np.linalg.norm(b, axis=1, keepdims=True), 1e-9)
    return (an @ bn.T).astype(np.float32)


def _setup_for(config: WorldConfig, rerun: int = 0, lo: int = 0, hi: int | None = None) -> _Setup:
    hi = config.audience.size if hi is None else hi
    if not config.parameter_draws:
        return _setup(_spec_json(config), population_seed(config.seed, rerun), lo, hi)
    return _drawn_setup(_spec_json(config), config.seed, rerun, lo, hi)


@lru_cache(maxsize=4)
def _drawn_setup(spec_json: str, seed: int, rerun: int, lo: int, hi: int) -> _Setup:
    """The rerun's users with their habits leaning as the rerun's drawn persona parameters say
    (audiences.with_habits), shared by every variant of the rerun."""
    setup = _setup(spec_json, population_seed(seed, rerun), lo, hi)
    return replace(setup, pop=with_habits(setup.pop, rerun_parameters(seed, rerun)[0]))


def _spec_json(config: WorldConfig) -> str:
    return json.dumps(config.audience.to_dict(), sort_keys=True)


def setup_population(config: WorldConfig, rerun: int = 0) -> Population:
    """A rerun's whole population, as its shards build it piece by piece."""
    return _whole_population(_spec_json(config), population_seed(config.seed, rerun))


@lru_cache(maxsize=2)
def _whole_population(spec_json: str, seed: int) -> Population:
    return build_population(AudienceSpec.from_dict(json.loads(spec_json)), seed)


def default_exposure(audience: AudienceSpec) -> str:
    """Followers meet a post through their feeds; a sample of the public or a slice of it almost never
    meets a post from an account it does not follow, so asking how it reacts means screening it."""
    return "organic" if audience.kind == "followers" else "screening"


def shard_bounds(n_users: int, shard_index: int, shard_count: int) -> tuple[int, int]:
    """The contiguous block of user ids a shard simulates."""
    edges = np.linspace(0, n_users, shard_count + 1).round().astype(int)
    return int(edges[shard_index]), int(edges[shard_index + 1])


# ---------------------------------------------------------------------------------------------
# Messages between shards


def _merge_messages(messages: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {
        "shares": np.concatenate([m["shares"] for m in messages]).reshape(-1, 2),
        "totals": sum(m["totals"] for m in messages),
    }


# ---------------------------------------------------------------------------------------------
# One shard


_TOTALS = ("impressions", "views", "engaged")  # per post and weight class, exchanged every window


class _Shard:
    def __init__(
        self,
        config: WorldConfig,
        rerun: int,
        shard_index: int,
        shard_count: int,
        params: WorldParams | None = None,
        calibration: WorldCalibration | None = None,
    ):
        problems = config.validate()
        if problems:
            raise ValueError("; ".join(problems))
        if (config.brain == "llm") != (calibration is not None):
            raise ValueError(
                "an llm run needs its panel calibration (world_panel.calibrate_world), and only it"
            )
        self.config = config
        self.rerun, self.shard_index, self.shard_count = rerun, shard_index, shard_count
        lo, hi = shard_bounds(config.audience.size, shard_index, shard_count)
        self.setup = setup = _setup_for(config, rerun, lo, hi)  # the shard's users: indexed from lo
        persona_params, drawn = (
            rerun_parameters(config.seed, rerun) if config.parameter_draws else (None, world_params())
        )
        self.params = params or drawn
        self.brain = PersonaBrain(persona_params)
        self.key = run_key(config.seed, rerun)
        self.lo, self.hi, self.n = lo, hi, hi - lo
        self.ids = np.arange(lo, hi, dtype=np.int64)
        pop = setup.pop
        n_posts = len(config.posts)
        self.at_h = np.array([p.at_hours for p in config.posts])
        self.topics = np.array([topic_vector(p.item.topics) for p in config.posts], dtype=np.float32)
        self.length = np.array([p.item.duration_s for p in config.posts])
        # per post multipliers of the propensities from what the post is and who posts it (Item.effects)
        self.effects = {
            name: np.array([getattr(p.item.effects, name) for p in config.posts]) for name in EFFECT_NAMES
        }
        # per (user, post) multipliers of the persona propensities from the LLM panel; None: no panel
        self.factors = (
            None
            if calibration is None
            else post_factors(  # archetypes are standardised over the whole population
                calibration,
                setup_population(config, rerun),
                lo,
                hi,
                [p.item.id for p in config.posts],
                seed=config.seed,
                rerun=rerun,
            )
        )
        self.base_interests = pop.interests
        self.interests = self.base_interests.copy()  # the evolving state (eq. 4); the setup stays as built
        self.percentile = np.empty((self.n, n_posts), dtype=np.float32)
        self._rank(np.arange(self.n))
        # state (paper eq. 6-7)
        self.follows = pop.follower.copy()
        self.said_less = np.zeros(self.n, dtype=bool)
        self.creator_fatigue = np.zeros(self.n)
        self.fatigue_at = np.zeros(self.n)
        self.impressions = np.zeros((self.n, n_posts), dtype=np.int8)
        self.viewed = np.zeros((self.n, n_posts), dtype=bool)
        self.inbox = np.zeros((self.n, n_posts), dtype=np.float32)
        # globals, identical in every shard: totals up to the last exchanged window
        self.totals = np.zeros((n_posts, len(_TOTALS), len(setup.weights)), dtype=np.int64)
        self.window_totals = np.zeros_like(self.totals)
        self.outbox: list[np.ndarray] = []
        # aggregates
        n_w = len(setup.weights)
        self.counts = np.zeros((n_posts, len(HORIZONS), len(SEGMENTS), n_w, len(COUNTED)), dtype=np.int64)
        self.hours = int(math.ceil(config.horizon_hours))
        self.timeline = np.zeros((n_posts, self.hours, 2, n_w, len(COUNTED)), dtype=np.int64)
        self.watch_hist = np.zeros((n_posts, WATCH_BINS, n_w), dtype=np.int64)
        self.samples: list[dict[str, Any]] = []
        self.sample_pool: dict[str, np.ndarray] | None = None
        self.seconds = 0.0
        self.decisions = 0

    def _rank(self, users: np.ndarray) -> None:
        """Interest match with each post, and the share of the catalogue each post outranks, for users."""
        setup = self.setup
        interests = self.interests[users]
        match = _cosine_matrix(interests, self.topics)  # (n, P)
        if users.size == self.n:
            self.match = match
            self.dot = (interests @ self.topics.T).astype(np.float32)
        else:
            self.match[users] = match
            self.dot[users] = interests @ self.topics.T
        cat = _cosine_matrix(interests, setup.catalogue_groups)
        counts = setup.catalogue_counts.astype(np.float32)
        # all posts at once for a few users; post by post for many, to keep (users, posts, groups) small
        for ks in (
            [slice(None)]
            if len(users) * len(self.topics) < 200_000
            else [slice(k, k + 1) for k in range(len(self.topics))]
        ):
            m = match[:, ks, None]
            beaten = (cat[:, None, :] < m).astype(np.float32) + 0.5 * (np.abs(cat[:, None, :] - m) < 1e-6)
            self.percentile[users, ks] = beaten @ counts / counts.sum()
        if users.size == self.n:
            self.explore_weight = self.percentile**self.params.explore_focus
        else:
            self.explore_weight[users] = self.percentile[users] ** self.params.explore_focus

    def _evolve_interests(self, a: np.ndarray, p: np.ndarray, signal: np.ndarray) -> None:
        """Eq. 4: each decided impression moves the user's interests toward (or away from) the post's
        topics; posts in index order, so a user with two posts in one step updates the same way always."""
        rates = self.brain.params.update_rates
        for k in np.unique(p):
            rows = p == k
            users = a[rows]
            topics = np.broadcast_to(self.topics[k], (len(users), self.topics.shape[1]))
            self.interests[users] = update_interests(
                self.interests[users], self.base_interests[users], topics, signal[rows], rates
            )
        self._rank(np.unique(a))

    # -- globals from the exchanged totals

    def _velocity(self) -> np.ndarray:
        """Early engagement per impression relative to a typical item's, per post.

        A new post is explored as a typical one (1); as its impressions reach
        velocity_prior_impressions its measured rate takes over.
        """
        p, bp = self.params, self.brain.params
        typical = bp.view_rate * (bp.like_rate + bp.comment_rate + bp.share_rate)
        imp = self.totals[:, 0].sum(axis=1).astype(np.float64)
        engaged = self.totals[:, 2].sum(axis=1)
        measured = np.clip(engaged / np.maximum(imp, 1.0) / typical, p.velocity_min, p.velocity_max)
        trust = np.minimum(imp / p.velocity_prior_impressions, 1.0)
        return 1.0 + trust * (measured - 1.0)

    def _social_proof(self) -> np.ndarray:
        """log10(1 + real-scale views so far), per post."""
        return np.log10(1.0 + self.totals[:, 1].astype(np.float64) @ self.setup.weights)

    # -- one window

    def run_window(self, window: int) -> dict[str, np.ndarray]:
        started = time.perf_counter()
        velocity, proof = self._velocity(), self._social_proof()
        for step in range(window * WINDOW_STEPS, (window + 1) * WINDOW_STEPS):
            self._step(step, velocity, proof)
        shares = np.concatenate(self.outbox) if self.outbox else np.zeros((0, 2), dtype=np.int64)
        self.outbox = []
        message = {"shares": shares.reshape(-1, 2), "totals": self.window_totals}
        self.window_totals = np.zeros_like(self.totals)
        self.seconds += time.perf_counter() - started
        return message

    def receive(self, merged: dict[str, np.ndarray]) -> None:
        """Apply every shard's message: totals for velocity and social proof, shares into inboxes."""
        self.totals += merged["totals"]
        shares = merged["shares"]
        if not len(shares):
            return
        which, receivers, influence = self.setup.graph.receivers(shares[:, 0])
        mine = (receivers >= self.lo) & (receivers < self.hi)
        r = receivers[mine] - self.lo
        p = shares[which[mine], 1]
        strength = np.zeros(self.inbox.shape, dtype=np.float32)
        np.maximum.at(strength, (r, p), influence[mine])  # order-free, so the same in every shard
        fresh = (strength > self.inbox) & (self.impressions < MAX_IMPRESSIONS)
        self.inbox[fresh] = strength[fresh]

    def _step(self, step: int, velocity: np.ndarray, proof: np.ndarray) -> None:
        t = step * STEP_H
        # posts past their horizon are no longer followed, so they need no delivery
        live = np.flatnonzero((self.at_h < t + STEP_H) & (t < self.at_h + self.config.horizon_hours))
        if not len(live):
            return
        setup, params = self.setup, self.params
        pop = setup.pop
        g = self.ids
        active = np.flatnonzero(session_starts(self.key, g, pop.sessions_per_day, setup.offsets, step))
        if not len(active):
            return
        a = np.repeat(active, len(live))
        p = np.tile(live, len(active))
        now = t + 0.5 * STEP_H
        age = now - self.at_h[p]
        fresh = params.kernel(age / self.effects["timing"][p])  # (1 + a / (s tau)): tau stretched by s
        seen = self.impressions[a, p]
        follow = np.where(self.follows[a], params.follow_see * fresh, 0.0)
        # exploring waits for the first signal from followers: it ramps up over explore_delay_h
        ramp = age / (age + params.explore_delay_h)
        explore = np.minimum(params.explore_max * velocity[p] * self.explore_weight[a, p] * fresh * ramp, 1.0)
        if self.config.exposure == "screening":  # not yet shown: the screening puts it in this session
            explore[seen == 0] = 1.0
        share = params.share_open * self.inbox[a, p]  # a share waits for the receiver's next session
        chance = 1.0 - (1.0 - follow) * (1.0 - explore) * (1.0 - share)
        chance = np.minimum(chance * self.effects["reach"][p], 1.0)
        chance *= np.where(seen > 0, params.reshow, 1.0) * np.where(
            self.said_less[a], params.show_less_suppress, 1.0
        )
        chance[seen >= MAX_IMPRESSIONS] = 0.0
        gu = g[a]
        deliver = uniform(self.key, gu, p, step, _S_DELIVER) < chance
        self.inbox[a, p] = 0.0  # the share was in front of them this session, opened or not
        if not deliver.any():
            return
        a, p, gu, age = a[deliver], p[deliver], gu[deliver], age[deliver]
        follow, explore, share = follow[deliver], explore[deliver], share[deliver]
        # which path brought it decides where it lands in the session
        pick = uniform(self.key, gu, p, step, _S_PATH) * (follow + explore + share)
        from_share = pick < share
        by_explore = ~from_share & (pick < share + explore)
        u_pos = uniform(self.key, gu, p, step, _S_POSITION)
        spread = np.where(by_explore, 2.0 + 30.0 * (1.0 - self.percentile[a, p]), 2.0)
        position = np.floor(-np.log(np.maximum(u_pos, 1e-12)) * spread).astype(np.int64)
        # users leave at a per-item rate (the brain's leave_rate), so deep positions are reached less
        reached = uniform(self.key, gu, p, step, _S_REACH) < (1.0 - self.brain.params.leave_rate) ** position
        if not reached.any():
            return
        keep = reached
        a, p, gu, age, from_share, position = (
            a[keep],
            p[keep],
            gu[keep],
            age[keep],
            from_share[keep],
            position[keep],
        )
        self._decide(step, now, a, p, gu, age, from_share, position, proof)

    def _decide(self, step, now, a, p, gu, age, from_share, position, proof) -> None:
        """The brain decides every impression of the step at once; state and counts follow."""
        setup, pop, bp = self.setup, self.setup.pop, self.brain.params
        users = gu
        # creator fatigue: a decayed count of this creator's posts seen (before this one)
        decay = 0.5 ** ((now - self.fatigue_at[a]) / self.params.creator_fatigue_half_life_h)
        creator_fatigue = self.creator_fatigue[a] * decay
        dose = np.minimum(position, 10) * self.dot[a, p]
        satiation = 1.0 - np.exp(-dose / bp.satiation_scale)
        local_step = local_step_of_day(step, setup.offsets[a])
        features = DecisionFeatures(
            interest_match=self.match[a, p].astype(np.float64),
            novelty=1.0 - self.match[a, p].astype(np.float64),
            satiation=satiation,
            creator_fatigue=creator_fatigue,
            fatigue=1.0 - np.exp(-position / 40.0),  # the session so far wears on (approximation)
            boredom=0.5 * satiation,
            length_s=self.length[p],
            preferred_s=pop.preferred_s[a].astype(np.float64),
            watch_ratio=self._calibrated("watch", pop.watch_ratio[a], a, p, 1.0),
            social_proof=proof[p],
            hour_activity=RHYTHM_STEPS[local_step],
            like_rate=self._calibrated("like", pop.like_rate[a], a, p),
            comment_rate=self._calibrated("comment", pop.comment_rate[a], a, p),
            share_rate=self._calibrated("share", pop.share_rate[a], a, p),
            follow_rate=self._calibrated("follow", pop.follow_rate[a], a, p),
            follows_creator=self.follows[a].copy(),
            from_share=from_share,
            position=position,
            novelty_seeking=pop.novelty_seeking[a].astype(np.float64),
            view_bias=np.log(self._factor("view", a, p)),
        )
        row_keys = hashed(self.key, users, p, step, _S_BRAIN)
        out = self.brain.decide_arrays(features, RowGenerator(row_keys))

        # state changes
        first_view = out.click & ~self.viewed[a, p]
        self.viewed[a, p] |= out.click
        np.add.at(self.impressions, (a, p), 1)
        new_follow = out.follow & ~self.follows[a]
        unfollow = out.show_less & self.follows[a]
        self.follows[a[new_follow]] = True
        self.follows[a[unfollow]] = False
        self.said_less[a[out.show_less]] = True
        ua = np.unique(a)
        self.creator_fatigue[ua] *= 0.5 ** (
            (now - self.fatigue_at[ua]) / self.params.creator_fatigue_half_life_h
        )
        self.fatigue_at[ua] = now
        np.add.at(self.creator_fatigue, a, 1.0)
        self._evolve_interests(
            a, p, engagement_signal(out.watch_s, self.length[p], out.like, out.share, ~out.click)
        )
        if out.share.any():
            self.outbox.append(np.stack([users[out.share], p[out.share]], axis=1))

        completions = out.click & (out.watch_s >= 0.95 * self.length[p])
        values = np.stack(
            [
                np.ones(len(a), dtype=np.int64),
                out.click,
                first_view,
                np.rint(out.watch_s * 10.0).astype(np.int64),
                completions,
                out.like,
                out.comment,
                out.share,
                new_follow,
                unfollow,
                out.show_less,
                from_share,
                np.rint(creator_fatigue * 100.0),
            ],
            axis=1,
        ).astype(np.int64)
        wc = setup.weight_class[a].astype(np.int64)
        engaged = out.like.astype(np.int64) + out.comment + out.share
        np.add.at(self.window_totals, (p, 0, wc), 1)
        np.add.at(self.window_totals, (p, 1, wc), out.click.astype(np.int64))
        np.add.at(self.window_totals, (p, 2, wc), engaged)
        self._count(a, p, age, wc, values)
        ratio_bin = np.minimum(np.floor(out.watch_s / self.length[p] * 10.0), WATCH_BINS - 1).astype(np.int64)
        np.add.at(self.watch_hist, (p[out.click], ratio_bin[out.click], wc[out.click]), 1)
        self._keep_samples(step, now, a, p, users, age, features, out)
        self.decisions += len(a)

    def _factor(self, name: str, a, p) -> np.ndarray:
        """The post's effect on a propensity, times the LLM panel's factor for the user's archetype."""
        effect = self.effects[name][p]
        return effect if self.factors is None else effect * self.factors[name][a, p].astype(np.float64)

    def _calibrated(self, name: str, values: np.ndarray, a, p, cap: float = 0.95) -> np.ndarray:
        """A persona propensity of the deciding users, scaled by the post's effects and panel factor."""
        return np.minimum(values.astype(np.float64) * self._factor(name, a, p), cap)

    def _count(self, users, p, age, wc, values) -> None:
        """Add the events of the (shard-local) users to counts[post, horizon bin, segment, weight class]
        and the hourly timeline."""
        setup = self.setup
        within = age <= self.config.horizon_hours
        users, p, age, wc, values = users[within], p[within], age[within], wc[within], values[within]
        if not len(users):
            return
        hbin = np.searchsorted(HORIZON_HOURS, age, side="left")
        n_w = len(setup.weights)
        # every (event, segment) pair: the fixed columns, then interest memberships
        ev_fixed = np.repeat(np.arange(len(users)), setup.seg_fixed.shape[1])
        seg_fixed = setup.seg_fixed[users].reshape(-1).astype(np.int64)
        ev_int, topic = np.nonzero(setup.seg_interest[users])
        ev = np.concatenate([ev_fixed, ev_int])
        seg = np.concatenate([seg_fixed, _SEG_INTEREST + topic])
        keep = hbin[ev] < len(HORIZONS)
        ev, seg = ev[keep], seg[keep]
        flat = ((p[ev] * len(HORIZONS) + hbin[ev]) * len(SEGMENTS) + seg) * n_w + wc[ev]
        size = self.counts.shape[0] * len(HORIZONS) * len(SEGMENTS) * n_w
        view = self.counts.reshape(size, len(COUNTED))
        for m in range(len(COUNTED)):
            view[:, m] += np.rint(np.bincount(flat, weights=values[ev, m], minlength=size)).astype(np.int64)
        hour = np.minimum(age.astype(np.int64), self.hours - 1)
        not_follower = setup.seg_fixed[users, 4] - _SEG_FOLLOWER
        tflat = ((p * self.hours + hour) * 2 + not_follower) * n_w + wc
        tsize = self.timeline.shape[0] * self.hours * 2 * n_w
        tview = self.timeline.reshape(tsize, len(COUNTED))
        for m in range(len(COUNTED)):
            tview[:, m] += np.rint(np.bincount(tflat, weights=values[:, m], minlength=tsize)).astype(np.int64)

    def _keep_samples(self, step, now, a, p, users, age, f: DecisionFeatures, out) -> None:
        """Keep the impressions with the smallest hash priority: the same sample whatever the sharding."""
        limit = self.config.sample_limit
        if limit <= 0:
            return
        priority = hashed(self.key, users, p, step, _S_SAMPLE)
        batch = {
            "priority": priority,
            "user": users,
            "post": p,
            "at_h": np.full(len(a), now),
            "age_h": age,
            "watch_s": out.watch_s,
            "click": out.click,
            "like": out.like,
            "comment": out.comment,
            "share": out.share,
            "follow": out.follow & ~f.follows_creator,
            "show_less": out.show_less,
            "from_share": f.from_share,
            "follows": f.follows_creator,
            "match": f.interest_match,
            "creator_fatigue": f.creator_fatigue,
            # the rest of what the brain weighed, so the row can say what drove the decision
            "satiation": f.satiation,
            "fatigue": f.fatigue,
            "length_s": f.length_s,
            "preferred_s": f.preferred_s,
            "social_proof": f.social_proof,
            "view_bias": f.view_bias,
            "effect_view": self.effects["view"][p],
        }
        pool = self.sample_pool
        if pool is not None:
            batch = {k: np.concatenate([pool[k], v]) for k, v in batch.items()}
        if len(batch["priority"]) > limit:
            best = np.argpartition(batch["priority"], limit - 1)[:limit]
            batch = {k: v[best] for k, v in batch.items()}
        self.sample_pool = batch

    def result(self) -> ShardResult:
        n_w = len(self.setup.weights)
        local = slice(0, self.n)  # the setup holds the shard's users only
        wc = self.setup.weight_class[local].astype(np.int64)
        segment_users = np.zeros((len(SEGMENTS), n_w), dtype=np.int64)
        for col in range(self.setup.seg_fixed.shape[1]):
            np.add.at(segment_users, (self.setup.seg_fixed[local, col].astype(np.int64), wc), 1)
        rows, topic = np.nonzero(self.setup.seg_interest[local])
        np.add.at(segment_users, (_SEG_INTEREST + topic, wc[rows]), 1)
        return ShardResult(
            rerun=self.rerun,
            shard_index=self.shard_index,
            shard_count=self.shard_count,
            users=self.n,
            posts=[p.item.id for p in self.config.posts],
            post_hours=[float(p.at_hours) for p in self.config.posts],
            horizon_hours=float(self.config.horizon_hours),
            weights=[float(w) for w in self.setup.weights],
            counts=np.cumsum(self.counts, axis=1),
            timeline=self.timeline,
            watch_hist=self.watch_hist,
            samples=self._sample_records(),
            brain_usage={"persona": self.decisions},
            segment_users=segment_users,
            reached=np.bincount(wc[self.viewed.any(axis=1)], minlength=n_w),
            followers_start=np.bincount(wc[self.setup.pop.follower[local]], minlength=n_w),
            followers_end=np.bincount(wc[self.follows], minlength=n_w),
            seconds=round(self.seconds, 3),
        )

    def _sample_records(self) -> list[dict[str, Any]]:
        from simulator.sentences import persona_sample_text

        pool = self.sample_pool
        if pool is None:
            return []
        order = np.argsort(pool["priority"])
        pop = self.setup.pop
        records = []
        for i in order:
            post = self.config.posts[int(pool["post"][i])].item
            records.append(
                {
                    "priority": int(pool["priority"][i]),
                    "limit": self.config.sample_limit,
                    "user_id": int(pool["user"][i]),
                    "persona": pop.summary(int(pool["user"][i]) - self.lo),
                    "item_id": post.id,
                    "at_hours": round(float(pool["at_h"][i]), 2),
                    "age_hours": round(float(pool["age_h"][i]), 2),
                    **persona_sample_text({k: v[i].item() for k, v in pool.items()}, post, self.brain.params),
                }
            )
        return records


# ---------------------------------------------------------------------------------------------
# Running shards


def run_world_shard(
    config: WorldConfig,
    *,
    rerun: int = 0,
    shard_index: int = 0,
    shard_count: int = 1,
    on_progress: Callable[[float], None] | None = None,
    exchange: Exchange | None = None,
    calibration: WorldCalibration | None = None,
) -> ShardResult:
    """Simulate one shard (a contiguous block of users) of one rerun; see the module doc on sharding.

    on_progress(fraction) is called after every simulated hour; if it raises, the shard stops and the
    exception propagates. With shard_count > 1, pass an `exchange` of shard_count parties that every
    shard of the rerun shares (the shards then run at the same time, this one as party shard_index);
    without one, this call steps all the rerun's shards itself.
    An "llm" run takes its panel's `calibration` (simulator.world_panel), the same for every shard.
    """
    if not 0 <= shard_index < shard_count:
        raise ValueError(f"shard {shard_index} is not one of 0..{shard_count - 1}")
    hosted = [shard_index] if shard_count == 1 or exchange is not None else list(range(shard_count))
    results = run_world_shards(
        config,
        rerun=rerun,
        shard_indexes=hosted,
        shard_count=shard_count,
        exchange=exchange if shard_count > 1 else None,
        party=shard_index,
        on_progress=on_progress,
        calibration=calibration,
    )
    return results[hosted.index(shard_index)]


def run_world_shards(
    config: WorldConfig,
    *,
    rerun: int = 0,
    shard_indexes: Sequence[int],
    shard_count: int,
    exchange: Exchange | None = None,
    party: int = 0,
    on_progress: Callable[[float], None] | None = None,
    calibration: WorldCalibration | None = None,
) -> list[ShardResult]:
    """Step some shards of one rerun in this process, as `party` of an `exchange` that the rerun's
    other processes share (each hosting the rest of the shards); without one, these must be all.

    Returns the shards' results in the order of shard_indexes; on_progress as for run_world_shard.
    """
    if exchange is None and sorted(shard_indexes) != list(range(shard_count)):
        raise ValueError("without an exchange, one process must step every shard of the rerun")
    if any(not 0 <= i < shard_count for i in shard_indexes) or len(set(shard_indexes)) != len(shard_indexes):
        raise ValueError(f"shards {list(shard_indexes)} are not distinct shards of 0..{shard_count - 1}")
    windows = config.steps // WINDOW_STEPS
    # the alive mark is kept fresh from the start: building the shards is the longest silence
    with exchange.alive(party) if exchange is not None else nullcontext():
        shards = [_Shard(config, rerun, i, shard_count, calibration=calibration) for i in shard_indexes]
        for w in range(windows):
            merged = _merge_messages([s.run_window(w) for s in shards])
            if exchange is not None:
                merged = _merge_messages(exchange.swap(w, party, merged))
            for s in shards:
                s.receive(merged)
            if on_progress:
                on_progress((w + 1) / windows)
        return [s.result() for s in shards]


def run_world(
    config: WorldConfig,
    *,
    rerun: int = 0,
    shard_count: int = 1,
    params: WorldParams | None = None,
    calibration: WorldCalibration | None = None,
) -> RerunResult:
    """All shards of one rerun in this process, merged."""
    shards = [_Shard(config, rerun, i, shard_count, params, calibration) for i in range(shard_count)]
    for w in range(config.steps // WINDOW_STEPS):
        merged = _merge_messages([s.run_window(w) for s in shards])
        for s in shards:
            s.receive(merged)
    return merge_shards([s.result() for s in shards])
