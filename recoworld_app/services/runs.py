"""Simulation runs: submit (checked against quotas), split into (rerun, shard) units, execute a shard,
finalize into the result tables, cancel, retry.

The shards of one rerun run together, as one gang of processes (recoworld_app.services.gangs).
Celery has no result backend here, so a chord cannot gather the shards: the database does. Each shard
writes its result once under a unique constraint and bumps the run's counters; whichever shard finds
all of them done finalizes the run, and finalizing is idempotent, so a redelivered message is harmless.
"""

import math
import secrets
import uuid
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from recoworld_app.models import (
    ID_MAX,
    Audience,
    Draft,
    RunPost,
    RunShard,
    SimulationRun,
)
from recoworld_app.services import queue
from recoworld_app.services.content import draft_content
from recoworld_app.services.drafts import draft_take_in_s, drafts_seen
from recoworld_app.services.errors import Conflict, InvalidInput, NotFound, QuotaExceeded
from recoworld_app.services.gangs import (
    GangProgress,
    RunStopped,
    exchange_clean,
    gang_exchange,
    gang_finished,
    gang_join,
    gang_restart,
    gang_stopped,
    gangs_recover,
    gangs_reset,
)
from recoworld_app.services.panels import panel_size_for, run_calibration
from recoworld_app.services.queue import AWAITING_ACCOUNT, AWAITING_PANEL, publish_next
from recoworld_app.services.reports import report_store
from recoworld_app.services.text import clean_text
from simulator.bands import BAND_RERUNS

HORIZON_CHOICES = {6: "6 hours", 12: "12 hours", 24: "24 hours", 48: "2 days", 168: "1 week"}
MAX_POSTS = 10
NAME_MAX = 160
STRATEGY_WEEK_H = 168  # a named strategy posts over one week; each post is then followed for the horizon
MIN_POPULATION = 10
Status = SimulationRun.Status


def run_for_owner(*, owner, run_id: int) -> SimulationRun:
    run = SimulationRun.objects.filter(pk=run_id, owner=owner).first() if owner.is_authenticated else None
    if run is None:
        raise NotFound()
    return run


def runs_for_owner(*, owner, run_ids) -> list[SimulationRun]:
    """The creator's runs in the order given, repeats dropped; NotFound if any is not theirs."""
    ids = list(dict.fromkeys(run_ids))
    found = _by_id(SimulationRun.objects.filter(owner=owner), ids)
    if len(found) != len(ids):
        raise NotFound()
    return [found[i] for i in ids]


def _by_id(queryset, ids) -> dict:
    """The rows of `ids` in `queryset` by id; an id no key can have is left out before the query."""
    return {row.pk: row for row in queryset.filter(pk__in=[i for i in ids if 1 <= i <= ID_MAX])}


def brain_choices() -> list[tuple[str, str]]:
    """The persona brain always; the LLM brain only where an engine is configured."""
    choices = [(SimulationRun.Brain.PERSONA.value, "Persona (statistical model, fast)")]
    if settings.SIM_LLM_ENGINE:
        model = f": {settings.SIM_LLM_MODEL}" if settings.SIM_LLM_MODEL else ""
        label = f"LLM ({settings.SIM_LLM_ENGINE}{model})"
        choices.append((SimulationRun.Brain.LLM.value, label))
    return choices


def draft_item(draft: Draft, analysis=None):
    """The draft as the simulator's Item: what the simulated users see. With the content model's
    `analysis` (services.content.draft_content), its effects are applied and, where the creator ticked
    no topic, its inferred topics are used."""
    from simulator.content.effects import with_content
    from simulator.perception import Perception
    from simulator.types import Item

    topics = {t: 1 / len(draft.topics) for t in draft.topics} if draft.topics else {}
    item = Item(
        id=f"draft-{draft.pk}",
        creator_id=f"creator-{draft.owner_id}",
        kind=draft.kind,
        caption=draft.caption,
        hashtags=list(draft.hashtags),
        topics=topics,
        duration_s=draft_take_in_s(draft),
        description=draft.title,
        frames=[str(settings.MEDIA_ROOT / k) for k in draft.keyframes],
        perception=Perception.from_dict(draft.perception) if draft.perception else None,
    )
    return item if analysis is None else with_content(item, analysis, ticked=topics)


