"""Your account's track record: import past posts, fit the account's offsets, backtest them, calibrate a
run to them, and update a post already out from its first counts (the science is simulator.track_record).
"""

import csv
import hashlib
import io
import json
import logging
import math
from collections import Counter

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from recoworld_app.models import AccountSolve, Audience, PastPost, SimulationRun, TrackRecord
from recoworld_app.services.audiences import _join, follower_csv_text
from recoworld_app.services.errors import Conflict, InvalidInput

log = logging.getLogger(__name__)
MIN_POSTS = 3  # the backtest leaves one out and needs two to predict it from
MAX_ERRORS_SHOWN = 20
LIVE_METRICS = ("views", "likes", "comments", "shares", "follows")


def history_import(*, owner, upload) -> dict:
    """Add (or replace, by post id) the posts of a history CSV; any bad row is reported by number and
    nothing is saved. Returns how many posts, the layout read and what the reading assumed."""
    from simulator.track_record.history import HistoryError, read_history

    text = follower_csv_text(upload, missing="Choose a CSV file of your past posts.")
    try:
        history = read_history(text, max_rows=settings.UPLOAD_MAX_CSV_ROWS)
    except HistoryError as exc:
        raise InvalidInput(_join(exc.problems), exc.problems[:MAX_ERRORS_SHOWN]) from None
    accounts = {p.creator for p in history.posts}
    if len(accounts) > 1:
        raise InvalidInput(
            f"The file holds the posts of {len(accounts):,} accounts; import one account's posts."
        )
    with transaction.atomic():
        for post in history.posts:
            PastPost.objects.update_or_create(
                owner=owner,
                post_id=post.post_id,
                defaults={
                    "posted_at": post.posted_at,
                    "kind": post.kind,
                    "duration_s": post.duration_s,
                    "caption": post.caption,
                    "hashtags": post.hashtags,
                    "followers": post.followers,
                    "counts": post.counts,
                    "source": history.layout,
                },
            )
        TrackRecord.objects.filter(owner=owner).delete()  # the fit was of the old history
        AccountSolve.objects.filter(owner=owner).delete()  # and so were the solved multipliers
    return {"imported": len(history.posts), "layout": history.layout, "notes": history.notes}


def history_clear(*, owner) -> int:
    with transaction.atomic():
        TrackRecord.objects.filter(owner=owner).delete()
        AccountSolve.objects.filter(owner=owner).delete()
        deleted, _ = PastPost.objects.filter(owner=owner).delete()
    return deleted


def history_template() -> str:
    from simulator.track_record.history import template_csv

    return template_csv()


def history_posts(*, owner) -> list:
    """The creator's past posts as the simulator's records."""
    from simulator.track_record.history import PastPost as Post

    return [
        Post(
            post_id=p.post_id,
            posted_at=p.posted_at,
            kind=p.kind,
            duration_s=p.duration_s,
            caption=p.caption,
            hashtags=list(p.hashtags),
            followers=p.followers,
            counts=p.counts,
        )
        for p in PastPost.objects.filter(owner=owner)
    ]


def _niche(spec: dict) -> str | None:
    """The followers' main topic: the profile's niche, or the interest most of the imported rows give."""
    niche = spec.get("profile", {}).get("niche")
    if niche:
        return niche[0] if isinstance(niche, list) else niche
    interests = Counter(
        t for row in spec.get("follower_rows", []) for t in (row.get("interests") or "").split("|") if t
    )
    return interests.most_common(1)[0][0] if interests else None


def _platform_for(audience: Audience | None, posts: list):
    """The uncalibrated world's week for a typical one of these posts shown to the followers audience;
    None without one (the backtest then takes the median of the other posts as the platform's level)."""
    from simulator.audiences import AudienceSpec
    from simulator.track_record.platform import platform_from_world, reference_item

    if audience is None or (niche := _niche(audience.spec)) is None:
        return None
    spec = AudienceSpec.from_dict(audience.spec)
    return platform_from_world(spec, reference_item(posts, niche))


def history_content(posts: list) -> list | None:
    """What the content model reads in each past post's words (simulator.track_record.content), or
    None where it cannot run (its parameters or weights missing): the fit then has the counts alone."""
    from simulator.track_record.content import past_post_content

    try:
        return past_post_content(posts)
    except (FileNotFoundError, RuntimeError) as exc:
        log.warning("content model unavailable for the history: %s", exc)
        return None


