"""Spaces API: public reads for residents, operator writes with object-level permissions."""

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status, UploadedFile

from linli.api_types import Day, Id
from linli.errors import NotFound
from spaces import presenters, selectors, services
from spaces.calendar import provisional_note
from spaces.models import Community, Photo, Room
from spaces.schemas import (
    ExceptionIn,
    ExceptionOut,
    HoursIn,
    HoursOut,
    HoursRuleOut,
    OnConflict,
    PhotoOut,
    RoomIn,
    RoomOut,
    RoomPatch,
    VenueIn,
    VenueListItemOut,
    VenueOut,
    VenuePatch,
)

router = Router(tags=["spaces"])


def _room_of(venue, room_id: int | None, *, field: str) -> Room | None:
    """The room ``room_id`` of ``venue`` (None for None); a room elsewhere is not found."""
    if room_id is None:
        return None
    room = Room.objects.filter(pk=room_id, venue=venue).first()
    if room is None:
        raise NotFound(_("找不到该功能室。"), code="room_not_found", field=field)
    return room


def _status(venue):
    from spaces.hours import open_status

    return open_status(venue=venue, at=timezone.now())


@router.get("/venues", response=list[VenueListItemOut], auth=None)
def list_venues(
    request: HttpRequest,
    near: str | None = Query(None, description="lat,lon in WGS-84, e.g. 30.705,104.092"),
    kind: str | None = None,
    open_now: bool | None = None,
    community: Id | None = None,
):
    """Published venues; nearest first with `distance_m` when `near` is given."""
    from spaces.geo import parse_near

    point = parse_near(near) if near else None
    items = selectors.venue_list(near=point, kind=kind, open_now=open_now, community_id=community)
    return [
        presenters.venue_summary(i.venue, status=i.status, distance_m=i.distance_m) for i in items
    ]


@router.get("/venues/{venue_id}", response=VenueOut, auth=None)
def get_venue(request: HttpRequest, venue_id: Id):
    venue = selectors.venue_get(venue_id=venue_id)
    return presenters.venue_detail(venue, status=_status(venue))


@router.get("/venues/{venue_id}/hours", response=HoursOut, auth=None)
def get_venue_hours(
    request: HttpRequest,
    venue_id: Id,
    start: Day = Query(..., alias="from"),
    end: Day = Query(..., alias="to"),
    room: Id | None = None,
):
    """Open intervals per local day in [from, to), with the day's holiday or exception label."""
    venue = selectors.venue_get(venue_id=venue_id)
    room_obj = _room_of(venue, room, field="room")
    days = selectors.venue_hours(venue=venue, start=start, end=end, room=room_obj)
    return {
        "venue_id": venue.pk,
        "room_id": room,
        "time_zone": venue.time_zone,
        "days": [presenters.day_payload(d) for d in days],
        "notes": [
            provisional_note(year)
            for year in sorted({d.date.year for d in days if not d.announced})
        ],
    }


# --- operators ---------------------------------------------------------------------


@router.post("/venues", response={201: VenueOut})
def create_venue(request: HttpRequest, payload: VenueIn):
    data = payload.dict()
    community = Community.objects.filter(pk=data.pop("community_id")).first()
    if community is None:
        raise NotFound(_("找不到该社区。"), code="community_not_found", field="community_id")
    venue = services.venue_create(user=request.user, community=community, **data)
    venue = selectors.venue_get(venue_id=venue.pk, published_only=False)
    return Status(201, presenters.venue_detail(venue, status=_status(venue)))


@router.patch("/venues/{venue_id}", response=VenueOut)
def update_venue(request: HttpRequest, venue_id: Id, payload: VenuePatch):
    venue = selectors.venue_get(venue_id=venue_id, published_only=False)
    changes = payload.dict(exclude_unset=True)
    system = changes.pop("coordinate_system", "wgs84")
    services.venue_update(user=request.user, venue=venue, coordinate_system=system, **changes)
    venue = selectors.venue_get(venue_id=venue_id, published_only=False)
    return presenters.venue_detail(venue, status=_status(venue))


@router.post("/venues/{venue_id}/rooms", response={201: RoomOut})
def create_room(request: HttpRequest, venue_id: Id, payload: RoomIn):
    venue = selectors.venue_get(venue_id=venue_id, published_only=False)
    room = services.room_create(user=request.user, venue=venue, **payload.dict())
    return Status(201, presenters.room_payload(room))


@router.patch("/rooms/{room_id}", response=RoomOut)
def update_room(request: HttpRequest, room_id: Id, payload: RoomPatch):
    room = selectors.room_get(room_id=room_id)
    changes = payload.dict(exclude_unset=True)
    on_conflict = changes.pop("on_conflict", "ask")
    message = changes.pop("cancel_message", "")
    room = services.room_update(
        user=request.user, room=room, on_conflict=on_conflict, message=message, **changes
    )
    return presenters.room_payload(room)