def _check_numbers(*, population: int, horizon_hours: int, reruns: int, brain: str) -> None:
    if not isinstance(population, int) or not MIN_POPULATION <= population <= settings.RUNS_MAX_USERS:
        raise InvalidInput(
            f"Simulated users must be from {MIN_POPULATION} to {settings.RUNS_MAX_USERS:,} per run "
            f"(got {population:,})."
            if isinstance(population, int)
            else "Simulated users must be a number."
        )
    if horizon_hours not in HORIZON_CHOICES:
        raise InvalidInput(f"Horizon must be one of {', '.join(HORIZON_CHOICES.values())}.")
    if not isinstance(reruns, int) or not 1 <= reruns <= settings.RUNS_MAX_RERUNS:
        raise InvalidInput(
            f"Reruns must be from 1 to {settings.RUNS_MAX_RERUNS} ({BAND_RERUNS} make a band that holds 90% "
            "of simulated outcomes)."
        )
    if brain not in dict(brain_choices()):
        raise InvalidInput(
            f"Brain {brain!r} is not available here; choose {', '.join(dict(brain_choices()))}."
        )


def run_size_check(*, population: int, horizon_hours: int, reruns: int) -> None:
    """InvalidInput unless a run of this size is within the limits (RUNS_MAX_USERS and the others)."""
    _check_numbers(population=population, horizon_hours=horizon_hours, reruns=reruns, brain="persona")


def run_create(
    *,
    owner,
    draft_ids: list[int],
    audience_id: int,
    population: int,
    horizon_hours: int,
    reruns: int,
    brain: str = "persona",
    seed: int | None = None,
    at_hours: list[float] | None = None,
    strategy: str = "",
    name: str = "",
    exposure: str = "",
    calibrated: bool = False,
    recommender: str = "",
    dispatch: bool = True,
) -> SimulationRun:
    """Queue one run of the drafts, posted at `at_hours` (default: all at the start) or on a named
    posting `strategy` (simulator.strategies.SCHEDULES, at the audience's local times), to the audience.

    `exposure` "organic" or "screening" (simulator.world.WorldConfig); blank: as fits the audience.
    `recommender`: the platform's in the feed sessions (WorldConfig.recommender); blank: its default.
    `calibrated`: the posts carry the account's offsets from its past posts (services.track_record).

    Raises InvalidInput, NotFound, QuotaExceeded, or QueueUnavailable (the run is then marked failed
    with the reason; drafts and audience are untouched).
    """
    return run_create_many(
        owner=owner,
        plans=[(draft_ids, at_hours, name)],
        strategy=strategy,
        exposure=exposure,
        audience_id=audience_id,
        population=population,
        horizon_hours=horizon_hours,
        reruns=reruns,
        brain=brain,
        seed=seed,
        calibrated=calibrated,
        recommender=recommender,
        dispatch=dispatch,
    )[0]


def run_create_variants(
    *,
    owner,
    draft_ids: list[int],
    audience_id: int,
    population: int,
    horizon_hours: int,
    reruns: int,
    brain: str = "persona",
    seed: int | None = None,
    exposure: str = "",
    calibrated: bool = False,
    recommender: str = "",
) -> list[SimulationRun]:
    """One run per draft, same audience and seed: an A/B test with common random numbers."""
    if len(set(draft_ids)) < 2:
        raise InvalidInput("Pick at least two drafts to compare as variants.")
    return run_create_many(
        owner=owner,
        plans=[([d], None, "") for d in dict.fromkeys(draft_ids)],
        audience_id=audience_id,
        population=population,
        horizon_hours=horizon_hours,
        reruns=reruns,
        brain=brain,
        seed=seed,
        exposure=exposure,
        calibrated=calibrated,
        recommender=recommender,
    )


