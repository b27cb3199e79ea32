"""A rerun's shards run together: the shard tasks that start form a gang, and the gang runs, fails and
restarts as a whole.

The shards of one rerun swap a message every simulated hour (simulator.world, "Sharding"), so they
must run at the same time. Waiting for a sibling task that is still queued behind other work could
hold every worker slot forever; a gang never does. The first task of a rerun to start leads: it waits
at most RUN_GANG_JOIN_S for the rerun's other tasks to join, then hosts every shard nobody joined for
itself. From then on the parties (the gang's processes) are all running, so none waits for a task
that has not started: a pool with fewer slots than shards runs the rerun on the slots it has, and the
tasks that arrive late find their shard hosted and do nothing.

Formation uses conditional updates only, so it holds on SQLite and PostgreSQL alike:
1. a task whose rerun's gang is idle makes it forming under a fresh epoch, and leads;
2. a task whose rerun's gang is forming joins by claiming its own row (epoch "" -> the gang's);
3. the leader, when every row is claimed or the join window ends, claims the rows still unclaimed;
   no join can succeed after that, so the parties are the rows' hosts. It spreads the shards over the
   parties in contiguous blocks and marks the gang running.
A party that fails, or notices through the exchange that another stopped answering (within
RUN_GANG_LOST_S), restarts the gang: every shard of the rerun is queued again under a new epoch, up to
SHARD_ATTEMPTS attempts, after which the run fails with the reason. The sweeper restarts a gang whose
every party died (a heartbeat older than RUN_SHARD_STALE_S).
"""

import logging
import shutil
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from recoworld_app.models import RerunGang, RunShard, SimulationRun
from recoworld_app.services import queue

log = logging.getLogger(__name__)
SHARD_ATTEMPTS = 3
State = RerunGang.State


class RunStopped(Exception):
    """Raised inside a shard when its run was cancelled or failed meanwhile: the shard stops at once."""


@dataclass
class Membership:
    """One party of a running gang: which shards this process steps, and with whom."""

    run_id: int
    rerun: int
    epoch: str
    host: int  # the shard index of the task that is this party
    parties: list[int]  # every party's host, in party order
    shard_ids: list[int]  # the RunShard rows this party steps, in shard order
    shard_indexes: list[int]

    @property
    def party(self) -> int:
        return self.parties.index(self.host)

    @property
    def where(self) -> str:
        return f"Part {self.shard_indexes[0] + 1} of rerun {self.rerun + 1}"


def gang_join(*, shard: RunShard) -> Membership | None:
    """Lead or join the gang of the shard's rerun and wait until it runs; None: nothing to do here."""
    rows = RunShard.objects.filter(run_id=shard.run_id, rerun=shard.rerun)
    if not rows.exclude(status=RunShard.Status.DONE).exists():
        return None  # a late delivery for a finished rerun
    RerunGang.objects.bulk_create([RerunGang(run_id=shard.run_id, rerun=shard.rerun)], ignore_conflicts=True)
    gang = RerunGang.objects.get(run_id=shard.run_id, rerun=shard.rerun)
    now = timezone.now()
    epoch = uuid.uuid4().hex
    led = RerunGang.objects.filter(pk=gang.pk, state=State.IDLE).update(
        state=State.FORMING, epoch=epoch, parties=[], attempts=F("attempts") + 1, heartbeat_at=now
    )
    if led:
        rows.filter(pk=shard.pk).update(epoch=epoch, host=shard.shard)
        parties = _form(gang, epoch, shard.shard)
    else:
        gang.refresh_from_db()
        epoch = gang.epoch
        joined = gang.state == State.FORMING and rows.filter(pk=shard.pk, epoch="").update(
            epoch=epoch, host=shard.shard
        )
        parties = _await_running(gang, epoch) if joined else None
    if not parties or shard.shard not in parties:
        return None
    mine = list(rows.filter(epoch=epoch, host=shard.shard).order_by("shard").values_list("pk", "shard"))
    return Membership(
        run_id=shard.run_id,
        rerun=shard.rerun,
        epoch=epoch,
        host=shard.shard,
        parties=parties,
        shard_ids=[pk for pk, _ in mine],
        shard_indexes=[i for _, i in mine],
    )


