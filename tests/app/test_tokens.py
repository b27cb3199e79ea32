from django.urls import reverse

from recoworld_app.models import ApiToken
from tests.app.conftest import ApiClient


def test_token_is_shown_once_and_stored_hashed(alice_client, alice):
    response = alice_client.post(reverse("token_list"), {"name": "script"})
    html = response.content.decode()
    token = ApiToken.objects.get(owner=alice)
    plaintext = html.split("data-token>")[1].split("<")[0]
    assert plaintext.startswith("rws_") and plaintext not in token.digest
    assert plaintext not in alice_client.get(reverse("token_list")).content.decode()
    assert ApiClient(plaintext).get("/drafts").status_code == 200


def test_revoked_token_stops_working_at_once(alice_client, alice):
    html = alice_client.post(reverse("token_list"), {"name": "x"}).content.decode()
    plaintext = html.split("data-token>")[1].split("<")[0]
    api = ApiClient(plaintext)
    assert api.get("/drafts").status_code == 200
    alice_client.post(reverse("token_delete", args=[ApiToken.objects.get(owner=alice).pk]))
    assert api.get("/drafts").status_code == 401


def test_other_creator_cannot_revoke(bob_client, alice_client, alice):
    alice_client.post(reverse("token_list"), {"name": "x"})
    token = ApiToken.objects.get(owner=alice)
    assert bob_client.post(reverse("token_delete", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_garbage_tokens_are_refused(db):
    for value in ("", "rws_nope", "x" * 500):
        assert ApiClient(value).get("/drafts").status_code == 401
