from django.urls import reverse

from recoworld_app.models import RunShard, SimulationRun
from recoworld_app.services.runs import run_create
from tests.app.conftest import run_form


def make_run(alice, draft, audience, **kw) -> SimulationRun:
    args = {"population": 300, "horizon_hours": 24, "reruns": 2, "seed": 7} | kw
    return run_create(owner=alice, draft_ids=[draft.pk], audience_id=audience.pk, **args)


def test_new_run_page_offers_the_creators_drafts_and_audiences(alice_client, image_draft, audience):
    html = alice_client.get(reverse("run_new") + f"?draft={image_draft.pk}").content.decode()
    assert "Sunset (image)" in html and "Everyone · General sample" in html
    assert f'name="drafts" value="{image_draft.pk}" id="id_drafts_0" checked>' in html, (
        "preselected by ?draft="
    )


def test_submitting_queues_a_run_split_into_shards(
    alice_client, alice, image_draft, video_draft, audience, settings
):
    settings.RUN_SHARD_USERS = 100
    response = alice_client.post(
        reverse("run_new"),
        run_form([image_draft.pk, video_draft.pk], audience, at_hours="0, 24", horizon_hours=48),
    )
    run = SimulationRun.objects.get(owner=alice)
    assert response.status_code == 302 and response.url == reverse("run_detail", args=[run.pk])
    assert (run.status, run.population, run.reruns, run.seed, run.horizon_hours) == ("queued", 300, 2, 7, 48)
    assert [(p.title, p.at_hours) for p in run.posts.all()] == [("Sunset", 0.0), ("Pasta in 30 s", 24.0)]
    assert run.shards_total == 6 and run.users_total == 600
    shards = list(run.shards.values_list("rerun", "shard", "users"))
    assert shards == [(r, i, 100) for r in range(2) for i in range(3)]
    assert len(set(run.shards.values_list("task_id", flat=True))) == 6
    assert run.config["posts"][1]["item"]["duration_s"] > 1
    assert run.config["audience"]["size"] == 300


def test_variants_make_one_run_per_draft_with_the_same_seed(
    alice_client, alice, image_draft, video_draft, audience
):
    response = alice_client.post(
        reverse("run_new"), run_form([image_draft.pk, video_draft.pk], audience, mode="variants", seed="")
    )
    runs = list(SimulationRun.objects.filter(owner=alice).order_by("pk"))
    assert len(runs) == 2 and runs[0].seed == runs[1].seed
    assert response.url == reverse("run_compare") + f"?run={runs[0].pk}&run={runs[1].pk}"


def test_over_the_user_cap_is_a_clear_error(alice_client, image_draft, audience, settings):
    settings.RUNS_MAX_USERS = 200
    response = alice_client.post(reverse("run_new"), run_form([image_draft.pk], audience))
    assert response.status_code == 400 and "from 10 to 200 per run" in response.content.decode()
    assert not SimulationRun.objects.exists()


def test_active_runs_quota(alice_client, alice, image_draft, audience, settings):
    settings.RUNS_MAX_ACTIVE = 1
    make_run(alice, image_draft, audience)
    response = alice_client.post(reverse("run_new"), run_form([image_draft.pk], audience))
    assert response.status_code == 400 and "the limit is 1" in response.content.decode()
    assert SimulationRun.objects.count() == 1


def test_too_many_reruns_and_bad_schedule(alice_client, image_draft, audience, settings):
    settings.RUNS_MAX_RERUNS = 3
    assert (
        "Reruns must be from 1 to 3"
        in alice_client.post(
            reverse("run_new"), run_form([image_draft.pk], audience, reruns=9)
        ).content.decode()
    )
    assert (
        "from 0 to 24 hours"
        in alice_client.post(
            reverse("run_new"), run_form([image_draft.pk], audience, at_hours="30")
        ).content.decode()
    )
    assert not SimulationRun.objects.exists()


