"""World speed and memory: a one-week run with one draft for 1,000, 10,000 and 100,000 followers
(persona brain), 10,000 users x 1 week x 5 reruns and x 19 reruns (the default: the fewest whose band
holds 90% of simulated outcomes), and a general sample of 10,000 screened (every member shown the post:
the heaviest load on the feed sessions). Aims (2 CPU cores): 10k x 1w x 5 runs < 20 s; 100k x 1w < 2 min
and < 4 GB, and within 3x the world before feed sessions (issue 15). The 10,000-user week again with a
draft whose content moves its rates (Item.effects, as simulator.content sets them): within 10% of the
neutral draft.

The "before" columns are this bench's medians for the world before its sessions were played on the
recommender's lists (benchmarks/world_before_feeds.json: the commit, and when it was measured).

Each case runs in a fresh process, so the peak resident memory (getrusage) is the case's own. Set-up
(population, graph, catalogue match) of the first rerun is timed apart; every later rerun draws its own
population, graph and parameters (simulator.uncertainty), so its set-up is inside "simulate".
"""

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

CASE = """
import json, resource, time
from simulator.audiences import AudienceSpec
from simulator.types import Item, ItemEffects
from simulator.world import PostSpec, WorldConfig, run_world
from simulator.world.setup import setup_for
size, runs, kind = {size}, {runs}, {kind!r}
topics = {{"comedy": 0.7, "music": 0.3}}
effects = ItemEffects(**{effects})
item = Item(id="draft", creator_id="me", kind="video", duration_s=34.0, topics=topics, effects=effects)
profile = {{"niche": "comedy", "follower_count": 10 * size}} if kind == "followers" else None
config = WorldConfig(
    audience=AudienceSpec(kind=kind, size=size, profile=profile),
    posts=[PostSpec(item=item, at_hours=18.0)], horizon_hours=168.0, seed=1,
    exposure="organic" if kind == "followers" else "screening",
)
t0 = time.perf_counter()
setup_for(config)
t1 = time.perf_counter()
decisions = sum(run_world(config, rerun=r).brain_usage["persona"] for r in range(runs))
t2 = time.perf_counter()
print(json.dumps({{"setup_s": t1 - t0, "simulate_s": t2 - t1, "total_s": t2 - t0, "decisions": decisions,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""

NEUTRAL: dict = {}
# A face-first draft with a question in its caption: the size of multipliers the content model gives.
CONTENT = {"like": 1.3, "comment": 1.4, "view": 1.0, "watch": 1.0}
CASES = (  # (audience, users, reruns, repeats, item effects)
    ("followers", 1_000, 1, 3, NEUTRAL),
    ("followers", 10_000, 1, 3, NEUTRAL),
    ("followers", 10_000, 1, 3, CONTENT),
    ("followers", 100_000, 1, 1, NEUTRAL),
    ("followers", 10_000, 5, 3, NEUTRAL),
    ("followers", 10_000, 19, 1, NEUTRAL),
    ("general", 10_000, 1, 3, NEUTRAL),
)
BEFORE = Path(__file__).with_name("world_before_feeds.json")


def case_name(kind: str, size: int, runs: int, effects: dict) -> str:
    return f"{kind} {size} x{runs} {'effects' if effects else 'neutral'}"


def measure(kind: str, size: int, runs: int, effects: dict) -> dict:
    code = CASE.format(kind=kind, size=size, runs=runs, effects=repr(effects))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main(record: Path | None = None) -> None:
    """Print the table; with `record`, write the medians there (how world_before_feeds.json was made)."""
    before = json.loads(BEFORE.read_text())["cases"] if BEFORE.exists() and record is None else {}
    header = ("audience", 10), ("users", 8), ("runs", 5), ("setup s", 9), ("simulate s", 11), ("total s", 9)
    header += ("peak MB", 9), ("decisions", 10), ("content", 8), ("before: total s", 16), ("peak MB", 8)
    print(" ".join(f"{name:>{width}}" for name, width in header))
    medians = {}
    for kind, size, runs, repeats, effects in CASES:
        results = [measure(kind, size, runs, effects) for _ in range(repeats)]
        med = medians[case_name(kind, size, runs, effects)] = {
            key: statistics.median(r[key] for r in results) for key in results[0]
        }
        old = before.get(case_name(kind, size, runs, effects))
        was = f"{old['total_s']:>16.2f} {old['peak_mb']:>8.0f}" if old else f"{'':>16} {'':>8}"
        print(
            f"{kind:>10} {size:>8,} {runs:>5} {med['setup_s']:>9.2f} {med['simulate_s']:>11.2f} "
            f"{med['total_s']:>9.2f} {med['peak_mb']:>9.0f} {med['decisions']:>10,.0f} "
            f"{'effects' if effects else 'neutral':>8} {was}",
            flush=True,
        )
    print(f"(medians of {', '.join(str(c[3]) for c in CASES)} repeats; one week, one draft, persona brain)")
    if record is not None:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
        when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        record.write_text(json.dumps({"commit": commit, "measured": when, "cases": medians}, indent=1) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
