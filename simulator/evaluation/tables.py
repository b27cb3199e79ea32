"""Each evaluation protocol's result as a markdown table (the commands' plain text, docs/fidelity.md's
sections)."""

METRICS = ("accuracy", "precision", "recall", "f1")


def _taste_rows(result: dict) -> list[str]:
    brains = [
        b for b in ("persona", "persona_sampled", "llm") if any(b in r for r in result["ratios"].values())
    ]
    rows = ["| ratio | answerer | " + " | ".join(METRICS) + " |", "|---|---|" + "---|" * len(METRICS)]
    for ratio, row in result["ratios"].items():
        for who in (*brains, "random", "popularity"):
            if who in row:
                rows.append(
                    f"| 1:{ratio} | {who} | " + " | ".join(f"{row[who][m]:.3f}" for m in METRICS) + " |"
                )
    return rows


def _curves_rows(result: dict) -> list[str]:
    rows = ["| horizon | simulated median (IQR) | real median (IQR) | difference |", "|---|---|---|---|"]
    for name, h in result["horizons"].items():
        s, r = h["simulated"], h["real"]
        rows.append(
            f"| {name} | {s['median']:.3f} ({s['q25']:.3f}-{s['q75']:.3f}) "
            f"| {r['median']:.3f} ({r['q25']:.3f}-{r['q75']:.3f}) | {h['difference']:+.3f} |"
        )
    n = result["nrmse"]
    cv = result["rerun_cv_24h_views"]
    rows += [
        "",
        f"NRMSE of the median curves: {n['median_curves']:.3f}; "
        f"per cascade, median {n['per_cascade']['median']:.3f} "
        f"(IQR {n['per_cascade']['q25']:.3f}-{n['per_cascade']['q75']:.3f}).",
        f"Rerun-to-rerun coefficient of variation of 24 h views: {cv['cv']} ({cv['runs']} reruns, "
        f"{cv['audience']:,} users, mean {cv['mean_24h_views']} views).",
    ]
    return rows


def _q(q: dict, digits: int = 4) -> str:
    return f"{q['median']:.{digits}f} ({q['q25']:.{digits}f}-{q['q75']:.{digits}f})"


def _engagement_rows(result: dict) -> list[str]:
    w = result["watch_ratio"]
    rows = [
        "| figure | simulated median (IQR) | real median (IQR) | real source |",
        "|---|---|---|---|",
        f"| like/view per video | {_q(result['like_per_view']['simulated'])} "
        f"| {_q(result['like_per_view']['youtube'])} | YouTube trending US 2017 |",
        f"| comment/view per video | {_q(result['comment_per_view']['simulated'])} "
        f"| {_q(result['comment_per_view']['youtube'])} | YouTube trending US 2017 |",
        f"| watch time / length | {_q(w['simulated'], 3)} | {_q(w['kuairand'], 3)} "
        f"| KuaiRand sample, {w['kuairand']['n']} clicked plays |",
    ]
    for band, sim in w["simulated"]["by_length"].items():
        real = w["kuairand"]["by_length"].get(band, {"n": 0})
        real_text = f"{_q(real, 3)}, n={real['n']}" if real["n"] else "none"
        sim_text = _q(sim, 3) if sim["n"] else "none"
        rows.append(f"| watch / length, {band} | {sim_text} | {real_text} | KuaiRand sample |")
    rows.append(
        f"| view rate per impression | {result['view_rate']['simulated']:.3f} "
        f"| {result['view_rate']['kuairand']:.3f} | KuaiRand sample (is_click) |"
    )
    return rows


def _reorder_rows(result: dict) -> list[str]:
    rows = ["| list | " + " | ".join(result["initial"]) + " |", "|---|" + "---|" * len(result["initial"])]
    names = {"initial": "initial", "final": "final", "history_only": "final, words ignored (ablation)"}
    for which, name in names.items():
        if which in result:
            rows.append(f"| {name} | " + " | ".join(f"{v:.3f}" for v in result[which].values()) + " |")
    rows.append("")
    rows.append(
        f"{result['users']} users; {result['instructions']} instructions given; "
        f"{result['users_instructing']} users instructed at least once; item content: "
        f"{result.get('content', 'genre topics')}."
    )
    if "instruction_weight" in result:
        rows[-1] += f" Weight of the words beside the history: {result['instruction_weight']}."
    level = round(100 * result.get("interval_level", 0.95))
    rows += _gain_rows(result, level)
    vague = result.get("vague_counterfactual")
    if vague:
        rows += [
            "",
            "Counterfactual (not what these users said): every instruction replaced by "
            f'"{vague["instruction"]}", which names nothing, so the follower explores away from what the '
            "session showed. "
            f"{vague['instructions']} instructions ({vague['kinds']['vague']} read as vague), "
            f"{vague['users_instructing']} users instructed at least once.",
            "",
            "| list | " + " | ".join(vague["final"]) + " |",
            "|---|" + "---|" * len(vague["final"]),
            "| final, every instruction vague | "
            + " | ".join(f"{v:.3f}" for v in vague["final"].values())
            + " |",
        ]
        rows += _gain_rows(vague, level, "every instruction vague: ")
    return rows


