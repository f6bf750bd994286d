"""Openness by weekday × hour: how much of the room-time is open in each local hour slot.

For the operators' heat map. The same timelines as metric 1 (``hours.open_pairs``: time in
a closed scene is not open), counted where it falls in each venue's zone. A cell is
open seconds / (rooms × occurrences of that weekday in the period × 3600): 1.0 means every
room was open for that whole hour on every such day of the period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from scenes.resolution import load_venue_data
from spaces.models import Venue

from .hours import open_pairs
from .periods import ONE_DAY, UTC

HOUR = dt.timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Heat:
    start: dt.date
    end: dt.date
    rooms: int
    days: tuple[int, ...]  # [weekday]: occurrences of that weekday (Monday 0) in the period
    values: tuple[tuple[float | None, ...], ...]  # [weekday][hour]; None: no room-time


def weekday_counts(start: dt.date, end: dt.date) -> list[int]:
    """How many times each weekday (Monday 0) occurs in [start, end)."""
    whole_weeks, rest = divmod(max(0, (end - start).days), 7)
    counts = [whole_weeks] * 7
    for i in range(rest):
        counts[(start + i * ONE_DAY).weekday()] += 1
    return counts


def _add_pair(seconds: list[list[float]], s: dt.datetime, e: dt.datetime, zone) -> None:
    """Spread the UTC interval [s, e) over its local (weekday, hour) slots."""
    while s < e:
        local = s.astimezone(zone)
        slot_end = (local.replace(minute=0, second=0, microsecond=0) + HOUR).astimezone(UTC)
        if slot_end <= s:  # a repeated hour when clocks go back: take the UTC hour
            slot_end = s + HOUR
        cut = min(e, slot_end)
        seconds[local.weekday()][local.hour] += (cut - s).total_seconds()
        s = cut


def openness_heat(*, venues: Iterable[Venue], start: dt.date, end: dt.date) -> Heat:
    """The open share of room-time per (weekday, local hour) over [start, end)."""
    seconds = [[0.0] * 24 for _ in range(7)]
    rooms = 0
    if end > start:
        for venue in venues:
            ctx = load_venue_data(venue=venue, start=start, end=end)
            rooms += len(ctx.rooms)
            for room in ctx.rooms:
                for s, e in open_pairs(ctx.timeline(room)):
                    _add_pair(seconds, s, e, ctx.zone)
    days = weekday_counts(start, end)
    values = tuple(
        tuple(
            seconds[wd][h] / (rooms * days[wd] * 3600) if rooms and days[wd] else None
            for h in range(24)
        )
        for wd in range(7)
    )
    return Heat(start=start, end=end, rooms=rooms, days=tuple(days), values=values)
