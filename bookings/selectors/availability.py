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

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import rules
from bookings.models import Booking
from bookings.states import holding_q
from linli.errors import DomainError
from scenes.choices import WhoMayBook
from scenes.models import Event, GroupMembership, GroupVenueApproval
from scenes.resolution import venue_timelines
from spaces.models import Room, Venue
from spaces.permissions import venue_can_operate

UTC = dt.UTC
ONE_DAY = dt.timedelta(days=1)


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
    """What holds each room over [start, end): holding bookings and published events."""
    busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {r.pk: [] for r in rooms}
    ids = list(busy)
    overlapping = Q(starts_at__lt=end, ends_at__gt=start, room_id__in=ids)
    booked = rules.overlapping(start, end) & Q(room_id__in=ids) & holding_q(now)
    for room_id, s, e in Booking.objects.filter(booked).values_list(
        "room_id", "starts_at", "ends_at"
    ):
        busy[room_id].append((s, e))
    for room_id, s, e in Event.objects.filter(
        overlapping, status=Event.Status.PUBLISHED
    ).values_list("room_id", "starts_at", "ends_at"):
        busy[room_id].append((s, e))
    for spans in busy.values():
        spans.sort()
    return busy


def _free(cell: tuple[dt.datetime, dt.datetime], spans) -> bool:
    s, e = cell
    return not any(bs < e and s < be for bs, be in spans)


def _slots_for_room(
    segments, busy, *, start: dt.date, end: dt.date, now, zone, allowed: set[str]
) -> list[Slot]:
    slots: list[Slot] = []
    for run in rules.stretches(segments):
        r = run.rules
        day = run.anchor.astimezone(zone).date()
        if not (start <= day < end) or r.who_may_book not in allowed:
            continue
        step = dt.timedelta(minutes=r.slot_minutes)
        first = run.anchor + step * max(0, -(-(run.start - run.anchor) // step))
        cells = []
        t = first
        while t + step <= run.end:
            cell = (t, t + step)
            ok = _free(cell, busy) and not rules.time_problems(
                r, starts_at=t, ends_at=t + step, now=now, zone=zone, duration=False
            )
            cells.append((cell, ok))
            t += step
        # Free cells in runs: each run of consecutive free cells is offered when it is at
        # least the minimum duration long; a booking may start where what remains of the
        # run is.
        i = 0
        while i < len(cells):
            if not cells[i][1]:
                i += 1
                continue
            j = i
            while j < len(cells) and cells[j][1]:
                j += 1
            run_cells = cells[i:j]
            total = len(run_cells) * r.slot_minutes
            if total >= r.min_duration_minutes:
                for k, ((s, e), _ok) in enumerate(run_cells):
                    remaining = (len(run_cells) - k) * r.slot_minutes
                    longest = min(remaining, r.max_duration_minutes)
                    longest -= longest % r.slot_minutes
                    can = longest >= r.min_duration_minutes
                    slots.append(
                        Slot(
                            starts_at=s.astimezone(zone),
                            ends_at=e.astimezone(zone),
                            scene_id=run.segment.scene.pk,
                            scene_name=run.segment.scene.name,
                            kind=r.kind,
                            who_may_book=r.who_may_book,
                            requires_approval=r.requires_approval,
                            price_fen=rules.price_fen(r, s, e),
                            can_start=can,
                            longest_minutes=longest if can else 0,
                            min_duration_minutes=r.min_duration_minutes,
                            max_people=r.max_people_per_booking,
                            price_per_hour_fen=r.price_per_hour_fen,
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
) -> dict[int, list[Slot]]:
    """Bookable slots per room of ``venue`` (or ``rooms``) over the local dates
    [start, end), at most 31 days; rooms that take no bookings have none."""
    check_range(start, end)
    now = now or timezone.now()
    zone = venue.zone
    rooms = list(rooms) if rooms is not None else list(venue.rooms.order_by("order", "pk"))
    bookable = [r for r in rooms if r.is_bookable]
    result: dict[int, list[Slot]] = {r.pk: [] for r in rooms}
    if not bookable:
        return result
    timelines = venue_timelines(venue=venue, start=start - ONE_DAY, end=end, rooms=bookable)
    span_start = dt.datetime.combine(start - ONE_DAY, dt.time(), tzinfo=zone)
    span_end = dt.datetime.combine(end + ONE_DAY, dt.time(), tzinfo=zone)
    busy = busy_intervals(bookable, span_start, span_end, now)
    allowed = _who_can(venue, user)
    for room in bookable:
        result[room.pk] = _slots_for_room(
            timelines[room.pk],
            busy[room.pk],
            start=start,
            end=end,
            now=now,
            zone=zone,
            allowed=allowed,
        )
    return result


def room_availability(
    *, room: Room, start: dt.date, end: dt.date, user=None, now: dt.datetime | None = None
) -> list[Slot]:
    return venue_availability(
        venue=room.venue, start=start, end=end, user=user, rooms=[room], now=now
    )[room.pk]
