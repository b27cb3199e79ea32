from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import HTMX_STOP_POLLING

from recoworld_app.models import Audience, Draft, SimulationRun, WorkerPing
from recoworld_app.pages.access import object_page
from recoworld_app.preflight import broker_problem, database_problem, problems
from recoworld_app.services.system import worker_ping_create


@login_required
def home(request):
    context = {
        "drafts": Draft.objects.filter(owner=request.user).only(
            "id", "title", "kind", "thumbnail", "caption"
        )[:4],
        "runs": SimulationRun.objects.filter(owner=request.user).only("id", "name", "status", "created_at")[
            :5
        ],
        "audience_count": Audience.objects.filter(owner=request.user).count(),
    }
    return render(request, "home/home.html", context)


def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = UserCreationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user)
        return redirect("home")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
def status(request):
    return render(request, "status/status.html", {"problems": problems()})


@login_required
@require_POST
def ping_create(request):
    ping = worker_ping_create(user=request.user)
    return render(request, "status/_ping.html", {"ping": ping})


@object_page
def ping_detail(request, ping_id: int):
    ping = get_object_or_404(WorkerPing, pk=ping_id, created_by=request.user)
    response = render(request, "status/_ping.html", {"ping": ping})
    if ping.answered_at:
        response.status_code = HTMX_STOP_POLLING
    return response


def health(request):
    """For load balancers and operators, without logging in (so without the database): which
    dependency is down, 503 when any is. The details (hosts, the variable to fix) stay in the
    preflight command's output and on the logged-in status page."""
    checks = {"database": database_problem(), "broker": broker_problem()}
    body = {name: "unreachable" if problem else "ok" for name, problem in checks.items()}
    return JsonResponse(body, status=503 if any(checks.values()) else 200)
