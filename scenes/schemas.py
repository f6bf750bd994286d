"""API schemas for scenes: separate input and output shapes.

Weekdays travel as ISO numbers (1 = Monday ... 7 = Sunday); the model's bitmask stays inside.
"""

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from linli.api_types import Day, Id, LocalTime

Kind = Literal["public", "commercial", "closed"]
DayFilterIn = Literal["all", "working", "non_working"]
WhoIn = Literal["residents", "groups", "staff", "walk_in"]
OnConflict = Literal["ask", "keep", "cancel"]


class RulesOut(Schema):
    bookable: bool
    who_may_book: str
    price_per_hour_fen: int
    slot_minutes: int
    min_duration_minutes: int
    max_duration_minutes: int
    min_notice_minutes: int
    max_days_ahead: int
    requires_approval: bool
    max_active_bookings: int
    max_people_per_booking: int
    checkin_before_minutes: int
    checkin_after_minutes: int
    cancel_deadline_minutes: int


class SceneRefOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    description: str


class SegmentOut(Schema):
    start: dt.datetime
    end: dt.datetime
    state: Literal["closed", "open", "scene"]
    reason: str = ""
    scene: SceneRefOut | None = None
    rules: RulesOut | None = None


class TimelineOut(Schema):
    room_id: int
    venue_id: int
    time_zone: str
    start: dt.date = Field(..., alias="from")
    end: dt.date = Field(..., alias="to")
    segments: list[SegmentOut]


class RoomNowOut(Schema):
    room_id: int
    room_name: str
    is_open: bool
    text: str
    current: SegmentOut | None = None
    next: SegmentOut | None = None


class VenueNowOut(Schema):
    venue_id: int
    at: dt.datetime
    time_zone: str
    is_open: bool
    text: str | None = None
    rooms: list[RoomNowOut]


class RuleValuesOut(Schema):
    who_may_book: str
    price_per_hour_fen: int
    slot_minutes: int
    min_duration_minutes: int
    max_duration_minutes: int
    min_notice_minutes: int
    max_days_ahead: int
    requires_approval: bool
    max_active_bookings: int
    max_people_per_booking: int | None
    checkin_before_minutes: int
    checkin_after_minutes: int
    cancel_deadline_minutes: int


class SceneOut(Schema):
    id: int
    venue_id: int
    kind: str
    kind_label: str
    name: str
    description: str
    all_rooms: bool
    room_ids: list[int]
    weekdays: list[int]
    starts: LocalTime
    ends: LocalTime
    overnight: bool
    valid_from: dt.date
    valid_until: dt.date | None
    day_filter: str
    one_off_date: dt.date | None
    rules: RuleValuesOut
    warnings: list[str] = []


class _RuleFieldsIn(Schema):
    who_may_book: WhoIn | None = None
    price_per_hour_fen: int | None = Field(None, ge=0, le=10_000_000)
    slot_minutes: int | None = Field(None, ge=5, le=240)
    min_duration_minutes: int | None = Field(None, ge=1, le=1440)
    max_duration_minutes: int | None = Field(None, ge=1, le=1440)
    min_notice_minutes: int | None = Field(None, ge=0, le=60 * 24 * 30)
    max_days_ahead: int | None = Field(None, ge=0, le=365)
    requires_approval: bool | None = None
    max_active_bookings: int | None = Field(None, ge=0, le=100)
    max_people_per_booking: int | None = Field(None, ge=1, le=10000)
    checkin_before_minutes: int | None = Field(None, ge=0, le=240)
    checkin_after_minutes: int | None = Field(None, ge=0, le=240)
    cancel_deadline_minutes: int | None = Field(None, ge=0, le=60 * 24 * 30)


class SceneIn(_RuleFieldsIn):
    """Rules left out take the kind's defaults; ``room_ids`` empty means all rooms."""

    kind: Kind
    name: str = Field(..., min_length=1, max_length=60)
    description: str = Field("", max_length=200)
    room_ids: list[Id] = []
    weekdays: list[int] = Field([1, 2, 3, 4, 5, 6, 7], description="1 = Monday ... 7 = Sunday")
    starts: LocalTime
    ends: LocalTime
    overnight: bool = False
    valid_from: Day | None = None
    valid_until: Day | None = None
    day_filter: DayFilterIn = "all"
    one_off_date: Day | None = None
    on_conflict: OnConflict = "ask"
    cancel_message: str = Field("", max_length=200)


class ScenePatch(_RuleFieldsIn):
    """Only the fields sent change; ``room_ids`` [] switches to all rooms."""

    kind: Kind | None = None
    name: str | None = Field(None, min_length=1, max_length=60)
    description: str | None = Field(None, max_length=200)
    room_ids: list[Id] | None = None
    weekdays: list[int] | None = None
    starts: LocalTime | None = None
    ends: LocalTime | None = None
    overnight: bool | None = None
    valid_from: Day | None = None
    valid_until: Day | None = None
    day_filter: DayFilterIn | None = None
    one_off_date: Day | None = None
    on_conflict: OnConflict = "ask"
    cancel_message: str = Field("", max_length=200)
