"""Room-hours by local date: metrics 1-3, the denominator and numerator of 4, and 12.

Hours and scenes come only from the timeline (``scenes.resolution``), working days only
from ``spaces.calendar``. The timeline over [start, end) already holds the morning spill
of an overnight interval (or scene) that began on ``start - 1``, clipped at ``start``
00:00, and stops at ``end`` 00:00: time counts where it falls. Everything is summed per
local date, so a series by week or month adds days up instead of loading timelines again.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace

from linli.kept import Kept
from scenes.models import SceneKind
from scenes.resolution import CLOSED, OPEN, Segment, VenueData, load_venue_data
from scenes.schedule_cache import schedule_token
from spaces.calendar import days_info
from spaces.hours.compute import merge
from spaces.models import Room, Venue

from .periods import UTC, Pair, by_local_day, overlap

WORK_STARTS, WORK_ENDS = dt.time(8), dt.time(18)


@dataclass
class DayHours:
    """Seconds of room time on one local date (or summed over several)."""

    open: float = 0.0  # metric 1
    public: float = 0.0  # metric 2, by the kind of the scene in force
    commercial: float = 0.0
    none: float = 0.0
    off_work: float = 0.0  # metric 3
    bookable: float = 0.0  # metric 4's denominator
    booked: float = 0.0  # metric 4's numerator
    late_closed: float = 0.0  # metric 12

    def add(self, other: DayHours) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


Days = dict[dt.date, DayHours]


def total(days: Days, start: dt.date, end: dt.date) -> DayHours:
    result = DayHours()
    for day, hours in days.items():
        if start <= day < end:
            result.add(hours)
    return result


def working_time(start: dt.date, end: dt.date, zone) -> dict[dt.date, Pair]:
    """08:00-18:00 local of each working day in [start, end) (make-up days included,
    statutory holidays and ordinary weekends not), in UTC."""
    result = {}
    for info in days_info(start, end):
        if info.is_working_day:
            result[info.date] = (
                dt.datetime.combine(info.date, WORK_STARTS, tzinfo=zone).astimezone(UTC),
                dt.datetime.combine(info.date, WORK_ENDS, tzinfo=zone).astimezone(UTC),
            )
    return result


def open_pairs(segments: Iterable[Segment]) -> list[Pair]:
    """The open (not closed) time of a room's timeline as merged UTC intervals."""
    return merge(
        [(g.start.astimezone(UTC), g.end.astimezone(UTC)) for g in segments if g.state != CLOSED]
    )


def _segment_hours(
    days: Days,
    segment: Segment,
    *,
    bookable_room: bool,
    work: dict[dt.date, Pair],
    zone,
    rooms: int = 1,
) -> None:
    """Add ``segment``'s time, once for each of ``rooms`` rooms with this same timeline."""
    if segment.state == CLOSED:
        return
    if segment.state == OPEN:
        share = "none"
    else:
        share = "public" if segment.kind == SceneKind.PUBLIC else "commercial"
    # Literal DOMAIN.md: only time "whose scene takes no bookings" leaves the bookable
    # room-hours, so open time with no scene stays in them.
    bookable = bookable_room and (segment.rules is None or segment.rules.bookable)
    s, e = segment.start.astimezone(UTC), segment.end.astimezone(UTC)
    for day, piece in by_local_day(s, e, zone):
        seconds = (piece[1] - piece[0]).total_seconds() * rooms
        hours = days[day]
        hours.open += seconds
        setattr(hours, share, getattr(hours, share) + seconds)
        off = seconds - (overlap(piece, work[day]) * rooms if day in work else 0.0)
        hours.off_work += off
        if bookable:
            hours.bookable += seconds


