"""The single source of truth for when a venue or room is open.

Scenes, availability, calendars and metrics all ask this package; none of them reads
OpeningHours or OpeningException rows to decide openness on its own. The precedence of
exceptions, holiday policy, make-up working days and weekly rules, and how room rules
narrow venue hours, are described in spaces/hours/compute.py.

Public API (all keyword-only; dates are local dates in the venue's zone, ranges [start, end)):

- ``open_intervals(venue=, room=None, start=, end=, rules=None) -> list[Interval]``
- ``day_schedules(venue=, room=None, start=, end=, rules=None) -> list[DaySchedule]``
- ``open_status(venue=, room=None, at=, rules=None) -> OpenStatus``
- ``open_status_many(venues=, at=) -> dict[venue_id, OpenStatus]`` (two queries in all)
- ``load_rules(venue=, start=None, end=None) -> HoursRules``: fetch once, pass as ``rules=``
  to compute many rooms of one venue without repeating queries.
- ``load_rules_many(venues=, start=, end=, include_rooms=False) -> dict[venue_id, HoursRules]``
- ``validate_day_intervals(intervals, next_day=(), field_prefix=None)`` raises DomainError;
  ``day_interval_problems(intervals, next_day=())`` returns [(index, code, message)].
"""

from spaces.hours.compute import day_schedules, open_intervals
from spaces.hours.rules import HoursRules, load_rules, load_rules_many
from spaces.hours.status import LOOKAHEAD_DAYS, open_status, open_status_many
from spaces.hours.types import DayKind, DaySchedule, Interval, OpenStatus
from spaces.hours.validation import (
    IntervalProblem,
    day_interval_problems,
    validate_day_intervals,
)

__all__ = [
    "LOOKAHEAD_DAYS",
    "DayKind",
    "DaySchedule",
    "HoursRules",
    "Interval",
    "IntervalProblem",
    "OpenStatus",
    "day_interval_problems",
    "day_schedules",
    "load_rules",
    "load_rules_many",
    "open_intervals",
    "open_status",
    "open_status_many",
    "validate_day_intervals",
]