def _gain_rows(result: dict, level: int, prefix: str = "") -> list[str]:
    rows = []
    for key, title in (("gain", "final - initial"), ("gain_over_history_only", "final - ablation")):
        if key not in result:
            continue
        rows += [
            "",
            f"| {prefix}{title}, per user (paired; {level}% bootstrap) | users | recall@10 | ndcg@10 |",
        ]
        rows.append("|---|---|---|---|")
        for kind, gains in result[key].items():
            cells = [f"{g['mean']:+.3f} [{g['low']:+.3f}, {g['high']:+.3f}]" for g in gains.values()]
            users = next(iter(gains.values()))["users"]
            rows.append(f"| {kind} | {users} | " + " | ".join(cells) + " |")
    return rows


def _fmt(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _content_rows(result: dict) -> list[str]:
    t = result["topics"]
    held = result["held_out"]
    rows = [
        f"Held out: {held['videos']} videos of {held['channels']} channels never fitted ({result['split']}).",
        "",
        "| figure | predictor | Spearman | pairwise, same channel | mean abs. error (log) |",
        "|---|---|---|---|---|",
    ]
    for ratio, words in (("like_per_view", "like/view"), ("comment_per_view", "comment/view")):
        r = result[ratio]
        for name, m in r.items():
            if isinstance(m, dict):
                rows.append(
                    f"| {words} ({r['videos']} videos, {r['pairs']} pairs) | {name} | {_fmt(m['spearman'])} "
                    f"| {_fmt(m['pairwise_same_channel'])} | {_fmt(m['mae_log'])} |"
                )
    rows += [
        "",
        "| topic figure | content model | majority class |",
        "|---|---|---|",
        f"| YouTube category, top-1 accuracy | {_fmt(t['category_accuracy'])} "
        f"| {_fmt(t['category_majority_baseline'])} (category {t['majority_category']}) |",
        f"| top inferred topic is one of the real category's | {_fmt(t['top_topic_in_real_category'])} "
        f"| {_fmt(t['top_topic_majority_baseline'])} ({t['majority_topic']}) |",
    ]
    tiktok = result.get("tiktok")
    if tiktok:
        rows += [
            "",
            f"Across platforms: the same model on {tiktok['posts']:,} trending TikTok posts of "
            f"{tiktok['accounts']:,} accounts (every {tiktok['every']}th of the Lcxiv/TikTok file, never "
            "fitted; orders only, the platforms' levels differ).",
            "",
            "| figure | predictor | Spearman | pairwise, same account |",
            "|---|---|---|---|",
        ]
        for ratio, words in (("like_per_view", "like/view"), ("comment_per_view", "comment/view")):
            r = tiktok[ratio]
            for name, m in r.items():
                if isinstance(m, dict):
                    rows.append(
                        f"| {words} ({r['posts']:,} posts, {r['pairs']:,} pairs) | {name} "
                        f"| {_fmt(m['spearman'])} | {_fmt(m['pairwise_same_account'])} |"
                    )
    return rows


def pct(x) -> str:
    return "-" if x is None else f"{x:.0%}"


def _rho(x) -> str:
    return "-" if x is None else f"{x:.2f}"


def _model(entry: dict, model: str) -> str:
    m = entry.get(model)
    if not m:
        return "-"
    return f"{pct(m['mdape'])} / {_rho(m['spearman'])} / {pct(m['coverage90'])}"


def _backtest_rows(result: dict) -> list[str]:
    rows = [
        f"{result['posts_backtested']:,} posts of {result['accounts']:,} account(s), {result['scheme']}; "
        f"the uncalibrated platform's level: {result['platform']}. Fit: {result['method']}."
        + (
            f" The content model read the words of {result['content_posts']:,} posts: both models predict "
            "each post with its content's effects, and the fit takes the others' out first."
            if result.get("content_posts")
            else ""
        ),
        "",
        "Each cell: MdAPE / Spearman / 90%-band coverage.",
        "",
        "| count | horizon | posts | calibrated | account's median post | platform, uncalibrated |",
        "|---|---|---|---|---|---|",
    ]
    for metric, by_h in result["horizons"].items():
        for horizon, e in by_h.items():
            rows.append(
                f"| {metric} | {horizon} | {e['n']:,} | {_model(e, 'calibrated')} "
                f"| {_model(e, 'creator_median')} | {_model(e, 'platform')} |"
            )
    if result["live_update"]:
        rows += [
            "",
            f"Live update ({result['live_update_method']}): the count at the horizon named, and nothing "
            "later, predicts the latest count (the week, or the latest day from the third).",
            "",
            "| count | from | to | posts | updated | before the update | early count over the curve's share "
            "| band width after / before |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for metric, by_h in result["live_update"].items():
            for horizon, e in by_h.items():
                ratio = "-" if e["band_width_ratio"] is None else f"{e['band_width_ratio']:.2f}"
                rows.append(
                    f"| {metric} | {horizon} | {', '.join(e['to'])} | {e['n']:,} | {_model(e, 'updated')} "
                    f"| {_model(e, 'before')} | {_model(e, 'curve_only')} | {ratio} |"
                )
    rows += ["", *[f"- {n}" for n in result.get("notes", [])]]
    return rows


def _range(entry: dict) -> str:
    lo, hi = entry.get("coverage_range", [entry["coverage"]] * 2)
    return f"{lo:.2f}-{hi:.2f}"


def _calibration_rows(result: dict) -> list[str]:
    lo, hi = result["goal"]
    rows = [
        f"Each band: {result['band']}; {result['audience']}. Goal: coverage {lo:.2f}-{hi:.2f}. "
        f"{result['cascades']:,} cascades, {result['youtube_videos']:,} YouTube videos. Coverage and "
        f"width: the mean over {result.get('seeds', 1)} seeds (the range of coverage in brackets); the "
        "band: the first seed's.",
        "",
        "| real outcome | horizon | run's band: coverage | width | band | band over posts: coverage | width "
        "| real 5-95% |",
        "|---|---|---|---|---|---|---|---|",
    ]
    run, posts = result["run_band"], result["band_over_posts"]

    def row(label: str, horizon: str, a: dict, b: dict) -> str:
        return (
            f"| {label} | {horizon} | {a['coverage']:.2f} [{_range(a)}] (below {a['below']:.2f}, "
            f"above {a['above']:.2f}) "
            f"| {a['width']:.4g} | {a['band'][0]:.4g}-{a['band'][1]:.4g} | {b['coverage']:.2f} "
            f"| {b['width']:.4g} | {a['real_5_95'][0]:.4g}-{a['real_5_95'][1]:.4g} |"
        )

    for h, a in run["cascade_share"].items():
        rows.append(row("cascade: share of its week", h, a, posts["cascade_share"][h]))
    rows.append(
        row(
            "YouTube like/view", "last snapshot", run["youtube_like_per_view"], posts["youtube_like_per_view"]
        )
    )
    return rows


SECTIONS = {
    "taste": ("Taste discrimination (Agent4Rec protocol, MovieLens 100k)", _taste_rows),
    "curves": ("Reaction curves against real cascades (Twitter15)", _curves_rows),
    "engagement": ("Engagement against YouTube and KuaiRand", _engagement_rows),
    "reorder": ("Re-ordering (RecoWorld protocol, MovieLens 100k)", _reorder_rows),
    "content": ("Content model on held-out YouTube channels", _content_rows),
    "calibration": ("Calibration of the 90% band against real outcomes", _calibration_rows),
    "backtest_youtube": ("Track record: YouTube trending videos followed day by day", _backtest_rows),
    "backtest_cascades": ("Track record: Twitter15 cascades and the first-hour update", _backtest_rows),
    "backtest_youtube_rolling": ("Track record, rolling origin: YouTube trending videos", _backtest_rows),
    "backtest_cascades_rolling": ("Track record, rolling origin: Twitter15 cascades", _backtest_rows),
    "backtest_youtube_heldout": (
        "Track record on the channels the content model never saw: counts alone",
        _backtest_rows,
    ),
    "backtest_youtube_content": (
        "Track record on the channels the content model never saw: with the content model",
        _backtest_rows,
    ),
}
_PROTOCOL_KEYS = {
    "agent4rec-taste": "taste",
    "cascade-curves": "curves",
    "engagement": "engagement",
    "reorder": "reorder",
    "content": "content",
    "backtest": "backtest_youtube",
    "band-calibration": "calibration",
}


def text(result: dict) -> str:
    """One protocol's result as a readable table."""
    key = _PROTOCOL_KEYS[result["protocol"]]
    title, rows = SECTIONS[key]
    if key.startswith("backtest"):
        title = f"Track record backtest: {result['file']}"
    return "\n".join([title, "", *rows(result)])
