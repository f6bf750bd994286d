"""A small world for tests that walk every API operation: two venues with one operator each,
rooms, hours, a scene, an event, a group with an approval, a photo, and three callers.

Used by the error contract tests (missing, foreign and malformed ids for every endpoint) and
by the schemathesis run (tests/test_api_schema.py, scripts/api_fuzz.py). Objects are made
through the ORM, not services, so the world does not change when a service's signature does.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from accounts.phone import mask_phone
from accounts.tokens import api_token_create
from bookings.models import Booking, BookingSeries
from scenes.models import Event, Group, GroupInvitation, GroupMembership, GroupVenueApproval
from scenes.services.group_invitations import invite_phone_hash
from spaces.models import Photo
from tests.factories import (
    ResidentFactory,
    RoomFactory,
    UserFactory,
    VenueFactory,
    VenueRoleFactory,
    make_booking,
    make_scene,
    weekly_hours,
)


@dataclass
class World:
    venue: object
    room: object
    scene: object
    event: object
    group: object
    approval: object
    photo: object
    invitation: object  # to the resident's own number
    series: object  # the group's weekly booking series, organised by the resident
    booking: object  # our resident's, at our venue
    # The same kinds of object at a venue our operator does not run.
    foreign: dict
    # Authorization headers per caller: anonymous, resident, operator.
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def ids(self) -> dict[str, list[int]]:
        """Existing ids by the parameter names the API uses for them."""
        return {
            "venue_id": [self.venue.pk, self.foreign["venue"].pk],
            "room_id": [self.room.pk, self.foreign["room"].pk],
            "room": [self.room.pk],
            "room_ids": [[self.room.pk]],
            "community": [self.venue.community_id],
            "community_id": [self.venue.community_id],
            "scene_id": [self.scene.pk, self.foreign["scene"].pk],
            "event_id": [self.event.pk, self.foreign["event"].pk],
            "group_id": [self.group.pk, self.foreign["group"].pk],
            "organiser_group_id": [self.group.pk],
            "approval_id": [self.approval.pk, self.foreign["approval"].pk],
            "photo_id": [self.photo.pk, self.foreign["photo"].pk],
            "invitation_id": [self.invitation.pk, self.foreign["invitation"].pk],
            "series_id": [self.series.public_id, self.foreign["series"].public_id],
            "booking_id": [self.booking.public_id, self.foreign["booking"].public_id],
            "venue": [self.venue.pk],
            "group": [self.group.pk],
        }


def _jpeg() -> str:
    """A real 8x8 JPEG in MEDIA_ROOT (point it at a temporary directory)."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (180, 40, 30)).save(buffer, "JPEG")
    return default_storage.save("photos/world.jpg", ContentFile(buffer.getvalue()))


def _venue_with_things(name: str, *, operator, group_leader=None) -> dict:
    venue = VenueFactory(name=name, is_published=True)
    room = RoomFactory(venue=venue, name=f"{name}议事厅", capacity=20)
    weekly_hours(venue)
    scene = make_scene(venue)
    starts = timezone.now().astimezone(dt.UTC).replace(microsecond=0) + dt.timedelta(days=7)
    event = Event.objects.create(
        venue=venue,
        room=room,
        title="品茶议事",
        capacity=10,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
    )
    photo = Photo.objects.create(venue=venue, caption="门口", image=_jpeg(), width=8, height=8)
    VenueRoleFactory(user=operator, venue=venue, role="operator")
    return {"venue": venue, "room": room, "scene": scene, "event": event, "photo": photo}


def _booking(venue, room, scene, resident) -> Booking:
    """A confirmed booking two days ahead, 10:00-11:00 local, as the service would store it."""
    day = timezone.localdate(timezone.now(), venue.zone) + dt.timedelta(days=2)
    starts = dt.datetime.combine(day, dt.time(10), tzinfo=venue.zone).astimezone(dt.UTC)
    return make_booking(
        room,
        starts,
        resident=resident,
        scene=scene,
        scene_kind=scene.kind,
        people=3,
        purpose="合唱排练",
        checkin_opens_at=starts - dt.timedelta(minutes=30),
        cancel_deadline=starts - dt.timedelta(hours=2),
    )


def _invitation(group, phone: str, *, invited_by) -> GroupInvitation:
    now = timezone.now()
    return GroupInvitation.objects.create(
        group=group,
        phone_hash=invite_phone_hash(phone),
        phone_masked=mask_phone(phone),
        invited_by=invited_by,
        created_at=now,
        expires_at=now + dt.timedelta(days=30),
    )


def _series(group, room, organiser) -> BookingSeries:
    first = timezone.localdate() + dt.timedelta(days=7)
    return BookingSeries.objects.create(
        venue=room.venue,
        room=room,
        group=group,
        organiser=organiser,
        weekdays=1 << first.weekday(),
        start_time=dt.time(10),
        end_time=dt.time(11),
        first_date=first,
        last_date=first,
        people=5,
        purpose="合唱排练",
    )


def build_world() -> World:
    # Unusable passwords: hashing one costs more than the rest of the world together.
    operator = UserFactory(username="world-operator", is_staff=True, password=None)
    stranger = UserFactory(username="world-other-operator", is_staff=True, password=None)
    resident = ResidentFactory(phone="13800000101", display_name="张阿姨")
    ours = _venue_with_things("五福茶馆", operator=operator)
    foreign = _venue_with_things("望江书屋", operator=stranger)
    group = Group.objects.create(name="五福合唱团", created_by=resident)
    GroupMembership.objects.create(group=group, user=resident, role="leader")
    approval = GroupVenueApproval.objects.create(group=group, venue=ours["venue"])
    # A group our resident does not lead, asking the venue our operator does not run.
    other = ResidentFactory(phone="13800000102", display_name="李叔")
    foreign["group"] = Group.objects.create(name="望江读书会", created_by=other)
    GroupMembership.objects.create(group=foreign["group"], user=other, role="leader")
    foreign["approval"] = GroupVenueApproval.objects.create(
        group=foreign["group"], venue=foreign["venue"]
    )
    # The other leader invites our resident; our resident invites a number that is not theirs.
    invitation = _invitation(foreign["group"], resident.phone, invited_by=other)
    foreign["invitation"] = _invitation(group, "13700000103", invited_by=resident)
    series = _series(group, ours["room"], resident)
    foreign["series"] = _series(foreign["group"], foreign["room"], other)
    booking = _booking(ours["venue"], ours["room"], ours["scene"], resident)
    foreign["booking"] = _booking(foreign["venue"], foreign["room"], foreign["scene"], other)
    world = World(
        group=group,
        approval=approval,
        invitation=invitation,
        series=series,
        booking=booking,
        foreign=foreign,
        **ours,
    )
    world.headers = {
        "anonymous": {},
        "resident": {"Authorization": f"Bearer {api_token_create(user=resident)[1]}"},
        "operator": {"Authorization": f"Bearer {api_token_create(user=operator)[1]}"},
    }
    return world
