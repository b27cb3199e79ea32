"""How long a run will take: the API's estimate and the new-run form's line, from the workers up."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from recoworld_app.models import RerunGang, RunShard, SimulationRun, WorkerBeat
from recoworld_app.services.estimates import BENCH_SECONDS_PER_USER_HOUR


def _workers(*slots: int) -> None:
    for i, n in enumerate(slots):
        WorkerBeat.objects.create(name=f"w{i}@host", slots=n, seen_at=timezone.now())


def test_with_no_worker_up_the_estimate_says_the_run_will_wait(alice_api):
    response = alice_api.get("/runs/estimate?population=5000&horizon_hours=168&reruns=5")
    assert response.status_code == 200
    assert response.json()["seconds"] is None and "No worker is up" in response.json()["text"]


def test_a_million_users_split_over_the_worker_processes_up_at_the_benchmarks_speed(alice_api, settings):
    settings.RUNS_MAX_USERS = 10_000_000
    settings.RUN_SHARD_USERS = 250_000
    _workers(2, 2)
    WorkerBeat.objects.create(name="gone@host", slots=16, seen_at=timezone.now() - timedelta(hours=1))
    body = alice_api.get("/runs/estimate?population=1000000&horizon_hours=168&reruns=1").json()
    assert (body["slots"], body["processes"], body["shards_per_rerun"], body["measured_reruns"]) == (
        4,
        4,
        4,
        0,
    )
    expected = 1_000_000 * 168 * BENCH_SECONDS_PER_USER_HOUR / 4 + settings.RUN_GANG_JOIN_S
    assert abs(body["seconds"] - expected) < 0.1
    assert "4 worker process(es)" in body["text"] and "benchmark" in body["text"]


def test_finished_reruns_here_replace_the_benchmarks_figure(alice, alice_api, audience):
    _workers(1)
    run = SimulationRun.objects.create(
        owner=alice, name="r", audience=audience, population=1000, horizon_hours=24, reruns=1, seed=1,
        config={"posts": [{"at_hours": 0.0}], "horizon_hours": 24}, status="done",
    )  # fmt: skip
    start = timezone.now() - timedelta(minutes=5)
    RunShard.objects.create(
        run=run, rerun=0, shard=0, users=1000, status="done", started_at=start,
        finished_at=start + timedelta(seconds=12),
    )  # fmt: skip
    RerunGang.objects.create(run=run, rerun=0, state="done", parties=[0])
    body = alice_api.get("/runs/estimate?population=2000&horizon_hours=24&reruns=3").json()
    assert body["measured_reruns"] == 1 and abs(body["seconds_per_user_hour"] - 12 / (1000 * 24)) < 1e-12
    assert abs(body["seconds"] - 3 * 2000 * 24 * 12 / (1000 * 24)) < 0.1  # one process, three reruns


def test_a_size_over_the_limit_is_refused_with_the_limit(alice_api, settings):
    settings.RUNS_MAX_USERS = 100_000
    response = alice_api.get("/runs/estimate?population=2000000&horizon_hours=168&reruns=1")
    assert response.status_code == 400 and "100,000" in response.json()["detail"]


def test_the_new_run_form_asks_for_the_estimate_and_shows_it(alice_client):
    _workers(2)
    page = alice_client.get(reverse("run_new")).content.decode()
    assert 'hx-get="/runs/estimate/"' in page
    sizes = {"population": "5,000", "horizon_hours": 168, "reruns": 5}
    line = alice_client.get(reverse("run_estimate"), sizes)
    assert "About" in line.content.decode() and "2 worker process(es)" in line.content.decode()
    bad = alice_client.get(reverse("run_estimate"), {**sizes, "population": "many"})
    assert "whole numbers" in bad.content.decode()
