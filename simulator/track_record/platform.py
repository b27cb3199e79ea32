"""The platform model's side of the account fit, from the world itself.

`platform_from_world`: what the uncalibrated world predicts for one post of the account in a week (a
reference run of its audience). `account_effects`: the account's offsets, which are ratios of what
happens (views, likes per view, ...), turned into the world's per-item multipliers (types.ItemEffects).
The two differ because the persona brain decides through logits (a multiplier of a rate multiplies
its odds, and a like that is already likely cannot double) and delivery is capped: so the multipliers
are solved for, a few fixed-point steps m <- m * target / achieved on reference runs with the same
seed (common random numbers), until each ratio is within TOLERANCE. Acts too rare in the reference
run to measure keep the target as their multiplier (for a rare act, odds and rate coincide).
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

from simulator.audiences import AudienceSpec
from simulator.serial import JsonRecord
from simulator.track_record.calibration import EFFECT_OF, AccountFit, Platform
from simulator.types import Item, ItemEffects
from simulator.world import PostSpec, WorldConfig, run_world

REFERENCE_USERS = 3000  # simulated users of a reference run; the figures are at real scale
COUNTS = ("impressions", "views", "likes", "comments", "shares", "follows")
TOLERANCE = 0.05
MAX_STEPS = 4
MIN_COUNT = 20  # simulated acts in the reference run below which a ratio is not measured
BOUNDS = (0.02, 50.0)
Check = Callable[[], None]


def _week(
    audience: AudienceSpec,
    item: Item,
    seed: int,
    effects: ItemEffects,
    exposure: str = "organic",
    check: Check | None = None,
) -> dict:
    if check is not None:
        check()
    spec = replace(audience, size=min(audience.size, REFERENCE_USERS))
    config = WorldConfig(
        audience=spec,
        posts=[PostSpec(item=replace(item, effects=item.effects.combined(effects)))],
        seed=seed,
        sample_limit=0,
        exposure=exposure,
    )
    result = run_world(config)
    real = result.figures()
    out = {m: real[m]["1w"]["all"] for m in COUNTS}
    out.update({f"simulated:{m}": float(result.counted(m)) for m in COUNTS})
    return out


def _reference(
    audience: AudienceSpec, item: Item, seed: int, effects: ItemEffects, check: Check | None = None
) -> dict:
    """Week counts of the organic run, with acts per view from a screening of the same audience (every
    member shown the post once: many more views, so rare acts can be measured), where the organic run
    has too few of an act to count."""
    organic = _week(audience, item, seed, effects, check=check)
    screened = _week(audience, item, seed, effects, exposure="screening", check=check)
    out = dict(organic)
    for m in EFFECT_OF:
        if organic[f"simulated:{m}"] < MIN_COUNT and screened["simulated:views"] > 0:
            out[m] = organic["views"] * screened[f"simulated:{m}"] / screened["simulated:views"]
            out[f"simulated:{m}"] = screened[f"simulated:{m}"]
            out[f"rate_source:{m}"] = "screening"
    return out


def platform_from_world(
    audience: AudienceSpec, item: Item, *, seed: int = 0, check: Check | None = None
) -> Platform:
    """The uncalibrated world's one-week counts of `item` (with its own effects) posted to `audience`
    (real scale); `check` is called before each reference run (a caller's way to stop: it raises)."""
    week = _reference(audience, item, seed, ItemEffects(), check)
    counts = {m: week[m] for m in COUNTS if week[m] > 0}
    return Platform(week=counts, source=f"the world, {min(audience.size, REFERENCE_USERS):,} simulated users")


@dataclass
class AccountEffects(JsonRecord):
    effects: ItemEffects
    targets: dict[str, float]  # the ratios the fit asks for
    achieved: dict[str, float]  # the ratios the reference run reached with `effects`
    steps: int


def targets_of(fit: AccountFit) -> dict[str, float]:
    """The outcome ratios the account's offsets ask of the world."""
    out = {}
    for name in ("reach", "view", *EFFECT_OF.values(), "timing"):
        if name in fit.offsets:
            out[name] = fit.offsets[name].multiplier
    return out


def _achieved(
    week: dict[str, float], base: dict[str, float], targets: dict[str, float]
) -> dict[str, float | None]:
    def ratio(a: str, b: str | None = None) -> float | None:
        if week[f"simulated:{a}"] < MIN_COUNT or base[f"simulated:{a}"] < MIN_COUNT:
            return None
        if b is None:
            return week[a] / base[a]
        return (week[a] / max(week[b], 1e-9)) / (base[a] / max(base[b], 1e-9))

    # acts measured on the screening are per organic view in both runs, so their ratio is per view too

    views_over = "impressions" if "view" in targets else None
    out = {
        "reach": ratio("impressions") if "view" in targets else ratio("views"),
        "view": ratio("views", "impressions") if views_over else None,
    }
    for metric, name in EFFECT_OF.items():
        out[name] = ratio(metric, "views")
    return {k: v for k, v in out.items() if k in targets and k != "timing"}


def account_effects(
    fit: AccountFit, audience: AudienceSpec, item: Item, *, seed: int = 0, check: Check | None = None
) -> AccountEffects:
    """The multipliers that make the world reproduce the account's offsets for `item` (module doc), on
    top of the item's own effects (its content's); `check` as for platform_from_world."""
    targets = targets_of(fit)
    multipliers = dict(targets)
    base = _reference(audience, item, seed, ItemEffects(), check)
    achieved: dict[str, float | None] = {}
    steps = 0
    for steps in range(1, MAX_STEPS + 1):
        week = _reference(audience, item, seed, ItemEffects(**multipliers), check)
        achieved = _achieved(week, base, targets)
        off = {k: v for k, v in achieved.items() if v is not None and abs(v / targets[k] - 1) > TOLERANCE}
        if not off or steps == MAX_STEPS:
            break
        for name, value in off.items():
            multipliers[name] = min(
                max(multipliers[name] * targets[name] / max(value, 1e-9), BOUNDS[0]), BOUNDS[1]
            )
    return AccountEffects(
        effects=ItemEffects(**multipliers),
        targets=targets,
        achieved={k: round(v, 4) for k, v in achieved.items() if v is not None},
        steps=steps,
    )


def reference_item(posts: list, niche: str) -> Item:
    """A typical post of the history: its most common kind, its median length, the account's topic."""
    from collections import Counter
    from statistics import median

    kind = Counter(p.kind for p in posts).most_common(1)[0][0] if posts else "video"
    lengths = [p.duration_s for p in posts if p.duration_s > 0]
    return Item(
        id="reference",
        creator_id="me",
        kind=kind,
        duration_s=median(lengths) if lengths else 30.0,
        topics={niche: 1.0},
    )
