"""Audiences of millions: one rerun of 1,000,000 users for one week (persona brain, one draft) in 1, 2
and 4 shards, each shard a process of its own swapping messages with the others through a folder (the
embedded default's exchange), all started at once as a gang's parties are. Reported per shard count:
the rerun's wall time, each process's set-up and peak resident memory, the parallel efficiency
T1 / (k Tk), and whether the merged figures are the unsharded ones. Aims (2 CPU cores): under 60 s
with 2 shards, under 2 GB per shard process.

Then a projection from these measurements: a party's CPU time and peak memory, above a process with
no audience, fitted as (a + b / k) N (N users, k parties: the whole-audience part of a shard's set-up
and the part that divides), for 10,000,000 users on 16 workers with a core each.
BENCH_SHARDS_USERS changes the audience size (for a quick look).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

USERS = int(os.environ.get("BENCH_SHARDS_USERS", "1000000"))
SHARDS = (1, 2, 4)

PARTY = """
import json, resource, sys, time
from pathlib import Path
from simulator.audiences import AudienceSpec
from simulator.exchange import DirectoryExchange
from simulator.types import Item
from simulator.world import PostSpec, WorldConfig, run_world_shards, shard_bounds
from simulator.world.setup import setup_for
size, k, party, folder, out = {size}, {k}, {party}, Path({folder!r}), Path({out!r})
topics = {{"comedy": 0.7, "music": 0.3}}
item = Item(id="draft", creator_id="me", kind="video", duration_s=34.0, topics=topics)
profile = {{"niche": "comedy", "follower_count": 10 * size}}
config = WorldConfig(
    audience=AudienceSpec(kind="followers", size=size, profile=profile),
    posts=[PostSpec(item=item, at_hours=18.0)], horizon_hours=168.0, seed=1,
)
t0 = time.perf_counter()
setup_for(config, 0, *shard_bounds(size, party, k))
t1 = time.perf_counter()
exchange = DirectoryExchange(path=folder, parties=k, timeout_s=3600, lost_s=120) if k > 1 else None
[result] = run_world_shards(config, shard_indexes=[party], shard_count=k, exchange=exchange, party=party)
t2 = time.perf_counter()
out.write_text(json.dumps(result.to_dict()))
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({{"setup_s": t1 - t0, "total_s": t2 - t0, "ended": time.time(),
                  "cpu_s": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024}}))
"""


def run_rerun(k: int, work: Path, users: int = USERS) -> dict:
    """All k parties at once; the wall time runs from their start to the last one's end."""
    from simulator.world import ShardResult, merge_shards

    folder = work / f"exchange-{k}"
    started = time.time()
    scripts = [
        PARTY.format(size=users, k=k, party=p, folder=str(folder), out=str(work / f"{k}-{p}.json"))
        for p in range(k)
    ]
    procs = [subprocess.Popen([sys.executable, "-c", s], stdout=subprocess.PIPE, text=True) for s in scripts]
    parties = []
    for proc in procs:
        out, _ = proc.communicate()
        if proc.returncode:
            raise RuntimeError(f"a party of the {k}-shard rerun failed ({proc.returncode})")
        parties.append(json.loads(out))
    shutil.rmtree(folder, ignore_errors=True)
    results = [ShardResult.from_dict(json.loads((work / f"{k}-{p}.json").read_text())) for p in range(k)]
    return {
        "wall_s": max(p["ended"] for p in parties) - started,
        "setup_s": max(p["setup_s"] for p in parties),
        "cpu_s": max(p["cpu_s"] for p in parties),
        "peak_mb": max(p["peak_mb"] for p in parties),
        "merged": merge_shards(results),
    }


def _fit(ks: list[int], values: list[float]) -> tuple[float, float]:
    """Least squares of value = x0 + x1 / k at N = USERS (the whole-audience part and the divided part),
    neither below zero (a part cannot cost less than nothing; then the other explains it all)."""
    inverse = 1.0 / np.asarray(ks, dtype=float)
    y = np.asarray(values, dtype=float)
    x0, x1 = np.linalg.lstsq(np.column_stack([np.ones(len(ks)), inverse]), y, rcond=None)[0]
    if x0 < 0:
        return 0.0, float(inverse @ y / (inverse @ inverse))
    if x1 < 0:
        return float(y.mean()), 0.0
    return float(x0), float(x1)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-shards-"))
    try:
        base = run_rerun(1, work, users=1000)  # the interpreter, NumPy and the catalogue: no audience
        rows = {k: run_rerun(k, work) for k in SHARDS}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    one = rows[1]
    print(f"{USERS:,} users, one week, one draft, persona brain; {os.cpu_count()} CPU cores")
    print(
        f"{'shards':>6} {'wall s':>8} {'set-up s':>9} {'CPU s/shard':>12} {'peak MB/shard':>14} "
        f"{'efficiency':>11} {'same figures':>13}"
    )
    for k, r in rows.items():
        same = all(
            np.array_equal(getattr(r["merged"], name), getattr(one["merged"], name))
            for name in ("counts", "timeline", "watch_hist")
        )
        efficiency = one["wall_s"] / (k * r["wall_s"])
        print(
            f"{k:>6} {r['wall_s']:>8.1f} {r['setup_s']:>9.1f} {r['cpu_s']:>12.1f} {r['peak_mb']:>14.0f} "
            f"{efficiency:>11.2f} {str(same):>13}"
        )
    ks = list(rows)
    # per party, above a process with no audience, in CPU seconds (the machine may have fewer cores
    # than parties): a part that grows with the whole audience and a part that divides among the parties
    t_whole, t_divided = _fit(ks, [rows[k]["cpu_s"] - base["cpu_s"] for k in ks])
    m_whole, m_divided = _fit(ks, [rows[k]["peak_mb"] - base["peak_mb"] for k in ks])
    big, workers = 10_000_000, 16
    scale = big / USERS
    t_big = base["cpu_s"] + scale * (t_whole + t_divided / workers)
    m_big = base["peak_mb"] + scale * (m_whole + m_divided / workers)
    print(
        f"projection, {big:,} users on {workers} workers (one shard each, a core each): about "
        f"{t_big:.0f} s per rerun and {m_big / 1024:.1f} GB per shard process; fitted per party at "
        f"{USERS:,} users: {base['cpu_s']:.1f} s + {t_whole:.1f} s + {t_divided:.1f} s / k of CPU, "
        f"{base['peak_mb']:.0f} MB + {m_whole:.0f} MB + {m_divided:.0f} MB / k (a process, the part for "
        "the whole audience, the shard's part; the last two scaled with the users)"
    )


if __name__ == "__main__":
    main()
