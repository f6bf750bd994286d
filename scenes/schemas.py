"""API schemas for scenes: separate input and output shapes.

Weekdays travel as ISO numbers (1 = Monday ... 7 = Sunday); the model's bitmask stays inside.
"""

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import create_model

from linli.api_types import Day, Id, LocalTime
from scenes.booking_rules import RULES, Rule

Kind = Literal["public", "commercial", "closed"]
DayFilterIn = Literal["all", "working", "non_working"]
OnConflict = Literal["ask", "keep", "cancel"]


def _rule_type(rule: Rule, *, effective: bool = False):
    if rule.choices is not None:
        return str
    # An optional rule is always filled in once it applies to a room (EffectiveRules).
    return rule.type | None if rule.optional and not effective else rule.type


def _rule_in(rule: Rule):
    kind = Literal[tuple(rule.choices.values)] if rule.choices is not None else rule.type
    return kind | None, Field(None, ge=rule.low, le=rule.high, description=rule.meaning)


# Output and input shapes of the booking rules, built from their declaration
# (scenes.booking_rules): the rules in force in a segment (effective, per room), the values
# stored on a scene, and the optional, bounded values a create or patch may send.
RulesOut = create_model(
    "RulesOut",
    __base__=Schema,
    __module__=__name__,
    bookable=(bool, ...),
    **{r.name: (_rule_type(r, effective=True), Field(..., description=r.meaning)) for r in RULES},
)
RuleValuesOut = create_model(
    "RuleValuesOut",
    __base__=Schema,
    __module__=__name__,
    **{r.name: (_rule_type(r), Field(..., description=r.meaning)) for r in RULES},
)
RuleFieldsIn = create_model(
    "RuleFieldsIn", __base__=Schema, __module__=__name__, **{r.name: _rule_in(r) for r in RULES}
)


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


class SceneIn(RuleFieldsIn):
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


class ScenePatch(RuleFieldsIn):
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
