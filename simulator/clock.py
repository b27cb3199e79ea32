"""The simulated week's clock: when each user opens the app.

Each user starts sessions as a Poisson process whose rate is their own sessions per day times a daily
rhythm in their local time. Steps are STEP_H long; in each, a user opens the app with probability
rate * rhythm(local hour) * STEP_H / 24, drawn from the counter-based generator so the draw depends
only on (run, user, step).

The rhythm is the persona brain's `daily_activity` (simulator/data/persona_params.json, with its
source there), so the hours users are online and the hours they are attentive are one curve.
"""

import numpy as np

from simulator.brains.persona_params import PersonaParams
from simulator.randomness import uniform

STEP_H = 0.25
STEPS_PER_DAY = round(24 / STEP_H)
_HOURLY = np.asarray(PersonaParams.load().daily_activity, dtype=np.float64)
RHYTHM_HOURLY = _HOURLY / _HOURLY.mean()
# the same curve per step (linear between hour centres), for a table lookup in the hot loop
_STEP_HOURS = (np.arange(STEPS_PER_DAY) + 0.5) * STEP_H
RHYTHM_STEPS = np.interp(_STEP_HOURS, np.arange(24), RHYTHM_HOURLY, period=24)
RHYTHM_STEPS /= RHYTHM_STEPS.mean()
_SESSION_STREAM = 0x5E55


def rhythm(local_hour: np.ndarray | float) -> np.ndarray:
    """Relative activity at a local hour of day (mean 1 over the day)."""
    return np.interp(np.mod(local_hour, 24.0), np.arange(24), RHYTHM_HOURLY, period=24)


def offset_steps(utc_offset_h: np.ndarray) -> np.ndarray:
    """Each user's time zone in whole steps, for indexing RHYTHM_STEPS."""
    return np.round(np.asarray(utc_offset_h) / STEP_H).astype(np.int64)


def local_step_of_day(step: int, user_offset_steps: np.ndarray) -> np.ndarray:
    return np.mod(step + user_offset_steps, STEPS_PER_DAY)


def session_starts(
    key: int, users: np.ndarray, sessions_per_day: np.ndarray, user_offset_steps: np.ndarray, step: int
) -> np.ndarray:
    """Bool mask over `users`: who opens the app during this step (step 0 starts at 00:00 UTC)."""
    activity = RHYTHM_STEPS[local_step_of_day(step, user_offset_steps)]
    p = np.minimum(sessions_per_day * activity * (STEP_H / 24.0), 0.95)
    return uniform(key, users, _SESSION_STREAM, step) < p


def expected_sessions(sessions_per_day: np.ndarray, hours: float) -> np.ndarray:
    """Mean sessions per user over a span of whole days (the rhythm averages to 1)."""
    return np.asarray(sessions_per_day) * hours / 24.0
