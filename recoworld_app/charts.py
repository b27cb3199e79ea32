"""Plotly figures as plain JSON dicts, built from stored aggregates: pure functions, no queries.

Building the dicts directly (rather than through plotly.graph_objects) keeps a results page fast;
plotly.js draws them in the browser and in the offline report.
"""

HORIZON_ORDER = ("6h", "12h", "24h", "2d", "1w")
HORIZON_HOURS = {"6h": 6, "12h": 12, "24h": 24, "2d": 48, "1w": 168}
HORIZON_WORDS = {"6h": "6 hours", "12h": "12 hours", "24h": "24 hours", "2d": "2 days", "1w": "a week"}
METRIC_LABELS = {
    "impressions": "Impressions",
    "views": "Views",
    "unique_viewers": "Unique viewers",
    "watch_time_s": "Watch time (s)",
    "avg_watch_s": "Average watch (s)",
    "completion_rate": "Completion rate",
    "likes": "Likes",
    "comments": "Comments",
    "shares": "Shares",
    "follows": "Follows",
    "unfollows": "Unfollows",
    "show_less": "“Show less”",
    "from_shares": "Reached through shares",
}
OVER_TIME_METRICS = ("views", "likes", "comments", "shares", "follows", "watch_time_s")
RATE_METRICS = {"completion_rate"}
PALETTE = ("#5b4bdb", "#e8590c", "#0ca678", "#1c7ed6", "#d6336c", "#f59f00", "#495057", "#7048e8")
FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12, "color": "#1d2330"}


def _layout(title: str, **extra) -> dict:
    layout = {
        "title": {"text": title, "font": {"size": 14}, "x": 0, "xanchor": "left"},
        "font": FONT,
        "margin": {"l": 56, "r": 16, "t": 40, "b": 44},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "xaxis": {"gridcolor": "#eef0f4", "zeroline": False},
        "yaxis": {"gridcolor": "#eef0f4", "zeroline": False, "rangemode": "tozero"},
        "showlegend": False,
        "height": 300,
    }
    layout.update(extra)
    return layout


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def cells(rows) -> dict[tuple[str, str, str], tuple[float, float, float]]:
    """Index stored aggregate rows (metric, horizon, segment, mean, lo, hi) by their key."""
    return {(m, h, s): (mean, lo, hi) for m, h, s, mean, lo, hi in rows}


def horizons_in(index) -> list[str]:
    present = {h for _, h, _ in index}
    return [h for h in HORIZON_ORDER if h in present]


def segments_in(index) -> list[str]:
    return sorted({s for _, _, s in index if s != "all"}, key=lambda s: (s.split(":")[0], s))


def band_trace_set(x, means, los, his, colour: str, name: str) -> list[dict]:
    """A 90% band (lo to hi, filled) under the mean line."""
    return [
        {
            "type": "scatter",
            "x": x,
            "y": los,
            "mode": "lines",
            "line": {"width": 0},
            "hoverinfo": "skip",
            "showlegend": False,
            "legendgroup": name,
        },
        {
            "type": "scatter",
            "x": x,
            "y": his,
            "mode": "lines",
            "line": {"width": 0},
            "fill": "tonexty",
            "fillcolor": _rgba(colour, 0.18),
            "hoverinfo": "skip",
            "showlegend": False,
            "legendgroup": name,
        },
        {
            "type": "scatter",
            "x": x,
            "y": means,
            "mode": "lines+markers",
            "name": name,
            "legendgroup": name,
            "line": {"color": colour, "width": 2.5},
            "marker": {"size": 7},
            "customdata": [[lo, hi] for lo, hi in zip(los, his, strict=True)],
            "hovertemplate": "%{x}: %{y:,.3~s} (band: %{customdata[0]:,.3~s}–%{customdata[1]:,.3~s})<extra>"
            + name
            + "</extra>",
        },
    ]


