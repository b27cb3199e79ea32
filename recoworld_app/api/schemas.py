"""What the API's operations share: the one error body, bounded ids, and the error statuses each kind
of operation can answer, declared once. A new router documents its errors by naming its kinds:

    @router.get("/{thing_id}", response=answers({200: ThingOut}, OBJECT))
    @router.post("", response=answers({201: ThingOut}, BODY, QUEUE))
"""

from typing import Annotated, Any

from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from recoworld_app.models import ID_MAX


class JsonBody(Schema):
    """A JSON object body. (A ninja Schema reads attributes off any object, so without this a body of
    "text" would pass, its fields read off the string.)"""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data):
        if not isinstance(getattr(data, "_obj", data), dict):  # ninja hands the data in a DjangoGetter
            raise ValueError("the body must be a JSON object")
        return data


class Error(Schema):
    """Every error: a message to show; `problems` lists each bad row or field when there are several."""

    detail: str
    problems: list[str] | None = None


def _json_number(value):
    """A JSON number only: pydantic alone would take "5" or true for 5."""
    if isinstance(value, bool | str):
        raise ValueError("must be a number")
    return value


json_number = BeforeValidator(
    _json_number
)  # after any Field(ge=...) in an Annotated, or pydantic writes "ge"


def stated(**keywords):
    """JSON Schema keywords (minimum, maxLength, enum ...) that the services check themselves, with
    their own messages (the page shows the same): stated for clients, not checked twice."""
    return Field(json_schema_extra=keywords)


def whole(**keywords):
    """A JSON integer (5.0 is 5 too, as JSON Schema says); `keywords` as stated()."""
    return Annotated[int, json_number, stated(**keywords)]


def number(**keywords):
    """A JSON number; `keywords` as stated()."""
    return Annotated[float, json_number, stated(**keywords)]


_ID = {"ge": 1, "le": ID_MAX, "description": "A row's id: 1 to 2**63 - 1."}
Id = Annotated[int, Field(**_ID)]  # in a path, a query or a form, where every value arrives as text
BodyId = Annotated[int, Field(**_ID), json_number]

# Error statuses by kind of operation (every one also answers 401 without a valid token).
OBJECT = (404, 422)  # names an object: not yours or absent (404), an id out of range (422)
BODY = (400, 422)  # reads a body or query: refused by the services (400) or by the schema (422)
UPLOAD = (400, 413, 422)  # a multipart upload: also a file over the size limit (413)
CONFLICT = (409,)  # refused in the object's present state (a run still running, not yet done)
QUEUE = (429, 503)  # queues work: over the creator's quota (429), the task queue down (503)


def answers(success: dict[int, Any], *kinds: tuple[int, ...]) -> dict[int, Any]:
    """`success` plus Error for 401 and every status of the given kinds, for `response=`."""
    statuses = {401, *(status for kind in kinds for status in kind)}
    return success | {status: Error for status in sorted(statuses)}


# Text that keeps a visible character once services.text.clean_text has removed control and format
# characters (a property no pattern can state for every script): the schema names it as a format.
VISIBLE_TEXT = "visible-text"


def text(max_length: int, *, required: bool = False):
    """Creator-typed text as services.text.clean_text checks it (with its messages): at most
    `max_length` characters and, when `required`, VISIBLE_TEXT."""
    keywords = {"minLength": 1, "format": VISIBLE_TEXT} if required else {}
    return Annotated[str, stated(maxLength=max_length, **keywords)]


def optional(kind, default):
    """`kind` with a default, for a Form[...] field (whose default cannot be written `= value`)."""
    return Annotated[kind, Field(default=default)]


def multipart(schema: dict | None = None, **content_types: str) -> dict:
    """`openapi_extra` for a multipart operation: what its schema adds that a form's fields cannot say
    (a rule across fields), and the media types each file part takes."""
    body = {
        "schema": schema or {},
        "encoding": {name: {"contentType": ct} for name, ct in content_types.items()},
    }
    return {"requestBody": {"content": {"multipart/form-data": body}}}


def _distinct(values: list) -> list:
    if len(set(values)) != len(values):
        raise ValueError("each value may appear once")
    return values


def distinct_list(item, *, min_items: int = 0, max_items: int | None = None):
    """A list whose items are distinct (`uniqueItems`), checked as the schema says."""
    return Annotated[
        list[item],
        Field(min_length=min_items, max_length=max_items, json_schema_extra={"uniqueItems": True}),
        AfterValidator(_distinct),
    ]