def _form(gang: RerunGang, epoch: str, leader: int) -> list[int] | None:
    """The leader's part: wait for joiners (bounded), close the gang, spread the shards, run it."""
    rows = RunShard.objects.filter(run_id=gang.run_id, rerun=gang.rerun)
    total = rows.count()
    deadline = time.monotonic() + settings.RUN_GANG_JOIN_S
    while time.monotonic() < deadline and rows.filter(epoch=epoch).count() < total:
        time.sleep(0.1)
    now = timezone.now()
    with transaction.atomic():
        rows.exclude(epoch=epoch).update(epoch=epoch, host=leader)  # after this, no join succeeds
        parties = sorted(set(rows.filter(epoch=epoch).values_list("host", flat=True)))
        shards = sorted(rows.values_list("shard", flat=True))
        for p, host in enumerate(parties):  # contiguous blocks: each party's users are one range
            block = shards[p * len(shards) // len(parties) : (p + 1) * len(shards) // len(parties)]
            rows.filter(shard__in=block).update(host=host)
        rows.filter(epoch=epoch).exclude(status=RunShard.Status.DONE).update(
            status=RunShard.Status.RUNNING,
            attempts=F("attempts") + 1,
            started_at=now,
            heartbeat_at=now,
            progress=0.0,
        )
        running = RerunGang.objects.filter(pk=gang.pk, epoch=epoch, state=State.FORMING).update(
            state=State.RUNNING, parties=parties, heartbeat_at=now
        )
    if running:
        log.info("rerun %s of run %s runs on %d process(es)", gang.rerun, gang.run_id, len(parties))
    return parties if running else None


def _await_running(gang: RerunGang, epoch: str) -> list[int] | None:
    """A joiner's part: the gang's parties once its leader has closed it; None if it never does."""
    deadline = time.monotonic() + settings.RUN_GANG_JOIN_S + 60
    while time.monotonic() < deadline:
        now = RerunGang.objects.filter(pk=gang.pk).values("state", "epoch", "parties").first()
        if now is None or now["epoch"] != epoch:
            return None
        if now["state"] == State.RUNNING:
            return now["parties"]
        time.sleep(0.1)
    return None  # the leader died while forming: the sweeper restarts the gang


def gang_exchange(m: Membership):
    """Where the parties swap their messages: Redis or a shared directory (RUN_EXCHANGE_URL)."""
    from simulator.exchange import DirectoryExchange, RedisExchange

    if len(m.parties) == 1:
        return None

    def run_ended() -> bool:
        return not SimulationRun.objects.filter(pk=m.run_id, status__in=SimulationRun.ACTIVE).exists()

    options = {"parties": len(m.parties), "lost_s": settings.RUN_GANG_LOST_S, "interrupt": run_ended}
    target = settings.RUN_EXCHANGE_URL
    if target.startswith(("redis://", "rediss://")):
        return RedisExchange(url=target, namespace=_namespace(m.run_id, m.rerun, m.epoch), **options)
    return DirectoryExchange(path=Path(target) / _namespace(m.run_id, m.rerun, m.epoch), **options)


def _namespace(run_id: int, rerun: int, epoch: str) -> str:
    return f"run{run_id}-r{rerun}-{epoch}"


def exchange_clean(run_id: int, epoch: str = "") -> None:
    """Remove a finished run's (or one attempt's) exchange folders; Redis keys expire by themselves."""
    target = settings.RUN_EXCHANGE_URL
    if target.startswith(("redis://", "rediss://")):
        return
    for folder in Path(target).glob(f"run{run_id}-r*-{epoch or '*'}"):
        shutil.rmtree(folder, ignore_errors=True)


class GangProgress:
    """A party's on_progress: writes its shards' progress now and then, and the gang's heartbeat;
    stops the party if the run has ended or the gang was restarted without it."""

    def __init__(self, m: Membership):
        self.m = m
        self.last = 0.0

    def __call__(self, fraction: float) -> None:
        now = time.monotonic()
        if now - self.last < settings.RUN_PROGRESS_EVERY_S:
            return
        self.last = now
        m = self.m
        if not SimulationRun.objects.filter(pk=m.run_id, status__in=SimulationRun.ACTIVE).exists():
            raise RunStopped("its run was cancelled or failed")
        stamp = timezone.now()
        gang = RerunGang.objects.filter(run_id=m.run_id, rerun=m.rerun, epoch=m.epoch)
        if not gang.update(heartbeat_at=stamp):
            raise RunStopped("its rerun was restarted without this process")
        RunShard.objects.filter(pk__in=m.shard_ids, status=RunShard.Status.RUNNING).update(
            progress=max(0.0, min(1.0, float(fraction))), heartbeat_at=stamp
        )


def gang_stopped(m: Membership) -> None:
    """A party that stopped because its run ended: its shards are not running any more, and not done."""
    RunShard.objects.filter(pk__in=m.shard_ids, epoch=m.epoch, status=RunShard.Status.RUNNING).update(
        status=RunShard.Status.PENDING, progress=0.0
    )


def gang_finished(m: Membership) -> None:
    """Called after a party stored its results: the gang is done once every shard of the rerun is."""
    rows = RunShard.objects.filter(run_id=m.run_id, rerun=m.rerun)
    if not rows.exclude(status=RunShard.Status.DONE).exists():
        RerunGang.objects.filter(run_id=m.run_id, rerun=m.rerun, epoch=m.epoch).update(state=State.DONE)


def gang_restart(*, run_id: int, rerun: int, epoch: str, error: str, where: str) -> bool:
    """Run the rerun again as a whole under a new epoch, or fail the run after SHARD_ATTEMPTS attempts.

    Only the first caller for an epoch acts (the other parties and the sweeper find it changed);
    finished shards keep their results and are stepped again only for their messages. True if acted.
    """
    with transaction.atomic():
        gang = RerunGang.objects.filter(
            run_id=run_id,
            rerun=rerun,
            epoch=epoch,
            state__in=[State.FORMING, State.RUNNING],
            run__status__in=SimulationRun.ACTIVE,
        )
        attempts = gang.values_list("attempts", flat=True).first()
        if attempts is None or not gang.update(state=State.IDLE, epoch="", parties=[]):
            return False
        rows = RunShard.objects.filter(run_id=run_id, rerun=rerun)
        rows.filter(status=RunShard.Status.DONE).update(epoch="", host=None)
        left = rows.exclude(status=RunShard.Status.DONE)
        if attempts >= SHARD_ATTEMPTS:
            left.update(status=RunShard.Status.FAILED, error=error[:2000], finished_at=timezone.now())
            message = f"{where} failed after {attempts} attempt(s): {error[:500]}"
            SimulationRun.objects.filter(pk=run_id, status__in=SimulationRun.ACTIVE).update(
                status=SimulationRun.Status.FAILED, error=message, finished_at=timezone.now()
            )
            log.error("rerun %s of run %s failed for good: %s", rerun, run_id, message)
            return True
        left.update(status=RunShard.Status.PENDING, progress=0.0, error=error[:2000], epoch="", host=None)
        # fresh task ids: a revoked id stays revoked in the workers' memory
        messages = []
        for pk in rows.values_list("pk", flat=True):
            task_id = uuid.uuid4().hex
            rows.filter(pk=pk).update(task_id=task_id)
            messages.append((pk, task_id))
        countdown = 2 ** (attempts - 1)
        transaction.on_commit(partial(_send, messages, countdown))
    log.warning("rerun %s of run %s runs again (attempt %d): %s", rerun, run_id, attempts + 1, error)
    exchange_clean(run_id, epoch)
    return True


def _send(messages: list[tuple[int, str]], countdown: int) -> None:
    for shard_id, task_id in messages:
        queue.send(queue.SIMULATE_SHARD, shard_id, task_id=task_id, countdown=countdown)


def gangs_recover() -> int:
    """Restart the gangs of active runs whose every party died (stale heartbeat); how many."""
    stale = timezone.now() - timedelta(seconds=settings.RUN_SHARD_STALE_S)
    dead = RerunGang.objects.filter(
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True),
        state__in=[State.FORMING, State.RUNNING],
        run__status__in=SimulationRun.ACTIVE,
    ).values_list("run_id", "rerun", "epoch")
    return sum(
        gang_restart(
            run_id=run_id,
            rerun=rerun,
            epoch=epoch,
            error="the worker running it stopped",
            where=f"Rerun {rerun + 1}",
        )
        for run_id, rerun, epoch in dead
    )


def gangs_reset(run: SimulationRun) -> None:
    """For a retried run: every unfinished rerun's gang idle again, its attempts forgotten."""
    RerunGang.objects.filter(run=run).exclude(state=State.DONE).update(
        state=State.IDLE, epoch="", parties=[], attempts=0
    )
    RunShard.objects.filter(run=run).update(epoch="", host=None)
