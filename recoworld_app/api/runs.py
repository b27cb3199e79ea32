from typing import Annotated, Any, Literal

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from ninja import ModelSchema, Path, Query, Router, Schema, Status
from pydantic import Field

from recoworld_app.api.schemas import (
    BODY,
    CONFLICT,
    OBJECT,
    QUEUE,
    BodyId,
    Id,
    JsonBody,
    answers,
    distinct_list,
    number,
    stated,
    text,
    whole,
)
from recoworld_app.charts import HORIZON_ORDER
from recoworld_app.models import ID_MAX, SimulationRun
from recoworld_app.services.errors import Conflict, InvalidInput
from recoworld_app.services.estimates import run_estimate
from recoworld_app.services.reports import comparison, export_csv, export_html, export_json
from recoworld_app.services.run_options import DEFAULTS, run_options_parse, run_submit
from recoworld_app.services.runs import (
    HORIZON_CHOICES,
    MAX_POSTS,
    MIN_POPULATION,
    NAME_MAX,
    brain_choices,
    run_cancel,
    run_delete,
    run_for_owner,
    run_progress,
    run_retry,
    runs_for_owner,
    strategy_choices,
)
from recoworld_app.services.track_record import LIVE_METRICS, LIVE_WORDS, run_live_update

router = Router(tags=["runs"])

# Stated here, checked by services.runs and services.run_options with the messages the page shows.
POPULATION = {"minimum": MIN_POPULATION, "maximum": settings.RUNS_MAX_USERS}
RERUNS = {"minimum": 1, "maximum": settings.RUNS_MAX_RERUNS}
HOURS = sorted(HORIZON_CHOICES)
Population = whole(**POPULATION)
Reruns = whole(**RERUNS)
Horizon = whole(enum=HOURS)
Brain = Annotated[str, stated(enum=list(dict(brain_choices())))]  # LLM only where an engine is set
Seed = whole(minimum=0, maximum=ID_MAX)
Hour = number(minimum=0, exclusiveMaximum=max(HORIZON_CHOICES), description="Hours after the start.")


class ProgressOut(Schema):
    # account: solving the account's offsets ("calibrated"); panel: asking the LLM panel; world: simulating
    phase: Literal["account", "panel", "world"]
    fraction: float
    percent: int
    simulated: int
    elapsed_s: float
    eta_s: float | None


class RunOut(ModelSchema):
    status: SimulationRun.Status
    brain: SimulationRun.Brain
    progress: ProgressOut

    class Meta:
        model = SimulationRun
        fields = [
            "id",
            "name",
            "status",
            "audience",
            "audience_name",
            "population",
            "horizon_hours",
            "reruns",
            "brain",
            "seed",
            "shards_total",
            "shards_done",
            "users_total",
            "users_simulated",
            "created_at",
            "started_at",
            "finished_at",
            "error",
            "calibrated",
            "account",
            "live_update",
        ]

    @staticmethod
    def resolve_progress(run) -> dict:
        return run_progress(run)


class VariantsIn(JsonBody):
    draft_ids: distinct_list(BodyId, min_items=2, max_items=MAX_POSTS)
    audience_id: BodyId
    population: Population = DEFAULTS["population"]
    horizon_hours: Horizon = DEFAULTS["horizon_hours"]
    reruns: Reruns = DEFAULTS["reruns"]
    brain: Brain = DEFAULTS["brain"]
    seed: Seed | None = None
    # Blank: followers organic, a public sample screened (simulator.world.default_exposure).
    exposure: Annotated[str, stated(enum=["", "organic", "screening"])] = ""
    # The platform's recommender in the feed sessions; blank: instruction_following.
    recommender: Annotated[str, stated(enum=["", "instruction_following", "traditional"])] = ""
    # Apply the account's offsets from its past posts (GET /api/track); true or false, not 0 or 1.
    calibrated: Annotated[bool, Field(strict=True)] = False


class RunIn(VariantsIn):
    """One run: the variants' fields, plus when each draft is posted (or a strategy) and a name."""

    draft_ids: distinct_list(BodyId, min_items=1, max_items=MAX_POSTS)
    at_hours: Annotated[list[Hour], Field(min_length=1, max_length=MAX_POSTS)] | None = None
    strategy: Annotated[str, stated(enum=["", *dict(strategy_choices())])] = ""
    name: text(NAME_MAX) = ""


Count = number(minimum=0)


class LiveUpdateIn(JsonBody):
    """The post's counts `horizon` (1h, 6h, 12h, 24h, 2d, ...) after it went out; at least one count."""

    model_config = {"json_schema_extra": {"anyOf": [{"required": [m]} for m in LIVE_METRICS]}}

    horizon: Annotated[str, stated(enum=list(LIVE_WORDS))]  # before the run's own horizon
    views: Count = None
    likes: Count = None
    comments: Count = None
    shares: Count = None
    follows: Count = None


class CompareQuery(Schema):
    run: distinct_list(Id, min_items=2)
    horizon: Literal[HORIZON_ORDER] | None = None


@router.get("", response=answers({200: list[RunOut]}))
def list_runs(request):
    return SimulationRun.objects.filter(owner=request.user).defer("config")


