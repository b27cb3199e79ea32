from django.urls import reverse

from recoworld_app.models import Audience
from recoworld_app.services.audiences import audience_create_general
from tests.app.conftest import upload

GOOD_CSV = (
    "age_band,gender,country,interests,activity\n"
    "18-24,female,US,food|travel,high\n"
    "25-34,male,GB,fitness,medium\n"
    "13-17,female,CA,music,\n"
)


def test_general_sample_is_created_with_its_makeup(alice_client, alice):
    response = alice_client.post(
        reverse("audience_new", args=["general"]), {"name": "Everyone", "size": 2000}
    )
    audience = Audience.objects.get(owner=alice)
    assert response.status_code == 302 and response.url == reverse("audience_detail", args=[audience.pk])
    assert audience.kind == "general" and audience.makeup["size"] == 2000
    assert abs(sum(audience.makeup["age_band"].values()) - 1) < 0.01
    html = alice_client.get(response.url).content.decode()
    assert 'data-figure-id="fig-age_band"' in html and 'id="fig-age_band"' in html


def test_slice_keeps_only_the_ticked_groups(alice_client, alice):
    response = alice_client.post(
        reverse("audience_new", args=["slice"]),
        {
            "name": "US teens into fitness",
            "size": 1000,
            "age_band": ["13-17"],
            "country": ["US", "CA"],
            "interests": ["fitness"],
        },
    )
    assert response.status_code == 302
    audience = Audience.objects.get(owner=alice)
    assert audience.spec["filters"] == {
        "age_band": ["13-17"],
        "country": ["US", "CA"],
        "interests": ["fitness"],
    }
    assert audience.makeup["age_band"] == {"13-17": 1.0}
    assert set(audience.makeup["country"]) <= {"US", "CA"}


def test_slice_without_any_filter_is_explained(alice_client):
    response = alice_client.post(reverse("audience_new", args=["slice"]), {"name": "x", "size": 100})
    assert response.status_code == 400 and "at least one filter" in response.content.decode()
    assert not Audience.objects.exists()


def test_followers_csv_import(alice_client, alice):
    response = alice_client.post(
        reverse("audience_new", args=["followers-csv"]),
        {"name": "My followers", "size": 500, "file": upload("f.csv", GOOD_CSV.encode())},
    )
    assert response.status_code == 302
    audience = Audience.objects.get(owner=alice)
    assert audience.kind == "followers" and len(audience.spec["follower_rows"]) == 3


def test_followers_csv_with_bad_rows_lists_them_by_number_and_saves_nothing(alice_client):
    bad = GOOD_CSV + "12-99,female,US,food,\n55+,robot,XX,knitting,\n"
    response = alice_client.post(
        reverse("audience_new", args=["followers-csv"]),
        {"name": "F", "size": 500, "file": upload("f.csv", bad.encode())},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "<li>Row 4: age_band &#x27;12-99&#x27;" in html and "<li>Row 5: gender &#x27;robot&#x27;" in html
    assert not Audience.objects.exists()


def test_followers_csv_missing_columns_and_bad_encoding(alice_client):
    url = reverse("audience_new", args=["followers-csv"])
    missing = alice_client.post(
        url, {"name": "F", "size": 5, "file": upload("f.csv", b"age_band,gender\n18-24,male\n")}
    )
    assert "Missing column(s): country, interests" in missing.content.decode()
    latin = alice_client.post(
        url, {"name": "F", "size": 5, "file": upload("f.csv", GOOD_CSV.encode() + b"\xe9\xff")}
    )
    assert "not UTF-8" in latin.content.decode()
    assert not Audience.objects.exists()


def test_followers_from_a_description(alice_client, alice):
    response = alice_client.post(
        reverse("audience_new", args=["followers-profile"]),
        {
            "name": "Cooking fans",
            "size": 1000,
            "niche": ["food"],
            "follower_count": 120000,
            "age_band": "18-24 40, 25-34 60",
            "gender": "female 70, male 30",
            "country": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    audience = Audience.objects.get(owner=alice)
    assert audience.spec["profile"]["age_band"] == {"18-24": 0.4, "25-34": 0.6}
    assert audience.makeup["real_followers"] > 0


def test_followers_description_with_unreadable_shares(alice_client):
    response = alice_client.post(
        reverse("audience_new", args=["followers-profile"]),
        {"name": "x", "size": 100, "niche": ["food"], "follower_count": 10, "gender": "mostly women"},
    )
    assert response.status_code == 400 and "Write pairs like" in response.content.decode()


def test_template_download(alice_client):
    response = alice_client.get(reverse("follower_template"))
    assert response["Content-Disposition"].startswith("attachment")
    assert response.content.decode().splitlines()[0] == "age_band,gender,country,interests,activity"


def test_list_and_delete(alice_client, alice):
    audience = audience_create_general(owner=alice, name="All", size=100)
    assert "All" in alice_client.get(reverse("audience_list")).content.decode()
    alice_client.post(reverse("audience_delete", args=[audience.pk]))
    assert not Audience.objects.exists()


def test_other_creator_and_anonymous_get_404(bob_client, client, alice):
    audience = audience_create_general(owner=alice, name="Mine", size=100)
    for c in (bob_client, client):
        assert c.get(reverse("audience_detail", args=[audience.pk])).status_code == 404
        assert c.post(reverse("audience_delete", args=[audience.pk])).status_code == 404
    assert "Mine" not in bob_client.get(reverse("audience_list")).content.decode()
    assert Audience.objects.filter(pk=audience.pk).exists()


def test_size_over_the_quota_is_refused(alice_client, settings):
    settings.RUNS_MAX_USERS = 1000
    response = alice_client.post(reverse("audience_new", args=["general"]), {"name": "Big", "size": 5000})
    assert response.status_code == 400 and "from 1 to 1,000" in response.content.decode()


def test_slice_by_activity(alice_client, alice):
    response = alice_client.post(
        reverse("audience_new", args=["slice"]), {"name": "Heavy users", "size": 500, "activity": ["high"]}
    )
    assert response.status_code == 302
    assert Audience.objects.get(owner=alice).spec["filters"] == {"activity": ["high"]}


def test_builder_previews_the_makeup_as_the_form_changes(alice_client):
    url = reverse("audience_preview", args=["slice"])
    response = alice_client.post(
        url, {"name": "x", "size": 800, "gender": ["female"]}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="fig-preview-gender"' in html
    assert '"x": ["female"]' in html and not Audience.objects.exists()
    empty = alice_client.post(url, {"name": "x", "size": 800}, HTTP_HX_REQUEST="true").content.decode()
    assert "at least one filter" in empty
    page = alice_client.get(reverse("audience_new", args=["slice"])).content.decode()
    assert (
        f'hx-post="{url}"' in page and 'hx-include="closest form"' in page and 'id="makeup-preview"' in page
    )


def test_preview_is_for_creators_only(client, db):
    assert (
        client.post(reverse("audience_preview", args=["general"]), {"name": "x", "size": 10}).status_code
        == 302
    )
