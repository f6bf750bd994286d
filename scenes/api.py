"""Scenes API: public timelines and "now" for residents; scene writes for operators."""

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from linli.api_types import Day, Id
from linli.errors import NotFound
from scenes.booking_rules import RULE_FIELDS
from scenes.models import Scene, SceneKind
from scenes.resolution import Segment, room_timeline
from scenes.rules import weekdays_list, weekdays_mask
from scenes.schemas import SceneIn, SceneOut, ScenePatch, TimelineOut, VenueNowOut
from scenes.selectors import scenes as selectors
from scenes.services.scenes import scene_create, scene_delete, scene_update
from spaces import selectors as space_selectors
from spaces.permissions import venue_require_operator

router = Router(tags=["scenes"])

# Explicit nulls in a PATCH clear these; for the other fields null means "leave as is".
NULLABLE = {"valid_until", "one_off_date", "max_people_per_booking"}


def scene_ref(scene: Scene | None) -> dict | None:
    if scene is None:
        return None
    return {
        "id": scene.pk,
        "name": scene.name,
        "kind": scene.kind,
        "kind_label": str(SceneKind(scene.kind).label),
        "description": scene.description,
    }


def segment_payload(segment: Segment | None) -> dict | None:
    if segment is None:
        return None
    return {
        "start": segment.start,
        "end": segment.end,
        "state": segment.state,
        "reason": segment.reason,
        "scene": scene_ref(segment.scene),
        "rules": segment.rules.as_dict() if segment.rules is not None else None,
    }


def scene_payload(scene: Scene, *, warnings: bool = False) -> dict:
    return {
        "id": scene.pk,
        "venue_id": scene.venue_id,
        "kind": scene.kind,
        "kind_label": str(SceneKind(scene.kind).label),
        "name": scene.name,
        "description": scene.description,
        "all_rooms": scene.all_rooms,
        "room_ids": [] if scene.all_rooms else sorted(r.pk for r in scene.rooms.all()),
        "weekdays": weekdays_list(scene.weekdays),
        "starts": scene.starts,
        "ends": scene.ends,
        "overnight": scene.overnight,
        "valid_from": scene.valid_from,
        "valid_until": scene.valid_until,
        "day_filter": scene.day_filter,
        "one_off_date": scene.one_off_date,
        "rules": {name: getattr(scene, name) for name in RULE_FIELDS},
        "warnings": [n.message for n in selectors.scene_warnings(scene=scene)] if warnings else [],
    }


@router.get("/rooms/{room_id}/timeline", response=TimelineOut, auth=None, by_alias=True)
def get_room_timeline(
    request: HttpRequest,
    room_id: Id,
    start: Day | None = Query(None, alias="from"),
    end: Day | None = Query(None, alias="to"),
):
    """Contiguous segments covering the local dates [from, to) (at most 62 days; default:
    the 7 days from today): closed, open without a scene, or a scene with its rules."""
    room = space_selectors.room_get(room_id=room_id)
    if not room.venue.is_published:
        raise NotFound(_("找不到该功能室。"), code="room_not_found")
    start = start or space_selectors.local_today(room.venue)
    end = end or start + dt.timedelta(days=7)
    selectors.check_timeline_range(start, end)
    segments = room_timeline(room=room, start=start, end=end)
    return {
        "room_id": room.pk,
        "venue_id": room.venue_id,
        "time_zone": room.venue.time_zone,
        "from": start,
        "to": end,
        "segments": [segment_payload(s) for s in segments],
    }