@router.post("", response=answers({201: RunOut}, BODY, OBJECT, CONFLICT, QUEUE))
def create_run(request, payload: RunIn):
    """Queue a run of one or more drafts, posted at `at_hours` (default all at the start) or on a named
    `strategy`: once, daily-18h, 3-a-day or 2-a-week, at the audience's local time."""
    options = run_options_parse(payload.dict())
    return Status(201, run_submit(owner=request.user, options=options)[0])


@router.post("/variants", response=answers({201: list[RunOut]}, BODY, OBJECT, CONFLICT, QUEUE))
def create_variants(request, payload: VariantsIn):
    """One run per draft with the same audience and seed: an A/B test; compare them with /runs/compare."""
    options = run_options_parse(payload.dict() | {"variants": True})
    return Status(201, run_submit(owner=request.user, options=options))


@router.get("/compare", response=answers({200: dict[str, Any]}, BODY, OBJECT, CONFLICT))
def compare_runs(request, query: Query[CompareQuery]):
    """Differences of each run against the first, per metric, with 90% intervals (paired rerun by rerun
    when the runs share seed and rerun count)."""
    runs = runs_for_owner(owner=request.user, run_ids=query.run)
    if len(runs) < 2:
        raise InvalidInput("Give at least two runs: ?run=1&run=2.")
    if any(r.status != SimulationRun.Status.DONE for r in runs):
        raise Conflict("Every run must be finished before it can be compared.")
    result = comparison(runs, query.horizon)
    return {
        "base": runs[0].pk,
        "horizon": result["horizon"],
        "comparisons": [{"run": run.pk, "differences": rows} for run, rows in result["differences"]],
    }


class EstimateQuery(Schema):
    population: Annotated[int, stated(**POPULATION)] = DEFAULTS["population"]
    horizon_hours: Annotated[int, stated(enum=HOURS)] = DEFAULTS["horizon_hours"]
    reruns: Annotated[int, stated(**RERUNS)] = DEFAULTS["reruns"]


@router.get("/estimate", response=answers({200: dict[str, Any]}, BODY))
def estimate_run(request, query: Query[EstimateQuery]):
    """How long a run of this size would take on the worker processes up now (`seconds` null when none
    is), from the median cost of the last finished reruns here, or the benchmark's before any."""
    return run_estimate(**query.dict()).to_dict()


@router.get("/{run_id}", response=answers({200: RunOut}, OBJECT))
def get_run(request, run_id: Path[Id]):
    """The run's status and progress (shards done, users simulated, elapsed and estimated time left)."""
    return run_for_owner(owner=request.user, run_id=run_id)


@router.post("/{run_id}/cancel", response=answers({200: RunOut}, OBJECT))
def cancel_run(request, run_id: Path[Id]):
    return run_cancel(run=run_for_owner(owner=request.user, run_id=run_id))


@router.post("/{run_id}/retry", response=answers({200: RunOut}, OBJECT, CONFLICT, QUEUE))
def retry_run(request, run_id: Path[Id]):
    return run_retry(run=run_for_owner(owner=request.user, run_id=run_id))


@router.delete("/{run_id}", response=answers({204: None}, OBJECT, CONFLICT))
def delete_run(request, run_id: Path[Id]):
    run_delete(run=run_for_owner(owner=request.user, run_id=run_id))
    return Status(204, None)


def _finished(request, run_id) -> SimulationRun:
    run = run_for_owner(owner=request.user, run_id=run_id)
    if run.status != SimulationRun.Status.DONE:
        raise Conflict(f"The run is {run.status}; results come when it is done.")
    return run


@router.get("/{run_id}/results", response=answers({200: dict[str, Any]}, OBJECT, CONFLICT))
def run_results(request, run_id: Path[Id]):
    """Everything: settings, schedule, audience, aggregates with 90% intervals, report, sample reactions."""
    # Plain JSON, already shaped by the service: validating thousands of rows again would only add time.
    return JsonResponse(export_json(_finished(request, run_id)))


@router.get("/{run_id}/export.csv", response=answers({200: None}, OBJECT, CONFLICT))
def run_export_csv(request, run_id: Path[Id]):
    run = _finished(request, run_id)
    response = HttpResponse(export_csv(run), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="recoworld-run-{run.pk}.csv"'
    return response


@router.get("/{run_id}/report.html", response=answers({200: None}, OBJECT, CONFLICT))
def run_export_html(request, run_id: Path[Id]):
    run = _finished(request, run_id)
    response = HttpResponse(export_html(run), content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="recoworld-run-{run.pk}-report.html"'
    return response


@router.post("/{run_id}/live-update", response=answers({200: dict[str, Any]}, OBJECT, BODY, CONFLICT))
def live_update_run(request, run_id: Path[Id], payload: LiveUpdateIn):
    """Condition a finished one-post run on the post's real counts so far: the rest of the week with
    90% bands, before and after (a posterior update; `method` says how)."""
    run = run_for_owner(owner=request.user, run_id=run_id)
    counts = payload.dict(exclude={"horizon"})
    return run_live_update(run=run, horizon=payload.horizon, counts=counts)