def run_create_many(
    *,
    owner,
    plans,
    audience_id: int,
    population: int,
    horizon_hours: int,
    reruns: int,
    brain: str,
    seed,
    strategy: str = "",
    exposure: str = "",
    calibrated: bool = False,
    recommender: str = "",
    dispatch: bool = True,
) -> list[SimulationRun]:
    """The runs of `plans` [(draft ids, posting times, name)]; `dispatch=False` queues nothing, for a
    caller that executes the shards itself (the demo seed). A `calibrated` run's posts get the
    account's offsets from a default-queue task before its shards are queued (services.track_record.
    account_calibrate; solved on the account's typical post, so variants share them)."""
    from simulator.audiences import AudienceSpec
    from simulator.world import WorldConfig, default_exposure
    from simulator.world.config import RECOMMENDERS

    _check_numbers(population=population, horizon_hours=horizon_hours, reruns=reruns, brain=brain)
    audience = Audience.objects.filter(pk=audience_id, owner=owner).first()
    if audience is None:
        raise NotFound("Audience not found.")
    seed = secrets.randbelow(2**31) if seed is None else int(seed)
    if not 0 <= seed < 2**63:
        raise InvalidInput("Seed must be a non-negative whole number.")
    spec = AudienceSpec.from_dict({**audience.spec, "size": population})
    if calibrated:
        from recoworld_app.services.track_record import account_check

        account_check(owner=owner)  # the solve runs on a worker (account_calibrate), before the shards

    planned = [(_owned_drafts(owner, draft_ids), at_hours, name) for draft_ids, at_hours, name in plans]
    drafts_seen([d for drafts, _, _ in planned for d in drafts])
    # Read before the creator's rows are locked: embedding a caption takes a moment.
    analyses = {d.pk: draft_content(d, draft_take_in_s(d)) for drafts, _, _ in planned for d in drafts}
    runs: list[SimulationRun] = []
    with transaction.atomic():
        # Serialise one creator's submissions so two tabs cannot both slip under the quota.
        get_user_model().objects.select_for_update().filter(pk=owner.pk).first()
        active = SimulationRun.objects.filter(owner=owner, status__in=SimulationRun.ACTIVE).count()
        if active + len(plans) > settings.RUNS_MAX_ACTIVE:
            raise QuotaExceeded(
                f"You have {active} run(s) queued or running; the limit is {settings.RUNS_MAX_ACTIVE}. "
                "Wait for one to finish or cancel one."
            )
        for drafts, at_hours, name in planned:
            posts = _posts(drafts, analyses, at_hours, strategy, horizon_hours, spec, seed)
            config = WorldConfig(
                audience=spec,
                posts=[post for _, post in posts],
                horizon_hours=horizon_hours,
                seed=seed,
                brain=brain,
                panel_size=panel_size_for(population) if brain == SimulationRun.Brain.LLM else 0,
                exposure=exposure or default_exposure(spec),
                creator_id=f"creator-{owner.pk}",
                recommender=recommender or RECOMMENDERS[0],
            )
            problems = config.validate()
            if problems:
                text = "; ".join(problems)
                raise InvalidInput(text[:1].upper() + text[1:] + ".", problems)
            run = SimulationRun.objects.create(
                owner=owner,
                name=clean_text(name, field="Name", max_length=NAME_MAX) or _default_name(drafts, audience),
                audience=audience,
                audience_name=audience.name,
                population=population,
                horizon_hours=horizon_hours,
                reruns=reruns,
                brain=brain,
                seed=seed,
                config=config.to_dict(),
                calibrated=calibrated,
            )
            RunPost.objects.bulk_create(
                RunPost(
                    run=run,
                    draft=d,
                    position=i,
                    at_hours=post.at_hours,
                    title=_post_title(d, post, len(posts)),
                    item_id=post.item.id,
                    content=analyses[d.pk].to_dict(),
                )
                for i, (d, post) in enumerate(posts)
            )
            _make_shards(run)
            if dispatch:
                transaction.on_commit(partial(publish_next, run.pk))
            runs.append(run)
    return runs


def _owned_drafts(owner, draft_ids) -> list[Draft]:
    ids = list(dict.fromkeys(int(i) for i in draft_ids or []))
    if not ids:
        raise InvalidInput("Pick at least one draft.")
    if len(ids) > MAX_POSTS:
        raise InvalidInput(f"At most {MAX_POSTS} drafts in one run.")
    found = _by_id(Draft.objects.filter(owner=owner), ids)
    if len(found) != len(ids):
        raise NotFound("Draft not found.")
    return [found[i] for i in ids]


def strategy_choices() -> list[tuple[str, str]]:
    from simulator.strategies import SCHEDULES

    words = {
        "once": "once, at 18:00 on the first day",
        "daily-18h": "every day at 18:00",
        "3-a-day": "three a day, at 9:00, 13:00 and 19:00",
        "2-a-week": "twice a week, Monday and Thursday at 18:00",
    }
    return [(name, words.get(name, name)) for name in SCHEDULES]


