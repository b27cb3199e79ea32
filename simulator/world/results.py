"""What a world run counts and returns: the metrics per (post, horizon, segment), the accounting that
adds a step's events into them, and the merge of a rerun's shards (the same whatever the shard count)."""

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulator.taxonomy import AGE_BANDS, COUNTRIES, GENDERS, TOPICS

HORIZONS = ("6h", "12h", "24h", "2d", "1w")
HORIZON_HOURS = (6.0, 12.0, 24.0, 48.0, 168.0)

METRICS = (
    "impressions", "views", "unique_viewers", "watch_time_s", "avg_watch_s", "completion_rate",
    "likes", "comments", "shares", "follows", "unfollows", "show_less", "from_shares",
)  # fmt: skip
# from_shares: impressions that a neighbour's share brought.
# What is counted per event; the other metrics are ratios of these.
COUNTED = (
    "impressions", "views", "unique_viewers", "watch_time_ds", "completions",
    "likes", "comments", "shares", "follows", "unfollows", "show_less", "from_shares", "creator_fatigue_x100",
)  # fmt: skip
COUNTED_AT = {name: i for i, name in enumerate(COUNTED)}
SEGMENTS: tuple[str, ...] = (
    ("all",)
    + tuple(f"age_band:{b}" for b in AGE_BANDS)
    + tuple(f"gender:{g}" for g in GENDERS)
    + tuple(f"country:{c}" for c in COUNTRIES)
    + ("follower:yes", "follower:no")
    + tuple(f"interest:{t}" for t in TOPICS)
)
SEG_AGE, SEG_GENDER = 1, 1 + len(AGE_BANDS)
SEG_COUNTRY = SEG_GENDER + len(GENDERS)
SEG_FOLLOWER = SEG_COUNTRY + len(COUNTRIES)
SEG_INTEREST = SEG_FOLLOWER + 2
FEED_ANSWERS = ("post_down", "post_same", "post_up")  # how an instruction moved the post in that ranking
FEED_EXAMPLES = 20  # instructions kept in words per shard and per merged rerun (smallest hash priority)
WATCH_BINS = 11  # watched share of the length: [0, .1), ..., [.9, 1), replays (>= 1)


@dataclass
class ShardResult:
    """What one shard (or, merged, one rerun) produced: aggregates, not events.

    counts[post, horizon, segment, weight class, counted] are cumulative; timeline[post, hour,
    follower (0: followed the creator at the start, 1: did not), weight class, counted] is hour by
    hour; weights[w] is the real-scale users per simulated user of class w.
    """

    rerun: int
    shard_index: int
    shard_count: int
    users: int
    posts: list[str]
    post_hours: list[float]
    horizon_hours: float
    weights: list[float]
    counts: np.ndarray
    timeline: np.ndarray
    watch_hist: np.ndarray  # [post, bin, weight class]
    samples: list[dict[str, Any]]
    brain_usage: dict[str, int]
    segment_users: np.ndarray  # [segment, weight class]: simulated users in each segment
    reached: np.ndarray  # [weight class]: users who viewed at least one post
    followers_start: np.ndarray  # [weight class]: users following the creator at the start
    followers_end: np.ndarray  # [weight class]: ... and at the end
    seconds: float = 0.0
    # What the feed sessions did (simulator.world.feeds.Feeds.summary): sessions played, items
    # scrolled, sessions left before the post, instructions[post, hour, kind, answer], examples.
    feed: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            out[name] = value.tolist() if isinstance(value, np.ndarray) else value
        out["feed"] = {k: v.tolist() if isinstance(v, np.ndarray) else v for k, v in self.feed.items()}
        out["segments"] = list(SEGMENTS)
        out["counted"] = list(COUNTED)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ShardResult":
        arrays = {
            "counts",
            "timeline",
            "watch_hist",
            "segment_users",
            "reached",
            "followers_start",
            "followers_end",
        }
        kwargs = {}
        for name in cls.__dataclass_fields__:
            if name == "feed":  # results stored before the world had feed sessions have none
                feed = dict(data.get("feed") or {})
                if "instructions" in feed:
                    feed["instructions"] = np.asarray(feed["instructions"], dtype=np.int64)
                kwargs[name] = feed
                continue
            value = data[name]
            kwargs[name] = np.asarray(value, dtype=np.int64) if name in arrays else value
        return cls(**kwargs)

    def metric_array(self, *, post: int | None = None, real_scale: bool = True) -> np.ndarray:
        """[metric, horizon, segment] values of METRICS for one post or all posts together."""
        counts = self.counts if post is None else self.counts[post : post + 1]
        weights = np.asarray(self.weights) if real_scale else np.ones(len(self.weights))
        total = np.tensordot(counts.sum(axis=0).astype(np.float64), weights, ([2], [0]))  # [h, s, counted]
        return metric_values(total)

    def figures(
        self, *, post: int | None = None, real_scale: bool = True
    ) -> dict[str, dict[str, dict[str, float]]]:
        """{metric: {horizon: {segment: value}}} for one post or all posts together."""
        values = self.metric_array(post=post, real_scale=real_scale)
        return {
            m: {
                h: {s: float(values[mi, hi, si]) for si, s in enumerate(SEGMENTS)}
                for hi, h in enumerate(HORIZONS)
            }
            for mi, m in enumerate(METRICS)
        }

    def counted(self, name: str, *, horizon: str = "1w", segment: str = "all") -> int:
        """A raw counted total over all posts (simulated users, no weights)."""
        return int(
            self.counts[:, HORIZONS.index(horizon), SEGMENTS.index(segment), :, COUNTED_AT[name]].sum()
        )

    def real(self, per_class: np.ndarray) -> float:
        """A per-weight-class count at real scale."""
        return float(np.asarray(per_class, dtype=np.float64) @ np.asarray(self.weights))

    def curve(
        self, metric: str, *, post: int = 0, segment: str = "all", real_scale: bool = True
    ) -> np.ndarray:
        """A cumulative hourly curve of one counted metric for one post; segment all, follower:yes or :no."""
        weights = np.asarray(self.weights) if real_scale else np.ones(len(self.weights))
        groups = {"all": [0, 1], "follower:yes": [0], "follower:no": [1]}[segment]
        by_group = self.timeline[post, :, :, :, COUNTED_AT[metric]]  # [hour, follower, weight class]
        hourly = by_group[:, groups].sum(axis=1).astype(np.float64) @ weights
        return np.cumsum(hourly)


