"""LLM runs of the world: what the panel costs and what applying its verdict costs the shards.

1. The panel on the LLM engine (SIM_LLM_* for a GPU or a server; otherwise the CPU model of
   `make llm-cpu`, skipped without it): 32 members meet one draft; seconds, prompts per second,
   tokens per prompt and fallbacks.
2. A one-week world run of 100,000 users with a panel's verdict applied against the same run
   without one (persona brain): seconds and peak memory, each in a fresh process.
"""

import json
import os
import statistics
import subprocess
import sys

CONFIG = """
from simulator.audiences import AudienceSpec
from simulator.types import Item
from simulator.world import PostSpec, WorldConfig
def config(size, brain, panel=0):
    item = Item(id="draft", creator_id="me", kind="video", duration_s=34.0, caption="Three chords, one joke",
                topics={"comedy": 0.7, "music": 0.3})
    profile = {"niche": "comedy", "follower_count": 10 * size}
    return WorldConfig(audience=AudienceSpec(kind="followers", size=size, profile=profile),
                       posts=[PostSpec(item=item, at_hours=18.0)], horizon_hours=168.0, seed=1,
                       brain=brain, panel_size=panel)
"""

PANEL = (
    CONFIG
    + """
import json, os, time
from simulator.evaluation.llm import llm_brain_from_env
from simulator.world.panel import calibrate_world
brain = llm_brain_from_env()
calibrate_world(config(2000, "llm", 4), brain)  # engine start and warm-up
t0 = time.perf_counter()
c = calibrate_world(config(2000, "llm", 32), brain)
seconds = time.perf_counter() - t0
u = c.usage
n = u.decisions
print(json.dumps({"seconds": seconds, "prompts": n, "fallbacks": u.fallbacks,
                  "prompt_tokens": u.prompt_tokens / n, "output_tokens": u.output_tokens / n}))
"""
)

WORLD = (
    CONFIG
    + """
import json, resource, time
from simulator.world import run_world
from simulator.world.panel import FACTORS, WorldCalibration
from simulator.taxonomy import TOPICS
calibrated = CALIBRATED
c = config(100_000, "llm" if calibrated else "persona", 200)
width = len(TOPICS) + 4
factors = {"0": dict.fromkeys(FACTORS, 1.5), "1": dict.fromkeys(FACTORS, 0.7)}
verdict = WorldCalibration.from_dict({
    "panel_size": 200, "centroids": [[0.0] * width, [0.1] * width], "usage": {},
    "by_item": {"draft": {"factors": factors}},
}) if calibrated else None
t0 = time.perf_counter()
run_world(c, calibration=verdict)
print(json.dumps({"seconds": time.perf_counter() - t0,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
)


def _run(code: str) -> dict | None:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if out.returncode:
        print(f"  failed: {out.stderr.strip().splitlines()[-1] if out.stderr.strip() else out.returncode}")
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    from simulator.engines import smollm2

    print("LLM panel, 32 members x 1 draft")
    if not os.environ.get("SIM_LLM_ENGINE") and smollm2.missing_reason():
        print(f"  skipped: {smollm2.missing_reason()}")
    else:
        r = _run(PANEL)
        if r:
            print(
                f"  {r['seconds']:.1f} s, {r['prompts'] / r['seconds']:.2f} prompts/s, "
                f"{r['prompt_tokens']:.0f} prompt + {r['output_tokens']:.0f} output tokens per prompt, "
                f"{r['fallbacks']} fallbacks"
            )
    print("World, 100,000 users x 1 week (median of 3, fresh process each)")
    for label, calibrated in (("persona brain", False), ("panel-calibrated", True)):
        runs = [r for r in (_run(WORLD.replace("CALIBRATED", str(calibrated))) for _ in range(3)) if r]
        if runs:
            seconds = statistics.median(r["seconds"] for r in runs)
            peak = statistics.median(r["peak_mb"] for r in runs)
            print(f"  {label:>17}: {seconds:6.2f} s, peak {peak:5.0f} MB")


if __name__ == "__main__":
    main()
