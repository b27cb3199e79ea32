from typing import Annotated, Literal

from django.http import FileResponse
from ninja import File, Form, ModelSchema, Path, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from recoworld_app.api.schemas import (
    BODY,
    CONFLICT,
    OBJECT,
    UPLOAD,
    VISIBLE_TEXT,
    Id,
    JsonBody,
    answers,
    distinct_list,
    multipart,
    optional,
    stated,
    text,
)
from recoworld_app.media import MEDIA_TYPES
from recoworld_app.models import Draft
from recoworld_app.services.drafts import (
    CAPTION_MAX,
    TITLE_MAX,
    draft_create,
    draft_delete,
    draft_for_owner,
    draft_media_path,
    draft_update,
)
from recoworld_app.services.errors import InvalidInput
from recoworld_app.services.text import HASHTAG_PATTERN, MAX_HASHTAGS
from simulator.taxonomy import TOPICS

router = Router(tags=["drafts"])

Title = text(TITLE_MAX, required=True)
Caption = text(CAPTION_MAX)
Topic = Annotated[str, stated(enum=list(TOPICS))]  # services.drafts.draft_topics says which it does not know
Topics = distinct_list(Topic, max_items=len(TOPICS))
# "#a b, c": hashtags with or without '#', separated by spaces or commas (services.text.parse_hashtags)
TAG = f"#?{HASHTAG_PATTERN}"
TAGS = rf"^[\s,]*({TAG}([\s,]+{TAG}){{0,{MAX_HASHTAGS - 1}}})?[\s,]*$"
Hashtags = Annotated[str, stated(maxLength=2000, pattern=TAGS)]  # parse_hashtags checks them
MediaName = Annotated[str, Field(pattern="^(original|thumb|frame-[1-9][0-9]{0,2})$")]


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
    hashtags: list[str]  # JSON columns: without these the schema would say "object"
    topics: list[Literal[TOPICS]]
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


class DraftUpdateIn(JsonBody):
    title: Title
    caption: Caption = ""
    hashtags: Annotated[list[Annotated[str, stated(pattern=f"^{TAG}$")]], stated(maxItems=MAX_HASHTAGS)] = []
    topics: Topics = []


@router.get("", response=answers({200: list[DraftOut]}))
def list_drafts(request):
    return Draft.objects.filter(owner=request.user)


# A text post needs a caption: the file or a visible caption.
_FILE_OR_CAPTION = {
    "anyOf": [
        {"required": ["file"]},
        {"required": ["caption"], "properties": {"caption": {"minLength": 1, "format": VISIBLE_TEXT}}},
    ]
}


@router.post(
    "",
    response=answers({201: DraftOut}, UPLOAD),
    openapi_extra=multipart(_FILE_OR_CAPTION, file=", ".join(MEDIA_TYPES)),
)
def create_draft(
    request,
    title: Form[Title],
    caption: Form[optional(Caption, "")],
    hashtags: Form[optional(Hashtags, "")],
    topics: Form[list[Topic]] = None,  # repeats are dropped
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


@router.get("/{draft_id}", response=answers({200: DraftOut}, OBJECT))
def get_draft(request, draft_id: Path[Id]):
    return draft_for_owner(owner=request.user, draft_id=draft_id)


@router.put("/{draft_id}", response=answers({200: DraftOut}, OBJECT, BODY, CONFLICT))
def update_draft(request, draft_id: Path[Id], payload: DraftUpdateIn):
    draft = draft_for_owner(owner=request.user, draft_id=draft_id)
    return draft_update(draft=draft, **payload.dict())


@router.delete("/{draft_id}", response=answers({204: None}, OBJECT))
def delete_draft(request, draft_id: Path[Id]):
    draft_delete(draft=draft_for_owner(owner=request.user, draft_id=draft_id))
    return Status(204, None)


@router.get("/{draft_id}/media/{name}", response=answers({200: None}, OBJECT))
def get_draft_media(request, draft_id: Path[Id], name: Path[MediaName]):
    """The original file ("original"), the thumbnail ("thumb") or a keyframe ("frame-1" ...)."""
    draft = draft_for_owner(owner=request.user, draft_id=draft_id)
    path = draft_media_path(draft=draft, name=name)
    response = FileResponse(
        open(path, "rb"), content_type=draft.media_type if name == "original" else "image/jpeg"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
