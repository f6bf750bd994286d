"""Bookings API for the desk: operators approve, reject, check in, count walk-ins, record
payments and list a day's bookings, only at venues they operate.

On a booking path an operator of another venue gets 404 ``booking_not_found`` (the
booking's existence is not theirs to learn); its resident, who can see it, gets 403
``forbidden``. On a venue path an operator of another venue gets 403.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from bookings import presenters
from bookings.schemas import (
    BookingOut,
    CheckInOut,
    CodeIn,
    PaymentIn,
    RejectIn,
    WalkInIn,
)
from bookings.selectors.bookings import booking_get, venue_bookings_on
from bookings.services.bookings import booking_approve, booking_reject
from bookings.services.checkins import (
    booking_record_payment,
    checkin_booking,
    checkin_by_code,
    walk_in_count,
)
from linli.api_types import Day, Id
from linli.errors import NotFound
from spaces import selectors as space_selectors
from spaces.models import Room

router = Router(tags=["bookings: desk"])


def _answer(booking, request: HttpRequest) -> dict:
    # Every operation here succeeded only for an operator of the booking's venue.
    return presenters.booking_payload(
        booking, user=request.user, as_operator=True, now=timezone.now()
    )


def _checkin_answer(result, request: HttpRequest):
    booking = _answer(result.booking, request) if result.booking is not None else None
    body = presenters.checkin_payload(result.checkin, created=result.created, booking=booking)
    return Status(201 if result.created else 200, body)


@router.post("/bookings/{booking_id}/approve", response=BookingOut)
def approve_booking(request: HttpRequest, booking_id: str):
    """Confirm a pending booking (409 `invalid_state` otherwise); the resident is told."""
    booking = booking_get(user=request.user, public_id=booking_id)
    return _answer(booking_approve(user=request.user, booking=booking), request)


@router.post("/bookings/{booking_id}/reject", response=BookingOut)
def reject_booking(request: HttpRequest, booking_id: str, payload: RejectIn):
    """Turn a pending booking down, with a reason the resident is told."""
    booking = booking_get(user=request.user, public_id=booking_id)
    booking = booking_reject(user=request.user, booking=booking, reason=payload.reason)
    return _answer(booking, request)


@router.post("/bookings/{booking_id}/check-in", response={200: CheckInOut, 201: CheckInOut})
def check_in_booking(request: HttpRequest, booking_id: str):
    """Check in a confirmed booking inside its window (422 `checkin_not_open` /
    `checkin_closed` outside it, 409 `not_confirmed` while pending). 201 when recorded;
    200 when it already was (a second check-in writes nothing)."""
    booking = booking_get(user=request.user, public_id=booking_id)
    return _checkin_answer(checkin_booking(user=request.user, booking=booking), request)


@router.post("/bookings/{booking_id}/payment", response=BookingOut)
def record_payment(request: HttpRequest, booking_id: str, payload: PaymentIn):
    """Record how a paid booking was settled; `paid_fen` defaults to the price (0 when
    waived). 409 `not_paid_booking` for a free one, `already_paid` the second time."""
    booking = booking_get(user=request.user, public_id=booking_id)
    booking = booking_record_payment(
        user=request.user, booking=booking, method=payload.method, paid_fen=payload.paid_fen
    )
    return _answer(booking, request)


@router.post("/venues/{venue_id}/check-ins", response={200: CheckInOut, 201: CheckInOut})
def check_in_by_code(request: HttpRequest, venue_id: Id, payload: CodeIn):
    """Check in the booking whose six-digit code the resident shows (today's or an
    overnight one from yesterday): 404 `booking_not_found` for an unknown code."""
    venue = space_selectors.venue_get(venue_id=venue_id, published_only=False)
    return _checkin_answer(
        checkin_by_code(user=request.user, venue=venue, code=payload.code), request
    )


@router.post("/venues/{venue_id}/walk-ins", response={201: CheckInOut})
def count_walk_ins(request: HttpRequest, venue_id: Id, payload: WalkInIn):
    """Count anonymous walk-ins: one row with their headcount (optionally in a room)."""
    venue = space_selectors.venue_get(venue_id=venue_id, published_only=False)
    room = None
    if payload.room is not None:
        room = Room.objects.filter(pk=payload.room).first()
        if room is None:
            raise NotFound(_("找不到该功能室。"), code="room_not_found", field="room")
    checkin = walk_in_count(user=request.user, venue=venue, headcount=payload.headcount, room=room)
    return Status(201, presenters.checkin_payload(checkin, created=True, booking=None))


@router.get("/venues/{venue_id}/bookings", response=list[BookingOut])
def venue_day_bookings(
    request: HttpRequest,
    venue_id: Id,
    date: Day | None = Query(None, description="a local date; default: today"),
):
    """The desk's list for a day: every booking starting that local day, by time, in its
    state now (no-shows show as such the moment their window closes)."""
    venue = space_selectors.venue_get(venue_id=venue_id, published_only=False)
    day = date or space_selectors.local_today(venue)
    now = timezone.now()
    return [
        presenters.booking_payload(b, user=request.user, as_operator=True, now=now)
        for b in venue_bookings_on(user=request.user, venue=venue, day=day)
    ]
