from typing import Annotated, Literal

from django.http import HttpResponse
from ninja import Body, File, Form, ModelSchema, Path, Router, Status
from ninja.files import UploadedFile
from pydantic import Field, model_validator

from recoworld_app.api.schemas import (
    BODY,
    OBJECT,
    UPLOAD,
    Id,
    JsonBody,
    answers,
    distinct_list,
    json_number,
    multipart,
    text,
    whole,
)
from recoworld_app.models import Audience
from recoworld_app.services.audiences import (
    NAME_MAX,
    audience_create_followers_csv,
    audience_create_followers_profile,
    audience_create_general,
    audience_create_slice,
    audience_delete,
    audience_for_owner,
    audience_max_size,
    follower_csv_template,
)
from simulator.audiences import ACTIVITY_LEVELS, MAX_FOLLOWER_COUNT
from simulator.taxonomy import AGE_BANDS, COUNTRIES, GENDERS, TOPICS

router = Router(tags=["audiences"])

Name = text(NAME_MAX, required=True)
SIZE = {"minimum": 1, "maximum": audience_max_size(), "description": "Simulated users by default."}
Size = whole(**SIZE)
FormSize = Annotated[int, Field(default=5000, json_schema_extra=SIZE)]  # form fields arrive as text
Share = Annotated[
    float, Field(gt=0, le=1e9, description="A share; shares are normalised to sum 1."), json_number
]


def _choices(values):
    return distinct_list(Literal[tuple(values)], min_items=1, max_items=len(values))


class AudienceOut(ModelSchema):
    kind: Audience.Kind

    class Meta:
        model = Audience
        fields = ["id", "kind", "name", "makeup", "created_at"]


class SliceFilters(JsonBody):
    """Users with any of the listed values of each attribute given; at least one attribute."""

    model_config = {"json_schema_extra": {"minProperties": 1}}

    age_band: _choices(AGE_BANDS) = None
    gender: _choices(GENDERS) = None
    country: _choices(COUNTRIES) = None
    interests: _choices(TOPICS) = None
    activity: _choices(ACTIVITY_LEVELS) = None

    @model_validator(mode="after")
    def _one_at_least(self):
        if not self.model_dump(exclude_none=True):
            raise ValueError("give at least one filter")
        return self


class FollowerProfile(JsonBody):
    """Followers described by the account's niche and size, and optional shares from its analytics."""

    niche: Literal[TOPICS] | _choices(TOPICS)
    follower_count: whole(minimum=1, maximum=MAX_FOLLOWER_COUNT)
    age_band: dict[Literal[AGE_BANDS], Share] = None
    gender: dict[Literal[GENDERS], Share] = None
    country: dict[Literal[COUNTRIES], Share] = None


class GeneralIn(JsonBody):
    kind: Literal["general"]
    name: Name
    size: Size = 5000


class SliceIn(GeneralIn):
    kind: Literal["slice"]
    filters: SliceFilters


class FollowersIn(GeneralIn):
    kind: Literal["followers"]
    profile: FollowerProfile


AudienceIn = Annotated[GeneralIn | SliceIn | FollowersIn, Field(discriminator="kind")]


@router.get("", response=answers({200: list[AudienceOut]}))
def list_audiences(request):
    return Audience.objects.filter(owner=request.user).defer("spec")


@router.post("", response=answers({201: AudienceOut}, BODY))
def create_audience(request, payload: Body[AudienceIn]):
    """A general sample, a slice (`filters`: age_band, gender, country, interests, activity) or followers
    described by a `profile` (niche, follower_count, and optional age_band/gender/country shares)."""
    common = {"owner": request.user, "name": payload.name, "size": payload.size}
    if payload.kind == "general":
        audience = audience_create_general(**common)
    elif payload.kind == "slice":
        audience = audience_create_slice(**common, filters=payload.filters.model_dump(exclude_none=True))
    else:
        audience = audience_create_followers_profile(
            **common, profile=payload.profile.model_dump(exclude_none=True)
        )
    return Status(201, audience)


@router.post(
    "/followers-csv", response=answers({201: AudienceOut}, UPLOAD), openapi_extra=multipart(file="text/csv")
)
def import_followers(
    request,
    name: Form[Name],
    file: File[UploadedFile],
    size: Form[FormSize],
):
    """Followers from a CSV (see the template); row-level problems come back in `detail`."""
    rejected = getattr(request, "upload_rejected", None)
    if rejected:
        return Status(413, {"detail": rejected})
    audience = audience_create_followers_csv(owner=request.user, name=name, size=size, upload=file)
    return Status(201, audience)


@router.get("/followers-template.csv", response=answers({200: None}))
def followers_template(request):
    response = HttpResponse(follower_csv_template(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="followers-template.csv"'
    return response


@router.get("/{audience_id}", response=answers({200: AudienceOut}, OBJECT))
def get_audience(request, audience_id: Path[Id]):
    return audience_for_owner(owner=request.user, audience_id=audience_id)


@router.delete("/{audience_id}", response=answers({204: None}, OBJECT))
def delete_audience(request, audience_id: Path[Id]):
    audience_delete(audience=audience_for_owner(owner=request.user, audience_id=audience_id))
    return Status(204, None)
