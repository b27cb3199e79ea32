"""The persona brain's parameters: a typed record read from simulator/data/persona_params.json.

Every value in the file carries its source. `simulator.brains.persona_priors` writes the file from the
real data in ../shared/data; the fidelity work refits it in place with the same layout.
"""

import json
from dataclasses import dataclass, fields
from functools import cache, cached_property
from pathlib import Path

import numpy as np

from simulator.preferences import UpdateRates

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "persona_params.json"


@dataclass(frozen=True)
class PersonaParams:
    # Population rates (per view unless said otherwise) and their spread across users.
    view_rate: float  # P(an impression is watched) at the reference state
    like_rate: float
    like_rate_log_sd: float
    comment_rate: float
    comment_rate_log_sd: float
    share_rate: float
    follow_rate: float
    show_less_rate: float  # per impression
    skip_s: float  # the moment a skipped item still takes
    watch_ratio: float  # median share watched of a viewed item of the preferred length
    watch_log_sd: float
    watch_ratio_cap: float  # replays: the most a short item is watched, in lengths
    length_slope: float  # d log(watch ratio) / d log(length / preferred length)
    preferred_s: float
    social_proof_ref: float  # log10(1 + views) of a typical item
    match_ref: float  # interest match of a typical impression
    # Logit weights of P(view).
    view_match: float
    view_length: float
    view_novelty: float
    view_boredom_novelty: float
    view_satiation: float
    view_fatigue: float
    view_boredom: float
    view_creator_fatigue: float
    view_social_proof: float
    view_hour: float
    view_follows: float
    view_from_share: float
    # log watch-ratio shifts.
    watch_match: float
    watch_fatigue: float
    watch_boredom: float
    # Logit weights of the actions given a view.
    like_match: float
    like_completion: float
    like_social_proof: float
    like_follows: float
    comment_match: float
    comment_completion: float
    share_match: float
    share_completion: float
    share_from_share: float
    follow_match: float
    follow_like: float
    show_less_creator_fatigue: float
    show_less_mismatch: float
    show_less_satiation: float
    # Leaving, per item.
    leave_rate: float
    leave_fatigue: float
    leave_boredom: float
    leave_satiation: float
    leave_engaged: float
    leave_hour: float
    # Reflection: P(instruction) of a leaving user.
    instruct_rate: float
    instruct_fatigue: float
    instruct_satisfaction: float
    # Session state.
    satiation_scale: float
    exposure_decay: float
    interest_rate: float
    interest_skip_push: float
    interest_anchor: float
    satisfaction_rate: float
    boredom_skip: float
    boredom_satiation: float
    boredom_relief: float
    curiosity_rate: float
    daily_activity: tuple[float, ...]  # 24 values, local hours 0..23, mean 1

    @classmethod
    def from_dict(cls, data: dict) -> "PersonaParams":
        """Build from the file's layout: {"params": {name: {"value": v, "source": "..."}}}."""
        entries = data.get("params", {})
        names = {f.name for f in fields(cls)}
        missing = sorted(names - entries.keys())
        unknown = sorted(entries.keys() - names)
        if missing or unknown:
            raise ValueError(f"persona parameters: missing {missing}, unknown {unknown}")
        values = {}
        for name in names:
            entry = entries[name]
            if not isinstance(entry, dict) or "value" not in entry or not entry.get("source"):
                raise ValueError(f"persona parameter {name!r} needs a value and a source")
            value = entry["value"]
            values[name] = tuple(float(v) for v in value) if isinstance(value, list) else float(value)
        if len(values["daily_activity"]) != 24:
            raise ValueError("persona parameter 'daily_activity' needs 24 hourly values")
        return cls(**values)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "PersonaParams":
        """Read the parameter file (the packaged default when no path is given)."""
        return _load_cached(str(Path(path or DEFAULT_PATH).resolve()))

    @cached_property
    def update_rates(self) -> UpdateRates:
        return UpdateRates(**{f.name: getattr(self, f.name) for f in fields(UpdateRates)})

    def hour_activity(self, hours: np.ndarray) -> np.ndarray:
        """The daily rhythm at local hours (floats, wrapped to 0..24), linearly interpolated; 1 = average."""
        curve = np.asarray(self.daily_activity)
        h = np.mod(np.asarray(hours, float), 24.0)
        lo = np.floor(h).astype(int) % 24
        frac = h - np.floor(h)
        return curve[lo] * (1.0 - frac) + curve[(lo + 1) % 24] * frac


@cache
def _load_cached(path: str) -> PersonaParams:
    try:
        data = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise FileNotFoundError(f"persona parameter file not found: {path}") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"persona parameter file {path} is not valid JSON: {exc}") from None
    return PersonaParams.from_dict(data)