RerunResult = ShardResult


def metric_values(total: np.ndarray) -> np.ndarray:
    """total[..., counted] -> [metric, ...] in METRICS order, ratios where a metric is one."""
    views = total[..., COUNTED_AT["views"]]
    watch = total[..., COUNTED_AT["watch_time_ds"]] / 10.0
    values = {
        "watch_time_s": watch,
        "avg_watch_s": np.divide(watch, views, out=np.zeros_like(watch), where=views > 0),
        "completion_rate": np.divide(
            total[..., COUNTED_AT["completions"]], views, out=np.zeros_like(watch), where=views > 0
        ),
    }
    return np.stack([values[m] if m in values else total[..., COUNTED_AT[m]] for m in METRICS])


def merge_shards(shards: list[ShardResult]) -> RerunResult:
    """One rerun's result from its shards; the same whatever the shard count."""
    if not shards:
        raise ValueError("no shard to merge")
    first = shards[0]
    indexes = sorted(s.shard_index for s in shards)
    if indexes != list(range(first.shard_count)) or any(s.rerun != first.rerun for s in shards):
        raise ValueError(
            f"shards {indexes} of rerun {first.rerun} do not make a whole run of {first.shard_count}"
        )
    samples = sorted((x for s in shards for x in s.samples), key=lambda x: x["priority"])[
        : _sample_limit(shards)
    ]
    usage: dict[str, int] = {}
    for s in shards:
        for k, v in s.brain_usage.items():
            usage[k] = usage.get(k, 0) + v
    return RerunResult(
        rerun=first.rerun,
        shard_index=0,
        shard_count=1,
        users=sum(s.users for s in shards),
        posts=first.posts,
        post_hours=first.post_hours,
        horizon_hours=first.horizon_hours,
        weights=first.weights,
        counts=sum(s.counts for s in shards),
        timeline=sum(s.timeline for s in shards),
        watch_hist=sum(s.watch_hist for s in shards),
        samples=samples,
        brain_usage=usage,
        segment_users=sum(s.segment_users for s in shards),
        reached=sum(s.reached for s in shards),
        followers_start=sum(s.followers_start for s in shards),
        followers_end=sum(s.followers_end for s in shards),
        seconds=sum(s.seconds for s in shards),
        feed=merge_feeds([s.feed for s in shards]),
    )


def merge_feeds(feeds: list[dict[str, Any]]) -> dict[str, Any]:
    """The shards' feed summaries as one: counts added, the examples with the smallest priorities."""
    if not feeds or not all(feeds):
        return {}
    out = {
        name: sum(f[name] for f in feeds)
        for name in ("sessions", "items", "left_before", "ranked_out", "instructed_users")
    }
    out["ranked_items"] = feeds[0]["ranked_items"]
    out["instructions"] = sum(np.asarray(f["instructions"], dtype=np.int64) for f in feeds)
    examples = sorted((x for f in feeds for x in f["examples"]), key=lambda x: x["priority"])
    out["examples"] = examples[:FEED_EXAMPLES]
    return out


def _sample_limit(shards: list[ShardResult]) -> int:
    return max((s.samples[0]["limit"] for s in shards if s.samples), default=0)


