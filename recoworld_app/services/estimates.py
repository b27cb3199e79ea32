"""How long a run will take on the workers that are up, from what finished reruns cost here.

A rerun's cost grows with its simulated users times the simulated hours; its shards split it over as
many processes as are free (services.gangs). The cost per user-hour is the median over the last
finished reruns on this deployment; before there is any, the benchmark's figure below.
"""

import math
import statistics
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, Min, Sum

from recoworld_app.models import RerunGang, RunShard
from recoworld_app.services.system import worker_slots_up

# Seconds of one process per simulated user per simulated hour, persona brain: benchmarks/
# bench_world_shards.py, 1,000,000 users for one week (186 simulated hours) in 1 shard took 78.3 s of
# CPU, set-up included (README, "Audiences of millions"). Used until this deployment has finished a rerun.
BENCH_SECONDS_PER_USER_HOUR = 4.2e-7
HISTORY = 20  # finished reruns the measured figure is the median of


@dataclass
class RunEstimate:
    seconds: float | None  # None: no worker is up
    slots: int  # worker processes up now
    processes: int  # how many of them the run can use at once
    shards_per_rerun: int
    seconds_per_user_hour: float
    measured_reruns: int  # 0: the benchmark's figure

    @property
    def text(self) -> str:
        if self.seconds is None:
            return "No worker is up now: the run will wait in the queue until one starts."
        basis = (
            f"the median of the last {self.measured_reruns} finished reruns here"
            if self.measured_reruns
            else "the benchmark's speed (no rerun has finished here yet)"
        )
        return (
            f"About {_duration(self.seconds)} on the {self.slots} worker process(es) up now "
            f"({self.processes} at once for this run; {basis})."
        )

    def to_dict(self) -> dict:
        return {
            "seconds": None if self.seconds is None else round(self.seconds, 1),
            "slots": self.slots,
            "processes": self.processes,
            "shards_per_rerun": self.shards_per_rerun,
            "seconds_per_user_hour": self.seconds_per_user_hour,
            "measured_reruns": self.measured_reruns,
            "text": self.text,
        }


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"


def measured_cost() -> tuple[float, int]:
    """(process-seconds per user-hour, reruns measured) from the last finished gangs."""
    costs = []
    for gang in (
        RerunGang.objects.filter(state=RerunGang.State.DONE).select_related("run").order_by("-pk")[:HISTORY]
    ):
        span = RunShard.objects.filter(run_id=gang.run_id, rerun=gang.rerun).aggregate(
            start=Min("started_at"), end=Max("finished_at"), users=Sum("users")
        )
        if not (span["start"] and span["end"] and span["users"]):
            continue
        seconds = (span["end"] - span["start"]).total_seconds() * max(1, len(gang.parties))
        costs.append(seconds / (span["users"] * _simulated_hours(gang.run.config)))
    if not costs:
        return BENCH_SECONDS_PER_USER_HOUR, 0
    return statistics.median(costs), len(costs)


def _simulated_hours(config: dict) -> float:
    posted = [float(p.get("at_hours", 0.0)) for p in config.get("posts", [])] or [0.0]
    return max(posted) + float(config.get("horizon_hours", 168))


def run_estimate(*, population: int, horizon_hours: int, reruns: int) -> RunEstimate:
    """The expected wall time of a run of this size on the workers up now; InvalidInput past the quotas."""
    from recoworld_app.services.runs import run_size_check

    run_size_check(population=population, horizon_hours=horizon_hours, reruns=reruns)
    shards = max(1, math.ceil(population / settings.RUN_SHARD_USERS))
    slots = worker_slots_up()
    cost, measured = measured_cost()
    processes = min(slots, reruns * shards)
    seconds = None
    if processes:
        work = reruns * population * horizon_hours * cost
        seconds = work / processes + (settings.RUN_GANG_JOIN_S if shards > 1 else 0.0)
    return RunEstimate(seconds, slots, processes, shards, cost, measured)
