"""What bookings holds about a resident, for their data download and account deletion.

Registered with ``accounts.personal_data`` in ``BookingsConfig.ready()``: three sections
(bookings, check-ins, ratings), one eraser for all of them.

Deleting an account keeps what the metrics count and removes the person from it
(DOMAIN.md: counts stay right): future bookings that still hold their slot are cancelled
(the slots are free at once, no SMS: the number is going); every booking, check-in and
rating loses its resident, bookings their purpose and ratings their comment, while times,
states, people, prices and visitor keys stay. The Visitor row goes, so the pseudonym in
those rows points to nobody; remembered idempotent requests go too.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from accounts import personal_data
from accounts.models import User
from bookings.models import Booking, CheckIn, IdempotentRequest, Rating, Status, Visitor
from bookings.states import effective_status, holding_q
from spaces.locks import venue_lock


def bookings_export(user: User) -> list[dict]:
    now = timezone.now()
    rows = (
        Booking.objects.filter(resident=user)
        .select_related("venue", "room", "group")
        .order_by("starts_at", "pk")
    )
    return [
        {
            "booking_id": b.public_id,
            "venue": b.venue.name,
            "room": b.room.name,
            "starts_at": b.starts_at,
            "ends_at": b.ends_at,
            "status": effective_status(b, now),
            "people": b.people,
            "purpose": b.purpose,
            "group": b.group.name if b.group else None,
            "price_fen": b.price_fen,
            "paid_fen": b.paid_fen,
            "payment_method": b.payment_method,
            "paid_at": b.paid_at,
            "booked_at": b.created_at,
            "cancelled_at": b.cancelled_at,
            "reason": b.reason,
        }
        for b in rows
    ]


def checkins_export(user: User) -> list[dict]:
    rows = (
        CheckIn.objects.filter(resident=user)
        .select_related("venue", "room", "booking", "event")
        .order_by("at", "pk")
    )
    return [
        {
            "venue": c.venue.name,
            "room": c.room.name if c.room else None,
            "at": c.at,
            "kind": c.kind,
            "booking_id": c.booking.public_id if c.booking else None,
            "event": c.event.title if c.event else None,
        }
        for c in rows
    ]


def ratings_export(user: User) -> list[dict]:
    rows = Rating.objects.filter(resident=user).select_related("venue").order_by("created_at")
    return [
        {
            "venue": r.venue.name,
            "date": r.local_date,
            "score": r.score,
            "comment": r.comment,
            "rated_at": r.created_at,
        }
        for r in rows
    ]


def bookings_erase_for(*, user: User) -> None:
    """Runs inside the account deletion's transaction (accounts.services)."""
    now = timezone.now()
    future = Booking.objects.filter(
        holding_q(now),
        Q(status__in=(Status.PENDING, Status.CONFIRMED)),
        resident=user,
        ends_at__gt=now,
    )
    # Freeing slots changes what is booked: under each venue's lock, as every booking
    # write does (the lock is re-entrant inside one transaction).
    for venue_id in sorted(set(future.values_list("venue_id", flat=True))):
        venue_lock(venue_id)
    future.update(status=Status.CANCELLED, cancelled_at=now, reason="")
    Booking.objects.filter(resident=user).update(
        resident=None, purpose="", reason=""
    )  # operators' notes may name them
    CheckIn.objects.filter(resident=user).update(resident=None)
    Rating.objects.filter(resident=user).update(resident=None, comment="")
    IdempotentRequest.objects.filter(user=user).delete()
    Visitor.objects.filter(user=user).delete()


def bookings_erase(user: User) -> None:
    bookings_erase_for(user=user)


def register() -> None:
    personal_data.register("bookings", export=bookings_export, erase=bookings_erase)
    personal_data.register("check_ins", export=checkins_export)
    personal_data.register("ratings", export=ratings_export)
