"""The account's track record: reading histories, the empirical-Bayes fit, the backtest, the live update."""

import math

import numpy as np
import pytest

from simulator.audiences import AudienceSpec
from simulator.track_record.backtest import run_backtest, spearman
from simulator.track_record.calibration import (
    Forecast,
    Platform,
    fit_account,
    forecast,
    live_update,
    prior,
    share_at,
    shrink,
)
from simulator.track_record.history import History, HistoryError, PastPost, read_history, template_csv
from simulator.types import Item

STUDIO_HEADER = (
    "Content,Video title,Video publish time,Duration,Views,Watch time (hours),Subscribers,Impressions,"
    "Impressions click-through rate (%),Likes,Comments added,Shares\n"
)


def test_template_reads_back_as_its_posts():
    history = read_history(template_csv())
    assert history.layout == "template"
    first = history.posts[0]
    assert first.post_id == "clip-01" and first.kind == "video" and first.duration_s == 32
    assert first.hashtags == ["food", "recipe"] and first.followers == 12000
    assert first.counts["1h"]["views"] == 410 and first.counts["1w"]["follows"] == 9
    assert first.horizons("views") == ["1h", "6h", "24h", "1w"]


def test_youtube_studio_export_skips_the_total_row_and_reads_lifetime_as_the_week():
    text = STUDIO_HEADER + (
        "Total,,,,5200,100,12,90000,4.1,300,40,20\n"
        'abc123,My first clip,"Mar 4, 2025",61,4000,80,10,70000,4.0,250,30,15\n'
        'def456,Second,"Mar 9, 2025",0:45,1.2K,20,2,20000,4.5,50,10,5\n'
    )
    history = read_history(text)
    assert history.layout == "youtube_studio"
    assert [p.post_id for p in history.posts] == ["abc123", "def456"]
    assert history.posts[0].posted_at == "2025-03-04T00:00"
    assert history.posts[1].duration_s == 45 and history.posts[1].counts == {
        "1w": {"views": 1200, "likes": 50, "comments": 10, "shares": 5, "follows": 2, "impressions": 20000}
    }
    assert "lifetime totals" in history.notes[0]


def test_malformed_export_is_refused_row_by_row():
    text = STUDIO_HEADER + (
        'abc123,Fine,"Mar 4, 2025",61,4000,80,10,70000,4.0,250,30,15\n'
        "bad1,Bad date,yesterday,61,4000,80,10,70000,4.0,250,30,15\n"
        'bad2,Bad count,"Mar 5, 2025",61,lots,80,10,70000,4.0,250,30,15\n'
        'bad3,More likes than views,"Mar 6, 2025",61,10,80,10,70000,4.0,250,30,15\n'
    )
    with pytest.raises(HistoryError) as caught:
        read_history(text)
    problems = caught.value.problems
    assert any(p.startswith("row 2: posted_at") for p in problems)
    assert any(p.startswith("row 3: views") for p in problems)
    assert any(p.startswith("row 4: more likes than views") for p in problems)
    assert not any(p.startswith("row 1") for p in problems)


def test_counts_that_fall_with_age_are_refused():
    text = "post_id,views_1h,views_1w\na,500,400\n"
    with pytest.raises(HistoryError, match="row 1: views fall from 500 at 1h to 400 at 1w"):
        read_history(text)


def test_unknown_columns_are_named():
    with pytest.raises(HistoryError, match="not those of the template"):
        read_history("when,what\n1,2\n")


def test_real_files_read_as_their_layouts():
    trending = read_history(open("simulator/data/youtube_trending_us_2017.csv", encoding="utf-8").read())
    assert trending.layout == "youtube_trending" and len(trending.posts) == 2364
    cascades = read_history(open("simulator/data/twitter15_cascade_curves.csv", encoding="utf-8").read())
    assert cascades.layout == "cascades" and cascades.posts[0].counts["1h"]["shares"] == 160


def test_shrinkage_follows_the_normal_normal_posterior():
    values = np.log([2.0, 2.5, 1.6])
    offset = shrink("like", values)
    sigma0, tau = prior("like")
    n, mean, s2 = 3, values.mean(), values.var(ddof=1)
    sigma2 = (3 * sigma0**2 + (n - 1) * s2) / (3 + n - 1)
    weight = n * tau**2 / (n * tau**2 + sigma2)
    assert offset.shrinkage == pytest.approx(weight)
    assert offset.multiplier == pytest.approx(math.exp(weight * mean))
    one = shrink("like", values[:1])
    assert one.shrinkage < offset.shrinkage  # less history, nearer the platform
    assert shrink("like", np.array([])).multiplier == 1.0


def _views_history(views: list[float]) -> History:
    posts = [PastPost(post_id=f"p{i}", counts={"1w": {"views": v}}) for i, v in enumerate(views)]
    return History(layout="template", posts=posts)


