"""Thin Celery tasks: take ids, call a service."""

import logging

from celery import shared_task

from recoworld_app.services.runs import (
    SHARD_ATTEMPTS,
    RunStopped,
    shard_execute,
    shard_fail,
    shard_retry_later,
    shard_stopped,
)
from recoworld_app.services.system import worker_ping_answer

log = logging.getLogger(__name__)


@shared_task
def answer_worker_ping(ping_id: int) -> None:
    worker_ping_answer(ping_id=ping_id)


def _simulate(task, shard_id: int) -> None:
    try:
        shard_execute(shard_id=shard_id)
    except RunStopped:
        log.info("shard %s stopped: its run was cancelled or failed", shard_id)
        shard_stopped(shard_id=shard_id)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        if task.request.retries + 1 < SHARD_ATTEMPTS:
            log.warning("shard %s failed (%s); retrying", shard_id, error)
            shard_retry_later(shard_id=shard_id, error=error)
            raise task.retry(countdown=2 ** (task.request.retries + 1)) from exc
        log.exception("shard %s failed for good", shard_id)
        shard_fail(shard_id=shard_id, error=error)


# Two names for one job so that routing by name (recoworld_app.celery: "*_gpu" -> gpu queue) sends
# LLM shards to the GPU workers, each holding one engine, and persona shards to the CPU workers.
@shared_task(bind=True, acks_late=True, max_retries=SHARD_ATTEMPTS)
def simulate_shard(self, shard_id: int) -> None:
    _simulate(self, shard_id)


@shared_task(bind=True, acks_late=True, max_retries=SHARD_ATTEMPTS)
def simulate_shard_gpu(self, shard_id: int) -> None:
    _simulate(self, shard_id)


def shard_task(brain: str):
    return simulate_shard_gpu if brain == "llm" else simulate_shard