def over_time_figures(index, segment: str = "all", metrics=OVER_TIME_METRICS) -> list[tuple[str, dict]]:
    """One small chart per metric: the cumulative mean at each horizon, with its 90% band."""
    horizons = horizons_in(index)
    figures = []
    for n, metric in enumerate(metrics):
        points = [index.get((metric, h, segment)) for h in horizons]
        if not horizons or any(p is None for p in points):
            continue
        means, los, his = (list(v) for v in zip(*points, strict=True))
        label = METRIC_LABELS.get(metric, metric)
        figure = {
            "data": band_trace_set(horizons, means, los, his, PALETTE[n % len(PALETTE)], label),
            "layout": _layout(label, xaxis={"type": "category", "title": {"text": "after posting"}}),
        }
        figures.append((metric, figure))
    return figures


def curve_figure(curves: dict | None, metric: str) -> dict | None:
    """A cumulative metric hour by hour (all posts together) with its 90% band."""
    curve = (curves or {}).get(metric)
    if not curve or not curve.get("mean"):
        return None
    hours = list(range(1, len(curve["mean"]) + 1))
    label = METRIC_LABELS.get(metric, metric)
    ticks = [h for h in (6, 12, 24, 48, 72, 96, 120, 144, 168) if h <= hours[-1]]
    return {
        "data": band_trace_set(hours, curve["mean"], curve["lo"], curve["hi"], PALETTE[0], label),
        "layout": _layout(
            f"{label}, hour by hour",
            height=320,
            xaxis={"title": {"text": "hours after the start"}, "tickvals": ticks, "gridcolor": "#eef0f4"},
        ),
    }


def segments_figure(index, metric: str, horizon: str, only: list[str] | None = None) -> dict | None:
    """The metric per audience segment at one horizon, with 90% intervals as error bars."""
    segments = [
        s for s in segments_in(index) if (metric, horizon, s) in index and (only is None or s in only)
    ]
    if not segments:
        return None
    values = [index[(metric, horizon, s)] for s in segments]
    colours = {
        family: PALETTE[i % len(PALETTE)]
        for i, family in enumerate(dict.fromkeys(s.split(":")[0] for s in segments))
    }
    label = METRIC_LABELS.get(metric, metric)
    trace = {
        "type": "bar",
        "orientation": "h",
        "y": [segment_label(s) for s in segments],
        "x": [v[0] for v in values],
        "marker": {"color": [colours[s.split(":")[0]] for s in segments]},
        "error_x": {
            "type": "data",
            "symmetric": False,
            "array": [v[2] - v[0] for v in values],
            "arrayminus": [v[0] - v[1] for v in values],
            "color": "#667085",
            "thickness": 1,
        },
        "hovertemplate": "%{y}: %{x:,.3~s}<extra></extra>",
    }
    height = max(260, 26 * len(segments) + 80)
    return {
        "data": [trace],
        "layout": _layout(
            f"{label} by segment, {horizon} after posting",
            height=height,
            yaxis={"autorange": "reversed", "automargin": True},
            margin={"l": 140, "r": 16, "t": 40, "b": 40},
        ),
    }


def segment_label(segment: str) -> str:
    if ":" not in segment:
        return segment
    family, value = segment.split(":", 1)
    if family == "follower":
        return "followers" if value == "yes" else "non-followers"
    names = {"age_band": "age", "follower": "follows you", "interest": "into", "gender": "", "country": ""}
    prefix = names.get(family, family)
    return f"{prefix} {value}".strip()


def funnel_figure(funnel: dict) -> dict | None:
    """Impression to share: how many real-scale users reached each stage (stored in order)."""
    stages = [(k, v) for k, v in (funnel or {}).items() if isinstance(v, int | float)]
    if not stages:
        return None
    return {
        "data": [
            {
                "type": "funnel",
                "y": [k.replace("_", " ").capitalize() for k, _ in stages],
                "x": [v for _, v in stages],
                "texttemplate": "%{value:,.3~s} (%{percentInitial:.0%})",
                "marker": {"color": PALETTE[0]},
                "hovertemplate": "%{y}: %{x:,.3~s}<extra></extra>",
            }
        ],
        "layout": _layout("From impression to share", margin={"l": 110, "r": 16, "t": 40, "b": 20}),
    }


FEED_ANSWER_NAMES = {
    "post_down": ("ranked the post lower", "#c0392b"),
    "post_same": ("left the post where it was", "#95a5a6"),
    "post_up": ("ranked the post higher", "#27ae60"),
}


