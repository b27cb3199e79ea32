"""The Track record page: import past posts, the account fit and its backtest, exports; and the live
update form of a run page."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from recoworld_app import charts
from recoworld_app.pages.access import object_page
from recoworld_app.services.errors import InvalidInput
from recoworld_app.services.runs import run_for_owner
from recoworld_app.services.track_record import (
    LIVE_METRICS,
    MIN_POSTS,
    SCHEMES,
    backtest_csv,
    headline,
    history_clear,
    history_import,
    history_posts,
    history_template,
    record_backtest,
    run_live_update,
    track_record_for,
)

CHART_METRICS = ("views", "likes", "comments", "shares")


class HistoryForm(forms.Form):
    file = forms.FileField(
        label="Past posts (CSV)", help_text="The template, or a YouTube Studio, TikTok or Instagram export."
    )


@login_required
def track_page(request):
    form = HistoryForm(request.POST or None, request.FILES or None)
    imported = None
    if request.method == "POST" and form.is_valid():
        try:
            imported = history_import(owner=request.user, upload=form.cleaned_data["file"])
        except InvalidInput as exc:
            form.add_error("file", str(exc))
            for problem in exc.problems:
                form.add_error(None, problem)
    posts = history_posts(owner=request.user)
    context = {
        "form": form,
        "imported": imported,
        "posts": posts[:200],
        "post_count": len(posts),
        "min_posts": MIN_POSTS,
    }
    record = None if form.errors else track_record_for(owner=request.user)
    if record is not None:
        scheme = request.GET.get("scheme") if request.GET.get("scheme") in SCHEMES else "loo"
        backtest = record_backtest(record, scheme)
        context.update(
            record=record,
            backtest=backtest,
            scheme=scheme,
            schemes=SCHEMES,
            offsets=record.fit["offsets"],
            headline=headline(backtest),
            rows=[
                (metric, h, e["n"], [e.get(m) for m in ("calibrated", "creator_median", "platform")])
                for metric, by_h in backtest["horizons"].items()
                for h, e in by_h.items()
            ],
            live=backtest["live_update"],
            figures=[
                (m, f) for m in CHART_METRICS if (f := charts.predicted_vs_real_figure(backtest["points"], m))
            ],
        )
    return render(request, "track/page.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def track_clear(request):
    history_clear(owner=request.user)
    return redirect("track")


def track_template(request):
    response = HttpResponse(history_template(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="past-posts-template.csv"'
    return response


@login_required
def track_export(request, fmt: str):
    record = track_record_for(owner=request.user)
    if record is None:
        raise Http404()
    if fmt == "json":
        response = JsonResponse(
            {"fit": record.fit, "backtest": record.backtest, "rolling": record.rolling},
            json_dumps_params={"indent": 2},
        )
        response["Content-Disposition"] = 'attachment; filename="track-record.json"'
    elif fmt == "csv":
        scheme = request.GET.get("scheme", "loo")
        if scheme not in SCHEMES:
            raise Http404()
        response = HttpResponse(
            backtest_csv(record_backtest(record, scheme)), content_type="text/csv; charset=utf-8"
        )
        name = "track-record-backtest" + ("-rolling" if scheme == "rolling" else "")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    else:
        raise Http404()
    return response


@object_page
@require_POST
def run_live_update_view(request, run_id: int):
    run = run_for_owner(owner=request.user, run_id=run_id)
    counts = {m: request.POST.get(m, "").strip() for m in LIVE_METRICS}
    try:
        run_live_update(run=run, horizon=request.POST.get("horizon", ""), counts=counts)
    except InvalidInput as exc:
        from recoworld_app.pages.runs import _run_context

        context = _run_context(run) | {"live_error": str(exc)}
        return render(request, "runs/detail.html", context, status=400)
    return redirect("run_detail", run_id=run.pk)
