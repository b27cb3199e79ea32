"""Dependencies down and quotas: the app says which dependency is down, a submit with the broker
down keeps everything and leaves no run queued, and quotas hold even under simultaneous submits."""

import subprocess
import sys
import threading

import pytest
from django.db import connection
from django.urls import reverse

from recoworld_app.models import Audience, Draft, RunShard, SimulationRun
from recoworld_app.services.errors import QueueUnavailable, QuotaExceeded
from recoworld_app.services.runs import run_create, run_create_variants, run_retry
from tests.app.test_runs_broker import broker_down  # noqa: F401
from tests.support import ROOT, broker_unreachable, worker_env

RUN = {"population": 100, "horizon_hours": 24, "reruns": 1}


def test_health_says_all_is_well(client, db):
    response = client.get(reverse("health"))
    assert response.status_code == 200 and response.json() == {"database": "ok", "broker": "ok"}


def test_health_and_status_page_name_the_broker_when_it_is_down(alice_client, broker_down):  # noqa: F811
    response = alice_client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "unreachable"}
    page = alice_client.get(reverse("status")).content.decode()
    assert "broker unreachable" in page and "CELERY_BROKER_URL" in page


def _with_database_down(code: str) -> str:
    """Run `code` in a fresh process whose DATABASE_URL points at a port where nothing listens."""
    setup = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'recoworld_app.settings'; django.setup()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", setup + code],
        cwd=ROOT,
        env=worker_env(
            DATABASE_URL="postgres://postgres@127.0.0.1:1/nowhere",
            DB_CONNECT_TIMEOUT="2",
            DEBUG="false",
            SECRET_KEY="a-test-secret",
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_with_the_database_down_health_names_it_and_pages_fail_politely(db):
    out = _with_database_down(
        "from django.test import Client\n"
        "c = Client(raise_request_exception=False)\n"
        "h = c.get('/health/'); print(h.status_code, h.content.decode())\n"
        "p = c.post('/login/', {'username': 'a', 'password': 'b'}); print(p.status_code)\n"
        "print(p.content.decode())\n"
    )
    first, second, page = out.split("\n", 2)
    assert first == '503 {"database": "unreachable", "broker": "ok"}'
    assert second == "500"
    assert "Something went wrong on our side; nothing was saved" in page and "Traceback" not in page


def test_api_submit_with_the_broker_down_is_503_and_keeps_everything(
    transactional_db,
    alice_api,
    alice,
    image_draft,
    audience,
    broker_down,  # noqa: F811
):
    payload = {"draft_ids": [image_draft.pk], "audience_id": audience.pk, **RUN}
    response = alice_api.post("/runs", payload, content_type="application/json")
    assert response.status_code == 503
    assert "task queue is unreachable" in response.json()["detail"]
    run = SimulationRun.objects.get()
    assert run.status == "failed", "not left queued forever"
    assert (
        Draft.objects.filter(pk=image_draft.pk).exists() and Audience.objects.filter(pk=audience.pk).exists()
    )


def test_a_run_failed_by_the_broker_is_queued_again_once_it_is_back(
    transactional_db, alice, image_draft, audience
):
    with broker_unreachable(), pytest.raises(QueueUnavailable, match="unreachable"):
        run_create(owner=alice, draft_ids=[image_draft.pk], audience_id=audience.pk, **RUN)
    run = SimulationRun.objects.get()
    assert run.status == "failed"
    run_retry(run=run)
    run.refresh_from_db()
    assert run.status == "queued" and run.error == ""
    assert set(RunShard.objects.filter(run=run).values_list("status", flat=True)) == {"pending"}


def test_simultaneous_submits_cannot_slip_past_the_active_quota(
    transactional_db, alice, image_draft, audience, settings
):
    settings.RUNS_MAX_ACTIVE = 1
    outcomes: list[str] = []
    start = threading.Barrier(4)

    def submit():
        try:
            start.wait()
            run_create(
                owner=alice, draft_ids=[image_draft.pk], audience_id=audience.pk, dispatch=False, **RUN
            )
            outcomes.append("created")
        except QuotaExceeded as exc:
            outcomes.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert outcomes.count("created") == 1, outcomes
    assert all("the limit is 1" in o for o in outcomes if o != "created")
    assert SimulationRun.objects.count() == 1


def test_variants_over_the_quota_create_nothing(alice, image_draft, video_draft, audience, settings):
    settings.RUNS_MAX_ACTIVE = 1
    with pytest.raises(QuotaExceeded, match="the limit is 1"):
        run_create_variants(
            owner=alice, draft_ids=[image_draft.pk, video_draft.pk], audience_id=audience.pk, **RUN
        )
    assert not SimulationRun.objects.exists() and not RunShard.objects.exists()


def test_over_the_user_cap_through_the_api_is_a_clear_error(alice_api, image_draft, audience, settings):
    settings.RUNS_MAX_USERS = 1000
    payload = {"draft_ids": [image_draft.pk], "audience_id": audience.pk, **RUN, "population": 5000}
    response = alice_api.post("/runs", payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Simulated users must be from 10 to 1,000 per run (got 5,000)."
    assert not SimulationRun.objects.exists()
