"""The LLM panel of an LLM run: calibrated once on a GPU worker, before the run's shards are queued.

The panel's verdict (simulator.world.panel) is stored on the run; every shard, on the CPU workers,
then applies it to the persona brain. A panel whose LLM answered too few decisions validly fails the
run with the reason rather than passing the persona brain off as the LLM's.
"""

from django.conf import settings
from django.utils import timezone

from recoworld_app.models import SimulationRun

Status = SimulationRun.Status


class PanelUnreliable(Exception):
    """The LLM's answers were mostly invalid: the run fails with this message, without retrying."""


def llm_brain():
    """This worker process's LLM brain for the SIM_LLM_* settings (the engine is built on first use)."""
    from simulator.brains.llm import llm_brain_from_env
    from simulator.brains.persona import PersonaBrain

    env = {name: str(getattr(settings, name)) for name in dir(settings) if name.startswith("SIM_LLM_")}
    return llm_brain_from_env(env, PersonaBrain(), representation=settings.SIM_LLM_REPRESENTATION)


def run_calibration(run: SimulationRun):
    """The run's panel verdict (simulator.world.panel.WorldCalibration), or None before it or without one."""
    from simulator.world.panel import WorldCalibration

    return None if run.panel is None else WorldCalibration.from_dict(run.panel)


def panel_size_for(population: int) -> int:
    return max(1, min(settings.SIM_PANEL_SIZE, population))


def panel_calibrate(*, run_id: int) -> bool:
    """Ask the run's panel (once) and queue its shards; True if this call stored the verdict.

    A second delivery finds the verdict stored and only queues the shards that are still pending.
    """
    from recoworld_app.services.queue import publish_shards
    from simulator.world import WorldConfig
    from simulator.world.panel import calibrate_world

    run = SimulationRun.objects.filter(pk=run_id, status__in=SimulationRun.ACTIVE).first()
    if run is None:
        return False
    wrote = False
    if run.panel is None:
        SimulationRun.objects.filter(pk=run_id, status=Status.QUEUED).update(
            status=Status.RUNNING, started_at=timezone.now()
        )
        calibration = calibrate_world(WorldConfig.from_dict(run.config), llm_brain())
        if calibration.fallback_share > settings.SIM_PANEL_MAX_FALLBACK:
            usage = calibration.usage
            reasons = ", ".join(f"{k} ({v})" for k, v in calibration.refusals.items()) or "engine errors"
            raise PanelUnreliable(
                f"The LLM gave a valid answer to only {usage.decisions - usage.fallbacks} of "
                f"{usage.decisions} panel decisions ({reasons}), so the run would not reflect it. "
                "Check the model and its settings, then retry."
            )
        wrote = bool(
            SimulationRun.objects.filter(pk=run_id, panel__isnull=True).update(panel=calibration.to_dict())
        )
    publish_shards(run_id)
    return wrote


def panel_fail(*, run_id: int, error: str) -> None:
    SimulationRun.objects.filter(pk=run_id, status__in=SimulationRun.ACTIVE).update(
        status=Status.FAILED, error=f"The LLM panel failed: {error[:1500]}", finished_at=timezone.now()
    )
