"""Brains decide reactions for a whole batch of users at once (DESIGN.md "Brains")."""
