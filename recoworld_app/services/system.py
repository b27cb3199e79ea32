"""Health of the moving parts: database, broker and workers."""

import os
import socket

from django.db import transaction
from django.utils import timezone

from recoworld_app.models import WorkerPing


def worker_ping_create(*, user) -> WorkerPing:
    from recoworld_app.tasks import answer_worker_ping

    with transaction.atomic():
        ping = WorkerPing.objects.create(created_by=user)
        answer_worker_ping.delay_on_commit(ping.pk)
    return ping


def worker_ping_answer(*, ping_id: int) -> bool:
    """Mark the ping answered by this process; a redelivered message changes nothing."""
    changed = WorkerPing.objects.filter(pk=ping_id, answered_at__isnull=True).update(
        answered_at=timezone.now(), worker=socket.gethostname(), worker_pid=os.getpid()
    )
    return changed == 1
