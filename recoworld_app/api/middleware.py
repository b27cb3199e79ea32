"""Errors under /api/ that no API view answered, as the API's JSON: `{"detail": ...}`."""

from django.http import JsonResponse

API_PREFIX = "/api/"
MESSAGES = {404: "Not found.", 405: "Method not allowed."}


class JsonApiErrors:
    """An unknown address (Django's 404 page, HTML under DEBUG) or a method the address does not
    take (django-ninja's plain-text 405) becomes JSON, keeping the Allow header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code in MESSAGES
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            error = JsonResponse({"detail": MESSAGES[response.status_code]}, status=response.status_code)
            if response.has_header("Allow"):
                error["Allow"] = response["Allow"]
            return error
        return response
