"""Error responses in the creator's words: a page for people, JSON `{"detail": ...}` under /api/.

Wired as Django's handler400/404/500 and CSRF_FAILURE_VIEW, so that a request Django refuses before
any view runs (a malformed upload, a stale form) still gets a message instead of a bare status.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.template.defaultfilters import filesizeformat

BAD_REQUEST = (
    "The request could not be read. If you were uploading a file, check that its name is shorter "
    "than 1,000 characters and that the file is complete, then try again."
)
NOT_FOUND = "Not found."
SERVER_ERROR = "Something went wrong on our side; nothing was saved. Please try again in a minute."
CSRF_FAILED = "This form has expired or was sent from another site. Reload the page and send it again."


def _respond(request, status: int, title: str, message: str, *, with_user: bool = True):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    context = {"title": title, "message": message}
    html = loader.render_to_string("errors/error.html", context, request=request if with_user else None)
    return HttpResponse(html, status=status)


def bad_request(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return _respond(request, 413, "Too large", f"The form's text is too large: at most {limit} in all.")
    return _respond(request, 400, "Bad request", BAD_REQUEST)


def page_not_found(request, exception=None):
    return _respond(request, 404, "Not found", "There is nothing here, or it is not yours to see.")


def server_error(request):
    # Rendered without the request: a 500 may come from a database that is down, and the page
    # must not need it (no session, no user lookup). If even that fails, plain text says it.
    try:
        return _respond(request, 500, "Server error", SERVER_ERROR, with_user=False)
    except Exception:
        return HttpResponse(SERVER_ERROR, content_type="text/plain; charset=utf-8", status=500)


def csrf_failure(request, reason=""):
    return _respond(request, 403, "Form expired", CSRF_FAILED)
