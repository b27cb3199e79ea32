"""Submitting a run while the broker is unreachable: a clear error, nothing lost, no run left queued."""

import pytest
from django.urls import reverse

from recoworld_app.models import Audience, Draft, SimulationRun
from tests.app.conftest import run_form
from tests.support import broker_unreachable


@pytest.fixture
def broker_down():
    """Point the Celery app at a port where nothing listens, then put the real broker back."""
    with broker_unreachable():
        yield


def test_submit_with_the_broker_down_fails_the_run_with_the_reason(
    transactional_db, alice, image_draft, audience, broker_down
):
    from django.test import Client

    client = Client()
    client.force_login(alice)
    response = client.post(reverse("run_new"), run_form([image_draft.pk], audience))
    html = response.content.decode()
    assert response.status_code == 400
    assert "The task queue is unreachable" in html and "drafts and audience are kept" in html
    run = SimulationRun.objects.get()
    assert run.status == "failed" and "unreachable" in run.error
    assert (
        Draft.objects.filter(pk=image_draft.pk).exists() and Audience.objects.filter(pk=audience.pk).exists()
    )
