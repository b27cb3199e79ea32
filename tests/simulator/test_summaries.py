import pytest

from simulator.audiences import AudienceSpec
from simulator.reruns import summarise_reruns
from simulator.text.reactions import STATE_PREFIX
from simulator.text.summaries import best_segments
from simulator.types import Item, ItemEffects
from simulator.world import PostSpec, WorldConfig, run_world

FOOD = Item(id="d", creator_id="me", kind="video", duration_s=25.0, topics={"food": 1.0})


def _followers(us_interest: str, br_interest: str, rows: int = 400) -> AudienceSpec:
    """Followers half in the US, half in Brazil, each half into one topic."""
    half = [{"age_band": "25-34", "gender": "female", "country": "US", "interests": us_interest}] * (
        rows // 2
    )
    other = [{"age_band": "25-34", "gender": "male", "country": "BR", "interests": br_interest}] * (rows // 2)
    return AudienceSpec(kind="followers", size=2000, follower_rows=half + other)


def _reruns(audience: AudienceSpec, runs: int = 8, item: Item = FOOD, exposure: str = "organic"):
    posts = [PostSpec(item=item, at_hours=18)]
    config = WorldConfig(audience=audience, posts=posts, seed=4, horizon_hours=48.0, exposure=exposure)
    return [run_world(config, rerun=r) for r in range(runs)]


@pytest.fixture(scope="module")
def planted():
    return _reruns(_followers("food", "gaming"))


def test_does_best_names_a_planted_real_difference_and_the_test_behind_it(planted):
    sentence = best_segments(planted, "2d")
    assert sentence is not None and "users in US" in sentence and "BR" not in sentence.split("(")[0]
    assert "sign test" in sentence and "Holm" in sentence
    assert sentence in summarise_reruns(planted).summary


def test_no_does_best_without_a_real_difference():
    # a sample of the public: demographics drawn apart from interests, so no segment truly differs
    same = _reruns(AudienceSpec(kind="general", size=3000), exposure="screening")
    assert summarise_reruns(same).simulated_views >= 30
    assert best_segments(same, "2d") is None
    assert not any("does best" in line for line in summarise_reruns(same).summary)


def test_too_few_reruns_single_out_nobody(planted):
    assert best_segments(planted[:3], "2d") is None  # 1/8 cannot pass any correction for several segments


def test_persona_rows_say_they_come_from_the_users_state_and_vary_with_what_drove_them(planted):
    samples = [s for r in planted for s in r.samples]
    assert samples and all(s["reasoning"].startswith(STATE_PREFIX) for s in samples)
    assert not any(
        "in their own words" in s["reasoning"].lower() or " I " in f" {s['reasoning']} " for s in samples
    )
    assert all(s["comment"] is None and s["brain"] == "persona" for s in samples)
    assert len({s["reasoning"] for s in samples}) > len(samples) // 2  # not a handful of fixed templates
    assert any("matches their interests" in s["reasoning"] for s in samples)
    assert any(" s against the " in s["reasoning"] for s in samples)  # length, from the user's preference


def test_an_items_content_effect_is_named_when_it_drove_the_decision():
    boosted = FOOD.__class__(**{**FOOD.__dict__, "effects": ItemEffects(view=3.0)})
    samples = [s for r in _reruns(_followers("food", "gaming"), runs=1, item=boosted) for s in r.samples]
    assert any("what the post shows and says (x3.00 odds)" in s["reasoning"] for s in samples)
