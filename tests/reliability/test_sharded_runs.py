"""Sharded reruns on real worker processes: shards of one rerun run at the same time on several
workers and swap their messages (a shared folder on the embedded default, Redis when the broker is);
the figures are the unsharded run's; fewer slots than shards do not deadlock; a killed worker makes
the rerun run again as a whole instead of leaving it hanging."""

import pytest

from recoworld_app.models import RerunGang, RunMetric, RunShard, SimulationRun, WorkerBeat
from recoworld_app.services.runs import run_create, shard_execute
from tests.support import WorkerProcess, purge_broker, wait_until

pytestmark = pytest.mark.worker

RUN = {"population": 2000, "horizon_hours": 48, "reruns": 2, "seed": 20261124}
SHARDED = {"RUN_SHARD_USERS": "500"}  # 4 shards per rerun


def _metrics(run) -> list[tuple]:
    return list(
        RunMetric.objects.filter(run=run)
        .order_by("metric", "horizon", "segment")
        .values_list("metric", "horizon", "segment", "mean", "lo", "hi", "values")
    )


def _unsharded(sharded, alice, draft, audience, settings, **run) -> SimulationRun:
    """The same run (the sharded one's frozen config: a worker may have analysed the draft meanwhile)
    in one shard per rerun, executed in this process."""
    settings.RUN_SHARD_USERS = 100_000
    unsharded = run_create(owner=alice, draft_ids=[draft.pk], audience_id=audience.pk, dispatch=False, **run)
    SimulationRun.objects.filter(pk=unsharded.pk).update(config=sharded.config)
    for shard_id in RunShard.objects.filter(run=unsharded).values_list("pk", flat=True):
        shard_execute(shard_id=shard_id)
    unsharded.refresh_from_db()
    assert unsharded.status == "done" and unsharded.shards_total == run["reruns"]
    return unsharded


def _finish(run, *workers, timeout=300) -> SimulationRun:
    logs = lambda: "\n".join(w.output()[-4000:] for w in workers)  # noqa: E731
    done = wait_until(
        lambda: SimulationRun.objects.filter(pk=run.pk, status__in=["done", "failed"]).first(),
        timeout=timeout,
        what=f"the sharded run to finish; worker logs:\n{logs()}",
    )
    assert done.status == "done", f"{done.error}\n{logs()}"
    assert (done.shards_done, done.users_simulated) == (done.shards_total, done.users_total), "nothing twice"
    return done


def test_a_rerun_in_four_shards_on_two_workers_of_two_slots_gives_the_unsharded_figures(
    transactional_db, alice, video_draft, audience, tmp_path, settings
):
    settings.RUN_SHARD_USERS = 500
    purge_broker()
    env = {**SHARDED, "RUN_GANG_JOIN_S": "10"}
    workers = [WorkerProcess(tmp_path / f"w{i}.log", concurrency=2, **env).start() for i in range(2)]
    try:
        run = run_create(owner=alice, draft_ids=[video_draft.pk], audience_id=audience.pk, **RUN)
        assert run.shards_total == 8
        run = _finish(run, *workers)
    finally:
        for w in workers:
            w.stop()
    assert sorted(WorkerBeat.objects.values_list("slots", flat=True)) == [2, 2], "each worker says it is up"
    parties = [len(g.parties) for g in RerunGang.objects.filter(run=run)]
    assert max(parties) >= 2, f"a rerun ran on several processes at once: {parties}"
    hosts = RunShard.objects.filter(run=run).values_list("rerun", "host")
    assert len(set(hosts)) == sum(parties)
    assert _metrics(run) == _metrics(_unsharded(run, alice, video_draft, audience, settings, **RUN))


