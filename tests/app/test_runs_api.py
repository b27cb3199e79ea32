from recoworld_app.models import SimulationRun
from tests.app.test_runs_views import make_run


def payload(draft, audience, **kw) -> dict:
    return {
        "draft_ids": [draft.pk],
        "audience_id": audience.pk,
        "population": 300,
        "horizon_hours": 24,
        "reruns": 2,
        "seed": 3,
    } | kw


def test_create_status_and_cancel(alice_api, image_draft, audience):
    created = alice_api.post("/runs", payload(image_draft, audience), content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "queued" and body["shards_total"] == 2 and body["progress"]["percent"] == 0
    status = alice_api.get(f"/runs/{body['id']}").json()
    assert status["users_total"] == 600 and status["audience"] == audience.pk
    cancelled = alice_api.post(f"/runs/{body['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    assert alice_api.post(f"/runs/{body['id']}/retry").json()["status"] == "queued"
    assert [r["id"] for r in alice_api.get("/runs").json()] == [body["id"]]


def test_variants(alice_api, image_draft, video_draft, audience):
    response = alice_api.post(
        "/runs/variants",
        payload(image_draft, audience, draft_ids=[image_draft.pk, video_draft.pk]),
        content_type="application/json",
    )
    assert response.status_code == 201 and len({r["seed"] for r in response.json()}) == 1


def test_errors_are_json_messages(alice_api, image_draft, audience, settings):
    settings.RUNS_MAX_ACTIVE = 0
    quota = alice_api.post("/runs", payload(image_draft, audience), content_type="application/json")
    assert quota.status_code == 429 and "the limit is 0" in quota.json()["detail"]
    settings.RUNS_MAX_ACTIVE = 3
    bad = alice_api.post(
        "/runs", payload(image_draft, audience, horizon_hours=5), content_type="application/json"
    )
    assert bad.status_code == 400 and "Horizon must be one of" in bad.json()["detail"]
    times = alice_api.post(
        "/runs", payload(image_draft, audience, at_hours=[30]), content_type="application/json"
    )
    assert times.status_code == 400 and "Posting times must be from 0 to 24" in times.json()["detail"]
    missing = alice_api.post(
        "/runs", payload(image_draft, audience, audience_id=999999), content_type="application/json"
    )
    assert missing.status_code == 404
    assert not SimulationRun.objects.exists()


def test_results_and_exports_wait_for_the_run(alice_api, alice, image_draft, audience):
    run = make_run(alice, image_draft, audience)
    for path in ("results", "export.csv", "report.html"):
        response = alice_api.get(f"/runs/{run.pk}/{path}")
        assert response.status_code == 409 and "queued" in response.json()["detail"]
    other = make_run(alice, image_draft, audience)
    compare = alice_api.get(f"/runs/compare?run={run.pk}&run={other.pk}")
    assert compare.status_code == 409 and "finished" in compare.json()["detail"]
    assert alice_api.get(f"/runs/compare?run={run.pk}&run={run.pk}").status_code == 422
    assert alice_api.delete(f"/runs/{run.pk}").status_code == 409
    assert alice_api.post(f"/runs/{run.pk}/retry").status_code == 409


def test_other_creator_gets_404_and_anonymous_401(bob_api, anon_api, alice, image_draft, audience):
    run = make_run(alice, image_draft, audience)
    for api, status in ((bob_api, 404), (anon_api, 401)):
        for path in ("", "/results", "/export.csv", "/report.html"):
            assert api.get(f"/runs/{run.pk}{path}").status_code == status, path
        for path in ("/cancel", "/retry"):
            assert api.post(f"/runs/{run.pk}{path}").status_code == status, path
        assert api.delete(f"/runs/{run.pk}").status_code == status
    other = make_run(alice, image_draft, audience)
    assert bob_api.get(f"/runs/compare?run={run.pk}&run={other.pk}").status_code == 404
    assert (
        bob_api.post("/runs", payload(image_draft, audience), content_type="application/json").status_code
        == 404
    )
    run.refresh_from_db()
    assert run.status == "queued" and SimulationRun.objects.count() == 2
