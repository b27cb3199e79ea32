"""The REST API at /api/ (OpenAPI docs at /api/docs): one router per area over the same services as the pages.

Every error is JSON `{"detail": "<message>"}`, turned into HTTP in one place below.
"""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from recoworld_app.api.audiences import router as audiences_router
from recoworld_app.api.auth import BearerToken
from recoworld_app.api.drafts import router as drafts_router
from recoworld_app.api.runs import router as runs_router
from recoworld_app.api.track import router as track_router
from recoworld_app.services.errors import NotFound, ServiceError

api = NinjaAPI(
    title="RecoWorld Studio API",
    version="1.0.0",
    description="Drafts, audiences, simulation runs, results and exports. "
    "Authenticate with `Authorization: Bearer <token>` (create a token on the API tokens page).",
    auth=BearerToken(),
    urls_namespace="api",
)
api.add_router("/drafts", drafts_router)
api.add_router("/audiences", audiences_router)
api.add_router("/runs", runs_router)
api.add_router("/track", track_router)


def _error(request, message: str, status: int):
    return api.create_response(request, {"detail": message}, status=status)


@api.exception_handler(ServiceError)
def service_error(request, exc: ServiceError):
    body = {"detail": str(exc)}
    if getattr(exc, "problems", None):
        body["problems"] = exc.problems  # each bad row or field on its own, for a client to list
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    # An address that names an object answers 404 to strangers, as the pages do: nothing to learn.
    match = getattr(request, "resolver_match", None)
    if match and any(key.endswith("_id") for key in match.kwargs):
        return _error(request, NotFound().args[0], 404)
    return _error(request, "Authentication required: send Authorization: Bearer <token>.", 401)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, "Not found.", 404)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return _error(request, str(exc), exc.status_code)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    first = exc.errors[0] if exc.errors else {}
    where = ".".join(str(part) for part in first.get("loc", ())[1:]) or "request"
    rejected = getattr(request, "upload_rejected", None)
    message = rejected or f"{where}: {first.get('msg', 'invalid value')}"
    return _error(request, message, 413 if rejected else 422)
