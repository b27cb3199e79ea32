"""The Track record: past posts imported, the account fit and backtest on the page, the API and the
exports; a run calibrated to the account; the live update of a post already out."""

import json
import math

import numpy as np
import pytest
from django.urls import reverse

from recoworld_app.models import AccountSolve, PastPost, RunMetric, RunShard, SimulationRun, TrackRecord
from recoworld_app.services.audiences import audience_create_followers_profile
from recoworld_app.services.runs import draft_item, run_create, run_progress, shard_execute, shards_recover
from recoworld_app.services.track_record import history_clear, history_import, run_live_update
from recoworld_app.tasks import calibrate_account
from tests.app.conftest import upload
from tests.support import purge_broker

TEMPLATE_ROWS = (
    "post_id,posted_at,kind,duration_s,views_1h,likes_1h,views_6h,views_24h,views_1w,likes_1w,comments_1w\n"
    "a,2025-03-01 18:00,video,30,400,40,1500,2000,2300,210,20\n"
    "b,2025-03-03 18:00,video,31,250,20,900,1300,1500,150,9\n"
    "c,2025-03-05 18:00,video,29,700,80,2600,3400,3900,420,31\n"
    "d,2025-03-07 18:00,video,30,300,30,1100,1500,1800,160,14\n"
)
STUDIO_HEADER = (
    "Content,Video title,Video publish time,Duration,Views,Watch time (hours),Subscribers,Impressions,"
    "Impressions click-through rate (%),Likes,Comments added,Shares\n"
)


def csv_file(text: str, name: str = "posts.csv"):
    return upload(name, text.encode(), "text/csv")


def finish(run: SimulationRun) -> SimulationRun:
    for shard_id in RunShard.objects.filter(run=run).values_list("pk", flat=True):
        shard_execute(shard_id=shard_id)
    run.refresh_from_db()
    return run