@router.delete("/rooms/{room_id}", response={204: None})
def delete_room(
    request: HttpRequest,
    room_id: Id,
    on_conflict: OnConflict = "ask",
    cancel_message: str = "",
):
    """Delete a room. 409 room_affects_bookings lists published events still to come in
    it (under ``affected``); send again with on_conflict "cancel" to cancel them first."""
    room = selectors.room_get(room_id=room_id)
    services.room_delete(
        user=request.user, room=room, on_conflict=on_conflict, message=cancel_message
    )
    return Status(204, None)


def _rules(payload: HoursIn) -> list[services.HoursRule]:
    return [services.HoursRule(**r.dict()) for r in payload.rules]


def _rule_out(row) -> dict:
    return {
        "day": row.day,
        "opens": row.opens,
        "closes": row.closes,
        "overnight": row.overnight,
        "closed": row.opens is None,
    }


@router.put("/venues/{venue_id}/hours", response=list[HoursRuleOut])
def set_venue_hours(request: HttpRequest, venue_id: Id, payload: HoursIn):
    """Replace the venue's weekly rules (day 7 = special hours during holiday breaks).

    409 hours_affect_bookings when the new hours close time a published event needs
    (listed under ``affected``); send it again with on_conflict "keep" or "cancel"."""
    venue = selectors.venue_get(venue_id=venue_id, published_only=False)
    rows = services.hours_set(
        user=request.user,
        venue=venue,
        rules=_rules(payload),
        on_conflict=payload.on_conflict,
        message=payload.cancel_message,
    )
    return [_rule_out(r) for r in rows]


@router.put("/rooms/{room_id}/hours", response=list[HoursRuleOut])
def set_room_hours(request: HttpRequest, room_id: Id, payload: HoursIn):
    """Replace a room's own weekly rules: a day with intervals narrows the venue's, a day
    with ``closed`` is closed, a day left out follows the venue (an empty list: every day)."""
    room = selectors.room_get(room_id=room_id)
    rows = services.hours_set(
        user=request.user,
        venue=room.venue,
        room=room,
        rules=_rules(payload),
        on_conflict=payload.on_conflict,
        message=payload.cancel_message,
    )
    return [_rule_out(r) for r in rows]


@router.put("/venues/{venue_id}/exceptions", response=ExceptionOut)
def set_exception(request: HttpRequest, venue_id: Id, payload: ExceptionIn):
    venue = selectors.venue_get(venue_id=venue_id, published_only=False)
    room = _room_of(venue, payload.room_id, field="room_id")
    rows = services.exception_set(
        user=request.user,
        venue=venue,
        room=room,
        date=payload.date,
        reason=payload.reason,
        intervals=[(i.opens, i.closes, i.overnight) for i in payload.intervals],
        on_conflict=payload.on_conflict,
        message=payload.cancel_message,
    )
    return {
        "date": payload.date,
        "room_id": payload.room_id,
        "reason": rows[0].reason,
        "intervals": [
            {"opens": r.opens, "closes": r.closes, "overnight": r.overnight}
            for r in rows
            if r.opens is not None
        ],
    }


@router.delete("/venues/{venue_id}/exceptions/{date}", response={204: None})
def delete_exception(
    request: HttpRequest,
    venue_id: Id,
    date: Day,
    room: Id | None = None,
    on_conflict: OnConflict = "ask",
    cancel_message: str = "",
):
    venue = selectors.venue_get(venue_id=venue_id, published_only=False)
    room_obj = _room_of(venue, room, field="room")
    services.exception_delete(
        user=request.user,
        venue=venue,
        date=date,
        room=room_obj,
        on_conflict=on_conflict,
        message=cancel_message,
    )
    return Status(204, None)


@router.post("/venues/{venue_id}/photos", response={201: PhotoOut})
def upload_photo(
    request: HttpRequest,
    venue_id: Id,
    image: File[UploadedFile],
    caption: Form[str] = "",
    room_id: Form[Id | None] = None,
):
    from spaces.photos import photo_create

    venue = selectors.venue_get(venue_id=venue_id, published_only=False)
    room = _room_of(venue, room_id, field="room_id")
    photo = photo_create(user=request.user, venue=venue, room=room, upload=image, caption=caption)
    return Status(201, presenters.photo_payload(photo))


@router.delete("/photos/{photo_id}", response={204: None})
def delete_photo(request: HttpRequest, photo_id: Id):
    from spaces.photos import photo_delete

    photo = Photo.objects.select_related("venue").filter(pk=photo_id).first()
    if photo is None:
        raise NotFound(_("找不到该照片。"), code="photo_not_found")
    photo_delete(user=request.user, photo=photo)
    return Status(204, None)
