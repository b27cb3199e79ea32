"""Health of the moving parts: database, broker and workers."""

import os
import socket
from functools import partial

from django.db import transaction
from django.utils import timezone

from recoworld_app.models import WorkerBeat, WorkerPing
from recoworld_app.services import queue


def worker_ping_create(*, user) -> WorkerPing:
    with transaction.atomic():
        ping = WorkerPing.objects.create(created_by=user)
        transaction.on_commit(partial(queue.send, queue.ANSWER_WORKER_PING, ping.pk))
    return ping


def worker_ping_answer(*, ping_id: int) -> bool:
    """Mark the ping answered by this process; a redelivered message changes nothing."""
    changed = WorkerPing.objects.filter(pk=ping_id, answered_at__isnull=True).update(
        answered_at=timezone.now(), worker=socket.gethostname(), worker_pid=os.getpid()
    )
    return changed == 1


def worker_beat(*, name: str, slots: int) -> None:
    """This worker is up with `slots` pool processes (its sweeper calls this every RUN_SWEEP_EVERY_S)."""
    WorkerBeat.objects.update_or_create(name=name, defaults={"slots": slots, "seen_at": timezone.now()})


def worker_slots_up() -> int:
    """Pool processes of the workers seen in the last three sweeps."""
    from datetime import timedelta

    from django.conf import settings
    from django.db.models import Sum

    since = timezone.now() - timedelta(seconds=3 * settings.RUN_SWEEP_EVERY_S + 5)
    return WorkerBeat.objects.filter(seen_at__gte=since).aggregate(n=Sum("slots"))["n"] or 0
