"""The track record's costs on 2 CPU cores: solving an account's offsets into a world's multipliers
(what a calibrated run's task does before its shards: the reference runs of platform.account_effects),
reading 50 past posts' words with the content model, and both backtests on the real YouTube file."""

import statistics
import time
import uuid
from pathlib import Path


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    from simulator.audiences import AudienceSpec
    from simulator.track_record.backtest import run_backtest
    from simulator.track_record.calibration import fit_account
    from simulator.track_record.content import past_post_content
    from simulator.track_record.history import PastPost, read_history
    from simulator.track_record.platform import account_effects, platform_from_world, reference_item

    audience = AudienceSpec(kind="followers", size=3000, profile={"niche": "food", "follower_count": 20000})
    item = reference_item([], "food")
    platform = platform_from_world(audience, item)
    posts = [
        PastPost(
            post_id=f"p{i}",
            counts={
                "1w": {
                    "views": platform.week["views"] * (0.8 + 0.05 * i),
                    "likes": 2 * platform.week["likes"] * (0.8 + 0.05 * i),
                }
            },
        )
        for i in range(12)
    ]
    fit = fit_account(posts, platform)
    solves = [
        _timed(lambda: (platform_from_world(audience, item), account_effects(fit, audience, item)))
        for _ in range(3)
    ]
    print(f"account solve (3,000 simulated users, like x2): median {statistics.median(solves):.1f} s of 3")

    tag = uuid.uuid4().hex[:6]  # new words each time: the embeddings' disk cache must not answer
    worded = [
        PastPost(post_id=f"w{i}", caption=f"My pasta night {i} {tag}: quick and cheap", hashtags=["food"])
        for i in range(50)
    ]
    print(f"content model on 50 past posts' words: {_timed(lambda: past_post_content(worded)):.1f} s")

    trending = read_history(
        (Path("simulator/data") / "youtube_trending_us_2017.csv").read_text(encoding="utf-8")
    )
    for scheme in ("loo", "rolling"):
        seconds = _timed(lambda: run_backtest(trending, scheme=scheme))  # noqa: B023
        print(f"backtest {scheme} on {len(trending.posts):,} YouTube trending videos: {seconds:.1f} s")


if __name__ == "__main__":
    main()
