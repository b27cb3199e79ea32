"""CSRF with htmx: the token travels in hx-headers on <body>; without it a POST is refused with a message."""

import json
import re

from django.test import Client
from django.urls import reverse

from recoworld_app.models import WorkerPing


def _csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_htmx_post_carries_the_token_from_hx_headers(alice):
    client = _csrf_client(alice)
    page = client.get(reverse("status")).content.decode()
    headers = json.loads(re.search(r"<body hx-headers='([^']+)'", page).group(1))
    response = client.post(reverse("ping_create"), headers={"HX-Request": "true", **headers})
    assert response.status_code == 200
    assert WorkerPing.objects.filter(created_by=alice).count() == 1


def test_a_post_without_the_token_is_refused_with_a_message(alice):
    client = _csrf_client(alice)
    client.get(reverse("status"))
    response = client.post(reverse("ping_create"), headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert "Reload the page and send it again" in response.content.decode()
    assert not WorkerPing.objects.exists()


def test_a_token_from_another_session_is_refused(alice, bob):
    bobs = _csrf_client(bob)
    page = bobs.get(reverse("status")).content.decode()
    bobs_headers = json.loads(re.search(r"<body hx-headers='([^']+)'", page).group(1))
    alices = _csrf_client(alice)
    alices.get(reverse("status"))
    response = alices.post(reverse("ping_create"), headers={"HX-Request": "true", **bobs_headers})
    assert response.status_code == 403 and not WorkerPing.objects.exists()


def test_the_api_needs_no_csrf_token_but_a_bearer_token(alice):
    from recoworld_app.services.tokens import token_create, token_revoke

    token, plaintext = token_create(owner=alice, name="ci")
    client = Client(enforce_csrf_checks=True)
    auth = {"Authorization": f"Bearer {plaintext}"}
    created = client.post("/api/drafts", {"title": "Via API", "caption": "words"}, headers=auth)
    assert created.status_code == 201
    token_revoke(owner=alice, token_id=token.pk)
    refused = client.post("/api/drafts", {"title": "After", "caption": "words"}, headers=auth)
    assert refused.status_code == 401
    assert client.get("/api/drafts", headers=auth).status_code == 401, "a revoked token stops at once"
    # A logged-in browser session is not an API credential: no CSRF hole through the API.
    session = Client(enforce_csrf_checks=True)
    session.force_login(alice)
    assert session.post("/api/drafts", {"title": "CSRF", "caption": "x"}).status_code == 401