def test_backtest_figures_match_a_hand_computation():
    views = [100.0, 200.0, 400.0, 800.0]
    result = run_backtest(_views_history(views))
    week = result["horizons"]["views"]["1w"]
    # the account's median post: each post predicted by the median of the other three
    medians = [400.0, 400.0, 200.0, 200.0]
    ape = [abs(m - v) / v for m, v in zip(medians, views, strict=True)]  # 3, 1, .5, .75
    assert week["creator_median"]["mdape"] == pytest.approx(np.median(ape)) == pytest.approx(0.875)
    assert week["creator_median"]["spearman"] == pytest.approx(-0.8944, abs=1e-4)
    # calibrated: the platform level is the median of the others' log(views + .5); the offset of the
    # others over it shrunk by n tau^2 / (n tau^2 + sigma^2), sigma^2 pooled with 3 prior posts
    sigma0, tau = prior("level:views")
    predictions, bands = [], []
    for i in range(4):
        z = np.log(np.array([v for j, v in enumerate(views) if j != i]) + 0.5)
        level = np.median(z)
        y = z - level
        sigma2 = (3 * sigma0**2 + 2 * y.var(ddof=1)) / 5
        w = 3 * tau**2 / (3 * tau**2 + sigma2)
        mean = level + w * y.mean()
        sd = math.hypot(math.sqrt(sigma2), math.sqrt(w * sigma2 / 3))
        predictions.append(math.exp(mean))
        bands.append((math.exp(mean - 1.6449 * sd), math.exp(mean + 1.6449 * sd)))
    calibrated_ape = [abs(p - v) / v for p, v in zip(predictions, views, strict=True)]
    assert week["calibrated"]["mdape"] == pytest.approx(np.median(calibrated_ape), rel=1e-3)
    covered = np.mean([lo <= v <= hi for (lo, hi), v in zip(bands, views, strict=True)])
    assert week["calibrated"]["coverage90"] == pytest.approx(covered)


def test_rolling_origin_predicts_each_post_from_the_posts_before_it_only():
    views = [100.0, 200.0, 400.0, 800.0, 50.0]
    days = ["2025-03-01", "2025-03-02", "2025-03-03", "2025-03-04", "2025-03-04"]  # the last two: one day
    posts = [
        PastPost(post_id=f"p{i}", posted_at=d, counts={"1w": {"views": v}})
        for i, (v, d) in enumerate(zip(views, days, strict=True))
    ]
    result = run_backtest(History(layout="template", posts=posts), scheme="rolling")
    week = result["horizons"]["views"]["1w"]
    assert result["posts_backtested"] == 3 and week["n"] == 3  # the first two have under 2 before them
    # p2 from p0, p1; p3 and p4 from p0, p1, p2 (not from each other: posted the same day)
    medians = {2: 150.0, 3: 200.0, 4: 200.0}
    ape = [abs(m - views[i]) / views[i] for i, m in medians.items()]  # .625, .75, 3
    assert week["creator_median"]["mdape"] == pytest.approx(np.median(ape)) == pytest.approx(0.75)
    sigma0, tau = prior("level:views")
    predictions = []
    for before in ([0, 1], [0, 1, 2], [0, 1, 2]):
        z = np.log(np.array([views[j] for j in before]) + 0.5)
        y = z - np.median(z)
        n = len(z)
        sigma2 = (3 * sigma0**2 + (n - 1) * y.var(ddof=1)) / (3 + n - 1)
        w = n * tau**2 / (n * tau**2 + sigma2)
        predictions.append(math.exp(np.median(z) + w * y.mean()))
    calibrated_ape = [abs(p - views[i]) / views[i] for p, i in zip(predictions, (2, 3, 4), strict=True)]
    assert week["calibrated"]["mdape"] == pytest.approx(np.median(calibrated_ape), rel=1e-3)
    assert "posts before it only" in result["scheme"] and result["scheme_key"] == "rolling"
    assert run_backtest(History(layout="template", posts=posts))["posts_backtested"] == 5  # leave-one-out
    with pytest.raises(ValueError, match="scheme must be one of loo, rolling"):
        run_backtest(History(layout="template", posts=posts), scheme="random")


def test_what_the_captions_explain_is_not_counted_again_as_the_accounts():
    from simulator.track_record.content import past_post_content

    captions = ["What would you cook tonight? Tell me in the comments!", "Quick dinner"] * 4
    posts = [PastPost(post_id=f"p{i}", caption=c, hashtags=["food"]) for i, c in enumerate(captions)]
    posts.append(PastPost(post_id="no-words"))
    content = past_post_content(posts)
    assert content[-1] is None and content[0].like > 1.5  # a question to the viewers: more likes
    platform = Platform(week={"views": 1000.0, "likes": 50.0}, source="test")
    for post, effects in zip(posts, content, strict=True):  # each does what its caption explains, no more
        post.counts = {"1w": {"views": 1000.0, "likes": 50.0 * (effects.like if effects else 1.0)}}
    plain = fit_account(posts, platform)
    assert plain.offsets["like"].raw > 1.3  # read without the content, the captions' pull is the account's
    fitted = fit_account(posts, platform, content=content)
    assert fitted.offsets["like"].raw == pytest.approx(1.0, abs=0.01)
    assert "content model read the words of 8 post(s)" in " ".join(fitted.notes)
    result = run_backtest(History(layout="template", posts=posts), platform=platform, content=content)
    likes = result["horizons"]["likes"]["1w"]
    assert likes["calibrated"]["mdape"] < 0.02 and result["content_posts"] == 8
    without = run_backtest(History(layout="template", posts=posts), platform=platform)
    assert without["horizons"]["likes"]["1w"]["calibrated"]["mdape"] > 0.2


