"""A run simulated for real by the services the workers call, then read back by pages, API and exports."""

import csv
import io
import json

import pytest
from django.urls import reverse

from recoworld_app.models import RunMetric, RunReport, RunSample, RunShard, SimulationRun
from recoworld_app.services.runs import run_create, run_finalize, shard_execute


def simulate(owner, drafts, audience, **kw) -> SimulationRun:
    args = {"population": 400, "horizon_hours": 48, "reruns": 3, "seed": 5, "dispatch": False} | kw
    run = run_create(owner=owner, draft_ids=[d.pk for d in drafts], audience_id=audience.pk, **args)
    for shard_id in RunShard.objects.filter(run=run).values_list("pk", flat=True):
        shard_execute(shard_id=shard_id)
    run.refresh_from_db()
    return run


@pytest.fixture
def finished(alice, video_draft, audience):
    return simulate(alice, [video_draft], audience)


def test_shards_finalize_into_the_result_tables(finished):
    assert finished.status == "done" and finished.finished_at and finished.started_at
    assert finished.shards_done == finished.shards_total == 3
    assert finished.users_simulated == 1200
    views = RunMetric.objects.get(run=finished, metric="views", horizon="2d", segment="all")
    assert views.lo <= views.mean <= views.hi and len(views.values) == 3
    assert set(RunMetric.objects.filter(run=finished).values_list("horizon", flat=True)) >= {
        "6h",
        "24h",
        "2d",
    }
    report = RunReport.objects.get(run=finished)
    assert report.summary and report.summary[0].startswith("Over 3 reruns")
    assert report.brain_usage.get("persona", 0) > 0
    assert len(report.watch_histogram["counts"]) == len(report.watch_histogram["labels"]) == 11
    assert RunSample.objects.filter(run=finished).exists()


def test_finalizing_twice_changes_nothing(finished):
    rows = list(RunMetric.objects.filter(run=finished).order_by("pk").values_list("pk", "mean"))
    assert run_finalize(run_id=finished.pk) is False
    again = [shard_execute(shard_id=pk) for pk in finished.shards.values_list("pk", flat=True)]
    assert again == [False, False, False], "a redelivered shard writes nothing"
    assert list(RunMetric.objects.filter(run=finished).order_by("pk").values_list("pk", "mean")) == rows


def test_same_seed_same_results_whatever_the_shard_count(alice, video_draft, audience, settings):
    one = simulate(alice, [video_draft], audience, reruns=2)
    settings.RUN_SHARD_USERS = 150
    three = simulate(alice, [video_draft], audience, reruns=2)
    assert three.shards_total == 6
    a = {(m.metric, m.horizon, m.segment): m.mean for m in RunMetric.objects.filter(run=one)}
    b = {(m.metric, m.horizon, m.segment): m.mean for m in RunMetric.objects.filter(run=three)}
    assert a == b


def test_run_page_shows_charts_summary_and_samples(alice_client, finished):
    html = alice_client.get(reverse("run_detail", args=[finished.pk])).content.decode()
    for chart in ("fig-views", "fig-likes", "fig-curve", "fig-funnel", "fig-watch", "fig-segments"):
        assert f'data-figure-id="{chart}"' in html and f'id="{chart}"' in html, chart
    assert "Over 3 reruns" in html and "What simulated users did and said" in html
    # three reruns: the band is named for what it holds, and persona rows are labelled as the model's
    assert "Across the 3 reruns" in html and "holds about 50% of simulated outcomes" in html
    assert "range of 3 reruns" in html and "Most likely" not in html
    assert "in their own words" not in html and "From the user&#x27;s state: " in html
    assert 'hx-trigger="every 1s"' not in html, "a finished run does not poll"
    assert reverse("run_export", args=[finished.pk, "html"]) in html
    poll = alice_client.get(reverse("run_progress", args=[finished.pk]), HTTP_HX_REQUEST="true")
    assert poll.status_code == 286 and 'id="fig-views"' in poll.content.decode()


def test_run_page_shows_what_the_feeds_did(alice_client, finished):
    """The feed sessions behind the figures: lists scrolled, leavers, instructions and their effect."""
    feed = RunReport.objects.get(run=finished).extra["feed"]
    assert feed["reruns"] == 3 and feed["sessions"] > 0 and feed["items_per_session"] > 0
    assert sum(feed["post_topic"].values()) <= feed["instructions"]
    assert len(feed["hourly_other"]) == 48 and set(feed["hourly_post_topic"]) == set(feed["post_topic"])
    html = alice_client.get(reverse("run_detail", args=[finished.pk])).content.decode()
    assert 'id="feed-loop"' in html and "What the feeds did" in html
    if feed["instructions"]:
        assert 'id="fig-feed"' in html
    for e in feed["examples"][:10]:
        assert e["text"].replace("'", "&#x27;") in html


