import numpy as np

from simulator.evaluation.engagement import evaluate_engagement, per_item_ratios, simulate_impressions


def test_impressions_are_reproducible_and_views_precede_likes():
    a = simulate_impressions(users=300, videos=20, per_video=200, seed=3)
    b = simulate_impressions(users=300, videos=20, per_video=200, seed=3)
    assert np.array_equal(a.view, b.view) and np.array_equal(a.like, b.like)
    assert not np.any(a.like & ~a.view) and not np.any(a.comment & ~a.view)
    assert np.all(a.watch_s[~a.view] == 0)


def test_fitted_brain_likes_and_comments_like_youtube():
    """The fitted rates put the simulated per-video medians near YouTube's (within a factor of 1.5)."""
    result = evaluate_engagement(users=2000, videos=120, per_video=3000, seed=1)
    for figure in ("like_per_view", "comment_per_view"):
        simulated, real = result[figure]["simulated"]["median"], result[figure]["youtube"]["median"]
        assert real / 1.5 < simulated < real * 1.5, figure
    watch = result["watch_ratio"]
    assert (
        watch["simulated"]["by_length"]["0-15s"]["median"]
        > watch["simulated"]["by_length"][">120s"]["median"]
    )


def test_ratios_ignore_videos_with_too_few_views():
    imp = simulate_impressions(users=200, videos=10, per_video=50, seed=0)
    like, _ = per_item_ratios(imp, min_views=10_000)
    assert len(like) == 0


def test_a_reading_brain_gets_the_same_impressions_through_requests():
    """The path `--brain llm` takes, driven here by the persona brain's own object interface."""
    from simulator.brains.persona import PersonaBrain
    from simulator.evaluation.engagement import impressions_by_requests

    objects = impressions_by_requests(PersonaBrain(), users=100, videos=5, per_video=20, seed=2)
    arrays = simulate_impressions(users=100, videos=5, per_video=20, seed=2)
    assert np.array_equal(objects.item, arrays.item)  # same videos, same order
    assert not np.any(objects.like & ~objects.view)
    assert 0 < objects.view.sum() < len(objects.view)
