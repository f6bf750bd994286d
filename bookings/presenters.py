"""What the API (and anything else that speaks JSON) says about bookings, slots, check-ins
and ratings. Times are given in the venue's zone, with its offset."""

from __future__ import annotations

import datetime as dt
import json

from django.http import HttpResponse
from ninja.responses import NinjaJSONEncoder

from bookings.models import Booking, CheckIn, Rating, Status
from bookings.schemas import BookingOut
from bookings.selectors.availability import Slot
from bookings.states import effective_status


def ref(obj) -> dict:
    return {"id": obj.pk, "name": obj.name}


def trusted_json(payload: dict, *, slots: str | None = None, status: int = 200) -> HttpResponse:
    """``payload`` as JSON without django-ninja validating it against the response schema
    again. For availability only: the payload is built field by field from typed Slots
    (``slots_json`` below), and re-validating a room-week's ~200 slots cost more than
    computing them (bench/bookings.py). ``slots``: a JSON array from ``slots_json``,
    written as the payload's last member ``"slots"``. Also for a booking's answer that
    ``booking_json`` validated already (and the idempotency layer stored). The schema
    still documents the response, and tests/test_api_schema.py checks every answer
    against it."""
    text = json.dumps(payload, cls=NinjaJSONEncoder, ensure_ascii=False)
    if slots is not None:
        text = f'{text[:-1]}, "slots": {slots}}}'
    return HttpResponse(text, status=status, content_type="application/json; charset=utf-8")


def slot_payload(slot: Slot) -> dict:
    return {
        "starts_at": slot.iso[0],
        "ends_at": slot.iso[1],
        "scene": {"id": slot.scene_id, "name": slot.scene_name, "kind": slot.kind},
        "who_may_book": slot.who_may_book,
        "requires_approval": slot.requires_approval,
        "price_fen": slot.price_fen,
        "can_start": slot.can_start,
        "longest_minutes": slot.longest_minutes,
        "min_duration_minutes": slot.min_duration_minutes,
        "max_people": slot.max_people,
    }


def slots_json(slots: list[Slot]) -> str:
    """``[slot_payload(s) for s in slots]`` as JSON, the very text json.dumps writes for
    it (tests/bookings/test_selectors.py compares them), from the parts each slot carries
    already encoded (its times, its scene and rules): encoding a room-week's ~200 dicts
    cost more than choosing the slots."""
    return (
        "["
        + ", ".join(
            f'{{"starts_at": "{s.iso[0]}", "ends_at": "{s.iso[1]}", {s.json[0]}'
            f'"price_fen": {s.price_fen}, "can_start": {"true" if s.can_start else "false"}, '
            f'"longest_minutes": {s.longest_minutes}, {s.json[1]}}}'
            for s in slots
        )
        + "]"
    )


def can_cancel(booking: Booking, *, state: str, as_operator: bool, now: dt.datetime) -> bool:
    """What bookings.services.bookings.booking_cancel would allow this caller now."""
    if state not in (Status.PENDING, Status.CONFIRMED):
        return False
    return as_operator or now <= booking.cancel_deadline


def booking_payload(booking: Booking, *, user, as_operator: bool, now: dt.datetime) -> dict:
    """``as_operator``: the caller operates the booking's venue (the selectors decided)."""
    zone = booking.venue.zone
    state = effective_status(booking, now)
    privy = as_operator or (booking.resident_id is not None and booking.resident_id == user.pk)
    payment = None
    if booking.payment_method:
        payment = {
            "method": booking.payment_method,
            "paid_fen": booking.paid_fen or 0,
            "paid_at": booking.paid_at.astimezone(zone),
        }
    return {
        "id": booking.public_id,
        "room": ref(booking.room),
        "venue": ref(booking.venue),
        "starts_at": booking.starts_at.astimezone(zone),
        "ends_at": booking.ends_at.astimezone(zone),
        "status": state,
        "status_label": str(Status(state).label),
        "people": booking.people,
        "purpose": booking.purpose,
        "group": booking.group_id,
        "series": booking.series.public_id if booking.series_id else None,
        "price_fen": booking.price_fen,
        "payment": payment,
        "code": booking.code if privy else None,
        "checkin": {
            "opens_at": booking.checkin_opens_at.astimezone(zone),
            "closes_at": booking.checkin_closes_at.astimezone(zone),
        }
        if privy
        else None,
        "cancel_deadline": booking.cancel_deadline.astimezone(zone),
        "reason": booking.reason,
        "can_cancel": can_cancel(booking, state=state, as_operator=as_operator, now=now),
    }


def booking_json(booking: Booking, *, user, as_operator: bool, now: dt.datetime) -> dict:
    """The payload as JSON-safe data: what an idempotent request stores and replays."""
    payload = booking_payload(booking, user=user, as_operator=as_operator, now=now)
    return BookingOut.model_validate(payload).model_dump(mode="json")


def checkin_payload(checkin: CheckIn, *, created: bool, booking: dict | None) -> dict:
    return {
        "id": checkin.pk,
        "kind": checkin.kind,
        "venue": checkin.venue_id,
        "room": checkin.room_id,
        "at": checkin.at,
        "date": checkin.local_date,
        "headcount": checkin.headcount,
        "created": created,
        "booking": booking,
    }


def rating_payload(rating: Rating) -> dict:
    return {
        "id": rating.pk,
        "venue": ref(rating.venue),
        "date": rating.local_date,
        "score": rating.score,
        "comment": rating.comment,
        "created_at": rating.created_at,
    }
