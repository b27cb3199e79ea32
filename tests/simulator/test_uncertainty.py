import numpy as np

from simulator.uncertainty import persona_entries, rerun_parameters, uncertain_names, world_entries


def test_every_parameter_is_drawn_from_its_bootstrap_or_its_stated_range():
    for entries in (persona_entries(), world_entries()):
        assert uncertain_names(entries) == sorted(entries)
        for name, e in entries.items():
            if "range" in e:
                lo, hi = e["range"]
                assert e["range_source"] and lo < hi, name
                value = np.atleast_1d(e["value"])
                assert name == "daily_activity" or lo <= value[0] <= hi, name  # a vector's range scales it
            elif "spread" in e:  # the real spread of a post's pace, from the cascades
                assert len(e["spread"]) >= 20 and "cascades" in e["source"], name
            else:
                assert len(e["bootstrap"]) >= 20 and not e["source"].startswith("prior"), name


def test_rerun_zero_runs_the_point_values_and_later_reruns_stay_in_range():
    point = rerun_parameters(7, 0)
    assert point == rerun_parameters(3, 0)
    entries = persona_entries()
    for rerun in (1, 2, 3):
        persona, world = rerun_parameters(7, rerun)
        assert persona != point[0]
        for name, e in entries.items():
            if "range" in e and name != "daily_activity":
                assert e["range"][0] <= getattr(persona, name) <= e["range"][1], name
        assert world.tau_h > 0 and 0 < world.explore_max <= 1


def test_a_rerun_draws_the_posts_pace_from_the_real_cascades_spread():
    """The band must hold posts that take off faster or slower than the median cascade."""
    point = rerun_parameters(7, 0)[1].tau_h
    ratios = [rerun_parameters(7, r)[1].tau_h / point for r in range(1, 60)]
    spread = world_entries()["pace"]["spread"]
    assert min(ratios) < 0.5 and max(ratios) > 2.0  # the cascades' pace spans orders of magnitude
    assert min(spread) > 0 and sorted(spread) == spread
