"""Thin Celery tasks: take ids, call a service."""

import logging
import os
import threading
import time

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.db import connection

from recoworld_app.services.drafts import draft_perceive, draft_perception_fail, drafts_perception_recover
from recoworld_app.services.errors import InvalidInput
from recoworld_app.services.gangs import SHARD_ATTEMPTS, RunStopped
from recoworld_app.services.panels import PanelUnreliable, panel_calibrate, panel_fail
from recoworld_app.services.runs import (
    shard_execute,
    shard_fail,
    shard_retry_later,
    shards_recover,
)
from recoworld_app.services.system import worker_beat, worker_ping_answer
from recoworld_app.services.track_record import account_calibrate, account_fail

log = logging.getLogger(__name__)


def _retry_or_give_up(task, exc: Exception, *, what: str, attempts: int) -> str:
    """Retry the task with exponential backoff while attempts remain (raises); else log and return the
    error to record."""
    error = f"{type(exc).__name__}: {exc}"
    if task.request.retries + 1 < attempts:
        log.warning("%s failed (%s); retrying", what, error)
        raise task.retry(countdown=2 ** (task.request.retries + 1)) from exc
    log.exception("%s failed for good", what)
    return error


@shared_task
def answer_worker_ping(ping_id: int) -> None:
    worker_ping_answer(ping_id=ping_id)


@shared_task(bind=True, acks_late=True, max_retries=SHARD_ATTEMPTS)
def simulate_shard(self, shard_id: int) -> None:
    try:
        shard_execute(shard_id=shard_id)
    except RunStopped as exc:
        log.info("shard %s stopped: %s", shard_id, exc)
    except Exception as exc:
        if self.request.retries + 1 < SHARD_ATTEMPTS:  # free the shard's claim before it is retried
            shard_retry_later(shard_id=shard_id, error=f"{type(exc).__name__}: {exc}")
        error = _retry_or_give_up(self, exc, what=f"shard {shard_id}", attempts=SHARD_ATTEMPTS)
        shard_fail(shard_id=shard_id, error=error)


# "_gpu": routed to the gpu queue (recoworld_app.celery), whose workers each hold one LLM engine.
@shared_task(bind=True, acks_late=True, max_retries=SHARD_ATTEMPTS)
def calibrate_panel_gpu(self, run_id: int) -> None:
    try:
        panel_calibrate(run_id=run_id)
    except PanelUnreliable as exc:
        panel_fail(run_id=run_id, error=str(exc))
    except Exception as exc:
        error = _retry_or_give_up(self, exc, what=f"panel of run {run_id}", attempts=SHARD_ATTEMPTS)
        panel_fail(run_id=run_id, error=error)


# Default queue: a few seconds of reference runs of the world (services.track_record.account_solve).
@shared_task(bind=True, acks_late=True, max_retries=SHARD_ATTEMPTS)
def calibrate_account(self, run_id: int) -> None:
    try:
        account_calibrate(run_id=run_id)
    except RunStopped as exc:
        log.info("account of run %s stopped: %s", run_id, exc)
    except InvalidInput as exc:  # the history changed since the submit: retrying cannot help
        account_fail(run_id=run_id, error=str(exc))
    except Exception as exc:
        error = _retry_or_give_up(self, exc, what=f"account of run {run_id}", attempts=SHARD_ATTEMPTS)
        account_fail(run_id=run_id, error=f"Calibrating to your account failed: {error}")


# A few seconds of CPU (simulator.perception); the default queue, like the shards.
@shared_task(bind=True, acks_late=True, max_retries=2)
def perceive_draft(self, draft_id: int) -> None:
    try:
        draft_perceive(draft_id=draft_id)
    except Exception as exc:
        error = _retry_or_give_up(
            self, exc, what=f"perception of draft {draft_id}", attempts=self.max_retries + 1
        )
        draft_perception_fail(draft_id=draft_id, error=error)


@worker_ready.connect
def _start_shard_sweeper(sender=None, **kwargs) -> None:
    """A worker that starts picks up what a killed one left: at once, then every RUN_SWEEP_EVERY_S;
    each sweep also says the worker is up, with its pool size (for run estimates)."""
    controller = getattr(sender, "controller", None)
    name = getattr(sender, "hostname", None) or f"worker-{os.getpid()}"
    slots = int(getattr(controller, "concurrency", 0) or 1)
    threading.Thread(target=_sweep_forever, args=(name, slots), name="shard-sweeper", daemon=True).start()


def _sweep_forever(name: str, slots: int) -> None:
    include_pending = True  # only at start: later, a pending shard is most likely just waiting its turn
    while True:
        try:
            worker_beat(name=name, slots=slots)
            sent = shards_recover(include_pending=include_pending)
            if sent:
                log.warning("queued %d shard(s) again that a stopped worker had left", sent)
            if include_pending and (waiting := drafts_perception_recover()):
                log.warning("queued the perception of %d draft(s) that no worker had measured", waiting)
        except Exception:  # the database or broker may be down for a while; the next sweep tries again
            log.exception("shard sweep failed")
        finally:
            connection.close()  # hold no connection while asleep (nor across a pool fork)
        include_pending = False
        time.sleep(settings.RUN_SWEEP_EVERY_S)
