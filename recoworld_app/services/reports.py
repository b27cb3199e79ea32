"""Results: storing a finished run's summary in the result tables, reading them back for pages,
the API and exports (CSV, JSON, a self-contained HTML report)."""

import csv
import io

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from recoworld_app import charts
from recoworld_app.models import RunMetric, RunReport, RunSample, SimulationRun
from recoworld_app.services.content import content_rows
from recoworld_app.services.panels import run_calibration
from recoworld_app.staticfinders import PLOTLY_DIR

KPI_METRICS = ("views", "likes", "comments", "shares", "follows", "avg_watch_s", "completion_rate")
SAMPLES_KEPT = 60
MIN_SEGMENT_USERS = 30  # fewer simulated users than this make a segment's figure mostly noise
TOP_SEGMENTS = 8
SEGMENT_METRICS = ("views", "completion_rate")  # charted by segment on the results page
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "|")


def report_rows(run: SimulationRun) -> list[tuple]:
    """(metric, horizon, segment, mean, lo, hi) of a run, in one query."""
    return list(
        RunMetric.objects.filter(run=run)
        .order_by("metric", "segment", "horizon")
        .values_list("metric", "horizon", "segment", "mean", "lo", "hi")
    )


def comparison(runs: list[SimulationRun], horizon: str | None = None) -> dict:
    """Each run against the first: per metric the difference and its 90% interval, paired rerun by rerun
    when the two runs share seed and rerun count (their draws then match), independent otherwise.

    Reads the whole-audience rows only, all runs in one query: a comparison shows no segment, and a
    run's segment rows outnumber them forty to one.
    """
    from simulator.bands import interval

    by_run: dict[int, dict] = {run.pk: {} for run in runs}
    values: dict[tuple[int, str, str], list[float]] = {}
    rows = RunMetric.objects.filter(run__in=runs, segment="all").values_list(
        "run_id", "metric", "horizon", "mean", "lo", "hi", "values"
    )
    for run_id, metric, h, mean, lo, hi, vals in rows:
        by_run[run_id][(metric, h, "all")] = (mean, lo, hi)
        values[(run_id, metric, h)] = vals
    indexes = [by_run[run.pk] for run in runs]
    horizons = charts.horizons_in(indexes[0])
    horizon = horizon if horizon in horizons else (horizons[-1] if horizons else "")
    base = runs[0]
    out = []
    for run, index in zip(runs[1:], indexes[1:], strict=True):
        paired = None
        if run.seed == base.seed and run.reruns == base.reruns > 1:
            paired = {}
            for metric in {m for m, h, _ in indexes[0] if h == horizon}:
                base_vals = values.get((base.pk, metric, horizon))
                vals = values.get((run.pk, metric, horizon))
                if base_vals and vals and len(base_vals) == len(vals):
                    mean, lo, hi, _ = interval(np.subtract(vals, base_vals))
                    paired[metric] = (float(mean), float(lo), float(hi))
        out.append((run, charts.differences(indexes[0], index, horizon, paired=paired)))
    return {"horizon": horizon, "horizons": horizons, "indexes": indexes, "differences": out}


def kpis(index: dict, horizon: str) -> list[dict]:
    out = []
    for metric in KPI_METRICS:
        cell = index.get((metric, horizon, "all"))
        if cell:
            out.append(
                {
                    "metric": metric,
                    "label": charts.METRIC_LABELS[metric],
                    "mean": cell[0],
                    "lo": cell[1],
                    "hi": cell[2],
                    "rate": metric in charts.RATE_METRICS,
                }
            )
    return out


def band_words(reruns: int) -> dict[str, str]:
    """How to name a run's band: what share of simulated outcomes it holds (simulator.reruns)."""
    from simulator.bands import BAND_RERUNS, band_coverage

    coverage = band_coverage(reruns)
    if reruns < 2:
        return {
            "label": "one rerun: no band",
            "caption": f"One rerun gives no band; {BAND_RERUNS} reruns give one.",
        }
    if coverage >= 0.9:
        return {
            "label": "90% of outcomes",
            "caption": "the shaded band holds 90% of simulated outcomes (each rerun draws a new population, "
            "graph and the uncertain parameters); it is their spread, not the precision of the mean.",
        }
    return {
        "label": f"range of {reruns} reruns",
        "caption": f"the shaded band is the range of the {reruns} reruns, which holds about {coverage:.0%} "
        f"of simulated outcomes; {BAND_RERUNS} reruns make it hold 90%.",
    }


