"""What a rerun draws before its first step: the audience's users and their follows, their segment
columns, the competing catalogue, and (after rerun 0) the rerun's drawn persona habits. Built from the
seed alone, shard by shard (memory grows with the shard, not the audience), and cached per audience."""

import json
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from simulator.audiences import AudienceSpec, Population, build_population, population_weights, with_habits
from simulator.catalogue import default_index
from simulator.clock import offset_steps
from simulator.graph import SocialGraph, build_graph
from simulator.randomness import run_key
from simulator.uncertainty import rerun_parameters
from simulator.world.config import WorldConfig
from simulator.world.results import SEG_AGE, SEG_COUNTRY, SEG_FOLLOWER, SEG_GENDER


@dataclass
class Setup:
    """One shard's users as a rerun draws them, with what ranking and counting need."""

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
def _setup(spec_json: str, seed: int, lo: int, hi: int) -> Setup:
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
            SEG_AGE + pop.age.astype(np.int16),
            SEG_GENDER + pop.gender.astype(np.int16),
            SEG_COUNTRY + pop.country.astype(np.int16),
            SEG_FOLLOWER + (~pop.follower).astype(np.int16),
        ],
        axis=1,
    )
    groups, counts = _catalogue_groups()
    return Setup(
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


def cosine_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(N, T) x (M, T) -> (N, M) cosines of non-negative rows."""
    an = a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-9)
    bn = b / np.maximum(np.linalg.norm(b, axis=1, keepdims=True), 1e-9)
    return (an @ bn.T).astype(np.float32)


def setup_for(config: WorldConfig, rerun: int = 0, lo: int = 0, hi: int | None = None) -> Setup:
    hi = config.audience.size if hi is None else hi
    if not config.parameter_draws:
        return _setup(_spec_json(config), population_seed(config.seed, rerun), lo, hi)
    return _drawn_setup(_spec_json(config), config.seed, rerun, lo, hi)


@lru_cache(maxsize=4)
def _drawn_setup(spec_json: str, seed: int, rerun: int, lo: int, hi: int) -> Setup:
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


def shard_bounds(n_users: int, shard_index: int, shard_count: int) -> tuple[int, int]:
    """The contiguous block of user ids a shard simulates."""
    edges = np.linspace(0, n_users, shard_count + 1).round().astype(int)
    return int(edges[shard_index]), int(edges[shard_index + 1])
