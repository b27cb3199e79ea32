"""A run's options as a creator submits them, read once for both front doors: the new-run form sends
text ("2500", "0, 24"), the API JSON values (2500, [0, 24]); both become the same RunOptions and the
same service call. Here only the form of each value is checked; ranges, quotas and ownership are
checked by services.runs, whose messages both front doors show as they are."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from recoworld_app.models import SimulationRun
from recoworld_app.services.errors import InvalidInput
from recoworld_app.services.runs import run_create, run_create_variants
from simulator.bands import BAND_RERUNS

# reruns: the fewest whose band holds 90% of simulated outcomes (simulator.bands)
DEFAULTS = {"population": 5000, "horizon_hours": 168, "reruns": BAND_RERUNS, "brain": "persona"}
LABELS = {
    "draft_ids": "Draft ids",
    "audience_id": "The audience",
    "population": "Simulated users",
    "horizon_hours": "The horizon (hours)",
    "reruns": "Reruns",
}


class OptionError(InvalidInput):
    """An option that cannot be read; `field` names it (as the API does), so a form can show it there."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class RunOptions:
    draft_ids: tuple[int, ...]
    audience_id: int
    population: int
    horizon_hours: int
    reruns: int
    brain: str
    seed: int | None
    at_hours: tuple[float, ...] | None
    strategy: str
    name: str
    variants: bool  # one run per draft, same audience and seed, instead of one run of them all
    exposure: str = ""  # "organic" or "screening"; blank: as fits the audience (world.default_exposure)
    calibrated: bool = False  # "calibrated to my account": the account's offsets from its past posts
    recommender: str = ""  # the platform's in the feed sessions; blank: instruction_following


def run_options_parse(data: Mapping[str, Any]) -> RunOptions:
    """RunOptions from form text or JSON values; absent or blank options take DEFAULTS.

    Raises OptionError naming the first option that cannot be read.
    """
    drafts = data.get("draft_ids")
    drafts = [drafts] if isinstance(drafts, str | int) else list(drafts or [])
    options = RunOptions(
        draft_ids=tuple(_whole("draft_ids", d) for d in drafts),
        audience_id=_whole("audience_id", _given(data, "audience_id")),
        population=_whole("population", _given(data, "population")),
        horizon_hours=_whole("horizon_hours", _given(data, "horizon_hours")),
        reruns=_whole("reruns", _given(data, "reruns")),
        brain=_text(data, "brain") or DEFAULTS["brain"],
        seed=_seed(data.get("seed")),
        at_hours=_hours(data.get("at_hours")),
        strategy=_text(data, "strategy"),
        name=_text(data, "name"),
        variants=bool(data.get("variants")),
        exposure=_text(data, "exposure"),
        calibrated=_flag(data.get("calibrated")),
        recommender=_text(data, "recommender"),
    )
    if options.variants:
        # Refused rather than dropped: the creator would otherwise get runs unlike the ones asked for.
        if options.at_hours:
            raise OptionError(
                "at_hours", "Variants are all posted at the start; leave the posting times empty."
            )
        if options.strategy:
            raise OptionError("strategy", "Variants are all posted at the start; choose no posting strategy.")
        if options.name:
            raise OptionError("name", "Variants are named after their drafts; leave the name empty.")
    return options


def run_submit(*, owner, options: RunOptions) -> list[SimulationRun]:
    """Queue what the options ask for: one run of the drafts, or one run per draft as variants."""
    common = {
        "owner": owner,
        "draft_ids": list(options.draft_ids),
        "audience_id": options.audience_id,
        "population": options.population,
        "horizon_hours": options.horizon_hours,
        "reruns": options.reruns,
        "brain": options.brain,
        "seed": options.seed,
        "exposure": options.exposure,
        "calibrated": options.calibrated,
        "recommender": options.recommender,
    }
    if options.variants:
        return run_create_variants(**common)
    at_hours = list(options.at_hours) if options.at_hours else None
    return [run_create(**common, at_hours=at_hours, strategy=options.strategy, name=options.name)]


def _flag(value) -> bool:
    """A checkbox ("on", "true", "1") or a JSON boolean."""
    if isinstance(value, str):
        return value.strip().lower() in ("on", "true", "1", "yes")
    return bool(value)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _given(data: Mapping[str, Any], field: str):
    value = data.get(field)
    if _blank(value):
        if field not in DEFAULTS:
            raise OptionError(field, f"{LABELS[field]} must be given.")
        return DEFAULTS[field]
    return value


def _int(value) -> int | None:
    """An int, or text or a float that is one; None otherwise (bools are not numbers here)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def _whole(field: str, value) -> int:
    number = _int(value)
    if number is None:
        raise OptionError(field, f"{LABELS[field]} must be a whole number.")
    return number


def _text(data: Mapping[str, Any], field: str) -> str:
    value = data.get(field)
    if _blank(value):
        return ""
    if not isinstance(value, str):
        raise OptionError(field, f"The {field} must be text.")
    return value.strip()


def _seed(value) -> int | None:
    if _blank(value):
        return None  # the service draws one
    seed = _int(value)
    if seed is None or seed < 0:
        raise OptionError("seed", "Seed must be a non-negative whole number.")
    return seed


def _hours(value) -> tuple[float, ...] | None:
    """Posting times as "0, 24" (commas or semicolons) or a list of numbers; None when none are given.
    Their range depends on the horizon, which the service checks."""
    if _blank(value):
        return None
    parts = value.replace(";", ",").split(",") if isinstance(value, str) else value
    if not isinstance(parts, list | tuple):
        parts = [parts]
    hours = []
    for part in parts:
        if isinstance(part, str) and not part.strip():
            continue  # "0, 24," has a trailing comma, not a third time
        try:
            if isinstance(part, bool):
                raise TypeError
            hours.append(float(part))
        except (TypeError, ValueError):
            raise OptionError("at_hours", "Write hours as numbers separated by commas, e.g. 0, 24.") from None
    return tuple(hours) or None
