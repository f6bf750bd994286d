"""Bookable slots, exactly as a resident sees them.

From the scene timeline (scenes.resolution) and each scene's rules (bookings.rules, the
one place rules are enforced): grid cells of ``slot_minutes`` inside bookable scene time,
minus what holds the room (pending, confirmed and checked-in bookings that have not
lapsed: bookings.states) and published events, minus cells that are past, inside the
notice or beyond the days-ahead window, and minus free runs too short for the scene's
minimum duration. Each cell says whether a booking may start on it and how long the
longest such booking can be, so a page or client can offer only valid choices.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import rules
from bookings.models import Booking
from bookings.selectors import grid
from bookings.states import holding_sql
from linli.errors import DomainError
from linli.rows import cursor as rows_cursor
from scenes.choices import WhoMayBook
from scenes.models import Event, GroupMembership, GroupVenueApproval
from scenes.schedule_cache import schedule_token
from spaces.models import Room, Venue
from spaces.permissions import venue_can_operate

UTC = dt.UTC
ONE_DAY = dt.timedelta(days=1)
TICK = dt.timedelta(microseconds=1)  # "after now": a cell starting at now is past


@dataclass(frozen=True, slots=True)
class Slot:
    starts_at: dt.datetime  # in the venue's zone
    ends_at: dt.datetime
    scene_id: int
    scene_name: str
    kind: str
    who_may_book: str
    requires_approval: bool
    price_fen: int  # for this one cell
    can_start: bool
    longest_minutes: int  # the longest booking that may start here (0 when it cannot)
    min_duration_minutes: int
    max_people: int
    price_per_hour_fen: int
    iso: tuple[str, str]  # starts_at, ends_at as the API writes them (made once, grid.Cell)
    json: tuple[str, str]  # the scene's and rules' fields as the API writes them (grid.Run)

    def price_for(self, minutes: int) -> int:
        """What a booking of ``minutes`` starting here costs (as booking_create prices it)."""
        return rules.price_for(self.price_per_hour_fen, dt.timedelta(minutes=minutes))

    @property
    def day(self) -> dt.date:
        return self.starts_at.date()


def check_range(start: dt.date, end: dt.date) -> None:
    """[start, end) of local dates, at most 31 days."""
    if end <= start:
        raise DomainError(_("结束日期须晚于开始日期。"), code="invalid_range", field="to")
    if (end - start).days > rules.MAX_RANGE_DAYS:
        raise DomainError(
            _("一次最多查询 %(days)s 天。") % {"days": rules.MAX_RANGE_DAYS},
            code="range_too_long",
            field="to",
        )


def _who_can(venue: Venue, user) -> set[str]:
    """The who_may_book values whose slots ``user`` may book. Anyone not signed in sees
    what a resident sees (signing in is a step of booking, not a reason to hide slots)."""
    allowed = {WhoMayBook.RESIDENTS}
    if user is not None and user.is_authenticated:
        leads = GroupMembership.objects.filter(user=user, role=GroupMembership.Role.LEADER).values(
            "group_id"
        )
        if GroupVenueApproval.objects.filter(
            venue=venue, group_id__in=leads, status=GroupVenueApproval.Status.APPROVED
        ).exists():
            allowed.add(WhoMayBook.GROUPS)
        if venue_can_operate(user=user, venue=venue):
            allowed.add(WhoMayBook.STAFF)
    return allowed


def busy_intervals(
    rooms: list[Room], start: dt.datetime, end: dt.datetime, now: dt.datetime
) -> dict[int, list[tuple[dt.datetime, dt.datetime]]]:
    """What holds each room over [start, end): holding bookings and published events,
    sorted by start.

    Written in SQL because every availability request runs it, and compiling the two ORM
    queries cost more than the rest of the request (bench/bookings.py). Which bookings
    hold is still declared once, in bookings.states (``holding_sql``, tested against
    ``holding_q``); the bounds are rules.overlapping's, so the (room, starts_at) index
    reads only the rows near the range."""
    busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {r.pk: [] for r in rooms}
    ids = list(busy)
    q, dt_param = connection.ops.quote_name, connection.ops.adapt_datetimefield_value
    marks = ", ".join(["%s"] * len(ids))
    holding, holding_params = holding_sql(now, column=q)
    booked = (
        f"SELECT {q('room_id')}, {q('starts_at')}, {q('ends_at')}"
        f" FROM {q(Booking._meta.db_table)} WHERE {q('room_id')} IN ({marks})"
        f" AND {q('starts_at')} < %s AND {q('starts_at')} > %s AND {q('ends_at')} > %s"
        f" AND {holding}"
    )
    lower = start - rules.LONGEST  # rules.overlapping's lower bound
    events = (
        f"SELECT {q('room_id')}, {q('starts_at')}, {q('ends_at')}"
        f" FROM {q(Event._meta.db_table)} WHERE {q('room_id')} IN ({marks})"
        f" AND {q('starts_at')} < %s AND {q('ends_at')} > %s AND {q('status')} = %s"
    )
    with rows_cursor() as cursor:  # one round trip for both
        cursor.execute(
            f"{booked} UNION ALL {events}",
            [*ids, dt_param(end), dt_param(lower), dt_param(start), *holding_params]
            + [*ids, dt_param(end), dt_param(start), Event.Status.PUBLISHED.value],
        )
        rows = cursor.fetchall()
    for room_id, s, e in rows:
        busy[room_id].append((_aware(s), _aware(e)))
    for spans in busy.values():
        spans.sort()
    return busy


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive UTC (as the ORM would convert it); PostgreSQL aware values.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _slots_for_room(
    runs: tuple[grid.Run, ...], busy, *, now: dt.datetime, zone, allowed: set[str]
) -> list[Slot]:
    slots: list[Slot] = []
    for run in runs:
        r = run.rules
        if r.who_may_book not in allowed:
            continue
        # What depends on the moment (rules.time_problems, in two numbers): a cell may
        # start after now, no sooner than the notice and no later than the days ahead.
        earliest = max(rules.earliest_start(r, now), now + TICK)
        last_day = rules.last_bookable_day(r, now, zone)
        # Both the cells and what holds the room are sorted: one pass marks the free ones.
        free = []
        spans = iter(busy)
        span = next(spans, None)
        for cell in run.cells:
            while span is not None and span[1] <= cell.starts_at:
                span = next(spans, None)
            # Spans start in order: if the first one still running starts after the cell,
            # so do all the later ones.
            held = span is not None and span[0] < cell.ends_at
            free.append(not held and cell.starts_at >= earliest and cell.day <= last_day)
        # Free cells in runs: each run of consecutive free cells is offered when it is at
        # least the minimum duration long; a booking may start where what remains of the
        # run is.
        cells = run.cells
        i = 0
        while i < len(cells):
            if not free[i]:
                i += 1
                continue
            j = i
            while j < len(cells) and free[j]:
                j += 1
            if (j - i) * r.slot_minutes >= r.min_duration_minutes:
                for k in range(i, j):
                    cell = cells[k]
                    longest = min((j - k) * r.slot_minutes, r.max_duration_minutes)
                    longest -= longest % r.slot_minutes
                    can = longest >= r.min_duration_minutes
                    slots.append(
                        Slot(
                            starts_at=cell.local_start,
                            ends_at=cell.local_end,
                            scene_id=run.placement.segment.scene.pk,
                            scene_name=run.placement.segment.scene.name,
                            kind=r.kind,
                            who_may_book=r.who_may_book,
                            requires_approval=r.requires_approval,
                            price_fen=cell.price_fen,
                            can_start=can,
                            longest_minutes=longest if can else 0,
                            min_duration_minutes=r.min_duration_minutes,
                            max_people=r.max_people_per_booking,
                            price_per_hour_fen=r.price_per_hour_fen,
                            iso=cell.iso,
                            json=run.json,
                        )
                    )
            i = j
    return slots


def venue_availability(
    *,
    venue: Venue,
    start: dt.date,
    end: dt.date,
    user=None,
    rooms: list[Room] | None = None,
    now: dt.datetime | None = None,
    venue_is_fresh: bool = False,
) -> dict[int, list[Slot]]:
    """Bookable slots per room of ``venue`` (or ``rooms``) over the local dates
    [start, end), at most 31 days; rooms that take no bookings have none.

    ``venue_is_fresh``: the caller read ``venue`` in this request, before anything of its
    schedule (the availability endpoints do, with the room): its ``schedule_token`` is
    then as good as reading it again (scenes.schedule_cache), one query less."""
    check_range(start, end)
    now = now or timezone.now()
    zone = venue.zone
    rooms = list(rooms) if rooms is not None else list(venue.rooms.order_by("order", "pk"))
    bookable = [r for r in rooms if r.is_bookable]
    result: dict[int, list[Slot]] = {r.pk: [] for r in rooms}
    if not bookable:
        return result
    token = venue.schedule_token if venue_is_fresh else schedule_token(venue)
    runs = grid.room_grids(venue=venue, rooms=bookable, start=start, end=end, token=token)
    span_start = dt.datetime.combine(start - ONE_DAY, dt.time(), tzinfo=zone)
    span_end = dt.datetime.combine(end + ONE_DAY, dt.time(), tzinfo=zone)
    busy = busy_intervals(bookable, span_start, span_end, now)
    allowed = _who_can(venue, user)
    for room in bookable:
        result[room.pk] = _slots_for_room(
            runs[room.pk], busy[room.pk], now=now, zone=zone, allowed=allowed
        )
    return result


def room_availability(
    *, room: Room, start: dt.date, end: dt.date, user=None, now: dt.datetime | None = None
) -> list[Slot]:
    return venue_availability(
        venue=room.venue, start=start, end=end, user=user, rooms=[room], now=now
    )[room.pk]