def track_record_for(*, owner) -> TrackRecord | None:
    """The fit and backtests (leave-one-out and rolling origin) of the creator's history against their
    newest followers audience (computed once per history: a reference run of the world and the
    backtests); None under MIN_POSTS posts."""
    from simulator.track_record.calibration import Platform, fit_account

    record = TrackRecord.objects.filter(owner=owner).first()
    if record is not None:
        if record.rolling is None:  # a record from before rolling origin
            platform = Platform.from_dict(record.fit["platform"]) if record.audience_id else None
            posts = history_posts(owner=owner)
            record.rolling = _backtest(posts, platform, "rolling", history_content(posts))
            TrackRecord.objects.filter(pk=record.pk).update(rolling=record.rolling)
        return record
    posts = history_posts(owner=owner)
    if len(posts) < MIN_POSTS:
        return None
    audience = (
        Audience.objects.filter(owner=owner, kind=Audience.Kind.FOLLOWERS).order_by("-created_at").first()
    )
    platform = _platform_for(audience, posts)
    content = history_content(posts)
    fit = fit_account(posts, platform or Platform(week={}, source="none"), content=content)
    record, _ = TrackRecord.objects.update_or_create(
        owner=owner,
        defaults={
            "fit": fit.to_dict(),
            "backtest": _backtest(posts, platform, "loo", content),
            "rolling": _backtest(posts, platform, "rolling", content),
            "audience": audience if platform else None,
        },
    )
    return record


def _backtest(posts: list, platform, scheme: str, content: list | None) -> dict:
    from simulator.track_record.backtest import run_backtest
    from simulator.track_record.history import History

    history = History(layout="app", posts=posts)
    return run_backtest(history, platform=platform, name="your posts", scheme=scheme, content=content)


SCHEMES = {"loo": "leave-one-out", "rolling": "rolling origin"}


def record_backtest(record: TrackRecord, scheme: str) -> dict:
    """The record's backtest by scheme: "loo" (each post from all the others) or "rolling" (each post
    from the posts before it only)."""
    if scheme not in SCHEMES:
        raise InvalidInput(f"The backtest scheme must be one of {', '.join(SCHEMES)}.")
    return record.rolling if scheme == "rolling" else record.backtest


def headline(backtest: dict) -> dict | None:
    """The backtest's figure a creator reads first: views (else the first count) at the latest horizon."""
    horizons = backtest.get("horizons", {})
    metric = "views" if "views" in horizons else next(iter(horizons), None)
    if metric is None:
        return None
    horizon, entry = list(horizons[metric].items())[-1]
    out = {"metric": metric, "horizon": horizon, "posts": entry["n"]}
    for model in ("calibrated", "creator_median", "platform"):
        if model in entry:
            out[model] = {k: entry[model][k] for k in ("mdape", "spearman", "coverage90")}
    return out


def account_check(*, owner) -> None:
    """Conflict unless the history is long enough to calibrate a run to (checked at submit, so
    the creator hears it at once; the solve itself runs on a worker: account_calibrate)."""
    posts = PastPost.objects.filter(owner=owner).count()
    if posts < MIN_POSTS:
        raise Conflict(
            f"Calibrating to your account needs at least {MIN_POSTS} past posts with their counts; "
            f"you have {posts}. Import them on the Track record page."
        )


