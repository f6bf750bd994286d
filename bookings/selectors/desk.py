"""Reads for the operator's desk: one venue's day as the front desk sees it.

Every booking is shown in its effective state (bookings.states), so a no-show appears as
one the instant its check-in window closes, whether or not it has been recorded yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch

from bookings.models import Booking, CheckIn, Status
from bookings.selectors.bookings import bookings_on
from bookings.services.checkins import EVENT_CHECKIN_BEFORE
from bookings.states import effective_status
from scenes.models import Event, EventRegistration
from spaces.models import Venue

PENDING_LIMIT = 50
UNSETTLED = (Status.PENDING, Status.REJECTED, Status.CANCELLED)


def yuan(fen: int) -> str:
    return f"¥{fen / 100:.2f}"


@dataclass(frozen=True)
class DeskBooking:
    booking: Booking
    state: str  # effective status
    checkin: CheckIn | None

    @property
    def state_label(self) -> str:
        return Status(self.state).label

    @property
    def when(self) -> str:
        zone = self.booking.venue.zone
        start = self.booking.starts_at.astimezone(zone)
        end = self.booking.ends_at.astimezone(zone)
        return f"{start:%H:%M}-{end:%H:%M}"

    @property
    def who(self) -> str:
        resident = self.booking.resident
        return str(resident) if resident is not None else ""

    @property
    def phone(self) -> str:
        resident = self.booking.resident
        return resident.phone_masked if resident is not None else ""

    # Where the desk shows a failed action on this booking: its arrival row, its request
    # row (approve / reject), its payment row.
    @property
    def pending_key(self) -> str:
        return f"pending-{self.booking.public_id}"

    @property
    def pay_key(self) -> str:
        return f"pay-{self.booking.public_id}"

    @property
    def price_label(self) -> str:
        return yuan(self.booking.price_fen)

    @property
    def paid_label(self) -> str:
        return yuan(self.booking.paid_fen or 0)

    @property
    def is_paid_booking(self) -> bool:
        return self.booking.price_fen > 0

    @property
    def is_settled(self) -> bool:
        return bool(self.booking.payment_method)

    @property
    def can_check_in(self) -> bool:
        return self.state == Status.CONFIRMED

    @property
    def can_take_payment(self) -> bool:
        return self.is_paid_booking and not self.is_settled and self.state not in UNSETTLED


@dataclass(frozen=True)
class Attendee:
    registration: EventRegistration
    checkin: CheckIn | None

    @property
    def error_key(self) -> str:  # where the desk shows this attendee's check-in error
        return f"registration-{self.registration.pk}"


@dataclass(frozen=True)
class DeskEvent:
    event: Event
    attendees: list[Attendee]
    open_now: bool  # attendees can be checked in now

    @property
    def when(self) -> str:
        zone = self.event.venue.zone
        start, end = self.event.starts_at.astimezone(zone), self.event.ends_at.astimezone(zone)
        return f"{start:%H:%M}-{end:%H:%M}"


@dataclass
class DeskDay:
    venue: Venue
    day: dt.date
    is_today: bool
    arrivals: list[DeskBooking] = field(default_factory=list)
    no_shows: list[DeskBooking] = field(default_factory=list)
    payments: list[DeskBooking] = field(default_factory=list)
    pending: list[DeskBooking] = field(default_factory=list)
    events: list[DeskEvent] = field(default_factory=list)
    walk_ins: list[CheckIn] = field(default_factory=list)  # the desk's anonymous headcounts
    walk_in_total: int = 0
    resident_walk_ins: int = 0  # residents who scanned the poster

    @property
    def last_walk_in(self) -> CheckIn | None:
        return self.walk_ins[-1] if self.walk_ins else None

    def error_keys(self) -> set[str]:
        """The places this page shows a failed action (see the templates' _error.html)."""
        keys = {"", "walk-in"}
        keys |= {row.booking.public_id for row in self.arrivals}
        keys |= {row.pending_key for row in self.pending}
        keys |= {row.pay_key for row in self.payments}
        keys |= {a.error_key for item in self.events for a in item.attendees}
        return keys

    @property
    def last_walk_in_time(self) -> str:
        last = self.last_walk_in
        return f"{last.at.astimezone(self.venue.zone):%H:%M}" if last else ""


def _rows(bookings, now: dt.datetime) -> list[DeskBooking]:
    rows = []
    for booking in bookings:
        # A reverse one-to-one with no row raises an AttributeError subclass: None here.
        checkin = getattr(booking, "checkin", None)
        rows.append(DeskBooking(booking, effective_status(booking, now), checkin))
    return rows


def _booking_qs():
    return Booking.objects.select_related("venue", "room", "resident", "checkin")


def anonymous_walk_ins(*, venue: Venue, day: dt.date):
    """The desk's headcounts of the day, oldest first (the last one can be undone)."""
    return (
        CheckIn.objects.filter(
            venue=venue, local_date=day, kind=CheckIn.Kind.WALK_IN, visitor__isnull=True
        )
        .select_related("room")
        .order_by("at", "pk")
    )


def desk_day(*, venue: Venue, day: dt.date, today: dt.date, now: dt.datetime) -> DeskDay:
    desk = DeskDay(venue=venue, day=day, is_today=day == today)
    rows = _rows(bookings_on(venue=venue, day=day), now)
    desk.arrivals = [
        r for r in rows if r.state in (Status.CONFIRMED, Status.CHECKED_IN, Status.COMPLETED)
    ]
    desk.no_shows = [r for r in rows if r.state == Status.NO_SHOW]
    desk.payments = [r for r in rows if r.is_paid_booking and r.state not in UNSETTLED]
    pending = (
        _booking_qs()
        .filter(venue=venue, status=Status.PENDING, checkin_closes_at__gt=now)
        .order_by("starts_at", "pk")[:PENDING_LIMIT]
    )
    desk.pending = _rows(pending, now)

    zone = venue.zone
    start = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    registered = (
        EventRegistration.objects.filter(status=EventRegistration.Status.REGISTERED)
        .select_related("resident", "checkin")
        .order_by("created_at", "pk")
    )
    events = (
        Event.objects.filter(
            venue=venue,
            status=Event.Status.PUBLISHED,
            starts_at__gte=start,
            starts_at__lt=start + dt.timedelta(days=1),
        )
        .select_related("venue", "room")
        # One query for every event's attendees, not one per event.
        .prefetch_related(Prefetch("registrations", queryset=registered, to_attr="desk_attendees"))
        .order_by("starts_at", "pk")
    )
    for event in events:
        attendees = [Attendee(r, getattr(r, "checkin", None)) for r in event.desk_attendees]
        open_now = event.starts_at - EVENT_CHECKIN_BEFORE <= now < event.ends_at
        desk.events.append(DeskEvent(event, attendees, open_now))

    desk.walk_ins = list(anonymous_walk_ins(venue=venue, day=day))
    desk.walk_in_total = sum(c.headcount for c in desk.walk_ins)
    desk.resident_walk_ins = CheckIn.objects.filter(
        venue=venue, local_date=day, kind=CheckIn.Kind.WALK_IN, visitor__isnull=False
    ).count()
    return desk
