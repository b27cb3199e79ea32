"""Work sent to the workers by each task's registered name, so that the services never import
recoworld_app.tasks (the tasks import the services, never the reverse); and what a run sends next.

Routing goes by the name as it does for a task object's apply_async (recoworld_app.celery:
`*_gpu` to the gpu queue, the rest to default).
"""

import uuid

from django.db.models import Q
from django.utils import timezone

from recoworld_app.celery import app
from recoworld_app.models import RunShard, SimulationRun
from recoworld_app.services.errors import QueueUnavailable

SIMULATE_SHARD = "recoworld_app.tasks.simulate_shard"
CALIBRATE_PANEL = "recoworld_app.tasks.calibrate_panel_gpu"
CALIBRATE_ACCOUNT = "recoworld_app.tasks.calibrate_account"
PERCEIVE_DRAFT = "recoworld_app.tasks.perceive_draft"
ANSWER_WORKER_PING = "recoworld_app.tasks.answer_worker_ping"
TASK_NAMES = (SIMULATE_SHARD, CALIBRATE_PANEL, CALIBRATE_ACCOUNT, PERCEIVE_DRAFT, ANSWER_WORKER_PING)
# Fail fast when the broker is down: the creator is waiting on the submit.
PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
AWAITING_PANEL = Q(brain=SimulationRun.Brain.LLM, panel__isnull=True)  # an LLM run not yet calibrated
AWAITING_ACCOUNT = Q(calibrated=True, account__isnull=True)  # "calibrated to my account", not yet solved


def send(name: str, argument: int, *, task_id: str | None = None, **options) -> None:
    """Queue the task `name` with its one argument (a row id); options as for apply_async."""
    app.send_task(name, args=[argument], task_id=task_id, **options)


def publish_next(run_id: int) -> None:
    """Queue what the run needs next: the account's offsets first, then an LLM run's panel (each task
    queues what follows it), then the shards; if the broker is down, fail the run with the reason."""
    if SimulationRun.objects.filter(AWAITING_ACCOUNT, pk=run_id).exists():
        _send_for_run(run_id, [account_message(run_id)])
    elif SimulationRun.objects.filter(AWAITING_PANEL, pk=run_id).exists():
        _send_for_run(run_id, [panel_message(run_id)])
    else:
        publish_shards(run_id)


def publish_shards(run_id: int) -> None:
    """Send an active run's pending shards to the CPU workers."""
    pending = RunShard.objects.filter(
        run_id=run_id, run__status__in=SimulationRun.ACTIVE, status=RunShard.Status.PENDING
    ).values_list("pk", "task_id")
    _send_for_run(run_id, [(SIMULATE_SHARD, shard_id, task_id) for shard_id, task_id in pending])


def panel_message(run_id: int) -> tuple:
    """The panel task of a run, under a fresh task id (a revoked id stays revoked in the workers)."""
    return CALIBRATE_PANEL, run_id, f"panel-{run_id}-{uuid.uuid4().hex[:12]}"


def account_message(run_id: int) -> tuple:
    """The account task of a run (default queue), under a fresh task id, as for the panel."""
    return CALIBRATE_ACCOUNT, run_id, f"account-{run_id}-{uuid.uuid4().hex[:12]}"


def send_all(messages) -> None:
    """Send each (task name, argument, task id), failing fast if the broker is down."""
    for name, argument, task_id in messages:
        send(name, argument, task_id=task_id, retry=True, retry_policy=PUBLISH_RETRY)


def _send_for_run(run_id: int, messages) -> None:
    """send_all for one run; an unreachable broker fails the run with the reason."""
    try:
        send_all(messages)
    except Exception as exc:  # kombu raises several types for an unreachable broker
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        message = (
            f"The task queue is unreachable ({reason}), so the run could not start. "
            "Your drafts and audience are kept; try again when the queue is back."
        )
        SimulationRun.objects.filter(pk=run_id, status__in=SimulationRun.ACTIVE).update(
            status=SimulationRun.Status.FAILED, error=message, finished_at=timezone.now()
        )
        raise QueueUnavailable(message) from None
