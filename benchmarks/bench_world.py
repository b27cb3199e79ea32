"""World speed and memory: a one-week run with one draft for 1,000, 10,000 and 100,000 users (persona
brain), 10,000 users x 1 week x 5 reruns and x 19 reruns (the default: the fewest whose band holds 90% of
simulated outcomes). Aims (2 CPU cores): 10k x 1w x 5 runs < 20 s; 100k x 1w < 2 min and < 4 GB. The
10,000-user week again with a draft whose content moves its rates (Item.effects, as simulator.content
sets them): within 10% of the neutral draft.

Each case runs in a fresh process, so the peak resident memory (getrusage) is the case's own. Set-up
(population, graph, catalogue match) of the first rerun is timed apart; every later rerun draws its own
population, graph and parameters (simulator.uncertainty), so its set-up is inside "simulate".
"""

import json
import statistics
import subprocess
import sys

CASE = """
import json, resource, time
from simulator.audiences import AudienceSpec
from simulator.types import Item, ItemEffects
from simulator.world import PostSpec, WorldConfig, run_world
from simulator.world.setup import setup_for
size, runs = {size}, {runs}
topics = {{"comedy": 0.7, "music": 0.3}}
effects = ItemEffects(**{effects})
item = Item(id="draft", creator_id="me", kind="video", duration_s=34.0, topics=topics, effects=effects)
profile = {{"niche": "comedy", "follower_count": 10 * size}}
config = WorldConfig(
    audience=AudienceSpec(kind="followers", size=size, profile=profile),
    posts=[PostSpec(item=item, at_hours=18.0)], horizon_hours=168.0, seed=1,
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
CASES = (  # (users, reruns, repeats, item effects)
    (1_000, 1, 3, NEUTRAL),
    (10_000, 1, 3, NEUTRAL),
    (10_000, 1, 3, CONTENT),
    (100_000, 1, 1, NEUTRAL),
    (10_000, 5, 3, NEUTRAL),
    (10_000, 19, 1, NEUTRAL),
)


def measure(size: int, runs: int, effects: dict) -> dict:
    code = CASE.format(size=size, runs=runs, effects=repr(effects))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main() -> None:
    header = ("users", 8), ("runs", 5), ("setup s", 9), ("simulate s", 11), ("total s", 9), ("peak MB", 9)
    print(" ".join(f"{name:>{width}}" for name, width in header) + f" {'decisions':>10} content")
    for size, runs, repeats, effects in CASES:
        results = [measure(size, runs, effects) for _ in range(repeats)]
        med = {key: statistics.median(r[key] for r in results) for key in results[0]}

        print(
            f"{size:>8,} {runs:>5} {med['setup_s']:>9.2f} {med['simulate_s']:>11.2f} {med['total_s']:>9.2f} "
            f"{med['peak_mb']:>9.0f} {med['decisions']:>10,.0f} {'effects' if effects else 'neutral'}",
            flush=True,
        )
    print(f"(medians of {', '.join(str(c[2]) for c in CASES)} repeats; one week, one draft, persona brain)")


if __name__ == "__main__":
    main()