def feed_figure(feed: dict | None) -> dict | None:
    """Instructions simulated users gave their feed, hour by hour after posting: those naming a topic
    of the post, stacked by how the recommender's ranking of the post moved for that user, and the rest."""
    if not feed or not feed.get("instructions"):
        return None
    hours = list(range(len(feed["hourly_other"])))
    data = [
        {
            "type": "bar",
            "x": hours,
            "y": feed["hourly_post_topic"][answer],
            "name": f"named the post's topic; the feed {words}",
            "marker": {"color": colour},
            "hovertemplate": "hour %{x}: %{y:.2f}<extra></extra>",
        }
        for answer, (words, colour) in FEED_ANSWER_NAMES.items()
    ]
    data.append(
        {
            "type": "scatter",
            "mode": "lines",
            "x": hours,
            "y": feed["hourly_other"],
            "name": "about other things",
            "line": {"color": PALETTE[0], "width": 1},
            "hovertemplate": "hour %{x}: %{y:.2f}<extra></extra>",
        }
    )
    return {
        "data": data,
        "layout": _layout(
            "Instructions to the feed, per hour after posting",
            barmode="stack",
            xaxis={"title": "hours after posting", "gridcolor": "#eef0f4"},
            yaxis={"title": "simulated users, per rerun", "gridcolor": "#eef0f4", "rangemode": "tozero"},
            showlegend=True,
            legend={"orientation": "h", "y": -0.35},
            height=380,
        ),
    }


def watch_time_figure(histogram: dict) -> dict | None:
    """How much of the post viewers watched: views per share of its length watched (last bin: replays)."""
    labels, counts = (histogram or {}).get("labels") or [], (histogram or {}).get("counts") or []
    if not counts or len(labels) != len(counts):
        return None
    return {
        "data": [
            {
                "type": "bar",
                "x": labels,
                "y": counts,
                "marker": {"color": PALETTE[3]},
                "hovertemplate": "%{x} watched: %{y:,.3~s} views<extra></extra>",
            }
        ],
        "layout": _layout(
            "How much of it viewers watched",
            xaxis={"type": "category", "title": {"text": "share of the length"}},
        ),
    }


def makeup_figures(makeup: dict) -> list[tuple[str, dict]]:
    """Small bars of who is in an audience: age bands, genders, top countries, top interests."""
    figures = []
    for key, title, limit in (
        ("age_band", "Age", None),
        ("gender", "Gender", None),
        ("country", "Top countries", 8),
        ("interests", "Top interests", 8),
    ):
        shares = (makeup or {}).get(key) or {}
        items = list(shares.items())
        if key != "age_band":
            items.sort(key=lambda kv: -kv[1])
        items = items[:limit] if limit else items
        if not items:
            continue
        figures.append(
            (
                key,
                {
                    "data": [
                        {
                            "type": "bar",
                            "x": [k for k, _ in items],
                            "y": [v for _, v in items],
                            "marker": {"color": PALETTE[len(figures)]},
                            "hovertemplate": "%{x}: %{y:.1%}<extra></extra>",
                        }
                    ],
                    "layout": _layout(
                        title,
                        height=220,
                        yaxis={"tickformat": ".0%", "gridcolor": "#eef0f4"},
                        xaxis={"type": "category"},
                        margin={"l": 44, "r": 8, "t": 34, "b": 40},
                    ),
                },
            )
        )
    return figures


def compare_figure(named_indexes: list[tuple[str, dict]], metric: str, segment: str = "all") -> dict | None:
    """Several runs' cumulative metric over time, each with its band, on one chart."""
    data = []
    for n, (name, index) in enumerate(named_indexes):
        horizons = horizons_in(index)
        points = [index.get((metric, h, segment)) for h in horizons]
        if not horizons or any(p is None for p in points):
            continue
        means, los, his = (list(v) for v in zip(*points, strict=True))
        data += band_trace_set(horizons, means, los, his, PALETTE[n % len(PALETTE)], name)
    if not data:
        return None
    label = METRIC_LABELS.get(metric, metric)
    return {
        "data": data,
        "layout": _layout(
            label,
            showlegend=True,
            legend={"orientation": "h", "y": -0.2},
            height=340,
            xaxis={"type": "category"},
        ),
    }


