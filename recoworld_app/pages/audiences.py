from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from recoworld_app.charts import makeup_figures
from recoworld_app.models import Audience
from recoworld_app.pages.access import object_page
from recoworld_app.pages.forms import AudienceBaseForm, FollowersCsvForm, FollowersProfileForm, SliceForm
from recoworld_app.services.audiences import (
    audience_create_followers_csv,
    audience_create_followers_profile,
    audience_create_general,
    audience_create_slice,
    audience_delete,
    audience_for_owner,
    audience_preview,
    follower_csv_template,
)
from recoworld_app.services.errors import ServiceError

KINDS = {
    "general": ("General sample", AudienceBaseForm),
    "slice": ("Demographic slice", SliceForm),
    "followers-csv": ("Followers from a CSV", FollowersCsvForm),
    "followers-profile": ("Followers from a description", FollowersProfileForm),
}


@login_required
def audience_list(request):
    audiences = Audience.objects.filter(owner=request.user).defer("spec")
    return render(request, "audiences/list.html", {"audiences": audiences})


@login_required
def audience_new(request, kind: str = "general"):
    if kind not in KINDS:
        raise Http404()
    title, form_class = KINDS[kind]
    form = form_class(request.POST or None, request.FILES or None)
    rejected = getattr(request, "upload_rejected", None)
    if request.method == "POST":
        if rejected:
            form.add_error(None, rejected)
        elif form.is_valid():
            try:
                audience = _create(kind, form, request.user)
            except ServiceError as exc:
                for problem in getattr(exc, "problems", None) or [str(exc)]:
                    form.add_error(None, problem[:1].upper() + problem[1:])
            else:
                if audience is not None:
                    return redirect("audience_detail", audience_id=audience.pk)
    context = {"form": form, "kind": kind, "title": title, "kinds": {k: v[0] for k, v in KINDS.items()}}
    return render(request, "audiences/new.html", context, status=400 if form.errors else 200)


def _create(kind: str, form, owner) -> Audience | None:
    data = form.cleaned_data
    common = {"owner": owner, "name": data["name"], "size": data["size"]}
    if kind == "general":
        return audience_create_general(**common)
    if kind == "slice":
        return audience_create_slice(**common, filters=form.filters())
    if kind == "followers-csv":
        return audience_create_followers_csv(**common, upload=data["file"])
    profile = form.profile()
    return None if form.errors else audience_create_followers_profile(**common, profile=profile)


@login_required
@require_POST
def audience_preview_partial(request, kind: str):
    """htmx: the make-up the audience being described would have, redrawn as the form changes."""
    if kind not in ("general", "slice", "followers-profile"):
        raise Http404()
    data = request.POST.copy()
    data["name"] = data.get("name") or "preview"  # a name is not needed to see the make-up
    form = KINDS[kind][1](data)
    context = {"figures": [], "problems": []}
    if form.is_valid():
        data = form.cleaned_data
        try:
            if kind == "slice":
                makeup = audience_preview(kind="slice", size=data["size"], filters=form.filters())
            elif kind == "followers-profile":
                profile = form.profile()
                if form.errors:
                    raise ServiceError("Fix the shares above to see the make-up.")
                makeup = audience_preview(kind="followers", size=data["size"], profile=profile)
            else:
                makeup = audience_preview(kind="general", size=data["size"])
        except ServiceError as exc:
            context["problems"] = getattr(exc, "problems", None) or [str(exc)]
        else:
            context["figures"] = makeup_figures(makeup)
            context["makeup"] = makeup
    else:
        context["problems"] = ["Fill in the fields above to see the make-up."]
    return render(request, "audiences/_preview.html", context)


@login_required
def follower_template(request):
    response = HttpResponse(follower_csv_template(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="followers-template.csv"'
    return response


@object_page
def audience_detail(request, audience_id: int):
    audience = audience_for_owner(owner=request.user, audience_id=audience_id)
    spec = audience.spec
    context = {
        "audience": audience,
        "figures": makeup_figures(audience.makeup),
        "filters": spec.get("filters") or {},
        "profile": spec.get("profile") or {},
        "follower_rows": len(spec.get("follower_rows") or []),
        "runs": audience.runs.only("id", "name", "status", "created_at")[:20],
    }
    return render(request, "audiences/detail.html", context)


@object_page
@require_POST
def audience_remove(request, audience_id: int):
    audience_delete(audience=audience_for_owner(owner=request.user, audience_id=audience_id))
    return redirect("audience_list")
