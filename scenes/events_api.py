"""Events API. Public reads; residents register; operators publish and cancel.

Input schemas carry only what a client may choose: status, owner, organiser approval and
seat counts are always the server's.
"""

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from accounts.auth import resident_auth
from linli.api_types import Id, Instant
from linli.errors import NotFound
from scenes.models import Event, EventRegistration, Group
from scenes.selectors import events as event_selectors
from scenes.services import events as event_services
from scenes.services import registrations as registration_services
from spaces.selectors import room_get, venue_get

router = Router(tags=["groups and events"])


# --- schemas ------------------------------------------------------------------------------


class OrganiserOut(Schema):
    kind: str = Field(description='"group" or "venue"')
    name: str
    group_id: int | None


class EventOut(Schema):
    id: int
    venue_id: int
    venue_name: str
    room_id: int
    room_name: str
    scene_id: int | None
    series_id: int | None
    title: str
    description: str
    organiser: OrganiserOut
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    registered: int
    waitlisted: int
    seats_left: int
    status: str
    registration_open: bool
    cancel_reason: str


class EventIn(Schema):
    room_id: Id
    title: str = Field(..., max_length=80)
    description: str = Field("", max_length=2000)
    organiser_group_id: Id | None = Field(None, description="an approved group; none: venue")
    capacity: int = Field(..., ge=1, le=10000)
    starts_at: Instant
    ends_at: Instant
    weeks: int = Field(1, ge=1, le=52, description="publish weekly for this many weeks")


class PublishedOut(Schema):
    series_id: int | None
    events: list[EventOut]


class EventCancelIn(Schema):
    reason: str = Field("", max_length=200)
    whole_series: bool = Field(False, description="also cancel the later events of its series")


class NoticeOut(Schema):
    phone_masked: str
    message: str


class EventCancelOut(Schema):
    cancelled_event_ids: list[int]
    notified: int
    notices: list[NoticeOut]


class RegistrationOut(Schema):
    id: int
    event_id: int
    status: str = Field(description='"registered", "waitlisted" or "cancelled"')
    waitlist_position: int | None = Field(description="1 = next to get a seat")
    created_at: dt.datetime
    promoted_at: dt.datetime | None
    cancelled_at: dt.datetime | None


# --- presenters ---------------------------------------------------------------------------


def event_payload(event: Event) -> dict:
    return {
        "id": event.pk,
        "venue_id": event.venue_id,
        "venue_name": event.venue.name,
        "room_id": event.room_id,
        "room_name": event.room.name,
        "scene_id": event.scene_id,
        "series_id": event.series_id,
        "title": event.title,
        "description": event.description,
        "organiser": {
            "kind": "group" if event.organiser_group_id else "venue",
            "name": event.organiser_name,
            "group_id": event.organiser_group_id,
        },
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "capacity": event.capacity,
        "registered": event.registered,
        "waitlisted": event.waitlisted,
        "seats_left": event.seats_left,
        "status": event.status,
        "registration_open": event.registration_open,
        "cancel_reason": event.cancel_reason,
    }


def registration_payload(registration: EventRegistration) -> dict:
    return {
        "id": registration.pk,
        "event_id": registration.event_id,
        "status": registration.status,
        "waitlist_position": registration_services.waitlist_position(registration),
        "created_at": registration.created_at,
        "promoted_at": registration.promoted_at,
        "cancelled_at": registration.cancelled_at,
    }


def _event(event_id: Id) -> Event:
    return event_selectors.event_get(event_id=event_id)


def _group(group_id: int | None) -> Group | None:
    if group_id is None:
        return None
    group = Group.objects.filter(pk=group_id).first()
    if group is None:
        raise NotFound(_("找不到该自组织。"), code="group_not_found", field="organiser_group_id")
    return group


# --- events -------------------------------------------------------------------------------


@router.get("/venues/{venue_id}/events", response=list[EventOut], auth=None)
def list_venue_events(request: HttpRequest, venue_id: Id, limit: int = 50):
    """Upcoming published events at a venue (those that have not ended), soonest first;
    at most `limit` (1-200)."""
    venue = venue_get(venue_id=venue_id)
    limit = min(max(limit, 1), 200)
    return [event_payload(e) for e in event_selectors.events_upcoming(venue=venue, limit=limit)]


@router.get("/events/{event_id}", response=EventOut, auth=None)
def get_event(request: HttpRequest, event_id: Id):
    return event_payload(_event(event_id))


@router.post("/venues/{venue_id}/events", response={201: PublishedOut})
def publish_events(request: HttpRequest, venue_id: Id, payload: EventIn):
    """Operators: publish an event, or the same event weekly for `weeks` weeks (all or none)."""
    venue = venue_get(venue_id=venue_id, published_only=False)
    room = room_get(room_id=payload.room_id)
    group = _group(payload.organiser_group_id)
    events = event_services.event_publish(
        user=request.user,
        venue=venue,
        room=room,
        title=payload.title,
        description=payload.description,
        organiser_group=group,
        capacity=payload.capacity,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        weeks=payload.weeks,
    )
    fresh = event_selectors.with_counts(Event.objects.filter(pk__in=[e.pk for e in events]))
    return Status(
        201,
        {
            "series_id": events[0].series_id,
            "events": [event_payload(e) for e in fresh.order_by("starts_at")],
        },
    )


@router.post("/events/{event_id}/cancel", response=EventCancelOut)
def cancel_event(request: HttpRequest, event_id: Id, payload: EventCancelIn):
    """Operators: call an event off; everyone registered or waiting is told (notices)."""
    event = Event.objects.select_related("venue").filter(pk=event_id).first()
    if event is None:
        raise NotFound(_("找不到该活动。"), code="event_not_found")
    result = event_services.event_cancel(
        user=request.user, event=event, reason=payload.reason, whole_series=payload.whole_series
    )
    return {
        "cancelled_event_ids": [e.pk for e in result.events],
        "notified": len({n.resident_id for n in result.notices}),
        "notices": [{"phone_masked": n.phone_masked, "message": n.message} for n in result.notices],
    }


@router.post(
    "/events/{event_id}/registrations", response={201: RegistrationOut}, auth=resident_auth
)
def register(request: HttpRequest, event_id: Id):
    """Take a seat; when the event is full the resident joins the waitlist (status
    "waitlisted" with a position) and is promoted automatically when a seat frees up."""
    registration = registration_services.event_register(user=request.user, event=_event(event_id))
    return Status(201, registration_payload(registration))


@router.delete("/events/{event_id}/registrations/me", response=RegistrationOut, auth=resident_auth)
def unregister(request: HttpRequest, event_id: Id):
    result = registration_services.event_unregister(user=request.user, event=_event(event_id))
    return registration_payload(result.registration)


@router.get("/events/registrations/mine", response=list[RegistrationOut], auth=resident_auth)
def my_registrations(request: HttpRequest):
    """The caller's registrations (and waitlist places) for events that have not ended."""
    return [
        registration_payload(r)
        for r in event_selectors.registrations_for_resident(user=request.user)
    ]


# Groups, invitations and venue approvals live in scenes.groups_api, under the same prefix.
from scenes.groups_api import router as groups_router  # noqa: E402

router.add_router("", groups_router)
