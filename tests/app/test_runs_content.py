"""The content model in the app: drafts that differ only in what they say get different predictions,
and the run page, the comparison and the exports say why."""

import csv
import io

import pytest
from django.urls import reverse

from recoworld_app.models import RunMetric
from recoworld_app.services.drafts import draft_create
from simulator.representations.embeddings import model_path
from tests.app.conftest import upload
from tests.app.test_runs_results import simulate
from tests.perception_media import grey_picture, lively_video, rich_picture, static_video

pytestmark = pytest.mark.skipif(model_path() is None, reason="all-MiniLM-L6-v2 missing: make install")

CAPTIONS = ("untitled", "I tried Gordon Ramsay's 5-minute carbonara! Would you make it? #pasta #recipe")


@pytest.fixture
def text_drafts(alice):
    return [
        draft_create(owner=alice, title=f"Take {i}", caption=c, topics=["food"])
        for i, c in enumerate(CAPTIONS)
    ]


def _likes(run) -> float:
    return RunMetric.objects.get(run=run, metric="likes", horizon="2d", segment="all").mean


def test_drafts_differing_only_in_their_caption_get_predictions_in_the_datas_direction(
    alice, text_drafts, audience
):
    # enough users for a few dozen likes: the fitted like rate is 2.8% of views
    plain, rich = (simulate(alice, [d], audience, population=8000, seed=11) for d in text_drafts)
    effects = [r.posts.get().content["effects"]["like"] for r in (plain, rich)]
    assert effects[0] != effects[1]
    assert (_likes(rich) - _likes(plain)) * (effects[1] - effects[0]) > 0
    post = rich.posts.get()
    assert post.content["factors"] and post.content["topics"]
    assert rich.config["posts"][0]["item"]["effects"]["like"] == pytest.approx(effects[1])
    assert rich.config["posts"][0]["item"]["topics"] == {"food": 1.0}  # the creator's ticked topic wins


def test_a_draft_with_no_ticked_topic_takes_the_topics_its_words_point_to(alice, audience):
    draft = draft_create(owner=alice, title="t", caption="New iPhone X unboxing and review #apple")
    run = simulate(alice, [draft], audience, population=300, reruns=1)
    topics = run.config["posts"][0]["item"]["topics"]
    assert max(topics, key=topics.get) == "tech"


def test_the_run_page_comparison_and_exports_carry_the_factors(alice_client, alice, text_drafts, audience):
    plain, rich = (simulate(alice, [d], audience, population=300, reruns=2, seed=3) for d in text_drafts)
    page = alice_client.get(reverse("run_detail", args=[rich.pk])).content.decode()
    assert 'id="content-factors"' in page and "What your audience will see" in page
    assert "fitted" in page and "YouTube trending" in page and "What would change it" in page
    exported = alice_client.get(reverse("run_export", args=[rich.pk, "json"])).json()
    assert exported["posts"][0]["content"]["factors"][0]["source"]
    rows = list(
        csv.reader(
            io.StringIO(alice_client.get(reverse("run_export", args=[rich.pk, "csv"])).content.decode())
        )
    )
    assert any(r[1] == "content_factor:like" and float(r[5]) > 0 for r in rows)
    html = alice_client.get(reverse("run_export", args=[rich.pk, "html"])).content.decode()
    assert 'id="content-factors"' in html
    compare = alice_client.get(reverse("run_compare") + f"?run={plain.pk}&run={rich.pk}").content.decode()
    assert 'id="content-side-by-side"' in compare and f"#{rich.pk}" in compare


def _perceived(alice, name: str, data: bytes):
    from recoworld_app.services.drafts import draft_perceive

    draft = draft_create(
        owner=alice, title=name, caption="dinner", topics=["food"], upload=upload(name, data)
    )
    draft_perceive(draft_id=draft.pk)  # what the perception task runs
    draft.refresh_from_db()
    return draft


@pytest.mark.parametrize(
    ("plain", "seen"),
    [(grey_picture, rich_picture), (static_video, lively_video)],
    ids=["grey picture vs colourful one with a face", "static video vs moving face-first opening"],
)
def test_what_the_media_shows_moves_the_prediction_the_way_its_sources_say(
    alice, audience, tmp_path, plain, seen
):
    suffix = ".jpg" if plain is grey_picture else ".mp4"
    drafts = [
        _perceived(
            alice, f"{make.__name__}{suffix}", make(tmp_path / f"{make.__name__}{suffix}").read_bytes()
        )
        for make in (plain, seen)
    ]
    assert all(d.perception for d in drafts)
    runs = [simulate(alice, [d], audience, population=4000, seed=11) for d in drafts]
    effects = [r.posts.get().content["effects"]["like"] for r in runs]
    assert effects[1] > effects[0]
    assert _likes(runs[1]) > _likes(runs[0])
    assert any(f["name"] == "face" for f in runs[1].posts.get().content["factors"])
