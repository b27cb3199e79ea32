from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from recoworld_app.models import ApiToken
from recoworld_app.pages.access import object_page
from recoworld_app.services.errors import ServiceError
from recoworld_app.services.tokens import token_create, token_revoke


@login_required
def token_list(request):
    context = {"tokens": ApiToken.objects.filter(owner=request.user), "plaintext": None, "error": None}
    if request.method == "POST":
        try:
            context["created"], context["plaintext"] = token_create(
                owner=request.user, name=request.POST.get("name", "")
            )
        except ServiceError as exc:
            context["error"] = str(exc)
    return render(request, "tokens/list.html", context, status=400 if context["error"] else 200)


@object_page
@require_POST
def token_delete(request, token_id: int):
    token_revoke(owner=request.user, token_id=token_id)
    return redirect("token_list")