def _posts(
    drafts: list[Draft], analyses: dict, at_hours, strategy: str, horizon_hours: int, spec, seed: int
) -> list[tuple]:
    """(draft, PostSpec) for each post: the drafts at the given times, or cycled through a named schedule
    at the audience's local time. `analyses`: each draft's ContentAnalysis by draft id."""
    from simulator.world import PostSpec

    if not strategy:
        times = _schedule(at_hours, len(drafts), horizon_hours)
        return [
            (d, PostSpec(item=draft_item(d, analyses[d.pk]), at_hours=t))
            for d, t in zip(drafts, times, strict=True)
        ]
    from simulator.strategies import audience_utc_offset, schedule

    if strategy not in dict(strategy_choices()):
        raise InvalidInput(f"Strategy {strategy[:40]!r} is not one of {', '.join(dict(strategy_choices()))}.")
    if at_hours:
        raise InvalidInput("Give posting times or a strategy, not both.")
    by_id = {f"draft-{d.pk}": d for d in drafts}
    offset = audience_utc_offset(spec, seed)
    posts = schedule(
        strategy, [draft_item(d, analyses[d.pk]) for d in drafts], STRATEGY_WEEK_H, utc_offset_h=offset
    )
    return [(by_id[p.item.id.split("#")[0]], p) for p in posts]


def _post_title(draft: Draft, post, count: int) -> str:
    number = post.item.id.partition("#")[2]
    return f"{draft.title[:100]} (post {number})" if number and count > 1 else draft.title


def _schedule(at_hours, count: int, horizon_hours: int) -> list[float]:
    if not at_hours:
        return [0.0] * count
    if len(at_hours) != count:
        raise InvalidInput("Give one posting time per draft.")
    times = [float(t) for t in at_hours]
    if any(not math.isfinite(t) or t < 0 or t >= horizon_hours for t in times):
        raise InvalidInput(f"Posting times must be from 0 to {horizon_hours} hours after the start.")
    return times


def _default_name(drafts: list[Draft], audience: Audience) -> str:
    titles = " + ".join(d.title for d in drafts)
    return f"{titles[:100]} → {audience.name[:50]}"


def _make_shards(run: SimulationRun) -> None:
    """(rerun, shard) units of at most RUN_SHARD_USERS users each; their task ids are fixed up front."""
    from simulator.world import shard_bounds

    count = max(1, math.ceil(run.population / settings.RUN_SHARD_USERS))
    sizes = [hi - lo for lo, hi in (shard_bounds(run.population, i, count) for i in range(count))]
    RunShard.objects.bulk_create(
        RunShard(run=run, rerun=r, shard=i, users=sizes[i], task_id=uuid.uuid4().hex)
        for r in range(run.reruns)
        for i in range(count)
    )
    SimulationRun.objects.filter(pk=run.pk).update(
        shards_total=count * run.reruns, users_total=run.population * run.reruns
    )
    run.shards_total, run.users_total = count * run.reruns, run.population * run.reruns


def run_cancel(*, run: SimulationRun) -> SimulationRun:
    """Stop the run: shards check the status as they go and stop; queued messages are revoked."""
    from recoworld_app.celery import app

    changed = SimulationRun.objects.filter(pk=run.pk, status__in=SimulationRun.ACTIVE).update(
        status=Status.CANCELLED, finished_at=timezone.now(), error="Cancelled by you."
    )
    if changed:
        task_ids = list(run.shards.exclude(status=RunShard.Status.DONE).values_list("task_id", flat=True))
        try:
            app.control.revoke(task_ids)
        except Exception:  # the status check in every shard stops the work even if the broadcast is lost
            pass
    run.refresh_from_db()
    return run


def run_retry(*, run: SimulationRun) -> SimulationRun:
    """Queue a failed or cancelled run again: finished reruns are kept, the others start afresh."""
    if run.status not in (Status.FAILED, Status.CANCELLED):
        raise Conflict("Only a failed or cancelled run can be retried.")
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=run.owner_id).first()
        active = SimulationRun.objects.filter(owner_id=run.owner_id, status__in=SimulationRun.ACTIVE).count()
        if active >= settings.RUNS_MAX_ACTIVE:
            raise QuotaExceeded(
                f"You have {active} run(s) queued or running; the limit is {settings.RUNS_MAX_ACTIVE}."
            )
        run.shards.exclude(status=RunShard.Status.DONE).update(
            status=RunShard.Status.PENDING, progress=0.0, attempts=0, error=""
        )
        gangs_reset(run)
        # Fresh task ids: a revoked id stays revoked in the workers' memory.
        for shard_id in run.shards.exclude(status=RunShard.Status.DONE).values_list("pk", flat=True):
            RunShard.objects.filter(pk=shard_id).update(task_id=uuid.uuid4().hex)
        SimulationRun.objects.filter(pk=run.pk).update(status=Status.QUEUED, error="", finished_at=None)
        transaction.on_commit(partial(publish_next, run.pk))
    run.refresh_from_db()
    return run