def test_queued_run_page_polls_its_progress(alice_client, alice, image_draft, audience):
    run = make_run(alice, image_draft, audience)
    html = alice_client.get(reverse("run_detail", args=[run.pk])).content.decode()
    assert 'role="progressbar"' in html and "Waiting for a worker" in html
    assert f'hx-get="{reverse("run_progress", args=[run.pk])}"' in html and "Cancel" in html
    poll = alice_client.get(reverse("run_progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert poll.status_code == 200 and "0 / 2" in poll.content.decode()


def test_cancel_stops_the_poll_and_says_so(alice_client, alice, image_draft, audience):
    run = make_run(alice, image_draft, audience)
    response = alice_client.post(reverse("run_cancel", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert "The run was cancelled" in response.content.decode()
    run.refresh_from_db()
    assert run.status == "cancelled" and run.finished_at
    poll = alice_client.get(reverse("run_progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert poll.status_code == 286 and "hx-trigger" not in poll.content.decode()


def test_failed_run_shows_the_reason_and_can_be_retried(alice_client, alice, image_draft, audience):
    run = make_run(alice, image_draft, audience)
    RunShard.objects.filter(run=run, rerun=0).update(status="done", result={"kept": True})
    SimulationRun.objects.filter(pk=run.pk).update(status="failed", error="Part 1 of rerun 2 failed: boom")
    html = alice_client.get(reverse("run_detail", args=[run.pk])).content.decode()
    assert "Part 1 of rerun 2 failed: boom" in html and "Retry" in html
    alice_client.post(reverse("run_retry", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == "queued" and run.error == ""
    assert list(run.shards.values_list("status", flat=True)) == ["done", "pending"]


def test_exports_wait_for_results(alice_client, alice, image_draft, audience):
    run = make_run(alice, image_draft, audience)
    for fmt in ("csv", "json", "html"):
        assert alice_client.get(reverse("run_export", args=[run.pk, fmt])).status_code == 400


def test_active_run_cannot_be_deleted_but_a_cancelled_one_can(alice_client, alice, image_draft, audience):
    run = make_run(alice, image_draft, audience)
    assert alice_client.post(reverse("run_delete", args=[run.pk])).status_code == 409  # not in this state
    alice_client.post(reverse("run_cancel", args=[run.pk]))
    assert alice_client.post(reverse("run_delete", args=[run.pk])).status_code == 302
    assert not SimulationRun.objects.exists()


def test_other_creator_and_anonymous_get_404_on_every_run_address(
    bob_client, client, alice, image_draft, audience
):
    run = make_run(alice, image_draft, audience)
    gets = [
        reverse("run_detail", args=[run.pk]),
        reverse("run_progress", args=[run.pk]),
        reverse("run_export", args=[run.pk, "csv"]),
        reverse("run_export", args=[run.pk, "json"]),
        reverse("run_export", args=[run.pk, "html"]),
        reverse("run_compare") + f"?run={run.pk}&run={run.pk + 1}",
    ]
    posts = [reverse(name, args=[run.pk]) for name in ("run_cancel", "run_retry", "run_delete")]
    for c in (bob_client, client):
        for url in gets[:-1]:
            assert c.get(url).status_code == 404, url
        for url in posts:
            assert c.post(url).status_code == 404, url
    assert bob_client.get(gets[-1]).status_code == 404
    run.refresh_from_db()
    assert run.status == "queued"
    assert "Pasta" not in bob_client.get(reverse("run_list")).content.decode()


def test_runs_of_another_creator_cannot_be_started_with_alices_drafts(bob_client, bob, image_draft, audience):
    from recoworld_app.services.audiences import audience_create_general

    bobs = audience_create_general(owner=bob, name="Bob's", size=100)
    response = bob_client.post(reverse("run_new"), run_form([image_draft.pk], bobs))
    assert response.status_code == 400
    assert not SimulationRun.objects.exists()
