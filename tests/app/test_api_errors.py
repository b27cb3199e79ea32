"""What integrators found the API answering wrongly (issue 19): each answer is now a JSON error with
the status the schema names, never a 500 or an HTML page."""

import pytest

from recoworld_app.models import Audience, SimulationRun
from recoworld_app.pages.errors import BAD_REQUEST
from tests.app.test_runs_api import payload
from tests.app.test_runs_views import make_run

PAST_64_BITS = [2**63, 2**64, -(2**63) - 1, -(2**64)]


@pytest.mark.parametrize("far", PAST_64_BITS)
def test_ids_past_64_bits_answer_404_or_422_not_500(alice_api, alice, image_draft, audience, far):
    run = make_run(alice, image_draft, audience)
    compare = alice_api.get(f"/runs/compare?run={run.pk}&run={far}")
    assert compare.status_code in (404, 422) and "detail" in compare.json()
    for path in ("/runs", "/runs/variants"):
        body = payload(image_draft, audience, draft_ids=[image_draft.pk, far])
        response = alice_api.post(path, body, content_type="application/json")
        assert response.status_code in (404, 422) and "detail" in response.json(), path
    far_audience = alice_api.post(
        "/runs", payload(image_draft, audience, audience_id=far), content_type="application/json"
    )
    assert far_audience.status_code in (404, 422)
    for path in (f"/runs/{far}", f"/drafts/{far}", f"/audiences/{far}"):
        assert alice_api.get(path).status_code in (404, 422), path
    assert SimulationRun.objects.count() == 1


@pytest.mark.parametrize("far", PAST_64_BITS)
def test_compare_page_with_an_id_past_64_bits_is_404(alice_client, alice, image_draft, audience, far):
    run = make_run(alice, image_draft, audience)
    assert alice_client.get(f"/runs/compare/?run={run.pk}&run={far}").status_code == 404


@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; boundary="])
@pytest.mark.parametrize("path", ["/audiences/followers-csv", "/drafts"])
def test_multipart_without_a_boundary_is_400_json(alice_api, path, content_type):
    response = alice_api.post(path, b"name=x", content_type=content_type)
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
    assert response.json()["detail"] == BAD_REQUEST
    assert not Audience.objects.exists()


@pytest.mark.parametrize("debug", [True, False])
def test_unknown_paths_and_methods_under_api_answer_json(alice_api, image_draft, settings, debug):
    settings.DEBUG = debug  # Django's own 404 page is HTML under DEBUG
    for path in ("/nothing-here", "/drafts/1/nothing", "/runs/compare/extra"):
        response = alice_api.get(path)
        assert response.status_code == 404 and list(response.json()) == ["detail"], path
    response = alice_api.patch(f"/drafts/{image_draft.pk}", {}, content_type="application/json")
    assert response.status_code == 405 and response.json() == {"detail": "Method not allowed."}
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "PUT", "DELETE"}


def test_draft_hashtags_and_topics_are_lists_in_the_schema_and_in_answers(alice_api, client, image_draft):
    schema = client.get("/api/openapi.json").json()["components"]["schemas"]["DraftOut"]["properties"]
    for field in ("hashtags", "topics"):
        assert schema[field]["type"] == "array" and schema[field]["items"]["type"] == "string", field
    body = alice_api.get(f"/drafts/{image_draft.pk}").json()
    assert isinstance(body["hashtags"], list) and isinstance(body["topics"], list)


def test_an_audience_too_large_gets_one_message_with_the_one_limit(alice_api, settings):
    response = alice_api.post(
        "/audiences", {"kind": "general", "name": "G", "size": 5_000_000}, content_type="application/json"
    )
    assert response.status_code in (400, 422)
    detail = response.json()["detail"].replace(",", "")
    assert str(settings.RUNS_MAX_USERS) in detail and "1000000" not in detail and ";" not in detail


def test_a_follower_count_past_any_account_is_refused(alice_api):
    from simulator.audiences import MAX_FOLLOWER_COUNT

    for count in (MAX_FOLLOWER_COUNT + 1, 99999999999999999999):
        profile = {"niche": "food", "follower_count": count}
        body = {"kind": "followers", "name": "F", "size": 300, "profile": profile}
        response = alice_api.post("/audiences", body, content_type="application/json")
        assert response.status_code in (400, 422), count
        assert "follower_count" in response.json()["detail"].lower(), count
    assert not Audience.objects.exists()


def test_a_body_that_is_not_a_json_object_is_refused(alice_api, image_draft):
    for body in ('"AAA"', "[1, 2]", "7"):
        response = alice_api.put(f"/drafts/{image_draft.pk}", body, content_type="application/json")
        assert response.status_code == 422, (body, response.content)
    image_draft.refresh_from_db()
    assert image_draft.title == "Sunset"


@pytest.mark.parametrize(
    "hashtags", [["0", ""] * 15 + ["0"], ["pasta", ""]], ids=["past the limit before dedup", "an empty tag"]
)
def test_a_hashtag_list_the_schema_refuses_is_refused(alice_api, image_draft, hashtags):
    """The schema's maxItems and item pattern hold on the list as sent, not on what is left of it."""
    before = alice_api.get(f"/drafts/{image_draft.pk}").json()["hashtags"]
    body = {"title": "T", "caption": "", "hashtags": hashtags, "topics": []}
    response = alice_api.put(f"/drafts/{image_draft.pk}", body, content_type="application/json")
    assert response.status_code in (400, 422) and "hashtag" in response.json()["detail"]
    assert alice_api.get(f"/drafts/{image_draft.pk}").json()["hashtags"] == before