def same_timelines(ctx: VenueData) -> list[list[Room]]:
    """The venue's rooms grouped so that the rooms of a group have the same timeline and
    the same bookable time (metrics add it up once per group, times its size).

    A room's timeline depends on the venue's hours and scenes, and only through these on
    the room itself: weekly hours or dated exceptions of its own, the scenes limited to
    chosen rooms that include it, and whether it takes bookings (the rules' ``bookable``).
    A room with hours or exceptions of its own is a group of its own."""
    own = set(ctx.hours.room_weekly) | {room_id for room_id, _ in ctx.hours.room_exceptions}
    groups: dict[tuple, list[Room]] = {}
    for room in ctx.rooms:
        chosen = frozenset(
            e.scene.pk for e in ctx.entries if e.room_ids is not None and room.pk in e.room_ids
        )
        key = (room.pk if room.pk in own else None, chosen, bool(room.is_bookable))
        groups.setdefault(key, []).append(room)
    return list(groups.values())


@dataclass(frozen=True)
class ScheduleHours:
    """What a venue's schedule alone decides over [start, end): every figure of DayHours
    but ``booked`` per local date, and each room's open time (merged UTC pairs; rooms of
    one group share the list)."""

    days: dict[dt.date, DayHours]
    opens: dict[int, list[Pair]]


_schedule_hours = Kept(256)  # a venue-year is ~100 kB


def _compute_schedule_hours(venue: Venue, start: dt.date, end: dt.date) -> ScheduleHours:
    from .predictability import late_closed_by_day

    days: Days = defaultdict(DayHours)
    ctx: VenueData = load_venue_data(venue=venue, start=start, end=end)
    zone = ctx.zone
    work = working_time(start, end, zone)
    opens: dict[int, list[Pair]] = {}
    groups = same_timelines(ctx)
    for group in groups:
        room = group[0]
        segments = ctx.timeline(room)
        for segment in segments:
            _segment_hours(
                days,
                segment,
                bookable_room=room.is_bookable,
                work=work,
                zone=zone,
                rooms=len(group),
            )
        pairs = open_pairs(segments)
        for member in group:
            opens[member.pk] = pairs
    late = late_closed_by_day(ctx, opens=opens, rooms=[(g[0], len(g)) for g in groups])
    for day, seconds in late.items():
        days[day].late_closed += seconds
    return ScheduleHours(dict(days), opens)


def schedule_hours(*, venue: Venue, start: dt.date, end: dt.date) -> ScheduleHours:
    """``ScheduleHours`` of the venue, computed once per (venue, dates, schedule token)
    and process, as bookings.selectors.grid keeps grids: the token (spaces.schedule) is
    read before the rows, so what is kept under it is never older than it. Callers get
    their own DayHours to add to."""
    token = schedule_token(venue)
    key = (venue.pk, start, end, token)
    found = _schedule_hours.get(key)
    if found is None:
        found = _compute_schedule_hours(venue, start, end)
        if token is not None:
            _schedule_hours.put(key, found)
    return ScheduleHours({day: replace(h) for day, h in found.days.items()}, found.opens)


def clear() -> None:
    """Forget every venue's schedule hours (tests that change a schedule without a new
    token)."""
    _schedule_hours.clear()


def venue_day_hours(*, venue: Venue, start: dt.date, end: dt.date) -> Days:
    """One venue's room-hours per local date of [start, end): the schedule's part
    (``schedule_hours``, kept per schedule token) and the booked time, read every time."""
    from .utilisation import booked_by_day

    days: Days = defaultdict(DayHours)
    if end <= start:
        return days
    known = schedule_hours(venue=venue, start=start, end=end)
    days.update(known.days)
    for day, seconds in booked_by_day(venue=venue, start=start, end=end, opens=known.opens).items():
        days[day].booked += seconds
    return days


def hours_by_day(*, venues: Iterable[Venue], start: dt.date, end: dt.date) -> Days:
    """Room-hours per local date of [start, end), summed over ``venues``."""
    days: Days = defaultdict(DayHours)
    for venue in venues:
        for day, hours in venue_day_hours(venue=venue, start=start, end=end).items():
            days[day].add(hours)
    return days
