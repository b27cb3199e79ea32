import numpy as np

from simulator.clock import RHYTHM_HOURLY, STEPS_PER_DAY, offset_steps, rhythm, session_starts


def _week(key, users, rate, offsets):
    steps = np.arange(7 * STEPS_PER_DAY)
    return np.stack([session_starts(key, users, rate, offsets, s) for s in steps])


def test_users_open_the_app_about_as_often_as_their_rate():
    users = np.arange(4000)
    rate = np.where(users % 2 == 0, 1.0, 8.0)
    starts = _week(11, users, rate, offset_steps(np.zeros(4000)))
    per_day = starts.sum(axis=0) / 7
    assert abs(per_day[rate == 1.0].mean() - 1.0) < 0.1
    assert abs(per_day[rate == 8.0].mean() - 8.0) < 0.5


def test_sessions_follow_the_daily_rhythm_in_each_users_time_zone():
    assert RHYTHM_HOURLY.argmax() in range(19, 23) and RHYTHM_HOURLY.argmin() in range(2, 6)
    assert abs(rhythm(np.arange(24) + 0.5).mean() - 1) < 1e-9
    users = np.arange(3000)
    rate = np.full(3000, 6.0)
    for offset in (-5.0, 8.0):
        starts = _week(5, users, rate, offset_steps(np.full(3000, offset)))
        by_utc_hour = starts.sum(axis=1).reshape(7, 24, -1).sum(axis=(0, 2))
        peak_local = (by_utc_hour.argmax() + offset) % 24
        assert 18 <= peak_local <= 23


def test_a_users_sessions_do_not_depend_on_who_else_is_simulated():
    users = np.arange(1000)
    rate = np.full(1000, 5.0)
    offsets = offset_steps(np.zeros(1000))
    whole = session_starts(3, users, rate, offsets, 40)
    part = session_starts(3, users[500:], rate[500:], offsets[500:], 40)
    np.testing.assert_array_equal(whole[500:], part)
    assert not np.array_equal(whole, session_starts(4, users, rate, offsets, 40))
