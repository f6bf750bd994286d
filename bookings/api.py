"""Bookings API for residents: availability, booking, one's own bookings, cancelling, the
poster check-in and ratings. The desk's operations are in bookings.desk_api (mounted
below, same prefix); series are in bookings.series_api.

Booking ids in URLs are the booking's unguessable ``public_id``. Another resident's booking
answers 404 ``booking_not_found``, exactly as one that does not exist; so does a booking at
a venue the caller does not operate. Dates are venue-local; ``to`` is exclusive, as in
every Linli range ([from, to), like the hours and timeline endpoints).
"""

from __future__ import annotations

import datetime as dt
import json

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Status

from accounts.auth import resident_auth
from accounts.tokens import api_token_authenticate
from bookings import presenters
from bookings.idempotency import HEADER, fingerprint, idempotent
from bookings.schemas import (
    BookingIn,
    BookingOut,
    CancelIn,
    CheckInOut,
    RatingIn,
    RatingOut,
    RoomAvailabilityOut,
    VenueAvailabilityOut,
)
from bookings.selectors.availability import venue_availability
from bookings.selectors.bookings import booking_get, bookings_of, ratings_of
from bookings.services.bookings import booking_cancel, booking_create
from bookings.services.checkins import checkin_walk_in, rating_create
from linli.api_types import Day, Id
from linli.errors import DomainError, NotFound
from scenes.models import Group
from spaces import selectors as space_selectors
from spaces.calendar import MAX_DATE, MIN_DATE
from spaces.hours.compute import date_out_of_range
from spaces.permissions import venue_can_operate, venue_is_visible

router = Router(tags=["bookings"])
ONE_DAY = dt.timedelta(days=1)


# --- helpers ------------------------------------------------------------------------------