def headline(index: dict, reruns: int) -> str | None:
    """'In 90% of simulated outcomes, 1.2k–1.6k views in 24 h' from the stored band."""
    for horizon, words in (
        ("24h", "24 h"),
        ("1w", "a week"),
        ("2d", "2 days"),
        ("12h", "12 h"),
        ("6h", "6 h"),
    ):
        cell = index.get(("views", horizon, "all"))
        if not cell:
            continue
        if reruns < 2:
            return f"One rerun: {_compact(cell[0])} views in {words}."
        spread = f"{_compact(cell[1])}–{_compact(cell[2])} views in {words}"
        if band_words(reruns)["label"].startswith("90%"):
            return f"In 90% of simulated outcomes, {spread}."
        return f"Across the {reruns} reruns, {spread}."
    return None


def _compact(value: float) -> str:
    from recoworld_app.templatetags.numbers import compact

    return compact(value)


def last_horizon(run: SimulationRun) -> str:
    return [h for h in charts.HORIZON_ORDER if charts.HORIZON_HOURS[h] <= run.horizon_hours][-1]


def run_results(run: SimulationRun) -> dict:
    """Everything a results page shows, from three small queries: aggregates, report, samples.

    Of the aggregates it reads the "all" rows and, at the last horizon, the two metrics charted by
    segment: a few hundred rows whatever the audience.
    """
    rows = list(
        RunMetric.objects.filter(run=run)
        .filter(Q(segment="all") | Q(horizon=last_horizon(run), metric__in=SEGMENT_METRICS))
        .values_list("metric", "horizon", "segment", "mean", "lo", "hi")
    )
    index = charts.cells(rows)
    report = RunReport.objects.filter(run=run).first()
    horizons = charts.horizons_in(index)
    last = horizons[-1] if horizons else None
    figures = charts.over_time_figures(index)
    extra = (report.extra or {}) if report else {}
    shown = shown_segments(extra["segment_users"]) if "segment_users" in extra else None
    segments = charts.segments_figure(index, SEGMENT_METRICS[0], last, shown) if last else None
    completion = charts.segments_figure(index, SEGMENT_METRICS[1], last, shown) if last else None
    return {
        "index": index,
        "horizons": horizons,
        "last_horizon": last,
        "last_horizon_words": charts.HORIZON_WORDS.get(last, last),
        "kpis": kpis(index, last) if last else [],
        "kpis_24h": kpis(index, "24h") if "24h" in horizons and last != "24h" else [],
        "headline": headline(index, run.reruns),
        "band": band_words(run.reruns),
        "summary": report.summary if report else [],
        "brain_usage": report.brain_usage if report else {},
        "per_post": [
            {
                **row,
                "cells": [
                    row.get(k) or (0, 0, 0) for k in ("views_24h", "views_1w", "likes_1w", "shares_1w")
                ],
            }
            for row in (report.per_post if report else [])
        ],
        "curve_figure": charts.curve_figure((report.extra or {}).get("curves"), "views") if report else None,
        "extra": report.extra if report else {},
        "over_time": figures,
        "segments_figure": segments,
        "completion_figure": completion,
        "funnel_figure": charts.funnel_figure(report.funnel) if report else None,
        "watch_figure": charts.watch_time_figure(report.watch_histogram) if report else None,
        "feed_figure": charts.feed_figure(extra.get("feed")),
        "samples": list(RunSample.objects.filter(run=run)[:SAMPLES_KEPT]),
        "exposure": run.exposure,
        "recommender": run.recommender,
        "population": run.population,
        "content": run_content(run),
    }


def run_content(run: SimulationRun) -> list[dict]:
    """What the content model read in each of the run's drafts (a draft posted several times once)."""
    out, seen = [], set()
    for post in run.posts.all():
        key = post.draft_id if post.draft_id is not None else post.item_id
        if key in seen or not post.content:
            continue
        seen.add(key)
        out.append(
            {
                "title": post.title,
                "topics": post.content.get("topics", {}),
                "effects": post.content.get("effects", {}),
                "factors": content_rows(post.content),
                "notes": post.content.get("notes", []),
            }
        )
    return out


def neutralise(value):
    """Spreadsheet-safe cell: text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def export_csv(run: SimulationRun) -> str:
    """One row per (metric, horizon, segment): the mean and the band of simulated outcomes; then one row
    per content factor of each draft (metric "content_factor:<rate>", its multiplier as the mean)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["run", "metric", "horizon", "hours_after_posting", "segment", "mean", "lo_90", "hi_90"])
    order = {h: i for i, h in enumerate(charts.HORIZON_ORDER)}
    rows = sorted(report_rows(run), key=lambda r: (r[0], r[2] != "all", r[2], order.get(r[1], 99)))
    for metric, horizon, segment, mean, lo, hi in rows:
        writer.writerow(
            [
                neutralise(v)
                for v in (run.name, metric, horizon, charts.HORIZON_HOURS.get(horizon, ""), segment)
            ]
            + [_num(mean), _num(lo), _num(hi)]
        )
    # The content factors: one row each, the multiplier in "mean" (1.09 = +9%), the factor in "segment".
    for post in run_content(run):
        for f in post["factors"]:
            where = f"{post['title']}: {f['name']} ({'fitted' if f['fitted'] else 'prior'})"
            writer.writerow(
                [neutralise(v) for v in (run.name, f"content_factor:{f['metric']}", "", "", where)]
                + [_num(f["effect"]), "", ""]
            )
    return out.getvalue()


