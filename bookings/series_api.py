"""Series API: a group leader previews and books a weekly series; the organiser, the
group's leaders and the venue's operators read it; the organiser or an operator cancels
what remains. Single dates are cancelled as ordinary bookings.

Errors (besides the shared ones): 403 ``not_group_leader``; 422 ``group_not_approved``,
``weeks_or_until``, ``series_too_long`` (more than 26 weeks), ``invalid_range``,
``end_before_start``, ``nothing_bookable`` (create only), ``nothing_to_cancel``;
404 ``series_not_found``, ``group_not_found``, ``room_not_found``. A date that cannot
be booked is not an error: it is listed with ``code`` and ``message`` (``holiday_break``,
``closed``, ``too_far_ahead``, ``overlap``, ``past``, ``notice``, ``off_grid``, ...).
"""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from accounts.auth import resident_auth
from bookings.models import BookingSeries
from bookings.selectors.series import series_bookings, series_get
from bookings.services.series import (
    MAX_WEEKS,
    SeriesPlan,
    series_cancel,
    series_create,
    series_preview,
    weekdays_of,
)
from bookings.states import effective_status
from linli.api_types import Day, Id, LocalTime
from scenes.selectors.groups import group_get
from spaces.selectors import room_get

router = Router(tags=["booking series"])


class SeriesIn(Schema):
    group: Id
    room: Id
    weekdays: list[int] = Field(..., description="0 = Monday ... 6 = Sunday", max_length=7)
    start_time: LocalTime
    end_time: LocalTime
    first_date: Day
    weeks: int | None = Field(None, description=f"1-{MAX_WEEKS}; or give `until`")
    until: Day | None = Field(None, description="last date (inclusive); or give `weeks`")
    people: int = Field(..., ge=1, le=10_000)
    purpose: str = Field(..., max_length=500)


class SeriesDateOut(Schema):
    date: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime
    bookable: bool
    code: str = Field(description="why the date cannot be booked; empty when it can")
    message: str
    price_fen: int
    requires_approval: bool


class SeriesPlanOut(Schema):
    group: int
    room: int
    weekdays: list[int]
    start_time: str
    end_time: str
    first_date: dt.date
    last_date: dt.date
    people: int
    purpose: str
    dates: list[SeriesDateOut]
    provisional: list[str] = Field(description="notes for years whose holidays are provisional")


class SeriesBookingOut(Schema):
    id: str = Field(description="the booking's public id")
    date: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str


class SkippedOut(Schema):
    date: dt.date
    code: str
    message: str


class SeriesOut(Schema):
    id: str
    group: int
    group_name: str
    venue: int
    room: int
    room_name: str
    weekdays: list[int]
    start_time: str
    end_time: str
    first_date: dt.date
    last_date: dt.date
    people: int
    purpose: str
    bookings: list[SeriesBookingOut]
    skipped: list[SkippedOut]


class SeriesCancelIn(Schema):
    reason: str = Field("", max_length=200, description="required of an operator")


class SeriesCancelOut(Schema):
    cancelled: list[str] = Field(description="public ids of the bookings cancelled")


def _inputs(request: HttpRequest, payload: SeriesIn) -> dict:
    return {
        "user": request.user,
        "group": group_get(group_id=payload.group),
        "room": room_get(room_id=payload.room),
        "weekdays": payload.weekdays,
        "start_time": payload.start_time,
        "end_time": payload.end_time,
        "first_date": payload.first_date,
        "weeks": payload.weeks,
        "until": payload.until,
        "people": payload.people,
        "purpose": payload.purpose,
    }


def plan_payload(plan: SeriesPlan) -> dict:
    return {
        "group": plan.group.pk,
        "room": plan.room.pk,
        "weekdays": plan.weekdays,
        "start_time": f"{plan.start_time:%H:%M}",
        "end_time": f"{plan.end_time:%H:%M}",
        "first_date": plan.first_date,
        "last_date": plan.last_date,
        "people": plan.people,
        "purpose": plan.purpose,
        "dates": [
            {
                "date": d.date,
                "starts_at": d.starts_at,
                "ends_at": d.ends_at,
                "bookable": d.bookable,
                "code": d.code,
                "message": d.message,
                "price_fen": d.price_fen,
                "requires_approval": d.requires_approval,
            }
            for d in plan.dates
        ],
        "provisional": plan.provisional,
    }


def series_payload(series: BookingSeries) -> dict:
    from django.utils import timezone

    now = timezone.now()
    zone = series.venue.zone
    return {
        "id": series.public_id,
        "group": series.group_id,
        "group_name": series.group.name,
        "venue": series.venue_id,
        "room": series.room_id,
        "room_name": series.room.name,
        "weekdays": weekdays_of(series.weekdays),
        "start_time": f"{series.start_time:%H:%M}",
        "end_time": f"{series.end_time:%H:%M}",
        "first_date": series.first_date,
        "last_date": series.last_date,
        "people": series.people,
        "purpose": series.purpose,
        "bookings": [
            {
                "id": b.public_id,
                "date": b.local_date,
                "starts_at": b.starts_at.astimezone(zone),
                "ends_at": b.ends_at.astimezone(zone),
                "status": effective_status(b, now),
            }
            for b in series_bookings(series)
        ],
        "skipped": series.skipped,
    }


@router.post("/series/preview", response=SeriesPlanOut, auth=resident_auth)
def preview(request: HttpRequest, payload: SeriesIn):
    """Every date of the series: bookable, or skipped with a code and a message
    (`holiday_break`, `closed`, `too_far_ahead`, `overlap`, `past`, `notice`, `off_grid`,
    `too_long`, `too_many_people`, ...). Writes nothing. Errors: 403 `not_group_leader`;
    422 `group_not_approved`, `room_not_bookable`, `weeks_or_until`, `series_too_long`
    (more than 26 weeks), `invalid_range`, `end_before_start`, `required`, `too_long`;
    404 `group_not_found`, `room_not_found`."""
    return plan_payload(series_preview(**_inputs(request, payload)))


@router.post("/series", response={201: SeriesOut}, auth=resident_auth)
def create(request: HttpRequest, payload: SeriesIn):
    """Book every bookable date (checked again now, under the venue lock); the dates that
    could not be booked are listed in `skipped` with their reasons. Errors as for the
    preview, and 422 `nothing_bookable` when no date can be booked (nothing is written)."""
    series = series_create(**_inputs(request, payload))
    return Status(201, series_payload(series))


@router.get("/series/{series_id}", response=SeriesOut)
def get_series(request: HttpRequest, series_id: str):
    """The organiser, the group's leaders and the venue's operators; anyone else gets 404
    `series_not_found`, as for an id that does not exist."""
    return series_payload(series_get(user=request.user, public_id=series_id))


@router.post("/series/{series_id}/cancel", response=SeriesCancelOut)
def cancel_series(request: HttpRequest, series_id: str, payload: SeriesCancelIn):
    """Cancel every booking of the series that has not started (the organiser before each
    one's deadline; an operator with a reason). One date is cancelled as any booking is.
    Errors: 404 `series_not_found`; 403 `forbidden` (a leader who is not the organiser);
    422 `nothing_to_cancel`, `required` (an operator's reason)."""
    series = series_get(user=request.user, public_id=series_id)
    cancelled = series_cancel(user=request.user, series=series, reason=payload.reason)
    return {"cancelled": [b.public_id for b in cancelled]}
