"""Audiences: general sample, demographic slice, followers (imported CSV or a described profile)."""

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat

from recoworld_app.models import Audience
from recoworld_app.services.errors import InvalidInput, NotFound
from recoworld_app.services.text import clean_text

MAKEUP_SEED = 0  # the make-up shown before any run; each run draws its own population from its seed
MAX_ERRORS_SHOWN = 20


def audience_for_owner(*, owner, audience_id: int) -> Audience:
    audience = (
        Audience.objects.filter(pk=audience_id, owner=owner).first() if owner.is_authenticated else None
    )
    if audience is None:
        raise NotFound()
    return audience


def audience_size_problem(size) -> str | None:
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= settings.RUNS_MAX_USERS:
        return f"Size must be a whole number from 1 to {settings.RUNS_MAX_USERS:,}."
    return None


def _create(*, owner, name: str, kind: str, spec) -> Audience:
    from simulator.audiences import describe_population

    name = clean_text(name, field="Name", max_length=120, required=True)
    problem = audience_size_problem(spec.size)
    problems = ([problem] if problem else []) + spec.validate()
    if problems:
        raise InvalidInput(_join(problems), problems[:MAX_ERRORS_SHOWN])
    makeup = describe_population(spec, MAKEUP_SEED)
    with transaction.atomic():
        return Audience.objects.create(owner=owner, kind=kind, name=name, spec=spec.to_dict(), makeup=makeup)


PREVIEW_SIZE = 5000  # enough users for shares to two decimals, fast enough to redraw as the form changes


def audience_preview(
    *, kind: str, size: int, filters: dict | None = None, profile: dict | None = None
) -> dict:
    """The make-up an audience would have, without saving it (shares from a sample of PREVIEW_SIZE)."""
    from simulator.audiences import AudienceSpec, describe_population

    spec = AudienceSpec(
        kind=kind,
        size=min(size, PREVIEW_SIZE),
        filters={k: list(v) for k, v in (filters or {}).items() if v},
        profile={k: v for k, v in (profile or {}).items() if v not in (None, "", {}, [])},
    )
    problem = audience_size_problem(size)
    problems = ([problem] if problem else []) + spec.validate()
    if problems:
        raise InvalidInput(_join(problems), problems[:MAX_ERRORS_SHOWN])
    return describe_population(spec, MAKEUP_SEED)


def _join(problems: list[str]) -> str:
    shown = problems[:MAX_ERRORS_SHOWN]
    more = len(problems) - len(shown)
    text = "; ".join(shown)
    text = text[:1].upper() + text[1:]
    return text + (f"; and {more:,} more problem(s)." if more else ".")


def audience_create_general(*, owner, name: str, size: int) -> Audience:
    from simulator.audiences import AudienceSpec

    return _create(
        owner=owner, name=name, kind=Audience.Kind.GENERAL, spec=AudienceSpec(kind="general", size=size)
    )


def audience_create_slice(*, owner, name: str, size: int, filters: dict[str, list[str]]) -> Audience:
    from simulator.audiences import AudienceSpec

    filters = {k: list(v) for k, v in (filters or {}).items() if v}
    spec = AudienceSpec(kind="slice", size=size, filters=filters)
    return _create(owner=owner, name=name, kind=Audience.Kind.SLICE, spec=spec)


def audience_create_followers_profile(*, owner, name: str, size: int, profile: dict) -> Audience:
    from simulator.audiences import AudienceSpec

    profile = {k: v for k, v in profile.items() if v not in (None, "", {}, [])}
    spec = AudienceSpec(kind="followers", size=size, profile=profile)
    return _create(owner=owner, name=name, kind=Audience.Kind.FOLLOWERS, spec=spec)


def audience_create_followers_csv(*, owner, name: str, size: int, upload: UploadedFile) -> Audience:
    """Followers from an imported CSV; any bad row is reported by number and nothing is saved."""
    from simulator.audiences import AudienceSpec, parse_follower_csv

    text = follower_csv_text(upload)
    rows, errors = parse_follower_csv(text, max_rows=settings.UPLOAD_MAX_CSV_ROWS)
    if errors:
        raise InvalidInput(_join(errors), errors[:MAX_ERRORS_SHOWN])
    spec = AudienceSpec(kind="followers", size=size, follower_rows=rows)
    return _create(owner=owner, name=name, kind=Audience.Kind.FOLLOWERS, spec=spec)


def follower_csv_text(upload: UploadedFile, *, missing: str = "Choose a CSV file of your followers.") -> str:
    """The upload as text: UTF-8 (with or without a byte-order mark) within the size cap, or a message."""
    if upload is None:
        raise InvalidInput(missing)
    limit = settings.UPLOAD_MAX_CSV_BYTES
    data = bytearray()
    for chunk in upload.chunks():
        data += chunk
        if len(data) > limit:
            raise InvalidInput(f"The CSV is larger than the {filesizeformat(limit)} limit.")
    if not data:
        raise InvalidInput("The CSV file is empty.")
    if b"\0" in data[:4096]:
        raise InvalidInput("This is not a text CSV file (it contains binary data).")
    try:
        return bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"The CSV is not UTF-8 text (byte {exc.start + 1:,} cannot be read); "
            "save it from your spreadsheet as 'CSV UTF-8'."
        ) from None


def follower_csv_template() -> str:
    """The header and two example rows, which the creator downloads and fills in."""
    from simulator.audiences import FOLLOWER_CSV_COLUMNS

    examples = [
        {
            "age_band": "18-24",
            "gender": "female",
            "country": "US",
            "interests": "food|travel",
            "activity": "high",
        },
        {
            "age_band": "25-34",
            "gender": "male",
            "country": "GB",
            "interests": "fitness",
            "activity": "medium",
        },
    ]
    lines = [",".join(FOLLOWER_CSV_COLUMNS)]
    lines += [",".join(row.get(c, "") for c in FOLLOWER_CSV_COLUMNS) for row in examples]
    return "\r\n".join(lines) + "\r\n"


def audience_delete(*, audience: Audience) -> None:
    """Past runs keep their results and the audience's name."""
    audience.delete()