def _num(value: float) -> str:
    return f"{value:.6g}"


def export_json(run: SimulationRun) -> dict:
    """Everything about a run: settings, schedule, audience, aggregates, report and sample reactions."""
    report = RunReport.objects.filter(run=run).first()
    audience = run.audience
    return {
        "run": run_summary_dict(run),
        "posts": [
            {
                "draft_id": p.draft_id,
                "title": p.title,
                "at_hours": p.at_hours,
                "item_id": p.item_id,
                "content": p.content,
            }
            for p in run.posts.all()
        ],
        "audience": {
            "id": audience.pk if audience else None,
            "name": run.audience_name,
            "kind": audience.kind if audience else None,
            "makeup": audience.makeup if audience else None,
        },
        "metrics": [
            {"metric": m, "horizon": h, "segment": s, "mean": mean, "lo": lo, "hi": hi}
            for m, h, s, mean, lo, hi in report_rows(run)
        ],
        "report": None
        if report is None
        else {
            "summary": report.summary,
            "funnel": report.funnel,
            "watch_histogram": report.watch_histogram,
            "brain_usage": report.brain_usage,
            "per_post": report.per_post,
            "extra": report.extra,
        },
        "samples": [
            {
                "persona": s.persona,
                "item": s.item,
                "action": s.action,
                "watch_s": s.watch_s,
                "reasoning": s.reasoning,
                "comment": s.comment,
                "instruction": s.instruction,
                "brain": s.brain,
            }
            for s in RunSample.objects.filter(run=run)
        ],
        "exported_at": timezone.now().isoformat(),
    }


def run_summary_dict(run: SimulationRun) -> dict:
    return {
        "id": run.pk,
        "name": run.name,
        "status": run.status,
        "population": run.population,
        "horizon_hours": run.horizon_hours,
        "reruns": run.reruns,
        "brain": run.brain,
        "exposure": run.exposure,
        "recommender": run.recommender,
        "seed": run.seed,
        "shards_total": run.shards_total,
        "shards_done": run.shards_done,
        "users_simulated": run.users_simulated,
        "created_at": run.created_at.isoformat(),
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "error": run.error,
    }


def export_html(run: SimulationRun) -> str:
    """A single HTML file with the charts, the numbers and plotly.js inline: it opens offline."""
    from django.conf import settings

    results = run_results(run)
    context = {
        "run": run,
        "posts": list(run.posts.all()),
        "results": results,
        "css": (settings.BASE_DIR / "static" / "css" / "app.css").read_text(),
        "plotly_js": (PLOTLY_DIR / "plotly.min.js").read_text(),
        "generated_at": timezone.now(),
    }
    return render_to_string("reports/offline.html", context)


WATCH_LABELS = tuple(f"{10 * i}–{10 * (i + 1)}%" for i in range(10)) + ("replayed",)
FUNNEL = (
    ("impressions", "Shown"),
    ("views", "Viewed"),
    ("likes", "Liked"),
    ("comments", "Commented"),
    ("shares", "Shared"),
    ("follows", "Followed"),
)