def shards_recover(*, include_pending: bool) -> int:
    """Restart the reruns of active runs whose every process died (services.gangs: a stale heartbeat);
    with `include_pending`, also queue every pending shard again, whose message a killed worker may
    have taken with it (the filesystem broker deletes a message when a worker fetches it). Duplicates
    are harmless: a shard task that finds its shard claimed does nothing.

    A run still waiting for its account's offsets or its LLM panel is queued again at start too (that
    task queues the shards), under a fresh task id.

    Returns how many reruns were restarted plus how many messages were sent.
    """
    restarted = gangs_recover()
    if not include_pending:
        return restarted
    active = SimulationRun.objects.filter(status__in=SimulationRun.ACTIVE)
    accounts = active.filter(AWAITING_ACCOUNT)
    panels = active.filter(AWAITING_PANEL).exclude(AWAITING_ACCOUNT)
    waiting = active.filter(AWAITING_ACCOUNT | AWAITING_PANEL)
    messages = [
        (queue.SIMULATE_SHARD, shard_id, task_id)
        for shard_id, task_id in RunShard.objects.filter(
            status=RunShard.Status.PENDING, run__status__in=SimulationRun.ACTIVE
        )
        .exclude(run__in=waiting)
        .values_list("pk", "task_id")
    ]
    messages += [queue.account_message(run_id) for run_id in accounts.values_list("pk", flat=True)]
    messages += [queue.panel_message(run_id) for run_id in panels.values_list("pk", flat=True)]
    queue.send_all(messages)
    return restarted + len(messages)


def shard_execute(*, shard_id: int) -> bool:
    """Run the shard's rerun as one party of its gang (services.gangs) and store the results of the
    shards this process stepped, once each; True if this call wrote any.

    A shard whose rerun is already hosted, finished or cancelled does nothing, and the call finalizes
    the run when it finds every shard done, which a redelivered message also does.
    """
    from simulator.world import WorldConfig, run_world_shards

    shard = RunShard.objects.select_related("run").filter(pk=shard_id).first()
    if shard is None or shard.run.status not in SimulationRun.ACTIVE:
        return False
    run = shard.run
    if run.calibrated and run.account is None:  # queued too early (a sweep): the account task requeues it
        return False
    membership = gang_join(shard=shard)
    if membership is None:
        _finalize_if_complete(run.pk)
        return False
    SimulationRun.objects.filter(pk=run.pk, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=timezone.now()
    )
    try:
        results = run_world_shards(
            WorldConfig.from_dict(run.config),
            rerun=shard.rerun,
            shard_indexes=membership.shard_indexes,
            shard_count=_shards_per_rerun(run),
            exchange=gang_exchange(membership),
            party=membership.party,
            on_progress=GangProgress(membership),
            calibration=run_calibration(run),
        )
    except RunStopped:
        gang_stopped(membership)
        raise
    except Exception as exc:  # this process, or another of the gang (PartyLost): the rerun runs again
        if not SimulationRun.objects.filter(pk=run.pk, status__in=SimulationRun.ACTIVE).exists():
            gang_stopped(membership)
            raise RunStopped("its run was cancelled or failed") from exc
        gang_restart(
            run_id=run.pk,
            rerun=shard.rerun,
            epoch=membership.epoch,
            error=f"{type(exc).__name__}: {exc}",
            where=membership.where,
        )
        return False
    wrote = 0
    users = dict(RunShard.objects.filter(pk__in=membership.shard_ids).values_list("pk", "users"))
    for shard_pk, result in zip(membership.shard_ids, results, strict=True):
        with transaction.atomic():
            written = (
                RunShard.objects.filter(pk=shard_pk, result__isnull=True)
                .exclude(status=RunShard.Status.DONE)
                .update(
                    status=RunShard.Status.DONE,
                    result=result.to_dict(),
                    progress=1.0,
                    finished_at=timezone.now(),
                )
            )
            if written:
                SimulationRun.objects.filter(pk=run.pk).update(
                    shards_done=F("shards_done") + 1, users_simulated=F("users_simulated") + users[shard_pk]
                )
        wrote += written
    gang_finished(membership)
    _finalize_if_complete(run.pk)
    return bool(wrote)