def viewer(request: HttpRequest):
    """Who is calling an ``auth=None`` endpoint, if anyone: the session's user or a valid
    bearer token's. Availability shows group and staff slots to those who may book them."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return api_token_authenticate(plain=header[7:].strip())
    return None


def _visible_venue(venue_id: int, user):
    """A published venue, or an unpublished one its operator is preparing."""
    venue = space_selectors.venue_get(venue_id=venue_id, published_only=False)
    if not venue_is_visible(user=user, venue=venue):
        raise NotFound(_("找不到该场馆。"), code="venue_not_found")
    return venue


def _visible_room(room_id: int, user):
    room = space_selectors.room_with_venue(room_id=room_id)
    if not venue_is_visible(user=user, venue=room.venue):
        raise NotFound(_("找不到该功能室。"), code="room_not_found")
    return room


def _dates(venue, start, end, day) -> tuple[dt.date, dt.date]:
    """[from, to) from ``date`` (one day), ``from`` and ``to``, or today."""
    if day is not None:
        if start is not None or end is not None:
            raise DomainError(
                _("请只填 date，或者同时填 from 和 to。"), code="invalid", field="date"
            )
        start, end = day, day + ONE_DAY
    elif start is None and end is None:
        start = space_selectors.local_today(venue)
        end = start + ONE_DAY
    elif start is None or end is None:
        missing = "from" if start is None else "to"
        raise DomainError(_("请同时填写 from 和 to。"), code="required", field=missing)
    # The timeline looks at the day before (overnight scenes).
    if start - ONE_DAY <= MIN_DATE or end > MAX_DATE:
        raise date_out_of_range()
    return start, end


def booking_answer(booking, *, user, as_operator: bool | None = None) -> dict:
    if as_operator is None:
        as_operator = venue_can_operate(user=user, venue=booking.venue)
    return presenters.booking_payload(
        booking, user=user, as_operator=as_operator, now=timezone.now()
    )


# --- availability -------------------------------------------------------------------------


@router.get("/rooms/{room_id}/availability", response=RoomAvailabilityOut, auth=None, by_alias=True)
def room_availability(
    request: HttpRequest,
    room_id: Id,
    start: Day | None = Query(None, alias="from", description="first local date"),
    end: Day | None = Query(None, alias="to", description="exclusive; at most 31 days on"),
    date: Day | None = Query(None, description="one local date, instead of from and to"),
):
    """Bookable slots of a room over the local dates [from, to) (`to` is exclusive: one
    day is `from=2026-12-02&to=2026-12-03`, or `date=2026-12-02`; default: today). At most
    31 days: longer is 422 `range_too_long`. Each slot is one cell of the scene's grid that
    is free now (not past, inside notice and days ahead, not held by a booking or event);
    `can_start` and `longest_minutes` say which bookings may start on it. Anyone may ask;
    group and staff slots show to those who may book them."""
    user = viewer(request)
    room = _visible_room(room_id, user)
    venue = room.venue
    start, end = _dates(venue, start, end, date)
    slots = venue_availability(
        venue=venue, start=start, end=end, user=user, rooms=[room], venue_is_fresh=True
    )
    return presenters.trusted_json(
        {
            "room": presenters.ref(room),
            "venue": presenters.ref(venue),
            "time_zone": venue.time_zone,
            "from": start,
            "to": end,
        },
        slots=presenters.slots_json(slots[room.pk]),
    )


@router.get("/venues/{venue_id}/availability", response=VenueAvailabilityOut, auth=None)
def venue_day_availability(
    request: HttpRequest,
    venue_id: Id,
    date: Day | None = Query(None, description="a local date; default: today"),
):
    """The venue's day across its rooms: each room with its bookable slots that day
    (rooms that take no bookings are listed with `is_bookable` false and no slots)."""
    user = viewer(request)
    venue = _visible_venue(venue_id, user)
    start, end = _dates(venue, None, None, date)
    rooms = list(venue.rooms.all())
    slots = venue_availability(
        venue=venue, start=start, end=end, user=user, rooms=rooms, venue_is_fresh=True
    )
    return presenters.trusted_json(
        {
            "venue": presenters.ref(venue),
            "time_zone": venue.time_zone,
            "date": start,
            "rooms": [
                {
                    "id": room.pk,
                    "name": room.name,
                    "capacity": room.capacity,
                    "is_bookable": room.is_bookable,
                    "slots": [presenters.slot_payload(s) for s in slots[room.pk]],
                }
                for room in rooms
            ],
        }
    )


# --- bookings -----------------------------------------------------------------------------


def _group(group_id: int | None) -> Group | None:
    if group_id is None:
        return None
    group = Group.objects.filter(pk=group_id).first()
    if group is None:
        raise NotFound(_("找不到该自组织。"), code="group_not_found", field="group")
    return group


def _body(request: HttpRequest):
    try:
        return json.loads(request.body)
    except ValueError:  # ninja parsed it already; this cannot fail, but never 500
        return request.body.decode("utf-8", "replace")


@router.post("/bookings", response={201: BookingOut}, auth=resident_auth)
def create_booking(
    request: HttpRequest,
    payload: BookingIn,
    idempotency_key: str | None = Header(
        None,
        alias=HEADER,
        max_length=200,
        description="a key the client chose for this booking: a retry with the same key "
        "returns the first answer (and books once); the same key with another body is 422 "
        "idempotency_mismatch",
    ),
):
    """Book `room` from `starts_at` to `ends_at` (ISO 8601 with an offset: a time without
    one is 422 `timezone_required`). Answers 201 with the booking: `confirmed`, or
    `pending` when the scene needs an operator's approval. Every scene rule is checked
    (codes such as `off_grid`, `outside_opening_hours`, `past`, `notice`, `too_far_ahead`,
    `too_long`, `too_many_people`, `active_limit`, `not_group_leader`); a slot someone else
    holds is 409 `overlap`."""
    user = request.user
    answered = []  # what this request computed (empty when the answer is a replay)

    def run(joined: bool):
        booking = booking_create(
            user=user,
            room=payload.room,  # read under the venue lock: 404 room_not_found there
            starts_at=payload.starts_at,
            ends_at=payload.ends_at,
            people=payload.people,
            purpose=payload.purpose,
            group=_group(payload.group),
            savepoint=not joined,  # see idempotent()
        )
        body = presenters.booking_json(booking, user=user, as_operator=False, now=timezone.now())
        answered.append(body)
        return 201, body

    status, body = idempotent(
        user=user, key=idempotency_key, fingerprint=fingerprint(_body(request)), run=run
    )
    if not answered:
        # A replay: the stored copy, whose keys the database may have reordered
        # (PostgreSQL's jsonb); ninja renders it in the schema's order, as the first time.
        return Status(status, body)
    # booking_json validated it already: not validated by ninja a second time.
    return presenters.trusted_json(body, status=status)


@router.get("/bookings", response=list[BookingOut], auth=resident_auth)
def list_my_bookings(
    request: HttpRequest,
    upcoming: bool | None = Query(
        None, description="true: not ended, soonest first; false: ended, latest first"
    ),
    limit: int = Query(100, ge=1, le=500),
):
    """The caller's own bookings (default: all, latest first)."""
    now = timezone.now()
    qs = bookings_of(user=request.user, now=now, upcoming=upcoming).select_related("series")
    return [
        presenters.booking_payload(b, user=request.user, as_operator=False, now=now)
        for b in qs[:limit]
    ]


