from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HTMX_STOP_POLLING

from recoworld_app import charts
from recoworld_app.models import Audience, Draft, SimulationRun
from recoworld_app.pages.access import object_page
from recoworld_app.pages.forms import RunForm
from recoworld_app.services.content import runs_content_side_by_side
from recoworld_app.services.errors import InvalidInput, ServiceError
from recoworld_app.services.estimates import run_estimate
from recoworld_app.services.reports import (
    comparison,
    export_csv,
    export_html,
    export_json,
    run_results,
)
from recoworld_app.services.run_options import run_submit
from recoworld_app.services.runs import (
    HORIZON_CHOICES,
    brain_choices,
    run_cancel,
    run_delete,
    run_for_owner,
    run_progress,
    run_retry,
    strategy_choices,
)
from recoworld_app.services.track_record import live_update_horizons, live_update_refusal

COMPARE_METRICS = ("views", "likes", "shares", "follows", "watch_time_s", "completion_rate")


@login_required
def run_list(request):
    runs = SimulationRun.objects.filter(owner=request.user).only(
        "id",
        "name",
        "status",
        "population",
        "reruns",
        "horizon_hours",
        "brain",
        "created_at",
        "shards_done",
        "shards_total",
        "audience_name",
    )
    return render(request, "runs/list.html", {"runs": runs})


@login_required
def run_new(request):
    drafts = Draft.objects.filter(owner=request.user).only("id", "title", "kind")
    audiences = Audience.objects.filter(owner=request.user).only("id", "name", "kind")
    initial = {"drafts": request.GET.getlist("draft"), "audience": request.GET.get("audience")}
    form = RunForm(
        request.POST or None,
        initial=initial,
        drafts=drafts,
        audiences=audiences,
        brains=brain_choices(),
        horizons=HORIZON_CHOICES,
        strategies=strategy_choices(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            runs = run_submit(owner=request.user, options=form.options)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            if form.options.variants:
                query = "&".join(f"run={r.pk}" for r in runs)
                return redirect(f"{reverse('run_compare')}?{query}")
            return redirect("run_detail", run_id=runs[0].pk)
    context = {"form": form, "has_drafts": drafts.exists(), "has_audiences": audiences.exists()}
    return render(request, "runs/new.html", context, status=400 if form.errors else 200)


@login_required
def run_estimate_partial(request):
    """The new-run form's line on how long a run of the size being typed would take (htmx)."""
    try:
        numbers = {f: int(str(request.GET.get(f, "")).replace(",", "")) for f in ESTIMATED}
        text = run_estimate(**numbers).text
    except ValueError:
        text = "Give the simulated users, the horizon and the reruns as whole numbers for an estimate."
    except InvalidInput as exc:
        text = str(exc)
    return render(request, "runs/_estimate.html", {"text": text})


ESTIMATED = ("population", "horizon_hours", "reruns")


def _run_context(run: SimulationRun) -> dict:
    context = {"run": run, "progress": run_progress(run), "posts": list(run.posts.all())}
    if run.status == SimulationRun.Status.DONE:
        context["results"] = run_results(run)
        context["live_refused"] = live_update_refusal(run)
        context["live_from"] = live_update_horizons(run)
        context["live_to"] = HORIZON_CHOICES[run.horizon_hours]
    return context


@object_page
def run_detail(request, run_id: int):
    run = run_for_owner(owner=request.user, run_id=run_id)
    return render(request, "runs/detail.html", _run_context(run))


@object_page
def run_progress_partial(request, run_id: int):
    """The htmx poll: the progress bar while the run is active; the outcome, and no more polling, after."""
    run = run_for_owner(owner=request.user, run_id=run_id)
    response = render(request, "runs/_state.html", _run_context(run))
    if not run.is_active:
        response.status_code = HTMX_STOP_POLLING
    return response


@object_page
@require_POST
def run_cancel_view(request, run_id: int):
    run = run_cancel(run=run_for_owner(owner=request.user, run_id=run_id))
    if request.htmx:
        return render(request, "runs/_state.html", _run_context(run))
    return redirect("run_detail", run_id=run.pk)


@object_page
@require_POST
def run_retry_view(request, run_id: int):
    run = run_for_owner(owner=request.user, run_id=run_id)
    try:
        run_retry(run=run)
    except ServiceError as exc:
        return HttpResponse(str(exc), status=exc.status, content_type="text/plain; charset=utf-8")
    return redirect("run_detail", run_id=run.pk)


@object_page
@require_POST
def run_delete_view(request, run_id: int):
    try:
        run_delete(run=run_for_owner(owner=request.user, run_id=run_id))
    except InvalidInput as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    return redirect("run_list")


def _finished(run: SimulationRun) -> None:
    if run.status != SimulationRun.Status.DONE:
        raise InvalidInput("The run has no results yet.")


@object_page
def run_export(request, run_id: int, fmt: str):
    run = run_for_owner(owner=request.user, run_id=run_id)
    try:
        _finished(run)
    except InvalidInput as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    filename = f"recoworld-run-{run.pk}"
    if fmt == "csv":
        response = HttpResponse(export_csv(run), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    elif fmt == "json":
        response = JsonResponse(export_json(run), json_dumps_params={"indent": 2})
        response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
    elif fmt == "html":
        response = HttpResponse(export_html(run), content_type="text/html; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}-report.html"'
    else:
        raise Http404()
    return response


@login_required
def run_compare(request):
    """Two or more finished runs side by side: charts with bands, and differences with intervals."""
    try:
        ids = list(dict.fromkeys(int(i) for i in request.GET.getlist("run")))
    except ValueError:
        raise Http404() from None
    runs = {r.pk: r for r in SimulationRun.objects.filter(owner=request.user, pk__in=ids)}
    if len(runs) != len(ids):
        raise Http404()
    ordered = [runs[i] for i in ids]
    context = {"runs": ordered, "enough": len(ordered) >= 2}
    pending = [r for r in ordered if r.status != SimulationRun.Status.DONE]
    context["pending"] = pending
    if context["enough"] and not pending:
        result = comparison(ordered, request.GET.get("horizon"))
        named = [(f"#{r.pk} {r.name}", index) for r, index in zip(ordered, result["indexes"], strict=True)]
        context.update(
            horizon=result["horizon"],
            horizon_words=charts.HORIZON_WORDS.get(result["horizon"], result["horizon"]),
            horizons=result["horizons"],
            figures=[(m, charts.compare_figure(named, m)) for m in COMPARE_METRICS],
            base=ordered[0],
            differences=result["differences"],
            content=runs_content_side_by_side(ordered),
        )
    response = render(request, "runs/compare.html", context)
    if request.htmx and not pending:
        response.status_code = HTMX_STOP_POLLING
    return response
