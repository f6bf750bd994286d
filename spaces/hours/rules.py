"""Opening-hours rows fetched once, grouped for the interval computation.

Every public function in spaces.hours loads an ``HoursRules`` with two queries (weekly
rows, dated exceptions) unless the caller passes one in; callers working through many
rooms of one venue, or many venues, load once and pass it on.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from spaces.models import OpeningException, OpeningHours, Venue


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """One interval of local wall-clock time on a day; overnight ones end the next day."""

    opens: dt.time
    closes: dt.time
    overnight: bool


@dataclass(frozen=True, slots=True)
class ExceptionDay:
    """The dated exception rows of one date and scope, reduced to what they mean."""

    closed: bool
    spans: tuple[Span, ...]
    reason: str


@dataclass
class HoursRules:
    """All rows that decide one venue's hours (and its rooms').

    ``weekly[day]`` holds venue-level spans for day 0-6 (Monday-Sunday) and 7 (holiday
    special hours); ``room_weekly[room_id][day]`` the same for rooms with rules of their
    own, where a day present with no spans is closed by the room's rule and a day absent
    follows the venue. Exceptions are loaded for [exceptions_from, exceptions_until] (inclusive); None
    on both means all of them.
    """

    venue: Venue
    weekly: dict[int, tuple[Span, ...]] = field(default_factory=dict)
    room_weekly: dict[int, dict[int, tuple[Span, ...]]] = field(default_factory=dict)
    exceptions: dict[dt.date, ExceptionDay] = field(default_factory=dict)
    room_exceptions: dict[tuple[int, dt.date], ExceptionDay] = field(default_factory=dict)
    exceptions_from: dt.date | None = None
    exceptions_until: dt.date | None = None
    includes_rooms: bool = True

    @property
    def zone(self) -> ZoneInfo:
        return self.venue.zone

    def covers(self, first: dt.date, last: dt.date) -> bool:
        """Whether exceptions for every date in [first, last] were loaded."""
        if self.exceptions_from is not None and first < self.exceptions_from:
            return False
        return not (self.exceptions_until is not None and last > self.exceptions_until)

    def check(self, *, venue: Venue, room_id: int | None, first: dt.date, last: dt.date) -> None:
        if self.venue.pk != venue.pk:
            raise ValueError(f"rules are for venue {self.venue.pk}, not {venue.pk}")
        if room_id is not None and not self.includes_rooms:
            raise ValueError("rules were loaded without the rooms' rows")
        if not self.covers(first, last):
            raise ValueError(
                f"rules hold exceptions for {self.exceptions_from}..{self.exceptions_until}, "
                f"not {first}..{last}"
            )


def _exception_day(rows: list[OpeningException]) -> ExceptionDay:
    # A "closed" row wins over special-hours rows for the same date: closing is the safer
    # reading of contradictory data, and services never write both.
    closed = [r for r in rows if r.opens is None]
    if closed:
        return ExceptionDay(closed=True, spans=(), reason=closed[0].reason)
    spans = tuple(
        sorted(Span(r.opens, r.closes, r.overnight) for r in rows if r.closes is not None)
    )
    return ExceptionDay(closed=False, spans=spans, reason=rows[0].reason)


def _group(venue: Venue, hours, exceptions) -> HoursRules:
    rules = HoursRules(venue=venue)
    weekly: dict[int, list[Span]] = defaultdict(list)
    room_weekly: dict[int, dict[int, list[Span]]] = defaultdict(lambda: defaultdict(list))
    for row in hours:
        if row.room_id is None:
            if row.opens is not None:
                weekly[row.day].append(Span(row.opens, row.closes, row.overnight))
            continue
        day = room_weekly[row.room_id][row.day]  # a closed row leaves the day empty
        if row.opens is not None:
            day.append(Span(row.opens, row.closes, row.overnight))
    rules.weekly = {day: tuple(sorted(spans)) for day, spans in weekly.items()}
    rules.room_weekly = {
        room_id: {day: tuple(sorted(spans)) for day, spans in days.items()}
        for room_id, days in room_weekly.items()
    }
    by_date: dict[tuple[int | None, dt.date], list[OpeningException]] = defaultdict(list)
    for row in exceptions:
        by_date[(row.room_id, row.date)].append(row)
    for (room_id, date), rows in by_date.items():
        if room_id is None:
            rules.exceptions[date] = _exception_day(rows)
        else:
            rules.room_exceptions[(room_id, date)] = _exception_day(rows)
    return rules


def load_rules(
    *,
    venue: Venue,
    start: dt.date | None = None,
    end: dt.date | None = None,
    without_exceptions: Iterable[int] = (),
) -> HoursRules:
    """Fetch a venue's weekly rules (its rooms' included) and exceptions in two queries.

    With ``start``/``end`` (local dates, [start, end)) only the exceptions that can matter
    for that range are fetched: from the day before ``start`` (overnight spill) on.
    ``without_exceptions`` (ids) leaves those exception rows out: the hours as they would
    be without them (metrics: predictability, without the late closures).
    """
    hours = OpeningHours.objects.filter(venue=venue)
    exceptions = OpeningException.objects.filter(venue=venue)
    if without_exceptions:
        exceptions = exceptions.exclude(pk__in=list(without_exceptions))
    first = start - dt.timedelta(days=1) if start else None
    last = end if end else None
    if first:
        exceptions = exceptions.filter(date__gte=first)
    if last:
        exceptions = exceptions.filter(date__lte=last)
    rules = _group(venue, list(hours), list(exceptions))
    rules.exceptions_from, rules.exceptions_until = first, last
    return rules


def load_rules_many(
    *,
    venues: Iterable[Venue],
    start: dt.date,
    end: dt.date,
    include_rooms: bool = False,
) -> dict[int, HoursRules]:
    """HoursRules for many venues in two queries, regardless of how many venues.

    Rooms' own rows are skipped unless ``include_rooms``: lists only need venue hours.
    """
    venues = list(venues)
    if not venues:
        return {}
    ids = [v.pk for v in venues]
    first, last = start - dt.timedelta(days=1), end
    hours = OpeningHours.objects.filter(venue_id__in=ids)
    exceptions = OpeningException.objects.filter(venue_id__in=ids, date__gte=first, date__lte=last)
    if not include_rooms:
        hours = hours.filter(room__isnull=True)
        exceptions = exceptions.filter(room__isnull=True)
    hours_by_venue: dict[int, list[OpeningHours]] = defaultdict(list)
    for row in hours:
        hours_by_venue[row.venue_id].append(row)
    exceptions_by_venue: dict[int, list[OpeningException]] = defaultdict(list)
    for row in exceptions:
        exceptions_by_venue[row.venue_id].append(row)
    result = {}
    for venue in venues:
        rules = _group(venue, hours_by_venue[venue.pk], exceptions_by_venue[venue.pk])
        rules.exceptions_from, rules.exceptions_until = first, last
        rules.includes_rooms = include_rooms
        result[venue.pk] = rules
    return result
