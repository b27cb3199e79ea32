"""The whole flow through a real Celery worker process: submit, simulate, finalize, chart; and cancel."""

import pytest
from django.test import Client
from django.urls import reverse

from recoworld_app.models import RunMetric, RunShard, SimulationRun
from tests.app.conftest import run_form
from tests.support import WorkerProcess, purge_broker, wait_until

pytestmark = pytest.mark.worker


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_run_is_simulated_by_a_worker_and_charted(celery_worker, alice, video_draft, audience, settings):
    client = logged_in(alice)
    response = client.post(
        reverse("run_new"), run_form([video_draft.pk], audience, reruns=3, horizon_hours=48)
    )
    run = SimulationRun.objects.get(owner=alice)
    assert response.status_code == 302 and run.status == "queued"

    done = wait_until(
        lambda: SimulationRun.objects.filter(pk=run.pk, status__in=["done", "failed"]).first(),
        timeout=180,
        what=f"the worker to finish the run; its log:\n{celery_worker.output()}",
    )
    assert done.status == "done", done.error
    assert done.shards_done == 3 and done.users_simulated == 900
    assert set(RunShard.objects.filter(run=run).values_list("status", flat=True)) == {"done"}
    assert RunMetric.objects.filter(run=run, metric="views", segment="all").count() == 4

    poll = client.get(reverse("run_progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert poll.status_code == 286
    html = client.get(reverse("run_detail", args=[run.pk])).content.decode()
    assert 'id="fig-views"' in html and 'id="fig-funnel"' in html and "Over 3 reruns" in html


@pytest.fixture
def eager_checking_worker(transactional_db, tmp_path):
    """A worker whose shards check for cancellation every 50 ms, so a short shard is caught mid-way."""
    purge_broker()
    worker = WorkerProcess(tmp_path / "worker.log", RUN_PROGRESS_EVERY_S="0.05").start()
    yield worker
    worker.stop()


def test_cancel_really_stops_the_worker(eager_checking_worker, alice, video_draft, settings):
    from recoworld_app.services.audiences import audience_create_general

    worker = eager_checking_worker
    big = audience_create_general(owner=alice, name="Big", size=100_000)
    client = logged_in(alice)
    client.post(
        reverse("run_new"), run_form([video_draft.pk], big, population=100_000, reruns=3, horizon_hours=168)
    )
    run = SimulationRun.objects.get(owner=alice)
    wait_until(
        lambda: RunShard.objects.filter(run=run, status="running", progress__gt=0).exists(),
        timeout=180,
        what=f"a shard to report progress; worker log:\n{worker.output()}",
    )
    response = client.post(reverse("run_cancel", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert "The run was cancelled" in response.content.decode()
    wait_until(
        lambda: "stopped: its run was cancelled" in worker.output(),
        timeout=60,
        what=f"the running shard to stop; worker log:\n{worker.output()}",
    )
    run.refresh_from_db()
    assert run.status == "cancelled" and run.shards_done == 0
    assert not RunShard.objects.filter(run=run, status="running").exists()
    assert not RunMetric.objects.filter(run=run).exists()