def test_imported_history_shows_its_fit_backtest_and_chart(alice_client, alice):
    response = alice_client.post(reverse("track"), {"file": csv_file(TEMPLATE_ROWS)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Imported 4 posts (template)" in page
    assert "Calibrated to your account" in page and "leave-one-out" in page.lower()
    assert "fig-track-views" in page  # the predicted-vs-real chart
    data = json.loads(alice_client.get(reverse("track_export", args=["json"])).content)
    assert data["backtest"]["posts_backtested"] == 4
    assert set(data["backtest"]["horizons"]["views"]) == {"1h", "6h", "24h", "1w"}
    rows = alice_client.get(reverse("track_export", args=["csv"])).content.decode().splitlines()
    assert rows[0].startswith("post_id,metric,horizon,actual,calibrated")
    assert any(r.startswith("views,1w,creator_median,4,") for r in rows)


def test_the_rolling_origin_backtest_is_on_the_page_the_exports_and_the_api(alice_client, alice_api, alice):
    history_import(owner=alice, upload=csv_file(TEMPLATE_ROWS))
    page = alice_client.get(reverse("track") + "?scheme=rolling").content.decode()
    assert "Rolling origin within each account" in page and "2 posts predicted" in page  # c and d
    assert '<a href="?scheme=loo">Leave-one-out</a>' in page
    data = json.loads(alice_client.get(reverse("track_export", args=["json"])).content)
    assert data["rolling"]["posts_backtested"] == 2 and data["backtest"]["posts_backtested"] == 4
    assert data["rolling"]["scheme_key"] == "rolling"
    rows = alice_client.get(reverse("track_export", args=["csv"]) + "?scheme=rolling").content.decode()
    assert {r.split(",")[0] for r in rows.splitlines()[1:] if r.startswith(("c,", "d,", "a,", "b,"))} == {
        "c",
        "d",
    }
    assert alice_api.get("/track").json()["rolling"]["posts_backtested"] == 2
    api_rows = alice_api.get("/track/backtest.csv?scheme=rolling").content.decode()
    assert api_rows == rows
    assert alice_api.get("/track/backtest.csv?scheme=sideways").status_code == 400


def test_malformed_export_is_refused_row_by_row_and_saves_nothing(alice_client, alice_api, alice):
    text = STUDIO_HEADER + (
        'abc,Fine,"Mar 4, 2025",61,4000,80,10,70000,4.0,250,30,15\n'
        "def,Bad date,someday,61,4000,80,10,70000,4.0,250,30,15\n"
        'ghi,Bad count,"Mar 6, 2025",61,many,80,10,70000,4.0,250,30,15\n'
    )
    response = alice_client.post(reverse("track"), {"file": csv_file(text)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "row 2: posted_at" in page and "row 3: views" in page
    api = alice_api.post("/track/posts", {"file": csv_file(text)})
    assert api.status_code == 400
    problems = api.json()["problems"]
    assert [p.split(":")[0] for p in problems] == ["row 2", "row 3"]
    assert not PastPost.objects.filter(owner=alice).exists()


def test_reimport_replaces_posts_by_id_and_resets_the_fit(alice):
    history_import(owner=alice, upload=csv_file(TEMPLATE_ROWS))
    history_import(owner=alice, upload=csv_file("post_id,views_1w\na,9999\ne,100\n"))
    posts = {p.post_id: p for p in PastPost.objects.filter(owner=alice)}
    assert set(posts) == {"a", "b", "c", "d", "e"} and posts["a"].counts == {"1w": {"views": 9999.0}}


def test_another_creators_history_and_run_are_not_theirs(
    alice, bob, bob_client, bob_api, anon_api, video_draft
):
    history_import(owner=alice, upload=csv_file(TEMPLATE_ROWS))
    assert "0 past posts imported" in bob_client.get(reverse("track")).content.decode()
    assert bob_api.get("/track").json()["posts"] == 0
    assert anon_api.get("/track").status_code == 401
    audience = audience_create_followers_profile(
        owner=alice, name="Mine", size=200, profile={"niche": "food", "follower_count": 5000}
    )
    run = run_create(
        owner=alice,
        draft_ids=[video_draft.pk],
        audience_id=audience.pk,
        population=200,
        horizon_hours=168,
        reruns=1,
        seed=1,
        dispatch=False,
    )
    assert (
        bob_client.post(
            reverse("run_live_update", args=[run.pk]), {"horizon": "1h", "views": "5"}
        ).status_code
        == 404
    )
    assert (
        bob_api.post(
            f"/runs/{run.pk}/live-update", {"horizon": "1h", "views": 5}, content_type="application/json"
        ).status_code
        == 404
    )


def calibrate(run: SimulationRun) -> SimulationRun:
    """The account task, in this process (it queues the shards, which these tests run themselves)."""
    calibrate_account(run.pk)
    purge_broker()
    run.refresh_from_db()
    return run


def test_planted_creator_with_twice_the_like_rate_gets_a_calibrated_run_near_it(alice, video_draft):
    from simulator.audiences import AudienceSpec
    from simulator.track_record.platform import platform_from_world

    audience = audience_create_followers_profile(
        owner=alice, name="Followers", size=1500, profile={"niche": "food", "follower_count": 20000}
    )
    spec = AudienceSpec.from_dict(audience.spec)
    platform = platform_from_world(spec, draft_item(video_draft))  # no content effects: the platform's
    rate = platform.week["likes"] / platform.week["views"]
    rng = np.random.default_rng(3)
    lines = ["post_id,views_1w,likes_1w"]
    for i in range(12):
        views = platform.week["views"] * math.exp(rng.normal(0, 0.3))
        lines.append(f"p{i},{round(views)},{round(views * 2 * rate)}")
    history_import(owner=alice, upload=csv_file("\n".join(lines) + "\n"))
    common = {
        "owner": alice,
        "draft_ids": [video_draft.pk],
        "audience_id": audience.pk,
        "population": 1500,
        "horizon_hours": 168,
        "reruns": 2,
        "seed": 11,
        "dispatch": False,
        "exposure": "screening",
    }  # screened: enough views to read a rate per view
    plain = finish(run_create(**common))
    calibrated = finish(calibrate(run_create(**common, calibrated=True)))
    assert calibrated.status == "done", calibrated.error
    assert calibrated.account["posts"] == 12
    assert calibrated.account["offsets"]["like"]["multiplier"] == pytest.approx(2.0, rel=0.1)

    def likes_per_view(run):
        cell = {m.metric: m.mean for m in RunMetric.objects.filter(run=run, horizon="1w", segment="all")}
        return cell["likes"] / cell["views"]

    assert likes_per_view(calibrated) / likes_per_view(plain) == pytest.approx(2.0, rel=0.2)


@pytest.fixture
def followers(alice):
    return audience_create_followers_profile(
        owner=alice, name="Followers", size=300, profile={"niche": "food", "follower_count": 5000}
    )


def _calibrated_run(owner, draft, audience, **kw) -> SimulationRun:
    args = {"population": 300, "horizon_hours": 48, "reruns": 1, "seed": 2, "dispatch": False} | kw
    return run_create(owner=owner, draft_ids=[draft.pk], audience_id=audience.pk, calibrated=True, **args)


def test_calibrating_waits_for_its_task_which_is_idempotent_and_cached(
    alice, alice_client, video_draft, followers
):
    history_import(owner=alice, upload=csv_file(TEMPLATE_ROWS))
    run = _calibrated_run(alice, video_draft, followers)
    assert run.calibrated and run.account is None and run_progress(run)["phase"] == "account"
    assert (
        "Calibrating to your account"
        in alice_client.get(reverse("run_detail", args=[run.pk])).content.decode()
    )
    plain_effects = [p["item"]["effects"] for p in run.config["posts"]]  # the draft's content's
    assert shard_execute(shard_id=RunShard.objects.get(run=run).pk) is False  # shards wait for the account
    assert (
        shards_recover(include_pending=True) == 1
    )  # a starting worker asks the account again, not the shards
    purge_broker()

    run = calibrate(run)
    first = (run.account, run.config)
    assert run.account["posts"] == 4 and run.status == "running"
    like = run.account["effects"]["like"]
    assert [p["item"]["effects"]["like"] for p in run.config["posts"]] == [
        e["like"] * like for e in plain_effects
    ]
    run = calibrate(run)  # a redelivered message changes nothing
    assert (run.account, run.config) == first
    assert AccountSolve.objects.filter(owner=alice).count() == 1

    second = calibrate(_calibrated_run(alice, video_draft, followers, seed=9))
    assert second.account == run.account  # the same history and audience: not solved again
    assert AccountSolve.objects.filter(owner=alice).count() == 1
    assert finish(second).status == "done"


def test_a_history_cleared_before_the_task_fails_the_run_with_the_reason(alice, video_draft, followers):
    history_import(owner=alice, upload=csv_file(TEMPLATE_ROWS))
    run = _calibrated_run(alice, video_draft, followers)
    history_clear(owner=alice)
    run = calibrate(run)
    assert run.status == "failed" and run.account is None
    assert run.error.startswith("Calibrating to your account needs at least 3 past posts")
    assert not RunShard.objects.filter(run=run).exclude(status="pending").exists()


def test_the_api_queues_a_calibrated_run_and_says_it_is_calibrating(alice, alice_api, video_draft, followers):
    history_import(owner=alice, upload=csv_file(TEMPLATE_ROWS))
    body = {"draft_ids": [video_draft.pk], "audience_id": followers.pk, "population": 300, "calibrated": True}
    created = alice_api.post("/runs", body, content_type="application/json")
    assert created.status_code == 201, created.content
    run = created.json()
    assert run["calibrated"] is True and run["account"] is None and run["progress"]["phase"] == "account"
    history_clear(owner=alice)
    refused = alice_api.post("/runs", body, content_type="application/json")
    assert refused.status_code == 409 and "needs at least 3 past posts" in refused.json()["detail"]


def test_a_short_history_is_refused_at_submit(alice, video_draft, followers):
    from recoworld_app.services.errors import InvalidInput

    history_import(owner=alice, upload=csv_file("post_id,views_1w\na,100\n"))
    with pytest.raises(InvalidInput, match="needs at least 3 past posts"):
        _calibrated_run(alice, video_draft, followers)
    assert not SimulationRun.objects.exists()


def test_the_fit_counts_only_what_the_captions_leave_unexplained(alice, alice_client):
    from simulator.audiences import AudienceSpec
    from simulator.content.effects import analyse
    from simulator.track_record.platform import platform_from_world, reference_item

    audience = audience_create_followers_profile(
        owner=alice, name="Followers", size=600, profile={"niche": "food", "follower_count": 8000}
    )
    platform = platform_from_world(AudienceSpec.from_dict(audience.spec), reference_item([], "food"))
    rate = platform.week["likes"] / platform.week["views"]
    question = "What would you cook tonight? Tell me in the comments!"
    pull = analyse(caption=question, hashtags=["food"]).effects.like
    assert pull > 1.5
    lines = ["post_id,kind,duration_s,caption,hashtags,views_1w,likes_1w"]
    for i in range(6):  # every post does just what the platform and its caption explain
        views = platform.week["views"]
        lines.append(f'q{i},video,30,"{question}",food,{round(views)},{round(views * rate * pull)}')
    history_import(owner=alice, upload=csv_file("\n".join(lines) + "\n"))
    page = alice_client.get(reverse("track")).content.decode()
    assert "The content model read the words of 6 post(s)" in page
    like = TrackRecord.objects.get(owner=alice).fit["offsets"]["like"]
    assert like["raw"] == pytest.approx(1.0, rel=0.05)  # not the captions' pull a second time


def test_live_update_narrows_the_band_and_moves_it_towards_the_observed_counts(
    alice, alice_client, video_draft
):
    audience = audience_create_followers_profile(
        owner=alice, name="Followers", size=300, profile={"niche": "food", "follower_count": 5000}
    )
    run = finish(
        run_create(
            owner=alice,
            draft_ids=[video_draft.pk],
            audience_id=audience.pk,
            population=300,
            horizon_hours=168,
            reruns=2,
            seed=4,
            dispatch=False,
        )
    )
    week = RunMetric.objects.get(run=run, metric="views", horizon="1w", segment="all").mean
    update = run_live_update(run=run, horizon="6h", counts={"views": str(round(4 * week))})
    before, after = update["forecasts"]["views"]["before"]["1w"], update["forecasts"]["views"]["after"]["1w"]
    assert after[0] > 2 * before[0]  # towards the observed pace
    assert math.log(after[2] / after[1]) < math.log(before[2] / before[1])  # narrower
    assert "posterior update" in update["method"]
    page = alice_client.get(reverse("run_detail", args=[run.pk])).content.decode()
    assert "Update the forecast" in page and "updated (90%)" in page
    bad = alice_client.post(reverse("run_live_update", args=[run.pk]), {"horizon": "1w", "views": "5"})
    assert bad.status_code == 400
    assert "up to 1w; give its counts at one of 1h, 6h, 12h, 24h, 2d" in bad.content.decode()


def test_a_shorter_run_updates_up_to_its_own_horizon(alice, alice_client, video_draft, followers):
    run = finish(
        run_create(
            owner=alice,
            draft_ids=[video_draft.pk],
            audience_id=followers.pk,
            population=300,
            horizon_hours=48,
            reruns=2,
            seed=4,
            dispatch=False,
        )
    )
    last = RunMetric.objects.get(run=run, metric="views", horizon="2d", segment="all").mean
    update = run_live_update(run=run, horizon="12h", counts={"views": str(round(3 * last))})
    assert update["to"] == "2d" and list(update["forecasts"]["views"]["after"]) == ["12h", "24h", "2d"]
    before, after = update["forecasts"]["views"]["before"]["2d"], update["forecasts"]["views"]["after"]["2d"]
    assert before[0] == pytest.approx(last, rel=0.01)  # the run's own figure at its end
    assert after[0] > 1.5 * before[0] and math.log(after[2] / after[1]) < math.log(before[2] / before[1])
    page = alice_client.get(reverse("run_detail", args=[run.pk])).content.decode()
    assert "forecast up to 2 days" in page and 'value="24h"' in page and 'value="2d"' not in page
    bad = alice_client.post(reverse("run_live_update", args=[run.pk]), {"horizon": "2d", "views": "5"})
    assert "up to 2d; give its counts at one of 1h, 6h, 12h, 24h." in bad.content.decode()


def test_a_run_of_several_posts_says_why_it_cannot_be_updated(alice, alice_client, video_draft, followers):
    run = finish(
        run_create(
            owner=alice,
            draft_ids=[video_draft.pk],
            audience_id=followers.pk,
            population=100,
            horizon_hours=24,
            reruns=1,
            seed=4,
            strategy="3-a-day",
            dispatch=False,
        )
    )
    page = alice_client.get(reverse("run_detail", args=[run.pk])).content.decode()
    assert "A live update is for a run of one post; this run posts" in page
    assert 'name="horizon"' not in page