def test_figures_carry_the_stored_numbers(alice_client, finished):
    html = alice_client.get(reverse("run_detail", args=[finished.pk])).content.decode()
    figure = json.loads(html.split('id="fig-views" type="application/json">')[1].split("</script>")[0])
    stored = {
        m.horizon: (m.mean, m.lo, m.hi)
        for m in RunMetric.objects.filter(run=finished, metric="views", segment="all")
    }
    lo, hi, mean = (trace["y"] for trace in figure["data"])
    assert figure["data"][2]["x"] == ["6h", "12h", "24h", "2d"]
    assert mean == [stored[h][0] for h in ("6h", "12h", "24h", "2d")]
    assert lo == [stored[h][1] for h in ("6h", "12h", "24h", "2d")]


def test_csv_export_has_a_row_per_horizon_and_segment_and_neutralises_formulas(
    alice_client, alice, video_draft, audience
):
    run = simulate(alice, [video_draft], audience, name='=HYPERLINK("http://x")', reruns=2)
    response = alice_client.get(reverse("run_export", args=[run.pk, "csv"]))
    assert response["Content-Disposition"] == f'attachment; filename="recoworld-run-{run.pk}.csv"'
    every = list(csv.DictReader(io.StringIO(response.content.decode())))
    rows = [r for r in every if not r["metric"].startswith("content_factor:")]  # then the draft's factors
    assert len(rows) == RunMetric.objects.filter(run=run).count() and len(every) > len(rows)
    assert all(r["run"].startswith("'=") for r in rows)
    views = [r for r in rows if r["metric"] == "views" and r["segment"] == "all"]
    assert [r["horizon"] for r in views] == ["6h", "12h", "24h", "2d"]
    assert float(views[-1]["lo_90"]) <= float(views[-1]["mean"]) <= float(views[-1]["hi_90"])


def test_json_export_has_everything(alice_client, finished):
    body = alice_client.get(reverse("run_export", args=[finished.pk, "json"])).json()
    assert body["run"]["status"] == "done" and body["run"]["seed"] == 5
    assert body["posts"][0]["title"] == "Pasta in 30 s" and body["audience"]["name"] == "Everyone"
    assert len(body["metrics"]) == RunMetric.objects.filter(run=finished).count()
    assert body["report"]["summary"] and body["samples"]


def test_html_report_is_self_contained(alice_client, finished):
    html = alice_client.get(reverse("run_export", args=[finished.pk, "html"])).content.decode()
    assert "Plotly.newPlot" in html and "<script src=" not in html and '<link rel="stylesheet"' not in html
    assert 'id="fig-views"' in html and "Pasta in 30 s" in html
    assert len(html) > 1_000_000, "plotly.js is inline"


def test_api_results_and_exports(alice_api, finished):
    body = alice_api.get(f"/runs/{finished.pk}/results").json()
    assert body["run"]["id"] == finished.pk and body["metrics"]
    assert alice_api.get(f"/runs/{finished.pk}/export.csv").content.startswith(b"run,metric,horizon")
    assert b"Plotly.newPlot" in alice_api.get(f"/runs/{finished.pk}/report.html").content
    status = alice_api.get(f"/runs/{finished.pk}").json()
    assert status["progress"]["percent"] == 100 and status["status"] == "done"


def test_compare_two_drafts(alice_client, alice_api, alice, video_draft, image_draft, audience):
    a = simulate(alice, [video_draft], audience, reruns=2)
    b = simulate(alice, [image_draft], audience, reruns=2)
    html = alice_client.get(reverse("run_compare") + f"?run={a.pk}&run={b.pk}").content.decode()
    assert "Differences 2 days after posting" in html and 'data-metric="views"' in html
    assert 'id="fig-views"' in html and "hx-trigger" not in html
    assert html.count("(screened: each shown the post once)") == 2  # a public sample: both screened
    body = alice_api.get(f"/runs/compare?run={a.pk}&run={b.pk}&horizon=24h").json()
    views = next(d for d in body["comparisons"][0]["differences"] if d["metric"] == "views")
    va = RunMetric.objects.get(run=a, metric="views", horizon="24h", segment="all").mean
    vb = RunMetric.objects.get(run=b, metric="views", horizon="24h", segment="all").mean
    assert views["diff"] == pytest.approx(vb - va) and views["lo"] <= views["diff"] <= views["hi"]


def test_compare_reads_the_same_few_queries_however_many_runs(alice_client, alice, video_draft, audience):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    runs = [simulate(alice, [video_draft], audience, reruns=2, seed=s).pk for s in (1, 2, 3)]
    counts = []
    for ids in (runs[:2], runs):
        with CaptureQueriesContext(connection) as queries:
            html = alice_client.get(reverse("run_compare") + "?" + "&".join(f"run={i}" for i in ids))
        assert (
            html.status_code == 200
            and html.content.decode().count('<table class="differences"') == len(ids) - 1
        )
        metric_reads = [q["sql"] for q in queries.captured_queries if "runmetric" in q["sql"]]
        assert len(metric_reads) == 1 and "\"segment\" = 'all'" in metric_reads[0], "whole-audience rows only"
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


