"""Worker faults on real worker processes: a worker killed with SIGKILL in the middle of a run, a shard
that fails for good, and retrying the failed run."""

import re

import pytest

from recoworld_app.models import RunMetric, RunShard, SimulationRun
from recoworld_app.services.runs import run_create, run_retry, shard_execute
from tests.support import WorkerProcess, purge_broker, wait_until

pytestmark = pytest.mark.worker

# Short enough for a test: a killed shard is taken for dead after 3 s and swept up within 1 s.
FAST_RECOVERY = {"RUN_SHARD_STALE_S": "3", "RUN_SWEEP_EVERY_S": "1", "RUN_PROGRESS_EVERY_S": "0.2"}
RUN = {"population": 1500, "horizon_hours": 168, "reruns": 4, "seed": 20261123}


def _metrics(run) -> list[tuple]:
    return list(
        RunMetric.objects.filter(run=run)
        .order_by("metric", "horizon", "segment")
        .values_list("metric", "horizon", "segment", "mean", "lo", "hi", "values")
    )


def _undisturbed(alice, draft, audience) -> SimulationRun:
    """The same run executed shard by shard in this process, with nothing going wrong."""
    run = run_create(owner=alice, draft_ids=[draft.pk], audience_id=audience.pk, dispatch=False, **RUN)
    for shard_id in RunShard.objects.filter(run=run).values_list("pk", flat=True):
        shard_execute(shard_id=shard_id)
    run.refresh_from_db()
    return run


def test_a_run_survives_its_worker_being_killed_and_matches_an_undisturbed_run(
    transactional_db, alice, video_draft, audience, tmp_path, settings
):
    settings.RUN_SHARD_STALE_S = 3
    purge_broker()
    first = WorkerProcess(tmp_path / "first.log", **FAST_RECOVERY).start()
    second = None
    try:
        run = run_create(owner=alice, draft_ids=[video_draft.pk], audience_id=audience.pk, **RUN)
        wait_until(
            lambda: RunShard.objects.filter(run=run, status="running", progress__gt=0).exists(),
            timeout=120,
            what=f"a shard to be half done; worker log:\n{first.output()}",
        )
        first.kill_all()
        left = RunShard.objects.filter(run=run).exclude(status="done")
        assert left.exists() and SimulationRun.objects.get(pk=run.pk).status == "running"
        killed = list(left.filter(status="running").values_list("pk", flat=True))

        second = WorkerProcess(tmp_path / "second.log", **FAST_RECOVERY).start()
        wait_until(
            lambda: SimulationRun.objects.filter(pk=run.pk, status="done").exists(),
            timeout=240,
            what=f"the run to finish on the second worker; its log:\n{second.output()}",
        )
    finally:
        first.stop()
        if second:
            second.stop()

    run.refresh_from_db()
    assert (run.shards_done, run.users_simulated) == (run.shards_total, run.users_total), "nothing twice"
    assert all(RunShard.objects.get(pk=pk).attempts >= 2 for pk in killed), "the killed shard was redone"
    assert "shard(s) again that a stopped worker had left" in second.output()
    calm = _undisturbed(alice, video_draft, audience)
    assert _metrics(run) == _metrics(calm), "the same seed gives the same results, crash or not"


def test_a_shard_failing_for_good_fails_the_run_with_the_reason_and_retry_finishes_it(
    transactional_db, alice, video_draft, audience, tmp_path, settings
):
    """A broken audience spec makes every attempt fail; fixed, the retried run completes."""
    purge_broker()
    worker = WorkerProcess(tmp_path / "worker.log").start()
    try:
        run = run_create(
            owner=alice, draft_ids=[video_draft.pk], audience_id=audience.pk, **{**RUN, "reruns": 2}
        )
        good_config = run.config
        SimulationRun.objects.filter(pk=run.pk).update(config={**good_config, "horizon_hours": "soon"})
        wait_until(
            lambda: SimulationRun.objects.filter(pk=run.pk, status="failed").exists(),
            timeout=120,
            what=f"the run to fail; worker log:\n{worker.output()}",
        )
        run.refresh_from_db()
        assert re.search(r"Part \d of rerun \d failed after \d+ attempt\(s\): TypeError", run.error), (
            run.error
        )

        SimulationRun.objects.filter(pk=run.pk).update(config=good_config)
        run.refresh_from_db()
        run_retry(run=run)
        wait_until(
            lambda: SimulationRun.objects.filter(pk=run.pk, status="done").exists(),
            timeout=180,
            what=f"the retried run to finish; worker log:\n{worker.output()}",
        )
    finally:
        worker.stop()
    run.refresh_from_db()
    assert run.error == "" and run.shards_done == run.shards_total == 2