@router.get("/venues/{venue_id}/now", response=VenueNowOut, auth=None)
def get_venue_now(request: HttpRequest, venue_id: Id):
    """Per room: open or not, the current segment and the next one."""
    venue = space_selectors.venue_get(venue_id=venue_id)
    at = timezone.now()
    summary = selectors.venue_now_summary(venue=venue, at=at)
    local = at.astimezone(venue.zone)
    rooms = [
        {
            "room_id": item.room.pk,
            "room_name": item.room.name,
            "is_open": item.is_open,
            "text": selectors.room_now_text(item, local),
            "current": segment_payload(item.current),
            "next": segment_payload(item.next),
        }
        for item in summary.items
    ]
    return {
        "venue_id": venue.pk,
        "at": local,
        "time_zone": venue.time_zone,
        "is_open": any(r["is_open"] for r in rooms),
        "text": summary.line.text if summary.line else None,
        "rooms": rooms,
    }


# --- operators ---------------------------------------------------------------------


@router.get("/venues/{venue_id}/scenes", response=list[SceneOut])
def list_scenes(request: HttpRequest, venue_id: Id):
    venue = space_selectors.venue_get(venue_id=venue_id, published_only=False)
    venue_require_operator(user=request.user, venue=venue)
    return [scene_payload(s) for s in selectors.scene_list(venue=venue)]


def _fields(data: dict) -> dict:
    if "weekdays" in data:
        data["weekdays"] = weekdays_mask(data["weekdays"])
    return data


@router.post("/venues/{venue_id}/scenes", response={201: SceneOut})
def create_scene(request: HttpRequest, venue_id: Id, payload: SceneIn):
    """Create a scene. 422 with field errors for contradicting rules, 409 scene_overlap
    naming both scenes, 409 scene_affects_bookings (see on_conflict).

    The scene_affects_bookings body lists under ``affected`` each future booking
    (kind "booking") and published event (kind "event") the change would put in closed
    time or outside the rules: kind, id, room_id, starts_at, ends_at, label, reason,
    resident_id (None for events). Send it again with on_conflict "keep" (they stay, as
    exceptions) or "cancel" (cancelled; cancel_message is what residents read, and an
    event's cancel reason). Update and delete answer the same way."""
    venue = space_selectors.venue_get(venue_id=venue_id, published_only=False)
    venue_require_operator(user=request.user, venue=venue)
    data = payload.dict()
    on_conflict, message = data.pop("on_conflict"), data.pop("cancel_message")
    rooms = data.pop("room_ids")
    data["valid_from"] = data["valid_from"] or space_selectors.local_today(venue)
    data["all_rooms"] = not rooms
    scene = scene_create(
        user=request.user,
        venue=venue,
        rooms=rooms,
        on_conflict=on_conflict,
        message=message,
        **_fields(data),
    )
    return Status(201, scene_payload(selectors.scene_get(scene_id=scene.pk), warnings=True))


@router.patch("/scenes/{scene_id}", response=SceneOut)
def update_scene(request: HttpRequest, scene_id: Id, payload: ScenePatch):
    scene = selectors.scene_get(scene_id=scene_id)
    venue_require_operator(user=request.user, venue=scene.venue)
    data = payload.dict(exclude_unset=True)
    on_conflict = data.pop("on_conflict", "ask")
    message = data.pop("cancel_message", "")
    data = {k: v for k, v in data.items() if v is not None or k in NULLABLE}
    rooms = data.pop("room_ids", None)
    if rooms is not None and "all_rooms" not in data:
        data["all_rooms"] = not rooms
    scene_update(
        user=request.user,
        scene=scene,
        rooms=rooms,
        on_conflict=on_conflict,
        message=message,
        **_fields(data),
    )
    return scene_payload(selectors.scene_get(scene_id=scene.pk), warnings=True)


@router.delete("/scenes/{scene_id}", response={204: None})
def delete_scene(
    request: HttpRequest,
    scene_id: Id,
    on_conflict: str = "ask",
    cancel_message: str = "",
):
    scene = selectors.scene_get(scene_id=scene_id)
    venue_require_operator(user=request.user, venue=scene.venue)
    scene_delete(user=request.user, scene=scene, on_conflict=on_conflict, message=cancel_message)
    return Status(204, None)