@transaction.atomic
def report_store(*, run: SimulationRun, summary, reruns) -> None:
    """Write a run's summary into RunMetric, RunReport and RunSample, replacing any earlier rows.

    Segments nobody in the audience belongs to are left out, so a page reads only what can be shown.
    """
    from simulator.world.panel import base_item_id
    from simulator.world.results import feed_report

    RunMetric.objects.filter(run=run).delete()
    RunReport.objects.filter(run=run).delete()
    RunSample.objects.filter(run=run).delete()
    populated = _populated_segments(reruns[0])
    per_rerun = [r.figures() for r in reruns]
    # horizons past the run's own are the simulator's padding, not predictions: leave them out
    cells = {
        (m, h, seg): (stats["mean"], stats["lo"], stats["hi"])
        for m, by_horizon in summary.figures.items()
        for h, by_segment in by_horizon.items()
        if charts.HORIZON_HOURS.get(h, 10**9) <= run.horizon_hours
        for seg, stats in by_segment.items()
    }
    RunMetric.objects.bulk_create(
        (
            RunMetric(
                run=run,
                metric=m,
                horizon=h,
                segment=s,
                mean=mean,
                lo=lo,
                hi=hi,
                values=[round(f[m][h][s], 4) for f in per_rerun],
            )
            for (m, h, s), (mean, lo, hi) in cells.items()
            if s in populated
        ),
        batch_size=1000,
    )
    last = charts.horizons_in(cells)[-1]
    funnel = {label: cells[(m, last, "all")][0] for m, label in FUNNEL if (m, last, "all") in cells}
    titles = {p.item_id: p.title for p in run.posts.all()}
    panel = run_calibration(run)
    extra = {
        "tightening": summary.tightening,
        "totals": summary.totals,
        "curves": summary.curves,
        "segment_users": _segment_users(reruns[0]),
    }
    feed = feed_report(reruns)
    if feed is not None:
        extra["feed"] = feed
    brain_usage = dict(summary.brain_usage)
    samples = summary.samples[:SAMPLES_KEPT]
    if panel is not None:
        extra["panel"] = panel.report(users=run.population)
        usage = panel.usage
        brain_usage.update({"llm panel": usage.decisions - usage.fallbacks, "llm fallback": usage.fallbacks})
        # the panel's reactions in the LLM's own words first, then the world's
        samples = (panel.samples[: SAMPLES_KEPT // 2] + samples)[:SAMPLES_KEPT]
        for item_id, title in list(titles.items()):
            titles.setdefault(base_item_id(item_id), title)
    RunReport.objects.create(
        run=run,
        summary=list(summary.summary),
        funnel=funnel,
        watch_histogram=_watch_histogram(reruns),
        brain_usage=brain_usage,
        per_post=_per_post(summary, titles),
        extra=extra,
    )
    RunSample.objects.bulk_create(
        RunSample(
            run=run,
            position=i,
            persona=x.get("persona", ""),
            item=titles.get(x.get("item_id"), x.get("item_id", ""))[:120],
            action=(x.get("action") or "")[:60],
            watch_s=float(x.get("watch_s") or 0.0),
            reasoning=x.get("reasoning") or "",
            comment=x.get("comment") or "",
            instruction=x.get("instruction") or "",
            brain=x.get("brain") or "persona",
        )
        for i, x in enumerate(samples)
    )


def _segment_users(rerun) -> dict[str, int]:
    """Simulated users per segment, of the first rerun (the audience as its page charts it; later reruns
    draw new populations of the same audience, whose segments differ by sampling only)."""
    from simulator.world import SEGMENTS

    users = np.asarray(rerun.segment_users).sum(axis=1)
    return {s: int(n) for s, n in zip(SEGMENTS, users, strict=True) if n > 0}


def _populated_segments(rerun) -> set[str]:
    return set(_segment_users(rerun))


def shown_segments(segment_users: dict[str, int]) -> list[str]:
    """The segments a chart singles out: every age band, gender and follower group with enough users,
    and the largest countries and interests."""
    enough = {s: n for s, n in segment_users.items() if s != "all" and n >= MIN_SEGMENT_USERS}
    shown = [s for s in enough if s.split(":")[0] in ("age_band", "gender", "follower")]
    for family in ("country", "interest"):
        members = sorted((s for s in enough if s.startswith(family + ":")), key=lambda s: -enough[s])
        shown += members[:TOP_SEGMENTS]
    return shown


def _watch_histogram(reruns) -> dict:
    """Views per watched share of the length, real scale, averaged over the reruns (all posts together)."""
    # watch_hist is [post, bin, weight class]; each class counts `weights[class]` real people
    totals = [(np.asarray(r.watch_hist) @ np.asarray(r.weights, dtype=float)).sum(axis=0) for r in reruns]
    mean = sum(totals) / len(totals)
    return {"labels": list(WATCH_LABELS[: len(mean)]), "counts": [round(float(v), 2) for v in mean]}


def _per_post(summary, titles: dict[str, str]) -> list[dict]:
    """Per post of a schedule: when it went out and its views, likes and shares, each (mean, lo, hi)."""
    rows = []
    for post in summary.posts:
        figures = post["figures"]
        row = {"title": titles.get(post["item_id"], post["item_id"]), "at_hours": post["at_hours"]}
        for metric, horizon in (("views", "24h"), ("views", "1w"), ("likes", "1w"), ("shares", "1w")):
            stats = figures.get(metric, {}).get(horizon)
            if stats:
                row[f"{metric}_{horizon}"] = [stats["mean"], stats["lo"], stats["hi"]]
        rows.append(row)
    return rows
