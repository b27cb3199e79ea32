import pytest
from django.urls import reverse

from recoworld_app.models import SimulationRun
from recoworld_app.services.run_options import OptionError, run_options_parse
from tests.app.conftest import run_form


def test_form_text_and_api_json_read_the_same():
    form = {
        "draft_ids": ["3", "4"],
        "audience_id": "7",
        "population": " 2500 ",
        "horizon_hours": "48",
        "reruns": "4",
        "brain": "persona",
        "seed": "",
        "at_hours": "0; 24,",
        "strategy": "",
        "name": "  Launch ",
    }
    api = {
        "draft_ids": [3, 4],
        "audience_id": 7,
        "population": 2500,
        "horizon_hours": 48,
        "reruns": 4,
        "seed": None,
        "at_hours": [0, 24.0],
        "name": "Launch",
    }
    assert run_options_parse(form) == run_options_parse(api)
    options = run_options_parse(api)
    assert options.at_hours == (0.0, 24.0) and options.seed is None and options.name == "Launch"


def test_absent_options_take_the_defaults():
    options = run_options_parse({"draft_ids": [1], "audience_id": 2, "at_hours": ""})
    assert (options.population, options.horizon_hours, options.reruns, options.brain) == (
        5000,
        168,
        19,  # the fewest reruns whose band holds 90% of simulated outcomes
        "persona",
    )
    assert options.at_hours is None and not options.variants


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("population", "lots", "Simulated users must be a whole number."),
        ("reruns", 2.5, "Reruns must be a whole number."),
        ("horizon_hours", True, "The horizon (hours) must be a whole number."),
        ("draft_ids", ["3", "x"], "Draft ids must be a whole number."),
        ("audience_id", "", "The audience must be given."),
        ("seed", "-1", "Seed must be a non-negative whole number."),
        ("seed", "soon", "Seed must be a non-negative whole number."),
        ("at_hours", "0, noon", "Write hours as numbers separated by commas, e.g. 0, 24."),
        ("at_hours", [0, None], "Write hours as numbers separated by commas, e.g. 0, 24."),
    ],
)
def test_an_unreadable_option_is_named_with_a_clear_message(field, value, message):
    with pytest.raises(OptionError) as caught:
        run_options_parse({"draft_ids": [1], "audience_id": 2} | {field: value})
    assert (caught.value.field, str(caught.value)) == (field, message)


@pytest.mark.parametrize(
    ("field", "value"), [("at_hours", "0, 24"), ("strategy", "daily-18h"), ("name", "A/B")]
)
def test_variants_refuse_options_they_would_ignore(field, value):
    with pytest.raises(OptionError) as caught:
        run_options_parse({"draft_ids": [1, 2], "audience_id": 2, "variants": True, field: value})
    assert caught.value.field == field and "Variants" in str(caught.value)


def test_the_page_shows_an_unreadable_option_by_its_field(alice_client, image_draft, video_draft, audience):
    response = alice_client.post(
        reverse("run_new"),
        run_form([image_draft.pk, video_draft.pk], audience, mode="variants", at_hours="0, 24"),
    )
    html = response.content.decode()
    assert response.status_code == 400
    error_at = html.index("leave the posting times empty")
    field_at = html.rindex('<div class="field has-error', 0, error_at)
    assert field_at < html.index('id="id_at_hours"') < error_at, "shown in the posting-times field"
    assert not SimulationRun.objects.exists()


def test_the_page_and_the_api_give_the_same_message(alice_client, alice_api, image_draft, audience):
    page = alice_client.post(reverse("run_new"), run_form([image_draft.pk], audience, seed="-3"))
    api = alice_api.post(
        "/runs",
        {"draft_ids": [image_draft.pk], "audience_id": audience.pk, "seed": -3},
        content_type="application/json",
    )
    assert page.status_code == api.status_code == 400
    assert api.json()["detail"] == "Seed must be a non-negative whole number."
    assert api.json()["detail"] in page.content.decode()
    assert not SimulationRun.objects.exists()


def test_a_creator_can_screen_a_post_to_their_followers_or_leave_a_public_sample_organic(
    alice, alice_client, alice_api, video_draft, audience, settings
):
    from recoworld_app.services.audiences import audience_create_followers_profile

    settings.RUNS_MAX_ACTIVE = 10
    fans = audience_create_followers_profile(
        owner=alice, name="Fans", size=300, profile={"niche": "food", "follower_count": 3000}
    )

    def api(**extra):
        body = {"draft_ids": [video_draft.pk], "audience_id": audience.pk, **extra}
        return alice_api.post("/runs", body, content_type="application/json")

    alice_client.post(reverse("run_new"), run_form([video_draft.pk], fans, exposure="screening"))
    assert api(exposure="organic").status_code == 201 and api().status_code == 201
    exposures = [r.config["exposure"] for r in SimulationRun.objects.order_by("pk")]
    assert exposures == ["screening", "organic", "screening"]  # the last: a public sample, by default
    wrong = api(exposure="broadcast")
    assert wrong.status_code == 400 and "Exposure must be one of organic, screening" in wrong.json()["detail"]


def test_a_creator_picks_the_platforms_recommender_on_the_form_and_in_the_api(
    alice, alice_client, alice_api, video_draft, audience, settings
):
    settings.RUNS_MAX_ACTIVE = 10

    def api(**extra):
        body = {"draft_ids": [video_draft.pk], "audience_id": audience.pk, **extra}
        return alice_api.post("/runs", body, content_type="application/json")

    alice_client.post(reverse("run_new"), run_form([video_draft.pk], audience, recommender="traditional"))
    assert api(recommender="instruction_following").status_code == 201 and api().status_code == 201
    chosen = [r.config["recommender"] for r in SimulationRun.objects.order_by("pk")]
    assert chosen == ["traditional", "instruction_following", "instruction_following"]
    before = SimulationRun.objects.count()
    wrong = api(recommender="magic")
    assert wrong.status_code in (400, 422) and "recommender" in wrong.content.decode().lower()
    assert SimulationRun.objects.count() == before
