"""Bookings API schemas: inputs carry only what a client may choose (status, price, code,
windows and deadlines are always the server's); outputs are separate."""

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from linli.api_types import AwareInstant, Day, Id

# --- shared references --------------------------------------------------------------------


class RefOut(Schema):
    id: int
    name: str


class SceneRefOut(Schema):
    id: int
    name: str
    kind: str = Field(description='"public" or "commercial"')


# --- availability -------------------------------------------------------------------------


class SlotOut(Schema):
    starts_at: dt.datetime = Field(description="ISO 8601 in the venue's zone, with its offset")
    ends_at: dt.datetime
    scene: SceneRefOut
    who_may_book: str = Field(description='"residents", "groups" or "staff"')
    requires_approval: bool = Field(description="a booking starts pending until approved")
    price_fen: int = Field(description="the price of this one cell, in fen (0: free)")
    can_start: bool = Field(description="a booking may start at this cell")
    longest_minutes: int = Field(description="the longest booking starting here; 0 if none")
    min_duration_minutes: int
    max_people: int


class RoomAvailabilityOut(Schema):
    room: RefOut
    venue: RefOut
    time_zone: str
    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to", description="exclusive: the slots of [from, to)")
    slots: list[SlotOut]


class RoomSlotsOut(Schema):
    id: int
    name: str
    capacity: int
    is_bookable: bool = Field(description="false: walk-in only, never any slots")
    slots: list[SlotOut]


class VenueAvailabilityOut(Schema):
    venue: RefOut
    time_zone: str
    date: dt.date
    rooms: list[RoomSlotsOut]


# --- bookings -----------------------------------------------------------------------------


class BookingIn(Schema):
    room: Id
    starts_at: AwareInstant
    ends_at: AwareInstant
    people: int = Field(..., ge=1, le=10000)
    # No max_length here: the service says how long it is ("最多 100 个字（现在 120 个）").
    purpose: str = Field(..., description="what for, at most 100 characters")
    group: Id | None = Field(None, description="book on behalf of a group the caller leads")


class PaymentOut(Schema):
    method: str = Field(description='"cash", "wechat", "alipay" or "waived"')
    paid_fen: int
    paid_at: dt.datetime


class CheckinWindowOut(Schema):
    opens_at: dt.datetime
    closes_at: dt.datetime


class BookingOut(Schema):
    id: str = Field(description="the booking's unguessable public id, used in every URL")
    room: RefOut
    venue: RefOut
    starts_at: dt.datetime = Field(description="ISO 8601 in the venue's zone")
    ends_at: dt.datetime
    status: str = Field(
        description="what is true now: pending, confirmed, rejected, cancelled, checked_in, "
        "completed or no_show (a confirmed booking whose check-in window closed is no_show)"
    )
    status_label: str
    people: int
    purpose: str
    group: int | None
    series: str | None = Field(description="the public id of its series, or null")
    price_fen: int
    payment: PaymentOut | None = Field(description="null until the desk records payment")
    code: str | None = Field(description="the desk code; only for the resident and operators")
    checkin: CheckinWindowOut | None = Field(description="when check-in is open")
    cancel_deadline: dt.datetime = Field(description="the resident may cancel until then")
    reason: str = Field(description="why it was rejected or cancelled, or empty")
    can_cancel: bool = Field(description="the caller may cancel it now")


class CancelIn(Schema):
    reason: str = Field("", max_length=200, description="required when an operator cancels")


class RejectIn(Schema):
    reason: str = Field("", max_length=200)


class PaymentIn(Schema):
    method: Literal["cash", "wechat", "alipay", "waived"]
    paid_fen: int | None = Field(
        None, ge=0, le=99_999_999, description="default: the price (0 when waived)"
    )


# --- check-ins ----------------------------------------------------------------------------


class CodeIn(Schema):
    code: str = Field(..., max_length=20, description="the six digits on the resident's phone")


class WalkInIn(Schema):
    headcount: int = Field(..., ge=1, le=500)
    room: Id | None = None


class CheckInOut(Schema):
    id: int
    kind: str = Field(description='"booking", "event" or "walk_in"')
    venue: int
    room: int | None
    at: dt.datetime
    date: dt.date = Field(description="the venue-local date of the visit")
    headcount: int
    created: bool = Field(description="false: already checked in, nothing new was written")
    booking: BookingOut | None


# --- ratings ------------------------------------------------------------------------------


class RatingIn(Schema):
    venue: Id
    date: Day = Field(description="the local date of the visit (a day with a check-in)")
    score: int = Field(..., ge=1, le=5)
    comment: str = Field("", description="at most 500 characters (the service counts)")


class RatingOut(Schema):
    id: int
    venue: RefOut
    date: dt.date
    score: int
    comment: str
    created_at: dt.datetime