def solve_key(*, posts: list, spec, item) -> str:
    """What the solve depends on: the history, the audience at the size its reference runs use, and the
    post it is solved for, its content's effects included (the solve is deterministic: fixed seed)."""
    from simulator.track_record.platform import REFERENCE_USERS

    audience = {**spec.to_dict(), "size": min(spec.size, REFERENCE_USERS)}
    from simulator.content.effects import PARAMS_PATH as CONTENT_PARAMS

    payload = {
        "posts": sorted((p.to_dict() for p in posts), key=lambda p: p["post_id"]),
        "audience": audience,
        "item": item.to_dict(),
        # the content model that read the posts' words
        "content": hashlib.sha256(CONTENT_PARAMS.read_bytes()).hexdigest() if CONTENT_PARAMS.exists() else "",
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def account_solve(*, owner, spec, item, check=None) -> dict:
    """What a run "calibrated to my account" applies: the account's offsets over this audience's world
    for a post like `item`, solved into per-item multipliers on top of its content's effects (simulator.
    track_record.platform: the offsets are ratios of rates, the multipliers act on odds, so they are
    solved for the post simulated), and how well the fit backtests; cached per solve_key. `check` is
    called between reference runs (it raises to stop).

    Raises Conflict when the history is too short."""
    from dataclasses import replace

    from simulator.track_record.calibration import fit_account
    from simulator.track_record.platform import account_effects, platform_from_world
    from simulator.types import ItemEffects

    account_check(owner=owner)
    posts = history_posts(owner=owner)
    key = solve_key(posts=posts, spec=spec, item=item)
    cached = AccountSolve.objects.filter(owner=owner, key=key).first()
    if cached is not None:
        return cached.account
    record = track_record_for(owner=owner)
    # the platform's level for such a post, its content left out: the fit weighs the past posts' own
    platform = platform_from_world(spec, replace(item, effects=ItemEffects()), check=check)
    fit = fit_account(posts, platform, content=history_content(posts))
    notes = list(fit.notes)
    if spec.kind != "followers":
        # Reach is relative to the account's followers; a sample of the public keeps the platform's.
        fit.offsets.pop("reach", None)
        notes.append("Reach is not applied: the audience is not your followers.")
    solved = account_effects(fit, spec, item, check=check)
    account = {
        "posts": fit.posts,
        "method": fit.method,
        "offsets": {k: o.to_dict() for k, o in fit.offsets.items()},
        "effects": solved.effects.to_dict(),
        "targets": solved.targets,
        "achieved": solved.achieved,
        "platform": platform.source,
        "backtest": headline(record.backtest) if record else None,
        "notes": notes,
        "at": timezone.now().isoformat(timespec="seconds"),
    }
    AccountSolve.objects.get_or_create(owner=owner, key=key, defaults={"account": account})
    return account


def account_calibrate(*, run_id: int) -> bool:
    """Solve a calibrated run's account (once; cached per history and audience), store it on the run
    with its posts' multipliers, then queue what comes next (the LLM panel, or the shards). True if this
    call stored it; a redelivered message finds it stored and only queues what is still pending.

    Raises RunStopped when the run is cancelled during the solve, InvalidInput when it cannot be done."""
    from recoworld_app.services.gangs import RunStopped
    from recoworld_app.services.queue import publish_next
    from simulator.types import ItemEffects
    from simulator.world import WorldConfig

    run = SimulationRun.objects.filter(pk=run_id, status__in=SimulationRun.ACTIVE, calibrated=True).first()
    if run is None:
        return False
    wrote = False
    if run.account is None:
        SimulationRun.objects.filter(pk=run_id, status=SimulationRun.Status.QUEUED).update(
            status=SimulationRun.Status.RUNNING, started_at=timezone.now()
        )

        def check() -> None:
            if not SimulationRun.objects.filter(pk=run_id, status__in=SimulationRun.ACTIVE).exists():
                raise RunStopped("its run was cancelled")

        config = WorldConfig.from_dict(run.config)
        # solved for the first post (a strategy's posts are one draft's copies; variants are one run each)
        account = account_solve(owner=run.owner, spec=config.audience, item=config.posts[0].item, check=check)
        mine = ItemEffects.from_dict(account["effects"])
        for post in config.posts:
            post.item.effects = post.item.effects.combined(mine)
        wrote = bool(
            SimulationRun.objects.filter(
                pk=run_id, account__isnull=True, status__in=SimulationRun.ACTIVE
            ).update(account=account, config=config.to_dict())
        )
    publish_next(run_id)
    return wrote


def account_fail(*, run_id: int, error: str) -> None:
    """The run fails with the reason its account could not be solved; a retry asks again."""
    SimulationRun.objects.filter(pk=run_id, status__in=SimulationRun.ACTIVE).update(
        status=SimulationRun.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )


LIVE_WORDS = {"1h": "1 hour", "6h": "6 hours", "12h": "12 hours", "24h": "24 hours", "2d": "2 days"}


def _run_target(run: SimulationRun) -> str:
    """The label of the run's last horizon (simulator.world.HORIZONS), which its forecast ends at."""
    from simulator.track_record.history import HORIZON_HOURS

    return next(h for h, hours in HORIZON_HOURS.items() if hours == run.horizon_hours)


def live_update_refusal(run: SimulationRun) -> str | None:
    """Why this run cannot be updated from a post's counts so far, or None when it can."""
    if run.status != SimulationRun.Status.DONE:
        return "A live update needs the run's results; wait until it is done."
    posts = run.posts.count()
    if posts != 1:
        return (
            f"A live update is for a run of one post; this run posts {posts} times, and counts so far "
            "cannot be told apart between them."
        )
    return None


def live_update_horizons(run: SimulationRun) -> list[tuple[str, str]]:
    """The ages at which counts so far can be entered: before the run's last horizon."""
    from simulator.track_record.history import HORIZON_HOURS

    return [(h, w) for h, w in LIVE_WORDS.items() if HORIZON_HOURS[h] < run.horizon_hours]


def run_live_update(*, run: SimulationRun, horizon: str, counts: dict) -> dict:
    """Condition a finished one-post run on the post's counts so far (a posterior update, simulator.
    track_record.calibration.live_update) up to the run's own horizon, and keep it on the run."""
    from simulator.track_record.calibration import LIVE_METHOD, Z90, Forecast, live_update, prior
    from simulator.track_record.history import HORIZON_HOURS
    from simulator.world import HORIZONS

    refusal = live_update_refusal(run)
    if refusal:
        raise Conflict(refusal)
    target = _run_target(run)
    allowed = [h for h, _ in live_update_horizons(run)]
    if horizon not in allowed:
        raise Conflict(
            f"The run forecasts the post up to {target}; give its counts at one of {', '.join(allowed)}."
        )
    observed = {}
    for metric in LIVE_METRICS:
        value = counts.get(metric)
        if value in (None, ""):
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise InvalidInput(f"{metric.capitalize()} must be a number.") from None
        if not math.isfinite(number) or number < 0:
            raise InvalidInput(f"{metric.capitalize()} must be zero or more.")
        observed[metric] = number
    if not observed:
        raise InvalidInput("Give at least one count so far (views, likes, comments, shares or follows).")
    account = run.account or {}
    stretch = account.get("offsets", {}).get("timing", {}).get("multiplier", 1.0)
    forecasts = {}
    cells = {(m.metric, m.horizon): m for m in run.metrics.filter(segment="all", metric__in=list(observed))}
    for metric, count in observed.items():
        last = cells.get((metric, target))
        if last is None or last.mean <= 0:
            continue
        band_sd = math.log(max(last.hi, last.mean) / max(last.lo, last.mean * 1e-3)) / (2 * Z90)
        spread = prior(f"level:{metric}")[0]  # post to post: a run's band is only the simulator's own
        before = Forecast(
            metric=metric,
            log_week=math.log(last.mean),
            week_sd=math.hypot(band_sd, spread),
            stretch=stretch,
            target=target,
        )
        after = live_update(before, horizon=horizon, count=count)
        later = [h for h in HORIZONS if HORIZON_HOURS[horizon] <= HORIZON_HOURS[h] <= HORIZON_HOURS[target]]
        forecasts[metric] = {
            "before": {h: [round(x, 2) for x in before.at(h)] for h in later},
            "after": {h: [round(x, 2) for x in after.at(h)] for h in later},
        }
    if not forecasts:
        raise Conflict("The run predicted none of these counts, so there is nothing to update.")
    update = {
        "horizon": horizon,
        "to": target,
        "observed": observed,
        "method": LIVE_METHOD,
        "forecasts": forecasts,
    }
    SimulationRun.objects.filter(pk=run.pk).update(live_update=update)
    run.live_update = update
    return update


def backtest_csv(backtest: dict) -> str:
    """Every predicted-vs-real point of the backtest, and the summary per count and horizon."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        ["post_id", "metric", "horizon", "actual", "calibrated", "lo", "hi", "creator_median", "platform"]
    )
    for p in backtest.get("points", []):
        writer.writerow(
            [
                p["post_id"],
                p["metric"],
                p["horizon"],
                p["actual"],
                p.get("calibrated"),
                p.get("lo"),
                p.get("hi"),
                p.get("creator_median"),
                p.get("platform"),
            ]
        )
    writer.writerow([])
    writer.writerow(["metric", "horizon", "model", "posts", "mdape", "spearman", "coverage90"])
    for metric, by_h in backtest.get("horizons", {}).items():
        for horizon, entry in by_h.items():
            for model in ("calibrated", "creator_median", "platform"):
                if model in entry:
                    e = entry[model]
                    writer.writerow(
                        [metric, horizon, model, e["n"], e["mdape"], e["spearman"], e["coverage90"]]
                    )
    return out.getvalue()
