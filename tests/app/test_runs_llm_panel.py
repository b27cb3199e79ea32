"""LLM runs in the app: the panel is asked once, stored on the run, and applied by every shard.

The LLM is a real HTTP server on loopback (OpenAI-compatible) with a known taste; the real small model
runs the same flow through a Celery worker in test_runs_llm_worker.py.
"""

import json

import pytest
from django.urls import reverse

from recoworld_app.models import RunMetric, RunReport, RunSample, RunShard, SimulationRun
from recoworld_app.services.runs import run_create, shard_execute
from recoworld_app.tasks import calibrate_panel_gpu
from tests.simulator.llm_support import ScriptedServer, completion
from tests.simulator.test_world_panel import _answer
from tests.support import purge_broker


@pytest.fixture
def llm_server(settings):
    """SIM_LLM_* pointing at a scripted server; `server.answer` is what every viewer says."""
    server = ScriptedServer(lambda body, n: (200, completion(server.answer), 0))
    server.answer = json.dumps(_answer(True, seconds=2))  # the video draft lasts 2 s
    with server:
        settings.SIM_LLM_ENGINE, settings.SIM_LLM_MODEL = "openai", "taste"
        settings.SIM_LLM_BASE_URL = server.base_url
        settings.SIM_PANEL_SIZE = 12
        yield server
    purge_broker()  # the shards the panel queued: these tests run them in-process


@pytest.fixture
def followers(alice):
    from recoworld_app.services.audiences import audience_create_followers_profile

    profile = {"niche": "food", "follower_count": 5000}
    return audience_create_followers_profile(owner=alice, name="Food fans", size=400, profile=profile)


def _llm_run(owner, draft, audience, **kw) -> SimulationRun:
    args = {"population": 400, "horizon_hours": 48, "reruns": 2, "seed": 5, "dispatch": False} | kw
    return run_create(owner=owner, draft_ids=[draft.pk], audience_id=audience.pk, brain="llm", **args)


def _simulate(run: SimulationRun) -> SimulationRun:
    for shard_id in RunShard.objects.filter(run=run).values_list("pk", flat=True):
        shard_execute(shard_id=shard_id)
    run.refresh_from_db()
    return run


def test_the_panel_is_asked_once_and_every_shard_applies_it(
    llm_server, alice, alice_client, video_draft, followers
):
    run = _llm_run(alice, video_draft, followers)
    assert run.config["panel_size"] == 12 and run.panel is None
    calibrate_panel_gpu(run.pk)
    calibrate_panel_gpu(run.pk)  # a redelivered message asks nobody again
    run.refresh_from_db()
    assert len(llm_server.requests) == 12 and run.panel["panel_size"] == 12

    done = _simulate(run)
    assert done.status == "done", done.error
    persona = _simulate(
        run_create(owner=alice, draft_ids=[video_draft.pk], audience_id=followers.pk, population=400,
                   horizon_hours=48, reruns=2, seed=5, dispatch=False)
    )  # fmt: skip
    report = RunReport.objects.get(run=done)
    views = RunMetric.objects.filter(metric="views", horizon="2d", segment="all")
    assert views.get(run=done).mean > views.get(run=persona).mean
    assert report.extra["panel"]["users_by_brain"] == {"llm panel": 12, "calibrated persona": 400}
    assert report.brain_usage["llm panel"] == 12 and report.brain_usage["llm fallback"] == 0
    llm_samples = RunSample.objects.filter(run=done, brain="llm")
    assert llm_samples.count() == 12 and {s.reasoning for s in llm_samples} == {"Love it."}

    html = alice_client.get(reverse("run_detail", args=[done.pk])).content.decode()
    assert 'id="llm-panel"' in html and "12 audience members asked by taste" in html
    assert html.count("LLM panel</span>") == 12
    exported = alice_client.get(reverse("run_export", args=[done.pk, "json"])).json()
    assert exported["report"]["extra"]["panel"]["panel_size"] == 12


def test_a_panel_whose_answers_are_invalid_fails_the_run_with_the_reason(
    llm_server, alice, video_draft, audience
):
    llm_server.answer = "I think I would like it"  # not JSON: every attempt is refused
    run = _llm_run(alice, video_draft, audience)
    calibrate_panel_gpu(run.pk)
    run.refresh_from_db()
    assert run.status == "failed" and run.panel is None
    assert "valid answer to only 0 of 12 panel decisions" in run.error
    assert not RunShard.objects.filter(run=run).exclude(status="pending").exists()


def test_a_waiting_panel_shows_in_the_progress(llm_server, alice, alice_client, video_draft, audience):
    run = _llm_run(alice, video_draft, audience)
    page = alice_client.get(reverse("run_detail", args=[run.pk])).content.decode()
    assert "Asking the LLM panel (12 audience members)" in page


def test_a_worker_that_starts_asks_a_waiting_panel_again(llm_server, alice, video_draft, followers):
    from recoworld_app.services.runs import shards_recover

    _llm_run(alice, video_draft, followers)  # its panel message was lost with a killed worker
    assert shards_recover(include_pending=True) == 1  # the panel; its shards wait for the verdict
    assert shards_recover(include_pending=False) == 0  # later sweeps leave a waiting panel alone
