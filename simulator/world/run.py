"""The entry points: one rerun in this process (`run_world`), or some shards of a rerun as one party of
an `Exchange` that the rerun's other processes share (`run_world_shards`, `run_world_shard`)."""

from collections.abc import Callable, Sequence
from contextlib import nullcontext

from simulator.exchange import Exchange
from simulator.timing import WorldParams
from simulator.world.config import WINDOW_STEPS, WorldConfig
from simulator.world.panel import WorldCalibration
from simulator.world.results import RerunResult, ShardResult, merge_shards
from simulator.world.shard import Shard, merge_messages


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
    """Simulate one shard (a contiguous block of users) of one rerun; see simulator.world on sharding.

    on_progress(fraction) is called after every simulated hour; if it raises, the shard stops and the
    exception propagates. With shard_count > 1, pass an `exchange` of shard_count parties that every
    shard of the rerun shares (the shards then run at the same time, this one as party shard_index);
    without one, this call steps all the rerun's shards itself.
    An "llm" run takes its panel's `calibration` (simulator.world.panel), the same for every shard.
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
        shards = [Shard(config, rerun, i, shard_count, calibration=calibration) for i in shard_indexes]
        for w in range(windows):
            merged = merge_messages([s.run_window(w) for s in shards])
            if exchange is not None:
                merged = merge_messages(exchange.swap(w, party, merged))
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
    shards = [Shard(config, rerun, i, shard_count, params, calibration) for i in range(shard_count)]
    for w in range(config.steps // WINDOW_STEPS):
        merged = merge_messages([s.run_window(w) for s in shards])
        for s in shards:
            s.receive(merged)
    return merge_shards([s.result() for s in shards])