def differences(
    base: dict, other: dict, horizon: str, segment: str = "all", paired: dict[str, tuple] | None = None
) -> list[dict]:
    """Per metric: both runs' means and intervals, and other minus base with a 90% interval.

    `paired` gives, per metric, the (mean, lo, hi) of rerun-by-rerun differences, for runs that share a
    seed and so the same random draws (common random numbers): those intervals are the tight ones.
    Otherwise the two half-widths combine in quadrature, as for independent runs.
    """
    out = []
    metrics = sorted(
        {m for m, h, s in base if h == horizon and s == segment}
        & {m for m, h, s in other if h == horizon and s == segment},
        key=lambda m: list(METRIC_LABELS).index(m) if m in METRIC_LABELS else 99,
    )
    for metric in metrics:
        a, b = base[(metric, horizon, segment)], other[(metric, horizon, segment)]
        if paired and metric in paired:
            diff, lo, hi = paired[metric]
        else:
            half = ((a[2] - a[1]) ** 2 + (b[2] - b[1]) ** 2) ** 0.5 / 2
            diff = b[0] - a[0]
            lo, hi = diff - half, diff + half
        verdict = "higher" if lo > 0 else "lower" if hi < 0 else "no clear difference"
        out.append(
            {
                "metric": metric,
                "label": METRIC_LABELS.get(metric, metric),
                "base": a,
                "other": b,
                "diff": diff,
                "lo": lo,
                "hi": hi,
                "relative": diff / a[0] if a[0] else None,
                "rate": metric in RATE_METRICS,
                "paired": bool(paired and metric in paired),
                "verdict": verdict,
            }
        )
    return out


def predicted_vs_real_figure(points: list[dict], metric: str) -> dict | None:
    """The backtest: each past post's real count against the calibrated prediction (with its 90% band)
    and the account's median post, log axes, the diagonal where they would agree."""
    rows = [p for p in points if p["metric"] == metric and p["actual"] > 0 and p.get("calibrated")]
    if not rows:
        return None
    actual = [p["actual"] for p in rows]
    low, high = min(actual + [p["lo"] for p in rows]), max(actual + [p["hi"] for p in rows])
    label = METRIC_LABELS.get(metric, metric)
    text = [f"{p['post_id']} at {p['horizon']}" for p in rows]
    data = [
        {
            "type": "scatter",
            "mode": "markers",
            "name": "Calibrated (90% band)",
            "x": actual,
            "y": [p["calibrated"] for p in rows],
            "text": text,
            "error_y": {
                "type": "data",
                "symmetric": False,
                "array": [p["hi"] - p["calibrated"] for p in rows],
                "arrayminus": [p["calibrated"] - p["lo"] for p in rows],
                "color": _rgba(PALETTE[0], 0.3),
            },
            "marker": {"color": PALETTE[0], "size": 7},
            "hovertemplate": "%{text}: real %{x:,.0f}, predicted %{y:,.0f}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "markers",
            "name": "Your median post",
            "x": actual,
            "y": [p.get("creator_median") for p in rows],
            "text": text,
            "marker": {"color": PALETTE[1], "size": 6, "symbol": "x"},
            "hovertemplate": "%{text}: real %{x:,.0f}, median post %{y:,.0f}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": "Predicted = real",
            "x": [max(low, 0.5), high],
            "y": [max(low, 0.5), high],
            "line": {"color": "#adb5bd", "dash": "dot"},
            "hoverinfo": "skip",
        },
    ]
    axis = {"type": "log", "gridcolor": "#eef0f4", "zeroline": False}
    layout = _layout(
        f"{label}: predicted against real, each post left out in turn",
        xaxis={**axis, "title": {"text": f"real {label.lower()}"}},
        yaxis={**axis, "title": {"text": "predicted"}},
        showlegend=True,
        legend={"orientation": "h", "y": -0.25},
        height=380,
    )
    return {"data": data, "layout": layout}