def _shards_per_rerun(run: SimulationRun) -> int:
    return run.shards_total // run.reruns


def shard_retry_later(*, shard_id: int, error: str) -> None:
    """A failed attempt that will be retried: back to pending, the error kept for the record."""
    RunShard.objects.filter(pk=shard_id).exclude(status=RunShard.Status.DONE).update(
        status=RunShard.Status.PENDING, error=error[:2000]
    )


def shard_fail(*, shard_id: int, error: str) -> None:
    """A shard that failed for good fails its run with the reason; the run can be retried."""
    shard = RunShard.objects.filter(pk=shard_id).first()
    if shard is None:
        return
    RunShard.objects.filter(pk=shard_id).exclude(status=RunShard.Status.DONE).update(
        status=RunShard.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )
    where = f"Part {shard.shard + 1} of rerun {shard.rerun + 1}"
    message = f"{where} failed after {shard.attempts} attempt(s): {error[:500]}"
    SimulationRun.objects.filter(pk=shard.run_id, status__in=SimulationRun.ACTIVE).update(
        status=Status.FAILED, error=message, finished_at=timezone.now()
    )


def _finalize_if_complete(run_id: int) -> None:
    run = SimulationRun.objects.filter(pk=run_id).only("status", "shards_total").first()
    if run is None or run.status not in SimulationRun.ACTIVE:
        return
    done = RunShard.objects.filter(run_id=run_id, status=RunShard.Status.DONE).count()
    if done == run.shards_total:
        run_finalize(run_id=run_id)


def run_finalize(*, run_id: int) -> bool:
    """Merge each rerun's shards, summarise the reruns and write the result tables; once per run."""
    from simulator.reruns import summarise_reruns
    from simulator.world import ShardResult, merge_shards

    with transaction.atomic():
        run = SimulationRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status not in SimulationRun.ACTIVE:
            return False
        shards = list(
            run.shards.filter(status=RunShard.Status.DONE)
            .order_by("rerun", "shard")
            .values_list("rerun", "result")
        )
        if len(shards) != run.shards_total:
            return False
        by_rerun: dict[int, list] = {}
        for rerun, result in shards:
            by_rerun.setdefault(rerun, []).append(ShardResult.from_dict(result))
        reruns = [merge_shards(by_rerun[r]) for r in sorted(by_rerun)]
        summary = summarise_reruns(reruns, exposure=run.exposure)
        report_store(run=run, summary=summary, reruns=reruns)
        run.status = Status.DONE
        run.finished_at = timezone.now()
        run.users_simulated = run.users_total
        run.shards_done = run.shards_total
        run.save(update_fields=["status", "finished_at", "users_simulated", "shards_done"])
    exchange_clean(run_id)
    return True


def run_progress(run: SimulationRun) -> dict:
    """What the progress bar shows: shards done, users simulated (with the running shards' share),
    elapsed time and an estimate of the time left."""
    partial_users = 0.0
    if run.status == Status.RUNNING:
        running = run.shards.filter(status=RunShard.Status.RUNNING).aggregate(
            users=Sum(F("progress") * F("users"))
        )
        partial_users = running["users"] or 0.0
    simulated = min(run.users_total, run.users_simulated + int(partial_users))
    fraction = simulated / run.users_total if run.users_total else 0.0
    if run.status == Status.DONE:
        fraction, simulated = 1.0, run.users_total
    end = run.finished_at or timezone.now()
    elapsed = (end - run.started_at).total_seconds() if run.started_at else 0.0
    eta = elapsed * (1 - fraction) / fraction if run.status == Status.RUNNING and fraction > 0.01 else None
    waiting_for_panel = run.brain == SimulationRun.Brain.LLM and run.panel is None
    phase = "account" if run.calibrated and run.account is None else "panel" if waiting_for_panel else "world"
    return {
        "phase": phase if run.is_active else "world",
        "fraction": fraction,
        "percent": round(fraction * 100),
        "simulated": simulated,
        "elapsed_s": elapsed,
        "eta_s": eta,
    }


def run_delete(*, run: SimulationRun) -> None:
    if run.is_active:
        raise Conflict("Cancel the run before deleting it.")
    run.delete()
