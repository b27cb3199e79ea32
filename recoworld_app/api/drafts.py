from django.http import FileResponse
from ninja import File, Form, ModelSchema, Router, Schema, Status
from ninja.files import UploadedFile

from recoworld_app.api.schemas import Error
from recoworld_app.models import Draft
from recoworld_app.services.drafts import (
    draft_create,
    draft_delete,
    draft_for_owner,
    draft_media_path,
    draft_update,
)
from recoworld_app.services.errors import InvalidInput

router = Router(tags=["drafts"])


class HookOut(Schema):
    """The opening seconds of a video."""

    seconds: float
    motion: float | None
    face: bool | None
    text: bool | None


class PerceptionOut(Schema):
    """What the audience will see, as measured (simulator.perception.Perception); null where not measured."""

    kind: str
    width: int | None
    height: int | None
    aspect: float | None
    orientation: str | None
    duration_s: float | None
    brightness: float | None
    contrast: float | None
    colourfulness: float | None
    sharpness: float | None
    face_share: float | None
    face_area: float | None
    first_face_s: float | None
    on_screen_text: str
    hook: HookOut | None
    cuts_per_min: float | None
    motion: float | None
    audio: bool | None
    loudness_db: float | None
    notes: list[str]


class DraftOut(ModelSchema):
    perception: PerceptionOut | None

    @staticmethod
    def resolve_perception(draft: Draft):
        return draft.perception or None

    class Meta:
        model = Draft
        fields = [
            "id",
            "kind",
            "title",
            "caption",
            "hashtags",
            "topics",
            "media_type",
            "media_bytes",
            "duration_s",
            "width",
            "height",
            "fps",
            "perception_state",
            "perception_note",
            "created_at",
        ]


class DraftUpdateIn(Schema):
    title: str
    caption: str = ""
    hashtags: list[str] = []
    topics: list[str] = []


@router.get("", response=list[DraftOut])
def list_drafts(request):
    return Draft.objects.filter(owner=request.user)


@router.post("", response={201: DraftOut, 400: Error, 413: Error})
def create_draft(
    request,
    title: Form[str],
    caption: Form[str] = "",
    hashtags: Form[str] = "",
    topics: Form[list[str]] = None,
    file: File[UploadedFile] = None,
):
    """Upload a video or an image (multipart), or leave `file` out for a text post."""
    rejected = getattr(request, "upload_rejected", None)
    if rejected:
        return Status(413, {"detail": rejected})
    if file is None and request.META.get("CONTENT_TYPE", "").startswith("multipart") and request.FILES:
        raise InvalidInput("Send the media in the field named 'file'.")
    draft = draft_create(
        owner=request.user, title=title, caption=caption, hashtags=hashtags, topics=topics or [], upload=file
    )
    return Status(201, draft)


@router.get("/{draft_id}", response=DraftOut)
def get_draft(request, draft_id: int):
    return draft_for_owner(owner=request.user, draft_id=draft_id)


@router.put("/{draft_id}", response={200: DraftOut, 400: Error})
def update_draft(request, draft_id: int, payload: DraftUpdateIn):
    draft = draft_for_owner(owner=request.user, draft_id=draft_id)
    return draft_update(draft=draft, **payload.dict())


@router.delete("/{draft_id}", response={204: None})
def delete_draft(request, draft_id: int):
    draft_delete(draft=draft_for_owner(owner=request.user, draft_id=draft_id))
    return Status(204, None)


@router.get("/{draft_id}/media/{name}", response={200: None})
def get_draft_media(request, draft_id: int, name: str):
    """The original file ("original"), the thumbnail ("thumb") or a keyframe ("frame-1" ...)."""
    draft = draft_for_owner(owner=request.user, draft_id=draft_id)
    path = draft_media_path(draft=draft, name=name)
    response = FileResponse(
        open(path, "rb"), content_type=draft.media_type if name == "original" else "image/jpeg"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
