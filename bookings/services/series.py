"""A group's weekly booking series: preview, create, cancel what remains.

A series is the same room and local times on chosen weekdays, for N weeks from the first
date or until a date (inclusive). Each date is checked exactly as a single booking is
(``booking_check``: placement, who may book, notice, days ahead, duration, people) and
against what already holds the room, and is either bookable or skipped with a stable code
and a message. Two kinds of date are skipped before any rule is asked:

- a date inside a holiday break (``spaces.calendar``, the only source of that knowledge):
  code ``holiday_break``. A group's weekly practice pauses for the break even at a venue
  that stays open, so the whole break is skipped; a leader who wants a date in it books
  that date on its own;
- a day the room is not open at all: code ``closed`` (rather than the single booking's
  ``outside_opening_hours``, which would suggest another time the same day).

Days ahead: every date must satisfy the scene's rules, ``max_days_ahead`` included, so
dates beyond the window are skipped as ``too_far_ahead``. The window is the operator's
choice per scene; a venue that wants groups to hold a term's weekly slot gives its
groups-only scene a longer window. Exempting series would let any approved group hold
half a year of prime time past what residents may book.

``series_create`` computes the plan again under the venue lock (dates may have been taken
since the preview) and books each bookable date through ``booking_create``; what could not
be booked is stored on ``BookingSeries.skipped`` and shown after confirming.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import notifications, rules
from bookings.models import Booking, BookingSeries, Status
from bookings.services.bookings import booking_cancel, booking_check, booking_create
from bookings.services.series_input import (  # noqa: F401  (re-exported)
    MAX_WEEKS,
    ONE_DAY,
    check_input,
    weekday_bits,
    weekdays_of,
)
from bookings.states import effective_status, holding_q
from linli.dates import month_day
from linli.errors import DomainError, PermissionDenied
from scenes.models import Event, Group, GroupMembership
from scenes.resolution import room_timeline
from scenes.selectors.groups import group_can_book_at
from scenes.services.group_invitations import require_resident
from spaces import calendar
from spaces.locks import venue_lock
from spaces.models import Room
from spaces.permissions import venue_can_operate


@dataclass(frozen=True, slots=True)
class SeriesDate:
    """One date of a series: bookable (``code`` empty) or skipped with a reason."""

    date: dt.date
    starts_at: dt.datetime  # in the venue's zone
    ends_at: dt.datetime
    code: str = ""
    message: str = ""
    price_fen: int = 0
    requires_approval: bool = False

    @property
    def bookable(self) -> bool:
        return not self.code

    def skipped_row(self) -> dict:
        return {"date": self.date.isoformat(), "code": self.code, "message": self.message}


@dataclass
class SeriesPlan:
    room: Room
    group: Group
    weekdays: list[int]
    start_time: dt.time
    end_time: dt.time
    first_date: dt.date
    last_date: dt.date
    people: int
    purpose: str
    dates: list[SeriesDate] = field(default_factory=list)
    provisional: list[str] = field(default_factory=list)  # unannounced years' notes

    @property
    def bookable(self) -> list[SeriesDate]:
        return [d for d in self.dates if d.bookable]

    @property
    def skipped(self) -> list[SeriesDate]:
        return [d for d in self.dates if not d.bookable]


def _check_group(*, user, group: Group, room: Room) -> None:
    """Only a leader of a group approved at the venue books a series for it."""
    is_leader = GroupMembership.objects.filter(
        group=group, user=user, role=GroupMembership.Role.LEADER
    ).exists()
    if not is_leader:
        raise PermissionDenied(
            _("只有自组织负责人可以为自组织预约。"), code="not_group_leader", field="group"
        )
    if not group_can_book_at(group=group, venue=room.venue):
        raise DomainError(
            _("该自组织尚未获准在此场馆活动，请先申请。"), code="group_not_approved", field="group"
        )
    if not room.is_bookable:
        raise DomainError(
            _("这个功能室不接受预约，可直接到场。"), code="room_not_bookable", field="room"
        )


def _busy(room: Room, start: dt.datetime, end: dt.datetime, now: dt.datetime):
    """What holds the room over [start, end): bookings, then published events."""
    overlapping = Q(room=room, starts_at__lt=end, ends_at__gt=start)
    bookings = list(
        Booking.objects.filter(
            rules.overlapping(start, end), holding_q(now), room=room
        ).values_list("starts_at", "ends_at")
    )
    events = list(
        Event.objects.filter(overlapping, status=Event.Status.PUBLISHED).values_list(
            "starts_at", "ends_at"
        )
    )
    return bookings, events


def _overlaps(spans, s: dt.datetime, e: dt.datetime) -> bool:
    return any(bs < e and s < be for bs, be in spans)


def _date_plan(*, user, group, room, day, start_time, end_time, people, segments, busy, now):
    zone = room.venue.zone
    starts_at = dt.datetime.combine(day, start_time, tzinfo=zone)
    ends_at = dt.datetime.combine(day, end_time, tzinfo=zone)

    def skip(code: str, message: str) -> SeriesDate:
        return SeriesDate(day, starts_at, ends_at, code=code, message=str(message))

    info = calendar.day_info(day)
    if info.in_holiday_break:
        first, last = info.holiday_break
        return skip(
            "holiday_break",
            _("%(name)s假期（%(first)s至%(last)s），本周暂停。")
            % {
                "name": info.holiday_name or _("节假日"),
                "first": month_day(first),
                "last": month_day(last),
            },
        )
    try:
        place = booking_check(
            user=user,
            room=room,
            starts_at=starts_at,
            ends_at=ends_at,
            people=people,
            group=group,
            now=now,
            segments=segments,
            personal_limit=False,
        )
    except PermissionDenied:
        raise
    except DomainError as exc:
        if exc.code == "outside_opening_hours" and not _open_that_day(segments, day, zone):
            return skip("closed", _("这天不开放。"))
        return skip(exc.code, exc.message)
    bookings, events = busy
    if _overlaps(bookings, starts_at, ends_at):
        return skip("overlap", _("这个时段已有人预约。"))
    if _overlaps(events, starts_at, ends_at):
        return skip("overlap", _("这个时段已安排活动。"))
    return SeriesDate(
        day,
        starts_at,
        ends_at,
        price_fen=rules.price_fen(place.rules, starts_at, ends_at),
        requires_approval=place.rules.requires_approval,
    )


def _open_that_day(segments, day: dt.date, zone) -> bool:
    lo = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    hi = lo + ONE_DAY
    return any(g.is_open and g.start < hi and g.end > lo for g in segments)


def series_preview(
    *,
    user,
    group: Group,
    room: Room,
    weekdays,
    start_time: dt.time,
    end_time: dt.time,
    first_date: dt.date,
    weeks: int | None = None,
    until: dt.date | None = None,
    people: int,
    purpose: str,
    now: dt.datetime | None = None,
) -> SeriesPlan:
    """Every date of the series, bookable or skipped with the reason. Raises DomainError
    (422) for input that no date could satisfy, PermissionDenied ``not_group_leader``."""
    require_resident(user)
    days, last, purpose = check_input(
        weekdays=weekdays,
        start_time=start_time,
        end_time=end_time,
        first_date=first_date,
        weeks=weeks,
        until=until,
        people=people,
        purpose=purpose,
    )
    _check_group(user=user, group=group, room=room)
    now = now or timezone.now()
    zone = room.venue.zone
    plan = SeriesPlan(
        room=room,
        group=group,
        weekdays=days,
        start_time=start_time,
        end_time=end_time,
        first_date=first_date,
        last_date=last,
        people=people,
        purpose=purpose,
        provisional=[
            calendar.provisional_note(y)
            for y in calendar.unannounced_years(first_date, last + ONE_DAY)
        ],
    )
    # One timeline and one look at what holds the room for the whole span.
    segments = room_timeline(room=room, start=first_date - ONE_DAY, end=last + 2 * ONE_DAY)
    busy = _busy(
        room,
        dt.datetime.combine(first_date, dt.time(), tzinfo=zone),
        dt.datetime.combine(last + 2 * ONE_DAY, dt.time(), tzinfo=zone),
        now,
    )
    day = first_date
    while day <= last:
        if day.weekday() in days:
            plan.dates.append(
                _date_plan(
                    user=user,
                    group=group,
                    room=room,
                    day=day,
                    start_time=start_time,
                    end_time=end_time,
                    people=people,
                    segments=segments,
                    busy=busy,
                    now=now,
                )
            )
        day += ONE_DAY
    return plan


def series_create(*, user, group: Group, room: Room, now: dt.datetime | None = None, **inputs):
    """Check the series again under the venue lock and book every bookable date, all in
    one transaction; returns the BookingSeries. Raises DomainError ``nothing_bookable``
    when no date can be booked (nothing is written)."""
    with transaction.atomic():
        venue_lock(room.venue_id)
        room = Room.objects.select_related("venue").get(pk=room.pk)
        now = now or timezone.now()
        plan = series_preview(user=user, group=group, room=room, now=now, **inputs)
        if not plan.bookable:
            raise DomainError(
                _("所选日期都无法预约，请看每个日期的原因后调整。"), code="nothing_bookable"
            )
        series = BookingSeries.objects.create(
            venue=room.venue,
            room=room,
            group=group,
            organiser=user,
            weekdays=weekday_bits(plan.weekdays),
            start_time=plan.start_time,
            end_time=plan.end_time,
            first_date=plan.first_date,
            last_date=plan.last_date,
            people=plan.people,
            purpose=plan.purpose,
        )
        skipped = []
        for date in plan.dates:
            if not date.bookable:
                skipped.append(date.skipped_row())
                continue
            try:
                booking_create(
                    user=user,
                    room=room,
                    starts_at=date.starts_at,
                    ends_at=date.ends_at,
                    people=plan.people,
                    purpose=plan.purpose,
                    group=group,
                    series=series,
                    now=now,
                )
            except PermissionDenied:
                raise
            except DomainError as exc:  # the plan and the booking disagree: keep the reason
                skipped.append(
                    {"date": date.date.isoformat(), "code": exc.code, "message": str(exc.message)}
                )
        series.skipped = skipped
        series.save(update_fields=["skipped"])
    return series


def series_remaining(series: BookingSeries, now: dt.datetime) -> list[Booking]:
    """The series' bookings that have not started and still hold their slot."""
    return [
        b
        for b in series.bookings.filter(starts_at__gt=now).select_related("venue", "room")
        if effective_status(b, now) in (Status.PENDING, Status.CONFIRMED)
    ]


