"""The simulated week's clock: when each user opens the app.

Each user starts sessions as a Poisson process whose rate is their own sessions per day times a daily
rhythm in their local time. Steps are STEP_H long; in each, a user opens the app with probability
rate * rhythm(local hour) * STEP_H / 24, drawn from the counter-based generator so the draw depends
only on (run, user, step).

The rhythm's shape (a night trough around 4:00, a plateau through the day, an evening peak around
21:00, about six to one from peak to trough) follows the published hour-of-day profiles of social and
smartphone app use: Golder and Macy, "Diurnal and seasonal mood vary with work, sleep, and daylength
across diverse cultures", Science 333:1878 (2011), Fig. 1 (tweet volume by local hour); Böhmer et al.,
"Falling asleep with Angry Birds, Facebook and Kindle", MobileHCI 2011, Fig. 3 (app use by hour).
The 24 values below are our smooth reading of those shapes, normalised to a mean of 1.
"""

import numpy as np

from simulator.randomness import uniform

STEP_H = 0.25
STEPS_PER_DAY = round(24 / STEP_H)
_HOURLY = np.array(
    [1.05, 0.65, 0.40, 0.28, 0.25, 0.30, 0.50, 0.80, 0.95, 1.00, 1.00, 1.05,
     1.15, 1.10, 1.00, 1.00, 1.05, 1.15, 1.25, 1.40, 1.55, 1.65, 1.60, 1.35]
)  # fmt: skip
RHYTHM_HOURLY = _HOURLY / _HOURLY.mean()
# the same curve per step (linear between hour centres), for a table lookup in the hot loop
_STEP_HOURS = (np.arange(STEPS_PER_DAY) + 0.5) * STEP_H
RHYTHM_STEPS = np.interp(_STEP_HOURS, np.arange(24) + 0.5, RHYTHM_HOURLY, period=24)
RHYTHM_STEPS /= RHYTHM_STEPS.mean()
_SESSION_STREAM = 0x5E55


def rhythm(local_hour: np.ndarray | float) -> np.ndarray:
    """Relative activity at a local hour of day (mean 1 over the day)."""
    return np.interp(np.mod(local_hour, 24.0), np.arange(24) + 0.5, RHYTHM_HOURLY, period=24)


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
