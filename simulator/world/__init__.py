"""The multi-agent world (paper section 5): a population on a social graph, a week on a clock, a
platform recommender, the persona brain, and reactions aggregated into horizons as they happen.

A run is a `WorldConfig` (config); each rerun draws its users, follows and parameters (setup), its
shards step the users hour by hour (shard), count what happens straight into (post, horizon,
segment) arrays, with no event list kept (results), and keep a few sample rows with what drove them
(samples). An "llm" run first asks an LLM panel, whose verdict calibrates the persona brain (panel).
The entry points are `run_world` and `run_world_shards` (run).

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

from simulator.world.config import EXPOSURES, PostSpec, WorldConfig, default_exposure
from simulator.world.results import (
    HORIZON_HOURS,
    HORIZONS,
    METRICS,
    SEGMENTS,
    RerunResult,
    ShardResult,
    merge_shards,
)
from simulator.world.run import run_world, run_world_shard, run_world_shards
from simulator.world.setup import setup_population, shard_bounds

__all__ = [
    "EXPOSURES",
    "HORIZONS",
    "HORIZON_HOURS",
    "METRICS",
    "SEGMENTS",
    "PostSpec",
    "RerunResult",
    "ShardResult",
    "WorldConfig",
    "default_exposure",
    "merge_shards",
    "run_world",
    "run_world_shard",
    "run_world_shards",
    "setup_population",
    "shard_bounds",
]