def series_cancel(
    *,
    user,
    series: BookingSeries,
    from_date: dt.date | None = None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> list[Booking]:
    """Cancel every booking of the series that has not started (from ``from_date`` on,
    when given): the organiser (before each booking's deadline; one past it stays, the
    desk can still cancel it) or an operator of the venue, with a reason residents are
    told, as ``booking_cancel`` asks. Returns the bookings cancelled."""
    is_operator = venue_can_operate(user=user, venue=series.venue)
    if not (is_operator or (series.organiser_id and series.organiser_id == user.pk)):
        raise PermissionDenied(_("只有发起人或场馆运营方可以取消这个系列。"), code="forbidden")
    with transaction.atomic():
        venue_lock(series.venue_id)
        now = now or timezone.now()
        remaining = series_remaining(series, now)
        if from_date is not None:
            remaining = [b for b in remaining if b.local_date >= from_date]
        if not remaining:
            raise DomainError(_("这个系列已没有可取消的预约。"), code="nothing_to_cancel")
        cancelled = []
        for booking in remaining:
            # booking_cancel asks the deadline of each: one past it stays (the desk cancels).
            if now > booking.cancel_deadline and not is_operator:
                continue
            cancelled.append(
                booking_cancel(user=user, booking=booking, reason=reason, now=now, notify=False)
            )
        if cancelled and is_operator and cancelled[0].resident_id != user.pk:
            notifications.queue(cancelled[0], "series_cancelled")  # one text, not one a date
    return cancelled