def test_compare_waits_for_unfinished_runs(alice_client, alice, video_draft, image_draft, audience):
    a = simulate(alice, [video_draft], audience, reruns=1)
    b = run_create(
        owner=alice,
        draft_ids=[image_draft.pk],
        audience_id=audience.pk,
        population=100,
        horizon_hours=24,
        reruns=1,
        dispatch=False,
    )
    html = alice_client.get(reverse("run_compare") + f"?run={a.pk}&run={b.pk}").content.decode()
    assert "Waiting for 1 run to finish" in html and 'hx-trigger="every 2s"' in html


def test_a_posting_schedule_reports_each_post(alice_client, alice, video_draft, image_draft, audience):
    run = simulate(alice, [video_draft, image_draft], audience, at_hours=[0, 24], reruns=2)
    report = RunReport.objects.get(run=run)
    assert [p["title"] for p in report.per_post] == ["Pasta in 30 s", "Sunset"]
    assert [p["at_hours"] for p in report.per_post] == [0.0, 24.0]
    html = alice_client.get(reverse("run_detail", args=[run.pk])).content.decode()
    assert "Per post" in html and "+24 h" in html


def test_a_named_strategy_posts_the_drafts_in_turn_at_local_times(alice, video_draft, image_draft, audience):
    run = simulate(
        alice, [video_draft, image_draft], audience, strategy="2-a-week", horizon_hours=24, reruns=1
    )
    posts = list(run.posts.all())
    assert [p.title for p in posts] == ["Pasta in 30 s (post 1)", "Sunset (post 2)"]
    assert posts[1].at_hours - posts[0].at_hours == 72.0, "Monday and Thursday, same local hour"
    assert run.status == "done"
    report = RunReport.objects.get(run=run)
    assert [p["title"] for p in report.per_post] == ["Pasta in 30 s (post 1)", "Sunset (post 2)"]


def test_strategy_and_times_together_are_refused(alice_client, video_draft, audience):
    from tests.app.conftest import run_form

    response = alice_client.post(
        reverse("run_new"), run_form([video_draft.pk], audience, strategy="daily-18h", at_hours="0")
    )
    assert response.status_code == 400 and "not both" in response.content.decode()


def test_variants_with_the_same_seed_are_compared_rerun_by_rerun(
    alice_api, alice, video_draft, image_draft, audience
):
    a = simulate(alice, [video_draft], audience, reruns=3, seed=21)
    b = simulate(alice, [image_draft], audience, reruns=3, seed=21)
    body = alice_api.get(f"/runs/compare?run={a.pk}&run={b.pk}&horizon=24h").json()
    views = next(d for d in body["comparisons"][0]["differences"] if d["metric"] == "views")
    va = RunMetric.objects.get(run=a, metric="views", horizon="24h", segment="all").values
    vb = RunMetric.objects.get(run=b, metric="views", horizon="24h", segment="all").values
    diffs = [y - x for x, y in zip(va, vb, strict=True)]
    assert views["paired"] is True and views["diff"] == pytest.approx(sum(diffs) / 3)
    assert views["lo"] <= views["diff"] <= views["hi"]
    other_seed = simulate(alice, [image_draft], audience, reruns=3, seed=22)
    body = alice_api.get(f"/runs/compare?run={a.pk}&run={other_seed.pk}").json()
    assert not any(d["paired"] for d in body["comparisons"][0]["differences"])


def test_a_sample_of_the_public_is_screened_and_followers_are_not(alice_client, alice, video_draft, finished):
    from recoworld_app.services.audiences import audience_create_followers_profile

    assert finished.config["exposure"] == "screening"
    exported = alice_client.get(reverse("run_export", args=[finished.pk, "json"])).json()
    assert exported["run"]["exposure"] == "screening"
    page = alice_client.get(reverse("run_detail", args=[finished.pk])).content.decode()
    assert 'id="screening"' in page and "each of the 400 people in this audience was shown the post" in page
    shown = RunMetric.objects.get(run=finished, metric="impressions", horizon="2d", segment="all")
    assert shown.mean > 0.8 * 400  # nearly everyone, where organic reach would be a handful
    fans = audience_create_followers_profile(
        owner=alice, name="Fans", size=400, profile={"niche": "food", "follower_count": 4000}
    )
    organic = simulate(alice, [video_draft], fans)
    assert organic.config["exposure"] == "organic"
    assert 'id="screening"' not in alice_client.get(reverse("run_detail", args=[organic.pk])).content.decode()
