from typing import Any, Literal

from django.http import HttpResponse
from ninja import File, Form, ModelSchema, Router, Schema, Status
from ninja.files import UploadedFile

from recoworld_app.api.schemas import Error
from recoworld_app.models import Audience
from recoworld_app.services.audiences import (
    audience_create_followers_csv,
    audience_create_followers_profile,
    audience_create_general,
    audience_create_slice,
    audience_delete,
    audience_for_owner,
    follower_csv_template,
)

router = Router(tags=["audiences"])


class AudienceOut(ModelSchema):
    class Meta:
        model = Audience
        fields = ["id", "kind", "name", "makeup", "created_at"]


class AudienceIn(Schema):
    kind: Literal["general", "slice", "followers"]
    name: str
    size: int = 5000
    filters: dict[str, list[str]] = {}
    profile: dict[str, Any] = {}


@router.get("", response=list[AudienceOut])
def list_audiences(request):
    return Audience.objects.filter(owner=request.user).defer("spec")


@router.post("", response={201: AudienceOut, 400: Error})
def create_audience(request, payload: AudienceIn):
    """A general sample, a slice (`filters`: age_band, gender, country, interests, activity) or followers
    described by a `profile` (niche, follower_count, and optional age_band/gender/country shares)."""
    common = {"owner": request.user, "name": payload.name, "size": payload.size}
    if payload.kind == "general":
        audience = audience_create_general(**common)
    elif payload.kind == "slice":
        audience = audience_create_slice(**common, filters=payload.filters)
    else:
        audience = audience_create_followers_profile(**common, profile=payload.profile)
    return Status(201, audience)


@router.post("/followers-csv", response={201: AudienceOut, 400: Error, 413: Error})
def import_followers(request, name: Form[str], file: File[UploadedFile], size: Form[int] = 5000):
    """Followers from a CSV (see the template); row-level problems come back in `detail`."""
    rejected = getattr(request, "upload_rejected", None)
    if rejected:
        return Status(413, {"detail": rejected})
    audience = audience_create_followers_csv(owner=request.user, name=name, size=size, upload=file)
    return Status(201, audience)


@router.get("/followers-template.csv", response={200: None})
def followers_template(request):
    response = HttpResponse(follower_csv_template(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="followers-template.csv"'
    return response


@router.get("/{audience_id}", response=AudienceOut)
def get_audience(request, audience_id: int):
    return audience_for_owner(owner=request.user, audience_id=audience_id)


@router.delete("/{audience_id}", response={204: None})
def delete_audience(request, audience_id: int):
    audience_delete(audience=audience_for_owner(owner=request.user, audience_id=audience_id))
    return Status(204, None)
