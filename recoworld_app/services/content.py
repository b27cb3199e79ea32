"""What the content model reads in a draft (simulator.content): its words, and the media's measurements
where the draft has them; the factors that move its prediction, for runs, pages and exports."""

import logging

from recoworld_app.models import Draft

log = logging.getLogger(__name__)


def draft_perception(draft: Draft):
    """The draft's stored measurements as a simulator Perception, or None where none are stored."""
    from simulator.perception.schema import Perception

    stored = getattr(draft, "perception", None)
    if not stored:
        return None
    try:
        return Perception.from_dict(stored)
    except (TypeError, ValueError, KeyError) as exc:
        log.warning("draft %s: stored perception unreadable (%s); reading its words only", draft.pk, exc)
        return None


def draft_content(draft: Draft, duration_s: float):
    """The ContentAnalysis of a draft. A content model that cannot run (parameters or weights missing)
    leaves the draft as the platform model sees it, with the reason in the notes: never a failed run."""
    from simulator.content.effects import ContentAnalysis, analyse
    from simulator.types import ItemEffects

    try:
        return analyse(
            caption=draft.caption,
            hashtags=list(draft.hashtags),
            perception=draft_perception(draft),
            duration_s=duration_s,
            ticked={t: 1.0 for t in draft.topics},
        )
    except (FileNotFoundError, RuntimeError) as exc:
        log.warning("draft %s: content model unavailable: %s", draft.pk, exc)
        return ContentAnalysis(
            text=draft.caption, topics={}, effects=ItemEffects(), notes=[f"content model unavailable: {exc}"]
        )


def content_rows(analysis: dict) -> list[dict]:
    """A stored analysis's factors for a page or an export, largest first."""
    factors = sorted(analysis.get("factors", []), key=lambda f: -abs(f["effect"] - 1.0))
    return [{**f, "percent": round((f["effect"] - 1.0) * 100.0, 1)} for f in factors]


def runs_content_side_by_side(runs) -> dict:
    """Each run's first post's content factors in one table (variants: one draft per run), rows keyed
    by (factor, metric): {"runs": [...], "rows": [{"name", "metric", "cells": [percent or None]}]}."""
    from recoworld_app.models import RunPost

    first = dict(RunPost.objects.filter(run__in=runs, position=0).values_list("run_id", "content"))
    columns = [
        {f"{f['name']}:{f['metric']}": f for f in content_rows(first.get(run.pk) or {})} for run in runs
    ]
    keys = list(dict.fromkeys(k for column in columns for k in column))
    rows = []
    for key in keys:
        name, metric = key.split(":")
        cells = [column[key]["percent"] if key in column else None for column in columns]
        first = next(column[key] for column in columns if key in column)
        rows.append({"name": name, "metric": metric, "fitted": first["fitted"], "cells": cells})
    return {"runs": list(runs), "rows": rows}
