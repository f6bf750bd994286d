"""Writes for scenes (services/scenes.py), groups (groups.py) and events (events.py)."""
