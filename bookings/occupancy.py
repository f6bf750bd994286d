"""Bookings as occupants of a room (scenes.occupancy): an event cannot be published over
a booking that holds its slot."""

from __future__ import annotations

from django.utils.translation import gettext as _

from bookings.models import Booking
from bookings.rules import overlapping
from bookings.states import holding_q
from linli.dates import time_range


def booked(*, room, starts_at, ends_at, now) -> str | None:
    booking = (
        Booking.objects.filter(holding_q(now), overlapping(starts_at, ends_at), room=room)
        .order_by("starts_at")
        .first()
    )
    if booking is None:
        return None
    zone = room.venue.zone
    start, end = booking.starts_at.astimezone(zone), booking.ends_at.astimezone(zone)
    return _("居民预约（%(when)s）") % {"when": time_range(start, end, start.date() != end.date())}