def test_fewer_worker_slots_than_shards_do_not_deadlock(
    transactional_db, alice, video_draft, audience, tmp_path, settings
):
    """One slot, two reruns of four shards: each rerun's first task hosts all four."""
    settings.RUN_SHARD_USERS = 500
    purge_broker()
    worker = WorkerProcess(tmp_path / "w.log", concurrency=1, RUN_GANG_JOIN_S="1", **SHARDED).start()
    try:
        run = run_create(owner=alice, draft_ids=[video_draft.pk], audience_id=audience.pk, **RUN)
        run = _finish(run, worker)
    finally:
        worker.stop()
    assert [len(g.parties) for g in RerunGang.objects.filter(run=run)] == [1, 1]
    assert _metrics(run) == _metrics(_unsharded(run, alice, video_draft, audience, settings, **RUN))


def test_a_killed_shard_worker_makes_its_rerun_run_again_not_hang(
    transactional_db, alice, video_draft, audience, tmp_path, settings
):
    settings.RUN_SHARD_USERS = 1000
    purge_broker()
    run_spec = {**RUN, "population": 4000, "horizon_hours": 168, "reruns": 1}
    env = {**SHARDED, "RUN_SHARD_USERS": "1000", "RUN_GANG_JOIN_S": "10", "RUN_GANG_LOST_S": "3"}
    env["RUN_PROGRESS_EVERY_S"] = "0.2"
    # prefetch 1 per slot: each worker holds at most two of the four shard tasks, so the gang spans both
    doomed = WorkerProcess(tmp_path / "doomed.log", concurrency=2, **env).start()
    survivor = WorkerProcess(tmp_path / "survivor.log", concurrency=2, **env).start()
    try:
        run = run_create(owner=alice, draft_ids=[video_draft.pk], audience_id=audience.pk, **run_spec)
        wait_until(
            lambda: (
                RerunGang.objects.filter(run=run, state="running").exists()
                and RunShard.objects.filter(run=run, progress__gt=0.05).exists()
            ),
            timeout=180,
            what=f"the gang to be under way; logs:\n{doomed.output()}\n{survivor.output()}",
        )
        first = RerunGang.objects.get(run=run)
        assert len(first.parties) == 4, first.parties
        doomed.kill_all()
        run = _finish(run, survivor)
    finally:
        doomed.stop()
        survivor.stop()
    gang = RerunGang.objects.get(run=run)
    assert gang.attempts >= 2 and gang.epoch != first.epoch, "the rerun ran again, as a whole"
    assert "runs again (attempt 2)" in survivor.output() and "stopped answering" in survivor.output()
    assert _metrics(run) == _metrics(_unsharded(run, alice, video_draft, audience, settings, **run_spec))


def test_cancel_stops_every_process_of_a_sharded_rerun(
    transactional_db, alice, video_draft, audience, tmp_path, settings
):
    from recoworld_app.services.runs import run_cancel

    settings.RUN_SHARD_USERS = 1000
    purge_broker()
    env = {"RUN_SHARD_USERS": "1000", "RUN_GANG_JOIN_S": "10", "RUN_PROGRESS_EVERY_S": "0.1"}
    worker = WorkerProcess(tmp_path / "w.log", concurrency=2, **env).start()
    try:
        run_spec = {**RUN, "population": 4000, "horizon_hours": 168, "reruns": 1}
        run = run_create(owner=alice, draft_ids=[video_draft.pk], audience_id=audience.pk, **run_spec)
        wait_until(
            lambda: RunShard.objects.filter(run=run, status="running", progress__gt=0).exists(),
            timeout=180,
            what=f"the gang to be under way; log:\n{worker.output()}",
        )
        assert len(RerunGang.objects.get(run=run).parties) == 2
        run_cancel(run=run)
        wait_until(
            lambda: worker.output().count("stopped: its run was cancelled") == 2,
            timeout=60,
            what=f"both processes to stop; log:\n{worker.output()}",
        )
    finally:
        worker.stop()
    run.refresh_from_db()
    assert run.status == "cancelled" and run.shards_done == 0
    assert not RunShard.objects.filter(run=run, status="running").exists()
    assert not RunMetric.objects.filter(run=run).exists()
