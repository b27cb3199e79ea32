"""Fitting the simulator to real data: `python -m simulator fit` (issue 7)."""
