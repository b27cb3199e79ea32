from recoworld_app.models import Audience
from recoworld_app.services.audiences import audience_create_general
from tests.app.conftest import upload
from tests.app.test_audiences_views import GOOD_CSV


def test_create_general_slice_and_profile(alice_api):
    general = alice_api.post(
        "/audiences", {"kind": "general", "name": "G", "size": 300}, content_type="application/json"
    )
    assert general.status_code == 201 and general.json()["makeup"]["size"] == 300
    sliced = alice_api.post(
        "/audiences",
        {"kind": "slice", "name": "S", "size": 300, "filters": {"gender": ["female"]}},
        content_type="application/json",
    )
    assert sliced.status_code == 201 and sliced.json()["makeup"]["gender"] == {"female": 1.0}
    profile = alice_api.post(
        "/audiences",
        {"kind": "followers", "name": "F", "size": 300, "profile": {"niche": "food", "follower_count": 900}},
        content_type="application/json",
    )
    assert profile.status_code == 201
    assert [a["name"] for a in alice_api.get("/audiences").json()] == ["F", "S", "G"]


def test_invalid_slice_is_400_with_the_reason(alice_api):
    response = alice_api.post(
        "/audiences",
        {"kind": "slice", "name": "S", "size": 300, "filters": {"gender": ["robot"]}},
        content_type="application/json",
    )
    assert response.status_code == 422 and "filters.gender" in response.json()["detail"]


def test_followers_csv_upload(alice_api):
    ok = alice_api.post(
        "/audiences/followers-csv", {"name": "F", "size": 200, "file": upload("f.csv", GOOD_CSV.encode())}
    )
    assert ok.status_code == 201, ok.content
    bad = alice_api.post(
        "/audiences/followers-csv",
        {"name": "F", "file": upload("f.csv", b"age_band,gender,country,interests\n1,2,3,4\n")},
    )
    assert bad.status_code == 400 and "row 1" in bad.json()["detail"]
    assert Audience.objects.count() == 1


def test_template_get_and_delete(alice_api, alice):
    assert alice_api.get("/audiences/followers-template.csv").content.startswith(b"age_band,")
    audience = audience_create_general(owner=alice, name="A", size=100)
    assert alice_api.get(f"/audiences/{audience.pk}").json()["name"] == "A"
    assert alice_api.delete(f"/audiences/{audience.pk}").status_code == 204


def test_other_creator_gets_404_and_anonymous_401(bob_api, anon_api, alice):
    audience = audience_create_general(owner=alice, name="A", size=100)
    for api, status in ((bob_api, 404), (anon_api, 401)):
        assert api.get(f"/audiences/{audience.pk}").status_code == status
        assert api.delete(f"/audiences/{audience.pk}").status_code == status
    assert bob_api.get("/audiences").json() == []
    assert anon_api.get("/audiences").status_code == 401
    assert Audience.objects.filter(pk=audience.pk).exists()
