"""Writes for scenes (services/scenes.py), groups (groups.py), events (events.py) and
event registration and the waitlist (registrations.py)."""
