from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import HTMX_STOP_POLLING

from recoworld_app.models import Draft, PerceptionState
from recoworld_app.pages.access import object_page
from recoworld_app.pages.forms import DraftForm, DraftUploadForm
from recoworld_app.pages.seen import seen_rows
from recoworld_app.services.content import content_rows
from recoworld_app.services.drafts import (
    draft_create,
    draft_delete,
    draft_for_owner,
    draft_media_names,
    draft_media_path,
    draft_update,
)
from recoworld_app.services.errors import ServiceError

DRAFT_PAGE_FACTORS = 6  # the largest; a run's page lists them all


@login_required
def draft_list(request):
    drafts = Draft.objects.filter(owner=request.user).only(
        "id", "kind", "title", "caption", "thumbnail", "duration_s", "width", "height", "created_at"
    )
    return render(request, "drafts/list.html", {"drafts": drafts})


@login_required
def draft_new(request):
    # Bound on every POST, even one whose body was refused unread (empty POST), so errors can be added.
    form = DraftUploadForm(request.POST if request.method == "POST" else None, request.FILES or None)
    rejected = getattr(request, "upload_rejected", None)
    if request.method == "POST":
        if rejected:
            form.add_error("file", rejected)
        elif form.is_valid():
            try:
                draft = draft_create(owner=request.user, upload=form.cleaned_data["file"], **_fields(form))
            except ServiceError as exc:
                form.add_error("file" if form.cleaned_data["file"] else None, str(exc))
            else:
                return redirect("draft_detail", draft_id=draft.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "drafts/new.html", {"form": form}, status=status)


def _fields(form) -> dict:
    data = form.cleaned_data
    return {k: data[k] for k in ("title", "caption", "hashtags", "topics")}


@object_page
def draft_detail(request, draft_id: int):
    draft = draft_for_owner(owner=request.user, draft_id=draft_id)
    form = DraftForm(
        request.POST or None,
        initial={
            "title": draft.title,
            "caption": draft.caption,
            "hashtags": " ".join(f"#{t}" for t in draft.hashtags),
            "topics": draft.topics,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            draft_update(draft=draft, **_fields(form))
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("draft_detail", draft_id=draft.pk)
    runs = (
        draft.run_posts.select_related("run")
        .only("run__id", "run__name", "run__status", "run__created_at", "run__population")
        .order_by("-run__created_at")
    )
    context = {
        "draft": draft,
        "form": form,
        "frames": draft_media_names(draft),
        "runs": [p.run for p in runs],
        **_perception_context(draft),
    }
    return render(request, "drafts/detail.html", context, status=400 if form.errors else 200)


def _perception_context(draft: Draft) -> dict:
    open_states = (PerceptionState.PENDING, PerceptionState.RUNNING)
    return {
        "perception_open": draft.perception_state in open_states,
        "seen": seen_rows(draft.perception),
        "topics": sorted((draft.content.get("topics") or {}).items(), key=lambda kv: -kv[1])[:3],
        "factors": content_rows(draft.content)[:DRAFT_PAGE_FACTORS],
    }


@object_page
def draft_perception_partial(request, draft_id: int):
    """The htmx poll: progress while the draft is looked at; then what was seen, and no more polling."""
    draft = draft_for_owner(owner=request.user, draft_id=draft_id)
    context = {"draft": draft, **_perception_context(draft)}
    response = render(request, "drafts/_perception.html", context)
    if not context["perception_open"]:
        response.status_code = HTMX_STOP_POLLING
    return response


@object_page
@require_POST
def draft_remove(request, draft_id: int):
    draft_delete(draft=draft_for_owner(owner=request.user, draft_id=draft_id))
    return redirect("draft_list")


@object_page
def draft_media(request, draft_id: int, name: str):
    draft = draft_for_owner(owner=request.user, draft_id=draft_id)
    path = draft_media_path(draft=draft, name=name)
    content_type = draft.media_type if name == "original" else "image/jpeg"
    response = FileResponse(open(path, "rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