@router.get("/bookings/{booking_id}", response=BookingOut)
def get_booking(request: HttpRequest, booking_id: str):
    """A booking of the caller's, or one at a venue they operate."""
    booking = booking_get(user=request.user, public_id=booking_id)
    return booking_answer(booking, user=request.user)


@router.post("/bookings/{booking_id}/cancel", response=BookingOut)
def cancel_booking(request: HttpRequest, booking_id: str, payload: CancelIn):
    """The resident cancels before `cancel_deadline` (later: 422 `cancel_deadline_passed`);
    an operator of the venue cancels any pending or confirmed booking and must give a
    `reason` (the resident is told by SMS). Other states: 409 `invalid_state`."""
    booking = booking_get(user=request.user, public_id=booking_id)
    booking = booking_cancel(user=request.user, booking=booking, reason=payload.reason)
    return booking_answer(booking, user=request.user)


# --- the poster and ratings ---------------------------------------------------------------


@router.post(
    "/venues/{venue_id}/check-in",
    response={200: CheckInOut, 201: CheckInOut},
    auth=resident_auth,
)
def poster_check_in(request: HttpRequest, venue_id: Id):
    """The resident scanned the venue's poster: a booking of theirs whose check-in window
    is open is checked in, otherwise it is a walk-in visit (once a day). 201 when recorded,
    200 when it already was (nothing new is written)."""
    venue = space_selectors.venue_get(venue_id=venue_id)
    result = checkin_walk_in(user=request.user, venue=venue)
    booking = None
    if result.booking is not None:
        booking = booking_answer(result.booking, user=request.user, as_operator=False)
    body = presenters.checkin_payload(result.checkin, created=result.created, booking=booking)
    return Status(201 if result.created else 200, body)


@router.post("/ratings", response={201: RatingOut}, auth=resident_auth)
def rate_visit(request: HttpRequest, payload: RatingIn):
    """Rate a visit (a day the caller checked in at the venue) 1-5, once, within 7 days:
    422 `no_visit` / `rating_closed`, 409 `already_rated`."""
    venue = space_selectors.venue_get(venue_id=payload.venue, published_only=False)
    rating = rating_create(
        user=request.user,
        venue=venue,
        local_date=payload.date,
        score=payload.score,
        comment=payload.comment,
    )
    return Status(201, presenters.rating_payload(rating))


@router.get("/ratings", response=list[RatingOut], auth=resident_auth)
def list_my_ratings(request: HttpRequest):
    return [presenters.rating_payload(r) for r in ratings_of(user=request.user)[:200]]


# The desk's operations live in bookings.desk_api, under the same prefix.
from bookings.desk_api import router as desk_router  # noqa: E402

router.add_router("", desk_router)
