"""Reads for bookings: permission-checked getters and lists."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from bookings.models import Booking, Rating
from linli.errors import NotFound
from spaces.permissions import venue_can_operate, venue_require_operator

PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


def _not_found() -> NotFound:
    return NotFound(_("找不到这个预约。"), code="booking_not_found")


def booking_get(*, user, public_id: str, as_operator: bool = False) -> Booking:
    """The booking ``public_id`` if ``user`` may see it: its resident, or (with
    ``as_operator``, or whenever the user operates the venue) an operator of its venue.
    Anyone else gets NotFound, exactly as for an id that does not exist."""
    if not (user and user.is_authenticated) or not isinstance(public_id, str):
        raise _not_found()
    # Anything that cannot be a public id (a NUL, which PostgreSQL refuses outright, or
    # 2 KB of text from a path) is simply not found, without asking the database.
    if not PUBLIC_ID.fullmatch(public_id):
        raise _not_found()
    booking = (
        Booking.objects.select_related("venue", "room", "scene", "group", "resident", "series")
        .filter(public_id=public_id)
        .first()
    )
    if booking is None:
        raise _not_found()
    if booking.resident_id == user.pk and not as_operator:
        return booking
    if venue_can_operate(user=user, venue=booking.venue):
        return booking
    raise _not_found()


def bookings_of(*, user, now: dt.datetime, upcoming: bool | None = None) -> QuerySet[Booking]:
    """A resident's own bookings: upcoming (not ended, newest start last) or past
    (ended, most recent first), or all."""
    qs = Booking.objects.filter(resident=user).select_related("venue", "room", "scene", "group")
    if upcoming is True:
        return qs.filter(ends_at__gt=now).order_by("starts_at", "pk")
    if upcoming is False:
        return qs.filter(ends_at__lte=now).order_by("-starts_at", "-pk")
    return qs.order_by("-starts_at", "-pk")


def venue_bookings_on(*, user, venue, day: dt.date) -> QuerySet[Booking]:
    """The desk's list: every booking at ``venue`` starting on the local ``day``, by time
    (operators of the venue only; others get PermissionDenied)."""
    venue_require_operator(user=user, venue=venue)
    return bookings_on(venue=venue, day=day)


def bookings_on(*, venue, day: dt.date) -> QuerySet[Booking]:
    """Every booking at ``venue`` starting on the local ``day``, by time, with what the
    desk shows of each (its check-in included). The caller has checked the operator."""
    return (
        Booking.objects.filter(venue=venue, local_date=day)
        .select_related("venue", "room", "scene", "group", "resident", "series", "checkin")
        .order_by("starts_at", "room__order", "pk")
    )


def ratings_of(*, user) -> QuerySet[Rating]:
    """A resident's own ratings, newest first."""
    return Rating.objects.filter(resident=user).select_related("venue").order_by("-created_at")
