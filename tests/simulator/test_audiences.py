import numpy as np
import pytest

from simulator.audiences import (
    CHOICES,
    FOLLOWER_CSV_COLUMNS,
    FOLLOWER_SHARE,
    AudienceSpec,
    build_population,
    describe_population,
    parse_follower_csv,
    platform_marginals,
)
from simulator.taxonomy import AGE_BANDS, COUNTRIES, TOPIC_INDEX
from simulator.types import Persona

GOOD_CSV = (
    "age_band,gender,country,interests,activity\n18-24,female,US,fitness|food,high\n25-34,male,br,music,2.5\n"
)


def test_same_spec_and_seed_give_the_same_population_and_another_seed_does_not():
    spec = AudienceSpec(kind="general", size=500)
    a, b, c = build_population(spec, 7), build_population(spec, 7), build_population(spec, 8)
    for name in ("age", "gender", "country", "interests", "sessions_per_day", "weight"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert not np.array_equal(a.interests, c.interests)


def test_general_sample_follows_the_published_marginals():
    pop = build_population(AudienceSpec(kind="general", size=20_000), 1)
    m = platform_marginals()["age_band"]
    users = {b: m["us_population_millions"][b] * m["usage_rate"][b] for b in AGE_BANDS}
    expected = users["18-24"] / sum(users.values())
    assert abs(np.mean(pop.age == AGE_BANDS.index("18-24")) - expected) < 0.02
    assert abs(np.mean(pop.country == COUNTRIES.index("US")) - 0.2) < 0.03
    np.testing.assert_allclose(pop.interests.sum(axis=1), 1.0, rtol=1e-5)
    assert not pop.follower.any() and np.all(pop.weight == 1.0)


def test_every_marginal_in_the_data_file_cites_its_sources():
    for name in ("age_band", "gender", "country", "interests", "activity"):
        section = platform_marginals()[name]
        assert section["sources"] and section["method"]


def test_slice_keeps_only_the_allowed_values_and_the_interest():
    spec = AudienceSpec(
        kind="slice",
        size=2000,
        filters={"age_band": ["13-17"], "country": ["US", "CA"], "interests": ["fitness"]},
    )
    pop = build_population(spec, 3)
    assert np.all(pop.age == AGE_BANDS.index("13-17"))
    assert set(np.unique(pop.country)) == {COUNTRIES.index("US"), COUNTRIES.index("CA")}
    assert pop.interest_members()[:, TOPIC_INDEX["fitness"]].all()
    assert describe_population(spec, 3)["age_band"] == {"13-17": 1.0}


def test_followers_from_a_profile_stand_for_the_real_follower_count():
    spec = AudienceSpec(
        kind="followers",
        size=1000,
        profile={"niche": "food", "follower_count": 120_000, "age_band": {"18-24": 0.4, "25-34": 0.6}},
    )
    pop = build_population(spec, 1)
    n_followers = round(1000 * FOLLOWER_SHARE)
    assert pop.follower.sum() == n_followers
    assert pop.weight[pop.follower].sum() == pytest.approx(120_000)
    assert set(np.unique(pop.age[pop.follower])) == {AGE_BANDS.index("18-24"), AGE_BANDS.index("25-34")}
    assert pop.interest_members()[pop.follower, TOPIC_INDEX["food"]].all()
    assert describe_population(spec, 1)["real_followers"] == 120_000


def test_followers_from_csv_rows_keep_their_attributes():
    rows, errors = parse_follower_csv(GOOD_CSV, max_rows=100)
    assert errors == [] and rows[1]["country"] == "BR"
    pop = build_population(AudienceSpec(kind="followers", size=10, follower_rows=rows), 2)
    followers = np.flatnonzero(pop.follower)
    assert set(np.unique(pop.country[followers])) <= {COUNTRIES.index("US"), COUNTRIES.index("BR")}
    assert pop.weight[0] == pytest.approx(2 / len(followers))


def test_csv_problems_are_named_row_by_row_and_no_rows_come_back():
    text = (
        "age_band,gender,country,interests,activity\n"
        "18-24,female,US,fitness,high\n"
        "12-99,male,XX,knitting,often\n"
    )
    rows, errors = parse_follower_csv(text, max_rows=100)
    assert rows == []
    assert "row 2: age_band '12-99' is not one of 13-17, 18-24, 25-34, 35-44, 45-54, 55+" in errors
    assert any(e.startswith("row 2: country 'XX'") for e in errors)
    assert any("'knitting'" in e for e in errors) and any("activity 'often'" in e for e in errors)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "the file is empty"),
        ("age,gender\n1,2\n", "missing column(s): age_band, country, interests"),
        ("age_band,gender,country,interests\n", "no follower rows"),
        (GOOD_CSV + "18-24,female,US,food,low\n", "more than 2 rows"),
    ],
)
def test_csv_files_that_cannot_be_used_get_a_clear_message(text, fragment):
    rows, errors = parse_follower_csv(text, max_rows=2)
    assert rows == [] and any(fragment in e for e in errors), errors


def test_template_header_and_choices_name_the_allowed_values():
    assert FOLLOWER_CSV_COLUMNS == ("age_band", "gender", "country", "interests", "activity")
    assert "fitness" in CHOICES["interests"] and "US" in CHOICES["country"]


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        (AudienceSpec(kind="crowd"), "audience kind 'crowd'"),
        (AudienceSpec(kind="general", size=0), "size must be"),
        (AudienceSpec(kind="slice", size=10), "a slice needs at least one filter"),
        (AudienceSpec(kind="slice", size=10, filters={"age_band": ["12-99"]}), "age_band '12-99' not among"),
        (AudienceSpec(kind="followers", size=10), "either imported follower rows or a creator profile"),
        (
            AudienceSpec(kind="followers", size=10, profile={"niche": "cooking", "follower_count": 5}),
            "niche 'cooking'",
        ),
        (
            AudienceSpec(kind="followers", size=10, profile={"niche": "food", "follower_count": -1}),
            "follower_count",
        ),
    ],
)
def test_invalid_specs_explain_themselves_and_do_not_build(spec, fragment):
    problems = spec.validate()
    assert any(fragment in p for p in problems), problems
    with pytest.raises(ValueError):
        build_population(spec, 1)


def test_spec_round_trips_through_json_and_personas_materialise():
    spec = AudienceSpec(kind="slice", size=50, filters={"gender": ["female"]})
    assert AudienceSpec.from_dict(spec.to_dict()) == spec
    pop = build_population(spec, 1)
    persona = pop.persona(4, neighbours=[1, 2], influence=[0.5, 0.2])
    assert Persona.from_dict(persona.to_dict()) == persona
    assert persona.demographics.gender == "female" and persona.social.neighbours == [1, 2]
    assert "female" in pop.summary(4)