def test_spearman_handles_ties_as_average_ranks():
    assert spearman(np.array([1, 2, 3, 4]), np.array([10, 20, 30, 40])) == pytest.approx(1.0)
    assert spearman(np.array([1, 1, 2]), np.array([3, 2, 1])) == pytest.approx(-0.866, abs=1e-3)
    assert spearman(np.array([1, 2]), np.array([1, 2])) is None


def test_live_update_narrows_the_band_and_moves_it_towards_the_observed_count():
    platform = Platform(week={"views": 1000.0}, source="test")
    posts = [PastPost(post_id=f"p{i}", counts={"1w": {"views": v}}) for i, v in enumerate([900, 1100, 1000])]
    before = forecast(fit_account(posts, platform), "views")
    mid0, lo0, hi0 = before.at("1w")
    # an hour in, the post already has what a 5,000-view post has after an hour
    observed = 5000 * float(math.exp(before.log_share("1h")[0]))
    after = live_update(before, horizon="1h", count=observed)
    mid1, lo1, hi1 = after.at("1w")
    assert mid1 > 2 * mid0  # moved towards 5,000
    assert math.log(hi1 / lo1) < 0.8 * math.log(hi0 / lo0)  # narrower
    assert after.at("1h")[1] >= observed  # nothing below what has already happened


def test_a_forecast_that_ends_before_the_week_updates_up_to_its_own_end():
    # a two-day run's forecast: its count at 2d, the early shares relative to it
    before = Forecast(metric="views", log_week=math.log(1000.0), week_sd=0.5, target="2d")
    assert before.at("2d")[0] == pytest.approx(1000.0)
    assert before.at("2d")[2] == pytest.approx(1000.0 * math.exp(1.6449 * 0.5))  # no share spread at its end
    week_share, week_sd = Forecast(metric="views", log_week=0.0, week_sd=0.0).log_share("6h")
    two_days, two_days_sd = Forecast(metric="views", log_week=0.0, week_sd=0.0).log_share("2d")
    share, sd = before.log_share("6h")
    assert share == pytest.approx(week_share - two_days)
    assert sd == pytest.approx(math.sqrt(week_sd**2 - two_days_sd**2))  # independent steps
    observed = 3000 * math.exp(share)  # what a 3,000-by-2d post has at 6 h
    after = live_update(before, horizon="6h", count=observed)
    mid, lo, hi = after.at("2d")
    assert 1000 < mid < 3000 and math.log(hi / lo) < math.log(before.at("2d")[2] / before.at("2d")[1])
    with pytest.raises(ValueError, match="after the forecast's last horizon"):
        before.at("1w")
    assert live_update(before, horizon="2d", count=1234.0).at("2d") == pytest.approx((1234.0,) * 3)


def test_calibrated_forecast_uses_the_accounts_timing():
    platform = Platform(week={"views": 1000.0}, source="test")
    # slow posts: a tenth of the week's views by the first hour where the platform's curve has most
    slow = [
        PastPost(
            post_id=f"p{i}", counts={"1h": {"views": 100.0}, "24h": {"views": 700.0}, "1w": {"views": 1000.0}}
        )
        for i in range(6)
    ]
    fit = fit_account(slow, platform)
    assert fit.offsets["timing"].multiplier > 2
    early = forecast(fit, "views").at("1h")[0]
    assert early < 0.5 * forecast(fit, "views", calibrated=False).at("1h")[0]
    assert share_at(1.0) > 0.5


def test_planted_account_with_twice_the_like_rate_gets_a_world_near_it():
    from simulator.track_record.platform import _reference, account_effects, platform_from_world

    audience = AudienceSpec(kind="followers", size=2000, profile={"niche": "food", "follower_count": 20000})
    item = Item(id="p", creator_id="me", kind="video", duration_s=30, topics={"food": 1.0})
    platform = platform_from_world(audience, item)
    rate = platform.week["likes"] / platform.week["views"]
    rng = np.random.default_rng(0)
    posts = []
    for i in range(20):
        views = platform.week["views"] * math.exp(rng.normal(0, 0.3))
        posts.append(
            PastPost(
                post_id=f"p{i}", counts={"1w": {"views": round(views), "likes": round(views * 2 * rate)}}
            )
        )
    fit = fit_account(posts, platform)
    assert fit.offsets["like"].multiplier == pytest.approx(2.0, rel=0.05)
    solved = account_effects(fit, audience, item)
    week = _reference(audience, item, 0, solved.effects)
    assert week["likes"] / week["views"] / rate == pytest.approx(2.0, rel=0.12)