class Tally:
    """A shard's running aggregates: events counted straight into (post, horizon bin, segment, weight
    class) and an hourly timeline; no event list is kept."""

    def __init__(
        self,
        seg_fixed: np.ndarray,
        seg_interest: np.ndarray,
        n_posts: int,
        n_weights: int,
        horizon_hours: float,
    ):
        self.seg_fixed, self.seg_interest = seg_fixed, seg_interest  # the shard's users' segment columns
        self.horizon_hours = horizon_hours
        self.n_w = n_weights
        self.counts = np.zeros(
            (n_posts, len(HORIZONS), len(SEGMENTS), n_weights, len(COUNTED)), dtype=np.int64
        )
        self.hours = int(math.ceil(horizon_hours))
        self.timeline = np.zeros((n_posts, self.hours, 2, n_weights, len(COUNTED)), dtype=np.int64)
        self.watch_hist = np.zeros((n_posts, WATCH_BINS, n_weights), dtype=np.int64)

    def add(self, users, p, age, wc, values) -> None:
        """Add the events of the (shard-local) users to counts[post, horizon bin, segment, weight class]
        and the hourly timeline."""
        within = age <= self.horizon_hours
        users, p, age, wc, values = users[within], p[within], age[within], wc[within], values[within]
        if not len(users):
            return
        hbin = np.searchsorted(HORIZON_HOURS, age, side="left")
        n_w = self.n_w
        # every (event, segment) pair: the fixed columns, then interest memberships
        ev_fixed = np.repeat(np.arange(len(users)), self.seg_fixed.shape[1])
        seg_fixed = self.seg_fixed[users].reshape(-1).astype(np.int64)
        ev_int, topic = np.nonzero(self.seg_interest[users])
        ev = np.concatenate([ev_fixed, ev_int])
        seg = np.concatenate([seg_fixed, SEG_INTEREST + topic])
        keep = hbin[ev] < len(HORIZONS)
        ev, seg = ev[keep], seg[keep]
        flat = ((p[ev] * len(HORIZONS) + hbin[ev]) * len(SEGMENTS) + seg) * n_w + wc[ev]
        size = self.counts.shape[0] * len(HORIZONS) * len(SEGMENTS) * n_w
        view = self.counts.reshape(size, len(COUNTED))
        for m in range(len(COUNTED)):
            view[:, m] += np.rint(np.bincount(flat, weights=values[ev, m], minlength=size)).astype(np.int64)
        hour = np.minimum(age.astype(np.int64), self.hours - 1)
        not_follower = self.seg_fixed[users, 4] - SEG_FOLLOWER
        tflat = ((p * self.hours + hour) * 2 + not_follower) * n_w + wc
        tsize = self.timeline.shape[0] * self.hours * 2 * n_w
        tview = self.timeline.reshape(tsize, len(COUNTED))
        for m in range(len(COUNTED)):
            tview[:, m] += np.rint(np.bincount(tflat, weights=values[:, m], minlength=tsize)).astype(np.int64)

    def segment_users(self, wc: np.ndarray) -> np.ndarray:
        """[segment, weight class]: the shard's simulated users in each segment."""
        out = np.zeros((len(SEGMENTS), self.n_w), dtype=np.int64)
        for col in range(self.seg_fixed.shape[1]):
            np.add.at(out, (self.seg_fixed[:, col].astype(np.int64), wc), 1)
        rows, topic = np.nonzero(self.seg_interest)
        np.add.at(out, (SEG_INTEREST + topic, wc[rows]), 1)
        return out


def feed_report(reruns: list[ShardResult]) -> dict[str, Any] | None:
    """What the reruns' feed sessions did, per rerun on average, for the run page: how many sessions
    met a post, how far users scrolled, who left first, and the instructions users gave hour by hour
    after posting, split by whether they named a topic of the post and how the post's place in that
    user's ranking moved (simulator.world.feeds). Examples are the first rerun's, in the users' words."""
    feeds = [r.feed for r in reruns if r.feed]
    if not feeds:
        return None
    k = len(feeds)

    def mean(name: str) -> float:
        return sum(f[name] for f in feeds) / k

    inst = sum(np.asarray(f["instructions"], dtype=np.float64) for f in feeds) / k  # [post, h, kind, answer]
    hourly = inst.sum(axis=0)  # [hour, kind, answer]
    sessions = mean("sessions")
    return {
        "reruns": k,
        "sessions": round(sessions, 1),
        "items_per_session": round(mean("items") / sessions, 2) if sessions else 0.0,
        "left_before_share": round(mean("left_before") / sessions, 4) if sessions else 0.0,
        "ranked_out_share": round(mean("ranked_out") / sessions, 4) if sessions else 0.0,
        "instructed_users": round(mean("instructed_users"), 1),
        "ranked_items": feeds[0]["ranked_items"],
        "instructions": round(float(inst.sum()), 1),
        "post_topic": {
            a: round(float(v), 1) for a, v in zip(FEED_ANSWERS, hourly[:, 0].sum(axis=0), strict=True)
        },
        "hourly_post_topic": {a: np.round(hourly[:, 0, i], 2).tolist() for i, a in enumerate(FEED_ANSWERS)},
        "hourly_other": np.round(hourly[:, 1].sum(axis=1), 2).tolist(),
        "examples": [{name: v for name, v in x.items() if name != "priority"} for x in feeds[0]["examples"]],
    }
