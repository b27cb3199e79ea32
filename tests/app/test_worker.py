"""A task queued from the web runs in a separate worker process, on whichever broker is configured."""

import os

from django.urls import reverse

from recoworld_app.models import WorkerPing
from tests.support import wait_until


def test_ping_from_status_page_is_answered_by_another_process(client, alice, celery_worker):
    client.force_login(alice)
    response = client.post(reverse("ping_create"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    ping = WorkerPing.objects.get(created_by=alice)

    answered = wait_until(
        lambda: WorkerPing.objects.filter(pk=ping.pk, answered_at__isnull=False).first(),
        timeout=90,
        what=f"the worker to answer; its log:\n{celery_worker.output()}",
    )
    assert answered.worker_pid != os.getpid()

    poll = client.get(reverse("ping_detail", args=[ping.pk]), HTTP_HX_REQUEST="true")
    assert poll.status_code == 286, "an answered ping stops the htmx poll"
    assert "Answered by worker" in poll.content.decode()


def test_other_creator_cannot_poll_alices_ping(client, alice, bob, db):
    ping = WorkerPing.objects.create(created_by=alice)
    client.force_login(bob)
    assert client.get(reverse("ping_detail", args=[ping.pk])).status_code == 404
