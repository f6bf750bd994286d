"""Reads for scenes (selectors/scenes.py), groups (groups.py) and events (events.py)."""
