from typing import Any

from django.http import HttpResponse, JsonResponse
from ninja import ModelSchema, Query, Router, Schema, Status

from recoworld_app.api.schemas import Error
from recoworld_app.models import SimulationRun
from recoworld_app.services.errors import InvalidInput, NotFound
from recoworld_app.services.estimates import run_estimate
from recoworld_app.services.reports import comparison, export_csv, export_html, export_json
from recoworld_app.services.run_options import DEFAULTS, run_options_parse, run_submit
from recoworld_app.services.runs import (
    run_cancel,
    run_delete,
    run_for_owner,
    run_progress,
    run_retry,
)
from recoworld_app.services.track_record import run_live_update

router = Router(tags=["runs"])


class RunOut(ModelSchema):
    progress: dict[str, Any]

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


class VariantsIn(Schema):
    draft_ids: list[int]
    audience_id: int
    population: int = DEFAULTS["population"]
    horizon_hours: int = DEFAULTS["horizon_hours"]
    reruns: int = DEFAULTS["reruns"]
    brain: str = DEFAULTS["brain"]
    seed: int | None = None
    exposure: str = ""  # "organic", "screening", or blank: followers organic, a public sample screened
    calibrated: bool = False  # apply the account's offsets from its past posts (GET /api/track)


class RunIn(VariantsIn):
    """One run: the variants' fields, plus when each draft is posted (or a strategy) and a name."""

    at_hours: list[float] | None = None
    strategy: str = ""
    name: str = ""


class LiveUpdateIn(Schema):
    """The post's counts `horizon` (1h, 6h, 12h, 24h, 2d, ...) after it went out."""

    horizon: str
    views: float | None = None
    likes: float | None = None
    comments: float | None = None
    shares: float | None = None
    follows: float | None = None


class CompareQuery(Schema):
    run: list[int]
    horizon: str | None = None


@router.get("", response=list[RunOut])
def list_runs(request):
    return SimulationRun.objects.filter(owner=request.user).defer("config")


@router.post("", response={201: RunOut, 400: Error, 404: Error, 429: Error, 503: Error})
def create_run(request, payload: RunIn):
    """Queue a run of one or more drafts, posted at `at_hours` (default all at the start) or on a named
    `strategy`: once, daily-18h, 3-a-day or 2-a-week, at the audience's local time."""
    options = run_options_parse(payload.dict())
    return Status(201, run_submit(owner=request.user, options=options)[0])


@router.post("/variants", response={201: list[RunOut], 400: Error, 404: Error, 429: Error, 503: Error})
def create_variants(request, payload: VariantsIn):
    """One run per draft with the same audience and seed: an A/B test; compare them with /runs/compare."""
    options = run_options_parse(payload.dict() | {"variants": True})
    return Status(201, run_submit(owner=request.user, options=options))


@router.get("/compare", response={200: dict[str, Any], 400: Error, 404: Error})
def compare_runs(request, query: Query[CompareQuery]):
    """Differences of each run against the first, per metric, with 90% intervals (paired rerun by rerun
    when the runs share seed and rerun count)."""
    ids = list(dict.fromkeys(query.run))
    runs = {r.pk: r for r in SimulationRun.objects.filter(owner=request.user, pk__in=ids)}
    if len(runs) != len(ids):
        raise NotFound()
    if len(ids) < 2:
        raise InvalidInput("Give at least two runs: ?run=1&run=2.")
    if any(r.status != SimulationRun.Status.DONE for r in runs.values()):
        raise InvalidInput("Every run must be finished before it can be compared.")
    result = comparison([runs[i] for i in ids], query.horizon)
    return {
        "base": ids[0],
        "horizon": result["horizon"],
        "comparisons": [{"run": run.pk, "differences": rows} for run, rows in result["differences"]],
    }


class EstimateQuery(Schema):
    population: int = DEFAULTS["population"]
    horizon_hours: int = DEFAULTS["horizon_hours"]
    reruns: int = DEFAULTS["reruns"]


@router.get("/estimate", response={200: dict[str, Any], 400: Error})
def estimate_run(request, query: Query[EstimateQuery]):
    """How long a run of this size would take on the worker processes up now (`seconds` null when none
    is), from the median cost of the last finished reruns here, or the benchmark's before any."""
    return run_estimate(**query.dict()).to_dict()


@router.get("/{run_id}", response=RunOut)
def get_run(request, run_id: int):
    """The run's status and progress (shards done, users simulated, elapsed and estimated time left)."""
    return run_for_owner(owner=request.user, run_id=run_id)


@router.post("/{run_id}/cancel", response=RunOut)
def cancel_run(request, run_id: int):
    return run_cancel(run=run_for_owner(owner=request.user, run_id=run_id))


@router.post("/{run_id}/retry", response={200: RunOut, 400: Error, 429: Error, 503: Error})
def retry_run(request, run_id: int):
    return run_retry(run=run_for_owner(owner=request.user, run_id=run_id))


@router.delete("/{run_id}", response={204: None, 400: Error})
def delete_run(request, run_id: int):
    run_delete(run=run_for_owner(owner=request.user, run_id=run_id))
    return Status(204, None)


def _finished(request, run_id: int) -> SimulationRun:
    run = run_for_owner(owner=request.user, run_id=run_id)
    if run.status != SimulationRun.Status.DONE:
        raise InvalidInput(f"The run is {run.status}; results come when it is done.")
    return run


@router.get("/{run_id}/results", response={200: dict[str, Any], 400: Error})
def run_results(request, run_id: int):
    """Everything: settings, schedule, audience, aggregates with 90% intervals, report, sample reactions."""
    # Plain JSON, already shaped by the service: validating thousands of rows again would only add time.
    return JsonResponse(export_json(_finished(request, run_id)))


@router.get("/{run_id}/export.csv", response={200: None, 400: Error})
def run_export_csv(request, run_id: int):
    run = _finished(request, run_id)
    response = HttpResponse(export_csv(run), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="recoworld-run-{run.pk}.csv"'
    return response


@router.get("/{run_id}/report.html", response={200: None, 400: Error})
def run_export_html(request, run_id: int):
    run = _finished(request, run_id)
    response = HttpResponse(export_html(run), content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="recoworld-run-{run.pk}-report.html"'
    return response


@router.post("/{run_id}/live-update", response={200: dict[str, Any], 400: Error})
def live_update_run(request, run_id: int, payload: LiveUpdateIn):
    """Condition a finished one-post run on the post's real counts so far: the rest of the week with
    90% bands, before and after (a posterior update; `method` says how)."""
    run = run_for_owner(owner=request.user, run_id=run_id)
    counts = payload.dict(exclude={"horizon"})
    return run_live_update(run=run, horizon=payload.horizon, counts=counts)
