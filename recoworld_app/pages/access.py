"""Who may see a page: lists send strangers to the login page; anything naming an object answers 404."""

from functools import wraps

from django.http import Http404

from recoworld_app.services.errors import NotFound


def object_page(view):
    """For URLs that name a draft, audience, run or file: anonymous visitors and other creators get 404.

    A redirect to the login page would tell a stranger that the object exists.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            raise Http404()
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404() from None

    return wrapper
