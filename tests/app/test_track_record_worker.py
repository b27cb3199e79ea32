"""A run calibrated to the account through a real Celery worker: the submit only queues it, the worker
solves the account's offsets and then simulates; Cancel stops the solve."""

import pytest
from django.test import Client
from django.urls import reverse

from recoworld_app.models import RunPost, RunShard, SimulationRun
from recoworld_app.services.audiences import audience_create_followers_profile
from recoworld_app.services.track_record import history_import
from tests.app.conftest import run_form
from tests.app.test_track_record import TEMPLATE_ROWS, csv_file
from tests.support import wait_until

pytestmark = pytest.mark.worker


@pytest.fixture
def calibrated_form(alice, video_draft):
    history_import(owner=alice, upload=csv_file(TEMPLATE_ROWS))
    followers = audience_create_followers_profile(
        owner=alice, name="Followers", size=300, profile={"niche": "food", "follower_count": 5000}
    )
    return run_form([video_draft.pk], followers, reruns=1, horizon_hours=48, calibrated="on")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_worker_solves_the_account_then_simulates(celery_worker, alice, calibrated_form):
    client = logged_in(alice)
    response = client.post(reverse("run_new"), calibrated_form)
    run = SimulationRun.objects.get(owner=alice)
    assert response.status_code == 302 and run.calibrated and run.account is None  # nothing solved yet
    done = wait_until(
        lambda: SimulationRun.objects.filter(pk=run.pk, status__in=["done", "failed"]).first(),
        timeout=240,
        what=f"the worker to calibrate and finish the run; its log:\n{celery_worker.output()}",
    )
    assert done.status == "done", done.error
    assert done.account["posts"] == 4 and "calibrate_account" in celery_worker.output()
    content = RunPost.objects.get(run=run).content["effects"]  # the draft's own, from its caption
    applied = done.config["posts"][0]["item"]["effects"]
    assert applied == pytest.approx({k: v * done.account["effects"][k] for k, v in content.items()})
    html = client.get(reverse("run_detail", args=[run.pk])).content.decode()
    assert "to your account, on 4 past posts" in html


def test_cancel_stops_the_solve(celery_worker, alice, calibrated_form):
    client = logged_in(alice)
    client.post(reverse("run_new"), calibrated_form)
    run = SimulationRun.objects.get(owner=alice)
    wait_until(
        lambda: SimulationRun.objects.filter(pk=run.pk, status="running", account__isnull=True).exists(),
        timeout=120,
        what=f"the worker to start the solve; its log:\n{celery_worker.output()}",
    )
    page = client.get(reverse("run_detail", args=[run.pk])).content.decode()
    assert "Calibrating to your account" in page
    response = client.post(reverse("run_cancel", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert "The run was cancelled" in response.content.decode()
    wait_until(
        lambda: f"account of run {run.pk} stopped: its run was cancelled" in celery_worker.output(),
        timeout=120,
        what=f"the solve to stop; its log:\n{celery_worker.output()}",
    )
    run.refresh_from_db()
    assert run.status == "cancelled" and run.account is None
    assert set(RunShard.objects.filter(run=run).values_list("status", flat=True)) == {"pending"}
