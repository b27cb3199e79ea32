"""The exchanges between the parties of a sharded rerun: a shared directory and Redis, real processes."""

import multiprocessing
import os
import signal
import time
import uuid

import numpy as np
import pytest

from simulator.audiences import AudienceSpec
from simulator.exchange import DirectoryExchange, PartyLost, RedisExchange
from simulator.types import Item
from simulator.world import PostSpec, WorldConfig, merge_shards, run_world, run_world_shards

REDIS_URL = os.environ.get("RECOWORLD_TEST_REDIS", "redis://127.0.0.1:6379/14")
AUDIENCE = AudienceSpec(kind="followers", size=6000, profile={"niche": "food", "follower_count": 30_000})
# forked children: each process builds its shards itself, as a worker on another machine would
CTX = multiprocessing.get_context("fork")


def _config(horizon: float = 24.0) -> WorldConfig:
    item = Item(id="draft", creator_id="me", kind="video", duration_s=30.0, topics={"food": 1.0})
    return WorldConfig(
        audience=AUDIENCE, posts=[PostSpec(item=item, at_hours=2.0)], horizon_hours=horizon, seed=9
    )


def _redis_or_skip() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis at {REDIS_URL}: {exc}")
    return REDIS_URL


def _make(kind: str, where, parties: int, **kw):
    if kind == "directory":
        return DirectoryExchange(path=where, parties=parties, **kw)
    return RedisExchange(url=where[0], namespace=where[1], parties=parties, **kw)


def _party(kind, where, parties, party, shards, shard_count, queue) -> None:
    exchange = _make(kind, where, parties, timeout_s=120)
    results = run_world_shards(
        _config(), shard_indexes=shards, shard_count=shard_count, exchange=exchange, party=party
    )
    queue.put([r.to_dict() for r in results])


@pytest.fixture(params=["directory", "redis"])
def where(request, tmp_path):
    if request.param == "directory":
        return "directory", tmp_path / "exchange"
    return "redis", (_redis_or_skip(), f"test-{uuid.uuid4().hex}")


def test_parties_in_separate_processes_hosting_uneven_shares_give_the_unsharded_figures(where):
    """Five shards on three processes (2 + 2 + 1) merge to exactly the one-process run."""
    from simulator.world import ShardResult

    kind, place = where
    queue = CTX.Queue()
    plan = [[0, 3], [1, 4], [2]]
    procs = [
        CTX.Process(target=_party, args=(kind, place, len(plan), p, shards, 5, queue))
        for p, shards in enumerate(plan)
    ]
    for proc in procs:
        proc.start()
    results = [ShardResult.from_dict(d) for _ in procs for d in queue.get(timeout=300)]
    for proc in procs:
        proc.join(timeout=60)
    merged = merge_shards(results)
    alone = run_world(_config())
    np.testing.assert_array_equal(merged.counts, alone.counts)
    np.testing.assert_array_equal(merged.timeline, alone.timeline)
    assert merged.samples == alone.samples


def _stuck_party(kind, place) -> None:
    """Party 1: marks itself alive, sends window 0, then hangs until killed."""
    exchange = _make(kind, place, 2, lost_s=1.0)
    with exchange.alive(1):
        exchange._put(0, 1, b"")
        time.sleep(600)


def test_a_killed_party_is_noticed_by_the_other_within_the_bounded_time(where):
    kind, place = where
    other = CTX.Process(target=_stuck_party, args=(kind, place))
    other.start()
    exchange = _make(kind, place, 2, lost_s=1.0, timeout_s=60)
    message = {"shares": np.zeros((0, 2), dtype=np.int64), "totals": np.zeros(3, dtype=np.int64)}
    with exchange.alive(0):
        time.sleep(1.5)
        os.kill(other.pid, signal.SIGKILL)  # as a machine dies: no goodbye
        other.join()
        started = time.monotonic()
        with pytest.raises(PartyLost, match=r"parties \[1\] stopped answering"):
            exchange.swap(1, 0, message)
        assert time.monotonic() - started < 3.0, "noticed within lost_s plus a check interval"


def test_redis_messages_and_alive_marks_expire():
    import redis

    url = _redis_or_skip()
    namespace = f"test-{uuid.uuid4().hex}"
    exchange = RedisExchange(url=url, namespace=namespace, parties=1, ttl_s=30, lost_s=2.0)
    message = {"shares": np.array([[3, 0]], dtype=np.int64), "totals": np.ones(3, dtype=np.int64)}
    with exchange.alive(0):
        [back] = exchange.swap(0, 0, message)
    np.testing.assert_array_equal(back["shares"], message["shares"])
    client = redis.Redis.from_url(url)
    keys = client.keys(f"recoworld:exchange:{namespace}:*")
    assert keys and all(0 < client.pttl(k) <= 30_000 for k in keys)
