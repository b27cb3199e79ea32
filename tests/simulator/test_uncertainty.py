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
