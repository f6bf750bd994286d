import datetime as dt
from typing import Literal

from ninja import Field, Schema

from linli.api_types import Day, Id, LocalTime


class CommunityOut(Schema):
    id: int
    name: str
    street: str
    district: str
    city: str


class PhotoOut(Schema):
    id: int
    caption: str
    width: int
    height: int
    urls: dict[str, str]


class RoomOut(Schema):
    id: int
    name: str
    description: str
    capacity: int
    amenities: list[str]
    is_bookable: bool
    photos: list[PhotoOut] = []


class StatusOut(Schema):
    is_open: bool
    changes_at: dt.datetime | None
    label: str


class VenueListItemOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    community: CommunityOut
    address: str
    latitude: float
    longitude: float
    distance_m: float | None = None
    status: StatusOut


class VenueOut(VenueListItemOut):
    description: str
    time_zone: str
    contact_phone: str
    accessibility: list[str]
    accessibility_labels: list[str]
    holiday_policy: str
    map_links: dict[str, str]
    rooms: list[RoomOut]
    photos: list[PhotoOut]


class IntervalOut(Schema):
    start: dt.datetime
    end: dt.datetime


class HoursDayOut(Schema):
    date: dt.date
    intervals: list[IntervalOut]
    kind: str
    label: str | None = None
    announced: bool = Field(
        True,
        description="False: the year's official holiday schedule is not announced yet; "
        "the day follows the holidays fixed by law and is provisional.",
    )


class HoursOut(Schema):
    venue_id: int
    room_id: int | None = None
    time_zone: str
    days: list[HoursDayOut]
    notes: list[str] = Field(
        [],
        description="One line per year in the range whose schedule is provisional, "
        "e.g. 2027年安排尚未公布，以下按法定节日暂定。",
    )


# --- operator input -----------------------------------------------------------------


class VenueIn(Schema):
    community_id: Id
    kind: str
    name: str = Field(..., min_length=1, max_length=80)
    address: str = Field(..., min_length=1, max_length=200)
    latitude: float
    longitude: float
    coordinate_system: str = "wgs84"
    time_zone: str = "Asia/Shanghai"
    description: str = ""
    accessibility: list[str] = []
    contact_phone: str = ""
    holiday_policy: str = "closed"


# PATCH: a field left out stays as it is; none of these can be cleared, so an explicit
# null is a field error ("此项不能为空。"), not "unchanged". The None defaults only mark the
# field optional: they are never validated, and exclude_unset drops them.


class VenuePatch(Schema):
    kind: str = None
    name: str = Field(None, min_length=1, max_length=80)
    address: str = Field(None, min_length=1, max_length=200)
    latitude: float = None
    longitude: float = None
    coordinate_system: str = "wgs84"
    time_zone: str = None
    description: str = None
    accessibility: list[str] = None
    contact_phone: str = None
    holiday_policy: str = None
    is_published: bool = None


class RoomIn(Schema):
    name: str = Field(..., min_length=1, max_length=80)
    capacity: int = Field(..., ge=1, le=10000)
    description: str = ""
    amenities: list[str] = []
    is_bookable: bool = True
    order: int = Field(0, ge=0, le=1000)


class RoomPatch(Schema):
    name: str = Field(None, min_length=1, max_length=80)
    capacity: int = Field(None, ge=1, le=10000)
    description: str = None
    amenities: list[str] = None
    is_bookable: bool = None
    order: int = Field(None, ge=0, le=1000)
    on_conflict: Literal["ask", "keep", "cancel"] = Field(
        "ask",
        description='Turning is_bookable off when bookings are to come: "ask" answers 409 '
        'room_affects_bookings listing them under "affected"; "keep" keeps them; "cancel" '
        "cancels them and tells residents cancel_message.",
    )
    cancel_message: str = Field("", max_length=200)


OnConflict = Literal["ask", "keep", "cancel"]
ON_CONFLICT_HELP = (
    "What to do with published events (and bookings) whose time the change closes: "
    '"ask" answers 409 hours_affect_bookings listing them under "affected"; "keep" keeps '
    'them as exceptions; "cancel" cancels them and tells residents cancel_message.'
)


class HoursRuleIn(Schema):
    day: int = Field(..., ge=0, le=7, description="0-6 Monday-Sunday; 7 = holiday special hours")
    opens: LocalTime | None = Field(None, description="Left out with closes when closed is true")
    closes: LocalTime | None = None
    overnight: bool = False
    closed: bool = Field(
        False,
        description="A room's day closed by its own rule (day 7: closed during every "
        "holiday break). A room day with no rule at all follows the venue; a venue's "
        "days without intervals are closed anyway.",
    )


class HoursIn(Schema):
    rules: list[HoursRuleIn]
    on_conflict: OnConflict = Field("ask", description=ON_CONFLICT_HELP)
    cancel_message: str = Field("", max_length=200)


class HoursRuleOut(HoursRuleIn):
    pass


class ExceptionIntervalIn(Schema):
    opens: LocalTime
    closes: LocalTime
    overnight: bool = False


class ExceptionIn(Schema):
    date: Day
    reason: str = Field(..., min_length=1, max_length=120)
    room_id: Id | None = None
    intervals: list[ExceptionIntervalIn] = Field(
        [], description="Empty = closed all day; otherwise the special hours."
    )
    on_conflict: OnConflict = Field("ask", description=ON_CONFLICT_HELP)
    cancel_message: str = Field("", max_length=200)


class ExceptionOut(Schema):
    date: dt.date
    room_id: int | None
    reason: str
    intervals: list[ExceptionIntervalIn]
