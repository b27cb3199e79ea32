"""Fidelity: the simulator against real data and the published yardsticks (`python -m simulator evaluate`)."""
